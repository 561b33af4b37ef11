"""Process versions: validate and deploy a bundle as an immutable version, list them, and load a version
once per process (parsed specs, its ``ProcessConfig`` and a script engine whose ``due()`` computes
deadlines on the work calendar); restoring and running a case's workflow on its version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine import spiff
from engine.calendars import Calendars
from engine.context import Actor
from engine.context import Context
from engine.db import require
from engine.errors import NotFound
from engine.loader import ParsedBundle
from engine.loader import parse_bundle
from engine.models import Case
from engine.models import ProcessVersion
from engine.process import ProcessConfig
from engine.scripting import make_script_engine
from engine.workdays import parse_instant


@dataclass
class LoadedVersion:
    row_id: int
    process_id: str
    bundle: ParsedBundle
    config: ProcessConfig
    script_engine: Any


class Deployment:
    def __init__(self, ctx: Context, calendars: Calendars):
        self.ctx = ctx
        self.calendars = calendars
        self._versions: dict[int, LoadedVersion] = {}

    def validate(self, files: dict[str, bytes], run_guards: bool = True, main_id: str | None = None) -> ParsedBundle:
        """Parse and validate a bundle (main process: ``main_id``, else the first file's first executable
        process); raises ``InvalidProcess`` listing every problem."""
        return parse_bundle(files, self.ctx.registry, main_id=main_id, run_guards=run_guards)

    def deploy(self, files: dict[str, bytes], actor: Actor, guard_override: dict | None = None,
               main_id: str | None = None) -> ProcessVersion:
        """Store a validated bundle as a new immutable version; new cases start on it. Content identical to
        the current version returns it; identical to an older version makes that version current again (its
        ``activation`` moves past every other, audited ``process.reactivate``).

        ``guard_override`` ({"reason", "requested_by", "approved_by"}) skips only the statutory guards.
        """
        bundle = self.validate(files, run_guards=guard_override is None, main_id=main_id)
        now = self.ctx.now
        with self.ctx.db.write() as s:
            existing = s.execute(select(ProcessVersion).where(
                ProcessVersion.process_id == bundle.main_id,
                ProcessVersion.content_hash == bundle.content_hash)).scalar()
            if existing is not None:
                if self.latest_version(s, bundle.main_id).id != existing.id:
                    existing.activation = self._next_activation(s, bundle.main_id)
                    audit.append(s, now(), actor.label, "process.reactivate",
                                 detail={"process_id": existing.process_id, "version": existing.version,
                                         "hash": existing.content_hash, "guard_override": guard_override})
                return existing
            last = s.execute(select(ProcessVersion.version).where(
                ProcessVersion.process_id == bundle.main_id).order_by(ProcessVersion.version.desc())
                .limit(1)).scalar() or 0
            row = ProcessVersion(process_id=bundle.main_id, version=last + 1, content_hash=bundle.content_hash,
                                 files=bundle.files, deployed_by=actor.label, deployed_at=now(),
                                 activation=self._next_activation(s, bundle.main_id))
            s.add(row)
            s.flush()
            audit.append(s, now(), actor.label, "process.deploy",
                         detail={"process_id": row.process_id, "version": row.version,
                                 "hash": row.content_hash, "files": sorted(bundle.files),
                                 "guard_override": guard_override})
        return row

    def versions(self, process_id: str | None = None) -> list[ProcessVersion]:
        with self.ctx.db.read() as s:
            q = select(ProcessVersion).order_by(ProcessVersion.process_id, ProcessVersion.version)
            if process_id:
                q = q.where(ProcessVersion.process_id == process_id)
            return list(s.execute(q).scalars())

    @staticmethod
    def _next_activation(s: Session, process_id: str) -> int:
        top = s.execute(select(func.max(func.coalesce(ProcessVersion.activation, ProcessVersion.version)))
                        .where(ProcessVersion.process_id == process_id)).scalar()
        return (top or 0) + 1

    def latest_version(self, session: Session, process_id: str) -> ProcessVersion:
        """The current version: the one deployed, or made current again, last (new cases start on it)."""
        row = session.execute(select(ProcessVersion).where(ProcessVersion.process_id == process_id)
                              .order_by(func.coalesce(ProcessVersion.activation, ProcessVersion.version).desc(),
                                        ProcessVersion.version.desc()).limit(1)).scalar()
        if row is None:
            raise NotFound(f"quy trình '{process_id}' chưa được triển khai / process not deployed")
        return row

    def loaded(self, version: ProcessVersion) -> LoadedVersion:
        """Parsed specs and script engine of a version, built once per process and cached."""
        cached = self._versions.get(version.id)
        if cached is not None:
            return cached
        files = {name: text.encode("utf-8") for name, text in version.files.items()}
        registry = self.ctx.registry
        bundle = parse_bundle(files, registry, main_id=version.process_id, check_forms=False,
                              run_guards=False)   # checked (or overridden) when it was deployed
        cfg = registry.config_for(version.process_id)
        lv = LoadedVersion(version.id, version.process_id, bundle, cfg, self.script_engine(cfg))
        self._versions[version.id] = lv
        return lv

    def version_of(self, version_id: int) -> LoadedVersion:
        """A process version, parsed once per process: no query once it is loaded."""
        cached = self._versions.get(version_id)
        if cached is not None:
            return cached
        with self.ctx.db.read() as s:
            return self.loaded_id(s, version_id)

    def loaded_id(self, s: Session, version_id: int) -> LoadedVersion:
        """``version_of`` in the caller's session."""
        cached = self._versions.get(version_id)
        return cached if cached is not None else self.loaded(require(s, ProcessVersion, version_id))

    def script_engine(self, cfg: ProcessConfig):
        """The sandboxed script engine of a process: ``now_iso()`` and ``due(rule)`` on the engine's clock
        and work calendar."""
        calendars, ctx = self.calendars, self.ctx

        def due_factory(context: dict):
            def due(rule_name: str) -> str:
                rule = cfg.deadlines.get(rule_name)
                if rule is None:
                    raise ValueError(f"unknown deadline rule {rule_name!r}")
                start = context.get(rule.start_field)
                if not start:
                    raise ValueError(f"deadline {rule_name}: start field {rule.start_field!r} is not set")
                # loaded before the step; the calendar of the province of the case's commune (#20.5)
                calendar = calendars.current(context.get(cfg.commune_field))
                return rule.due(parse_instant(start), calendar).isoformat()
            return due
        return make_script_engine(helpers={"now_iso": lambda: ctx.now().isoformat()},
                                  context_helpers={"due": due_factory})

    # ------------------------------------------------------------------ a case's workflow on its version
    def load(self, case: Case, lv: LoadedVersion) -> BpmnWorkflow:
        """The case's SpiffWorkflow state restored on ``lv``; ``WorkflowFailure`` when it does not load."""
        return spiff.load(case, lv.bundle, lv.script_engine, self.ctx.clock)

    def workflow(self, case: Case) -> BpmnWorkflow:
        """The case's SpiffWorkflow state, restored on its own version (read only: nothing is written back)."""
        lv = self.version_of(case.process_version_id)
        return spiff.load(case, lv.bundle, lv.script_engine, self.ctx.clock)

    def advance(self, wf: BpmnWorkflow) -> None:
        """Run the case's engine steps until only waits remain (capped per action); every failure is a
        ``WorkflowFailure`` naming the element, and nothing of the action is written."""
        self.calendars.work_calendar()   # loaded before any script runs: due() never reads the database inside a limit
        spiff.advance(wf, self.ctx.clock)
