"""A province's organisation, kept by its administrator: communes with their official administrative-unit
codes, agencies of each type per commune and per province, create/rename/deactivate, and the CSV import of
the official list of administrative units with merges (the old codes a new commune replaces), idempotent,
previewed before it is applied. The open cases and tasks of a merged commune follow it to the new commune.
Every write is one transaction with its audit event (who and why). No Flask here.

The agency types come from the caller (``workflows.registry.agency_types()``): the engine names none.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from engine import audit
from engine.errors import Conflict
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from engine.models import Agency
from engine.models import Case
from engine.models import Commune
from engine.models import OpenTask
from engine.models import Province

CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise InvalidTaskData({"reason": ["Ghi rõ lý do (ít nhất 5 ký tự) / give the reason (5+ characters)"]})
    return reason[:500]


def _name(name: str, what: str = "name") -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise InvalidTaskData({what: ["1–200 ký tự / 1 to 200 characters"]})
    return name


def communes(engine, province: str) -> list[dict]:
    """The province's communes (active first): code, name, active, merged_into, open cases."""
    with engine.db.read() as s:
        open_cases = dict(s.execute(select(Case.commune_code, func.count()).where(
            Case.province_code == province, Case.status == "open").group_by(Case.commune_code)).all())
        rows = s.execute(select(Commune).where(Commune.province_code == province)
                         .order_by(Commune.active.desc(), Commune.code)).scalars()
        return [{"code": c.code, "name": c.name, "active": c.active, "merged_into": c.merged_into,
                 "open_cases": open_cases.get(c.code, 0)} for c in rows]


def agencies(engine, province: str) -> list[dict]:
    with engine.db.read() as s:
        rows = s.execute(select(Agency).where(Agency.province_code == province)
                         .order_by(Agency.commune_code.is_not(None), Agency.commune_code, Agency.agency_type))
        return [{"code": a.code, "name": a.name, "type": a.agency_type, "commune": a.commune_code,
                 "active": a.active} for a in rows.scalars()]


def _commune(s, province: str, code: str) -> Commune:
    c = s.get(Commune, code, with_for_update=True)
    if c is None or c.province_code != province:
        raise NotFound(f"không có xã '{code}' trong tỉnh / no such commune in this province")
    return c


def _add_commune(s, province: str, code: str, name: str, types: list[tuple[str, str, str]],
                 known_new: bool = False) -> Commune:
    """A commune and one agency of every commune-level type (``types``: (code, name, level)).
    ``known_new``: the caller checked the code is free (an import: no query per row)."""
    if not CODE.match(code or ""):
        raise InvalidTaskData({"code": ["mã 1–32 ký tự chữ, số, '-', '_' / code of 1-32 letters, digits, - or _"]})
    if not known_new and s.get(Commune, code) is not None:
        raise Conflict(f"mã xã '{code}' đã có / commune code already exists")
    c = Commune(code=code, name=_name(name), province_code=province, active=True)
    s.add(c)
    s.flush()   # the commune row before its agencies' (no ORM relationship orders them)
    for tcode, tname, level in types:
        if level == "commune" and (known_new or s.execute(
                select(Agency.id).where(Agency.code == f"{tcode}.{code}")).scalar() is None):
            s.add(Agency(code=f"{tcode}.{code}", agency_type=tcode, name=f"{tname} – {c.name}",
                         province_code=province, commune_code=code, active=True))
    return c


def create_commune(engine, actor: str, province: str, code: str, name: str, types, reason: str) -> None:
    reason = _reason(reason)
    with engine.db.write() as s:
        if s.get(Province, province) is None:
            raise NotFound("không có tỉnh / no such province")
        c = _add_commune(s, province, (code or "").strip(), name, types)
        audit.append(s, engine.now(), actor, "admin.commune_create", detail={
            "province": province, "code": c.code, "name": c.name, "reason": reason})


def _rename(s, c: Commune, name: str) -> None:
    old = c.name
    c.name = _name(name)
    for a in s.execute(select(Agency).where(Agency.commune_code == c.code)).scalars():
        if a.name.endswith(old):
            a.name = a.name[: len(a.name) - len(old)] + c.name


def rename_commune(engine, actor: str, province: str, code: str, name: str, reason: str) -> None:
    reason = _reason(reason)
    with engine.db.write() as s:
        c = _commune(s, province, code)
        before = c.name
        _rename(s, c, name)
        audit.append(s, engine.now(), actor, "admin.commune_rename", detail={
            "code": code, "before": before, "name": c.name, "reason": reason})


def deactivate_commune(engine, actor: str, province: str, code: str, reason: str) -> None:
    """No longer offered for new reports; refused while it has open cases (merge it instead)."""
    reason = _reason(reason)
    with engine.db.write() as s:
        c = _commune(s, province, code)
        n = s.execute(select(func.count()).select_from(Case).where(Case.commune_code == code,
                                                                   Case.status == "open")).scalar_one()
        if n:
            raise Conflict(f"xã {code} còn {n} hồ sơ đang mở: hãy sáp nhập vào xã khác / {n} open case(s): "
                           f"merge it into another commune instead")
        c.active = False
        s.execute(update(Agency).where(Agency.commune_code == code).values(active=False))
        audit.append(s, engine.now(), actor, "admin.commune_deactivate", detail={"code": code, "reason": reason})


def _merge(s, old: Commune, new: Commune) -> dict:
    """Move the open cases and tasks of ``old`` to ``new`` (each task to the new commune's agency of its
    type, else the province's), and retire ``old`` and its agencies."""
    cases = s.execute(update(Case).where(Case.commune_code == old.code, Case.status == "open")
                      .values(commune_code=new.code)).rowcount or 0
    for col in (Case.incident_commune_code, Case.residence_commune_code):
        s.execute(update(Case).where(col == old.code, Case.status == "open").values({col: new.code}))
    moved = 0
    for t in s.execute(select(OpenTask).where(OpenTask.commune_code == old.code)).scalars():
        target = s.execute(select(Agency.id).where(Agency.agency_type == t.agency_type,
                                                   Agency.commune_code == new.code)).scalar()
        if target is None:
            target = s.execute(select(Agency.id).where(Agency.agency_type == t.agency_type,
                                                       Agency.province_code == new.province_code,
                                                       Agency.commune_code.is_(None))).scalar()
        if target is not None and target != t.agency_id:
            t.agency_id, t.claimed_by, t.claimed_at = target, None, None
        t.commune_code = new.code
        moved += 1
    old.active, old.merged_into = False, new.code
    s.execute(update(Agency).where(Agency.commune_code == old.code).values(active=False))
    return {"cases": cases, "tasks": moved}


@dataclass
class ImportPlan:
    """What an import of administrative units changes (nothing, when applied twice)."""

    create: list[tuple[str, str]] = field(default_factory=list)
    rename: list[tuple[str, str, str]] = field(default_factory=list)      # code, old name, new name
    merge: list[tuple[str, str]] = field(default_factory=list)            # old code, new code
    errors: list[str] = field(default_factory=list)
    moved: dict = field(default_factory=dict)                             # applied: cases/tasks moved
    applied: bool = False

    @property
    def empty(self) -> bool:
        return not (self.create or self.rename or self.merge)


IMPORT_COLUMNS = ("code", "name", "province")   # optional: replaces (old codes separated by ';' or '|')


def import_units(engine, actor: str, province: str, text: str, types, reason: str, apply: bool) -> ImportPlan:
    """The official list of administrative units as CSV (``code,name,province[,replaces]``): rows of other
    provinces are ignored. A preview lists what would be created, renamed and merged; ``apply`` does it all
    in one transaction (audited), the open cases and tasks of merged communes following them."""
    reason = _reason(reason)
    rows = list(csv.DictReader(io.StringIO((text or "").lstrip("\ufeff"))))
    if not rows or not set(IMPORT_COLUMNS) <= {(k or "").strip() for k in rows[0]}:
        raise InvalidTaskData({"file": [f"cần các cột / columns needed: {', '.join(IMPORT_COLUMNS)}[, replaces]"]})
    plan = ImportPlan()
    with engine.db.write() as s:
        existing = {c.code: c for c in s.execute(select(Commune)).scalars()}
        seen: set[str] = set()
        wanted = []
        for n, raw in enumerate(rows, start=2):
            row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
            if row.get("province") != province:
                continue
            code, name = row.get("code", ""), " ".join(row.get("name", "").split())
            if not CODE.match(code) or not name:
                plan.errors.append(f"dòng/line {n}: mã hoặc tên không hợp lệ / bad code or name")
                continue
            if code in seen:
                plan.errors.append(f"dòng/line {n}: mã {code} lặp lại / repeated code")
                continue
            seen.add(code)
            if code in existing and existing[code].province_code != province:
                plan.errors.append(f"dòng/line {n}: mã {code} thuộc tỉnh khác / belongs to another province")
                continue
            olds = [o.strip() for o in re.split(r"[;|]", row.get("replaces", "")) if o.strip()]
            wanted.append((n, code, name, olds))
        for n, code, name, olds in wanted:
            if code not in existing:
                plan.create.append((code, name))
            elif existing[code].name != name:
                plan.rename.append((code, existing[code].name, name))
            for old in olds:
                c = existing.get(old)
                if c is None or c.province_code != province:
                    plan.errors.append(f"dòng/line {n}: không có xã cũ {old} / unknown old commune {old}")
                elif old in seen:
                    plan.errors.append(f"dòng/line {n}: xã {old} vừa được giữ vừa bị sáp nhập / {old} kept and merged")
                elif c.merged_into != code:
                    plan.merge.append((old, code))
        if not apply or plan.errors or plan.empty:
            return plan
        for code, name in plan.create:
            existing[code] = _add_commune(s, province, code, name, types, known_new=True)
        for code, _, name in plan.rename:
            _rename(s, existing[code], name)
        s.flush()
        for old, new in plan.merge:
            existing[new].active, existing[new].merged_into = True, None   # a target is a living commune
            plan.moved[old] = _merge(s, existing[old], existing[new])
        plan.applied = True
        audit.append(s, engine.now(), actor, "admin.units_import", detail={
            "province": province, "created": [c for c, _ in plan.create], "renamed": [c for c, _, _ in plan.rename],
            "merged": plan.merge, "moved": plan.moved, "reason": reason})
    router = getattr(engine, "router", None)
    if plan.merge and router is not None:
        router.forget()
    return plan


def create_agency(engine, actor: str, province: str, agency_type: str, commune: str | None, name: str,
                  types, reason: str) -> str:
    """An agency of a known type in a commune of the province (commune-level types) or the province."""
    reason = _reason(reason)
    levels = {t[0]: t[2] for t in types}
    if agency_type not in levels:
        raise InvalidTaskData({"type": ["loại cơ quan không có / unknown agency type"]})
    with engine.db.write() as s:
        if levels[agency_type] == "commune":
            if not commune:
                raise InvalidTaskData({"commune": ["Bắt buộc với cơ quan cấp xã / required for a commune agency"]})
            _commune(s, province, commune)
        else:
            commune = None
        code = f"{agency_type}.{commune or province}"
        if s.execute(select(Agency.id).where(Agency.code == code)).scalar() is not None:
            raise Conflict(f"đã có cơ quan {code} / agency {code} already exists")
        s.add(Agency(code=code, agency_type=agency_type, name=_name(name), province_code=province,
                     commune_code=commune, active=True))
        audit.append(s, engine.now(), actor, "admin.agency_create", detail={"code": code, "reason": reason})
    return code


def update_agency(engine, actor: str, province: str, code: str, name: str | None, active: bool | None,
                  reason: str) -> None:
    """Rename an agency, or deactivate/reactivate it (a deactivated agency keeps its open tasks)."""
    reason = _reason(reason)
    with engine.db.write() as s:
        a = s.execute(select(Agency).where(Agency.code == code, Agency.province_code == province)
                      .with_for_update()).scalar()
        if a is None:
            raise NotFound(f"không có cơ quan '{code}' / no such agency")
        before = {"name": a.name, "active": a.active}
        if name:
            a.name = _name(name)
        if active is not None:
            a.active = active
        audit.append(s, engine.now(), actor, "admin.agency_update", detail={
            "code": code, "before": before, "name": a.name, "active": a.active, "reason": reason})
