"""Process versions over time: diff two versions, and move running cases from one version to another.

A case can move when every task of its state (and of its sub-processes) exists, by id, in the target
version; otherwise it stays and the report says why. Each move is one transaction and is audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import audit
from engine import serializer
from engine import spiff
from engine.context import Actor
from engine.errors import Conflict
from engine.errors import NotFound
from engine.loader import BPMN
from engine.loader import ParsedBundle
from engine.models import Case
from engine.models import ProcessVersion
from engine.runtime import Engine

COMPARED_ATTRS = ("name", "attachedToRef", "calledElement", "sourceRef", "targetRef", "default", "cancelActivity")


def _elements(bundle: ParsedBundle) -> dict[str, dict]:
    out = {}
    for root in bundle.trees.values():
        for proc in root.iter(BPMN + "process"):
            for el in proc.iter():
                if not isinstance(el.tag, str) or not el.tag.startswith(BPMN) or not el.get("id"):
                    continue
                text = " ".join(t.strip() for t in el.itertext() if t.strip()) if el.tag.endswith(
                    ("script", "conditionExpression", "timeDate", "timeDuration", "timeCycle")) else ""
                inner = {c.tag[len(BPMN):]: (c.text or "").strip() for c in el
                         if isinstance(c.tag, str) and c.tag in (BPMN + "script", BPMN + "conditionExpression")}
                out[f"{proc.get('id')}/{el.get('id')}"] = {
                    "tag": el.tag[len(BPMN):], **{a: el.get(a) for a in COMPARED_ATTRS if el.get(a) is not None},
                    **inner, **({"text": text} if text else {})}
    return out


def _timers(bundle: ParsedBundle) -> dict[str, str]:
    out = {}
    for pid, timer in bundle.elements("timerEventDefinition"):
        owner = timer.getparent()
        exprs = [f"{c.tag[len(BPMN):]}={(c.text or '').strip()}" for c in timer if isinstance(c.tag, str)]
        out[f"{pid}/{owner.get('id')} (on {owner.get('attachedToRef') or '-'})"] = "; ".join(exprs)
    return out


def diff_bundles(old: ParsedBundle, new: ParsedBundle) -> dict:
    """Elements added, removed and changed (by process/id), and timers (deadlines) changed."""
    a, b = _elements(old), _elements(new)
    ta, tb = _timers(old), _timers(new)
    return {
        "added": sorted(k for k in b if k not in a),
        "removed": sorted(k for k in a if k not in b),
        "changed": sorted((k, {f: (a[k].get(f), b[k].get(f)) for f in set(a[k]) | set(b[k])
                                if a[k].get(f) != b[k].get(f)}) for k in a if k in b and a[k] != b[k]),
        "deadlines": sorted((k, ta.get(k), tb.get(k)) for k in set(ta) | set(tb) if ta.get(k) != tb.get(k)),
    }


def diff_versions(engine: Engine, version_a: int, version_b: int) -> dict:
    with engine.db.read() as s:
        va, vb = s.get(ProcessVersion, version_a), s.get(ProcessVersion, version_b)
    if va is None or vb is None:
        raise NotFound("không tìm thấy phiên bản / version not found")
    return diff_bundles(engine.loaded(va).bundle, engine.loaded(vb).bundle)


@dataclass
class MoveResult:
    reference: str
    case_id: str
    moved: bool
    reason: str


def _prune_predictions(tasks: dict) -> None:
    """Drop predicted (MAYBE/LIKELY) tasks: they are re-predicted from the target version's spec."""
    predicted = {tid for tid, t in tasks.items() if t["state"] & TaskState.PREDICTED_MASK}
    for tid in predicted:
        del tasks[tid]
    for t in tasks.values():
        t["children"] = [c for c in t["children"] if c not in predicted]


def _missing_specs(state: dict, bundle: ParsedBundle) -> list[str]:
    assert bundle.spec is not None
    """Tasks the case has reached (done, current or certain) whose element is absent from the target."""
    _prune_predictions(state["tasks"])
    main_names = set(bundle.spec.task_specs)  # type: ignore[attr-defined]
    missing = [t["task_spec"] for t in state["tasks"].values() if t["task_spec"] not in main_names]
    for sub in state.get("subprocesses", {}).values():
        spec = bundle.subprocess_specs.get(sub.get("spec"))
        if spec is None:
            missing.append(f"process {sub.get('spec')}")
            continue
        _prune_predictions(sub["tasks"])
        missing += [t["task_spec"] for t in sub["tasks"].values() if t["task_spec"] not in spec.task_specs]
    return sorted(set(missing))


def migrate_cases(engine: Engine, from_version: int, to_version: int, actor: Actor,
                  dry_run: bool = False) -> list[MoveResult]:
    """Move the open cases of one version to another where their tasks exist there; report the rest."""
    with engine.db.read() as s:
        src, dst = s.get(ProcessVersion, from_version), s.get(ProcessVersion, to_version)
        if src is None or dst is None:
            raise NotFound("không tìm thấy phiên bản / version not found")
        if src.process_id != dst.process_id:
            raise Conflict("hai phiên bản thuộc hai quy trình khác nhau / versions of different processes")
        case_ids = list(s.execute(select(Case.id).where(Case.process_version_id == from_version,
                                                         Case.status == "open")).scalars())
    target = engine.loaded(dst)
    results = []
    for case_id in case_ids:
        with engine.db.write() as s:
            case = engine.cases.case_for_update(s, case_id)
            if case.process_version_id != from_version or case.status != "open":
                continue
            state = json.loads(case.state)
            missing = _missing_specs(state, target.bundle)
            if missing:
                results.append(MoveResult(case.reference, case.id, False,
                                          "các bước không có trong phiên bản mới / steps missing in the target: "
                                          + ", ".join(missing)))
                continue
            if dry_run:
                results.append(MoveResult(case.reference, case.id, True, "có thể chuyển / can move (dry run)"))
                continue
            wf = serializer.restore_state(state, case.serializer_version, target.bundle.spec,
                                          target.bundle.subprocess_specs, target.script_engine)
            spiff.repredict(wf)
            engine.store.store(s, case, wf, target, process_version_id=dst.id, events=[audit.Event(
                engine.now(), actor.label, "case.migrate", case.id,
                detail={"from_version": src.version, "to_version": dst.version})])
            results.append(MoveResult(case.reference, case.id, True, "đã chuyển / moved"))
    if dry_run:   # a dry run lists case references to policy staff: a read, audited (issue #18.10)
        with engine.db.write() as s:
            audit.append(s, engine.now(), actor.label, "case.migrate_dry_run",
                         detail={"from_version": src.version, "to_version": dst.version,
                                 "cases": [r.reference for r in results]})
    return results
