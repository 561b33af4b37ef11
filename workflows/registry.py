"""The installed procedures: every package ``workflows/<code>/`` whose ``__init__`` exposes ``PROCEDURE``.

Discovery is by package, so installing a procedure is adding its package (and its BPMN in ``bpmn/``);
the web app and the CLI ask this module, never a procedure by name.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

import workflows
from engine.process import LevelSplit
from engine.process import ProcessRegistry
from workflows.agencies import AGENCY_TYPES
from workflows.agencies import AgencyType
from workflows.procedure import Procedure


@lru_cache(maxsize=1)
def procedures() -> tuple[Procedure, ...]:
    """Every installed procedure, in menu order."""
    found = []
    for info in pkgutil.iter_modules(workflows.__path__):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"workflows.{info.name}")
        proc = getattr(module, "PROCEDURE", None)
        if isinstance(proc, Procedure):
            if proc.code != info.name:
                raise RuntimeError(f"workflows/{info.name}: PROCEDURE.code is {proc.code!r}, not the package name")
            found.append(proc)
    return tuple(sorted(found, key=lambda p: (p.order, p.code)))


def get(code: str) -> Procedure | None:
    return next((p for p in procedures() if p.code == code), None)


def for_process(process_id: str | None) -> Procedure | None:
    """The procedure a process (main or called) belongs to; None for an ad-hoc process of policy staff."""
    if not process_id:
        return None
    for proc in procedures():
        if process_id == proc.config.process_id:
            return proc
    return next((p for p in procedures() if process_id in p.process_ids), None)


def intake_procedures(role: str | None = None) -> list[Procedure]:
    """Procedures a case can be opened in from a report (by ``role``, when given)."""
    return [p for p in procedures() if p.intake is not None and (role is None or role in p.intake.roles)]


def default_intake() -> Procedure | None:
    """The first procedure with an intake: what an API report without ``procedure`` opens."""
    found = intake_procedures()
    return found[0] if found else None


def agency_types() -> dict[str, AgencyType]:
    """The shared directory of agency types, with those the installed procedures add."""
    out = dict(AGENCY_TYPES)
    for proc in procedures():
        for a in proc.agency_types:
            out.setdefault(a.code, a)
    return out


# the levels of local government a province may give a task to (``LevelSplit.levels``; since 01/07/2025 two:
# Luật Tổ chức chính quyền địa phương 2025 Điều 2)
LEVEL_TITLES = {
    "commune": ("Cấp xã (UBND xã)", "Commune (commune People's Committee)"),
    "province": ("Cấp tỉnh (cơ quan chuyên môn của UBND tỉnh)", "Province (the provincial department)"),
}


def level_splits() -> list[LevelSplit]:
    """The tasks the installed procedures let each province give to the commune or the province, by key."""
    seen: dict[str, LevelSplit] = {}
    for proc in procedures():
        for rule in proc.config.level_splits:
            seen.setdefault(rule.key, rule)
    return list(seen.values())


def build_registry() -> ProcessRegistry:
    """The engine's view of every installed procedure (what the composition root hands to ``Engine``)."""
    types = agency_types()
    names = {n: a.code for a in types.values() for n in (a.name_vi, a.name_en)}
    return ProcessRegistry([p.config for p in procedures()], agency_types={c: a.name_vi for c, a in types.items()},
                           agency_names=names, default_agency="commune_officer")


def run_sweep_hooks(engine) -> int:
    """Every procedure's ``on_sweep`` (idempotent); returns how many cases they started."""
    return sum(proc.on_sweep(engine) for proc in procedures() if proc.on_sweep is not None)


def set_up_province(engine, province: str) -> None:
    """Every procedure's ``on_province`` for a new province (e.g. its default report schedule)."""
    for proc in procedures():
        if proc.on_province is not None:
            proc.on_province(engine, province)
