"""Which agency a READY task goes to: its lane names an agency type (through the process's lane map),
and the case's commune picks the agency of that type serving it (the commune's own, else the province's)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import province_settings
from engine.context import Context
from engine.errors import WorkflowFailure
from engine.models import Agency
from engine.models import Commune


class Router:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._agencies: dict[tuple[str, str], int] = {}
        self._cached_at: dict[tuple[str, str], float] = {}

    def agency_type(self, lv: Any, task) -> str:
        """The agency type of the task's lane (``lv``: the case's ``LoadedVersion``)."""
        process_id = task.workflow.spec.name
        lane_name = task.task_spec.lane
        lane_id = lv.bundle.lane_id_for(process_id, lane_name)
        registry = self.ctx.registry
        agency_type = registry.lane_agency(lv.config, lane_id, lane_name)
        if agency_type is None and lane_name is None and not any(
                lane.process_id == process_id for lane in lv.bundle.lanes):
            agency_type = registry.default_agency   # a process drawn without lanes
        if agency_type is None:
            raise WorkflowFailure(f"nhiệm vụ {task.task_spec.name}: làn '{lane_name}' chưa gắn cơ quan / "
                                  f"lane not mapped to an agency")
        return agency_type

    def level_agency(self, s: Session, cfg: Any, task_name: str, agency_type: str, commune_code: str,
                     now: Any) -> str:
        """The agency type of a task a province gives to the commune or the province (``cfg.level_splits``):
        the type of the level the case's province has chosen (else the rule's default) at ``now``."""
        rule = cfg.level_split_for(task_name)
        if rule is None:
            return agency_type
        commune = s.get(Commune, commune_code)
        level = province_settings.level_for(s, rule, commune.province_code if commune is not None else None, now)
        return rule.levels.get(level, agency_type)

    def forget(self) -> None:
        """Route anew from the next task on (after a merge or a move made through this engine)."""
        self._agencies.clear()
        self._cached_at.clear()

    CACHE_SECONDS = 60.0   # a commune merged or an agency moved is routed anew within a minute everywhere

    def agency_for(self, s: Session, agency_type: str, commune_code: str, task_name: str) -> int:
        """The id of the agency of ``agency_type`` serving the commune (cached per process for a minute).
        A merged commune is served by the commune that replaced it (``Commune.merged_into``)."""
        import time

        key = (agency_type, commune_code)
        cached = self._agencies.get(key)
        if cached is not None and time.monotonic() - self._cached_at.get(key, 0.0) < self.CACHE_SECONDS:
            return cached
        commune = s.get(Commune, commune_code)
        for _ in range(10):   # follow a chain of merges (bounded)
            if commune is None or not commune.merged_into:
                break
            commune = s.get(Commune, commune.merged_into)
        if commune is None:
            raise WorkflowFailure(f"nhiệm vụ {task_name}: không có xã '{commune_code}' / unknown commune")
        commune_code = commune.code
        province_code = commune.province_code
        agency_id = s.execute(select(Agency.id).where(Agency.agency_type == agency_type,
                                                      Agency.commune_code == commune_code)).scalar()
        if agency_id is None:
            agency_id = s.execute(select(Agency.id).where(Agency.agency_type == agency_type,
                                                          Agency.province_code == province_code,
                                                          Agency.commune_code.is_(None))).scalar()
        if agency_id is None:
            raise WorkflowFailure(f"nhiệm vụ {task_name}: xã {commune_code} chưa có cơ quan loại "
                                  f"'{agency_type}' / no agency of this type serves the commune")
        self._agencies[key] = agency_id
        self._cached_at[key] = time.monotonic()
        return agency_id

    @staticmethod
    def commune(s: Session, code: str) -> tuple[str, str] | None:
        """(commune code, province code) of a known commune, else None."""
        row = s.get(Commune, code)
        return (row.code, row.province_code) if row is not None else None
