"""Messages and signals delivered to cases: by a person (API, CLI, the case page) or by another case.

A delivery is a write like completing a task: one transaction that locks the case, checks who sends (the
process's ``EventRule``: the agency types that may, the agency of that type serving the case's commune, as
task routing picks it), validates the payload with the rule's form, hands SpiffWorkflow the event on the
waiting element's own definition (so its correlation check decides whether the message belongs to this
case), runs the case on and stores it with a ``message.receive`` / ``signal.receive`` audit event.

A signal sent without a case goes to every open case that waits for it (in a commune, when one is named),
each in its own transaction; throw events a case raises and nothing in it catches go out the same way
(``deliver_thrown``), messages to cases whose correlation matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select

from engine import audit
from engine import spiff
from engine.context import Actor
from engine.errors import Conflict
from engine.errors import EngineError
from engine.errors import Forbidden
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from engine.models import Agency
from engine.models import Case
from engine.process import EventRule

KINDS = ("message", "signal")
STARTED_BY = "started_by_case"   # task-data key: the case whose message started this one
MAX_NAME = 200


@dataclass(frozen=True)
class Awaited:
    """An event a case waits for, and whether the actor may send it."""

    kind: str
    name: str
    element: str
    title: str
    may_send: bool


def rule_for(lv, kind: str, name: str, default_agency: str | None) -> EventRule:
    """The process's rule for this event, else the default: the commune case manager sends, any payload."""
    rule = lv.config.events.get((kind, name))
    if rule is not None:
        return rule
    return EventRule(kind, name, frozenset({default_agency} if default_agency else ()))


def may_send(engine, s, case: Any, rule: EventRule, actor: Actor) -> bool:
    """The actor's agency is one of the rule's types and is the one of its type serving the case's commune."""
    if actor.agency_id is None:
        return actor.role == "system" and actor.user_id is None   # the CLI without --as, the case's own throws
    agency = s.get(Agency, actor.agency_id)
    if agency is None or agency.agency_type not in rule.senders:
        return False
    try:
        return engine.router.agency_for(s, agency.agency_type, case.commune_code, rule.name) == agency.id
    except EngineError:
        return False


def awaited(engine, case: Case, actor: Actor | None = None) -> list[Awaited]:
    """The messages and signals the case waits for now (none for a closed case), with the actor's right."""
    if case.status != "open":
        return []
    from engine.status import waiting_for

    lv = engine.deployment.version_of(case.process_version_id)
    wf = engine.deployment.workflow(case)
    out, seen = [], set()
    with engine.db.read() as s:
        for w in waiting_for(wf):
            if w["kind"] not in KINDS or (w["kind"], w["name"]) in seen:
                continue
            seen.add((w["kind"], w["name"]))
            rule = rule_for(lv, w["kind"], w["name"], engine.registry.default_agency)
            out.append(Awaited(w["kind"], w["name"], w["element"], rule.title_vi or w["name"],
                               actor is not None and may_send(engine, s, case, rule, actor)))
    return out


def deliver(engine, case_id: str, kind: str, name: str, payload: dict, actor: Actor) -> Case:
    """Deliver one message or signal to the case; ``NotFound`` (also for another agency's case: it is not
    told apart), ``Forbidden``, ``InvalidTaskData`` (payload), ``Conflict`` (closed, not waiting for it, or a
    message whose correlation does not match the case)."""
    from engine.cases import json_safe

    if kind not in KINDS:
        raise NotFound(f"không có loại sự kiện '{kind}' / no event kind '{kind}'")
    if not isinstance(payload, dict):
        raise InvalidTaskData({"_schema": ["phải là một đối tượng JSON / must be a JSON object"]})
    now = engine.now()
    with engine.db.write() as s:
        case = engine.cases.case_for_update(s, case_id)
        lv = engine.deployment.loaded_id(s, case.process_version_id)
        rule = rule_for(lv, kind, name, engine.registry.default_agency)
        if not may_send(engine, s, case, rule, actor):
            raise Forbidden(f"cơ quan của bạn không được gửi '{name}' cho hồ sơ này / your agency may not send "
                            f"'{name}' to this case")
        if case.status != "open":
            raise Conflict("hồ sơ đã đóng / the case is closed")
        clean = rule.form.validate(payload) if rule.form is not None else json_safe(dict(payload))
        wf = engine.deployment.load(case, lv)
        before = spiff.stored_rows(wf)
        engine.calendars.work_calendar()
        if not spiff.send_event(wf, kind, name, clean, engine.clock):
            raise Conflict(f"hồ sơ không chờ {kind} '{name}' (hoặc không khớp khoá liên kết) / the case is not "
                           f"waiting for {kind} '{name}' (or its correlation does not match)")
        engine.deployment.advance(wf)
        thrown = spiff.thrown_events(wf)
        engine.store.store(s, case, wf, lv, before=before, events=[audit.Event(
            now, actor.label, f"{kind}.receive", case.id, None,
            {"name": name, "fields": sorted(clean), "data": clean, "via": "deliver"})])
    deliver_thrown(engine, case.id, thrown)
    return case


def broadcast(engine, name: str, payload: dict, actor: Actor, commune: str | None = None,
              limit: int = 10_000) -> list[str]:
    """Send a signal to every open case that waits for it (of ``commune``, when given): the ids of the
    cases it reached. Each case is its own transaction; a case the actor may not signal is skipped."""
    reached = []
    for case_id in waiting_cases(engine, "signal", name, commune, limit):
        try:
            deliver(engine, case_id, "signal", name, payload, actor)
        except (Conflict, Forbidden):
            continue
        reached.append(case_id)
    return reached


def deliver_thrown(engine, source_case: str, events: list[tuple[str, str, dict, dict]]) -> None:
    """Throw events a case raised that nothing inside it caught, as the case itself sends them (each a
    transaction of its own, after the thrower's): a signal to every other open case waiting for it; a
    message to the first open case waiting for it whose correlation matches, else it starts a case of a
    process whose start event catches it (in the thrower's commune)."""
    sender = Actor(f"case:{source_case}")
    commune = None
    for kind, name, payload, correlations in events:
        delivered = False
        for case_id in waiting_cases(engine, kind, name, None, 10_000):
            if case_id == source_case or (kind == "message" and not correlations
                                          and not _related(engine, source_case, case_id)):
                continue   # a message without a correlation key goes only to the case that started it, or back
            try:
                deliver(engine, case_id, kind, name, payload, sender)
            except (Conflict, Forbidden, InvalidTaskData, NotFound):
                continue
            delivered = True
            if kind == "message":
                break
        if kind == "message" and not delivered:
            commune = commune or find_case(engine, source_case).commune_code
            start_on_message(engine, name, payload, sender, commune, started_by=source_case)


def _related(engine, one: str, other: str) -> bool:
    """One case was started by a message the other threw (``started_by_case`` in its data)."""
    return (engine.case_data(other).get(STARTED_BY) == one) or (engine.case_data(one).get(STARTED_BY) == other)


def message_start_processes(engine, name: str) -> list[str]:
    """Deployed processes whose main start event waits for message ``name`` (on their current version)."""
    from engine.loader import BPMN

    found = []
    for process_id in sorted({v.process_id for v in engine.versions()}):
        with engine.db.read() as s:
            lv = engine.deployment.loaded(engine.deployment.latest_version(s, process_id))
        names = {m.get("id"): m.get("name") for root in lv.bundle.trees.values() for m in root.iter(BPMN + "message")}
        for root in lv.bundle.trees.values():
            for proc in root.iter(BPMN + "process"):
                if proc.get("id") != process_id:
                    continue
                for start in proc.findall(BPMN + "startEvent"):
                    for d in start.findall(BPMN + "messageEventDefinition"):
                        if names.get(d.get("messageRef")) == name or d.get("messageRef") == name:
                            found.append(process_id)
    return sorted(set(found))


def start_on_message(engine, name: str, payload: dict, actor: Actor, commune: str,
                     started_by: str | None = None) -> list[str]:
    """Start a case of each process whose start event waits for message ``name`` and deliver it there:
    the new cases' ids (a start the actor may not make is skipped: its case is not left behind)."""
    from types import SimpleNamespace

    started = []
    for process_id in message_start_processes(engine, name):
        cfg = engine.registry.config_for(process_id)
        rule = cfg.events.get(("message", name)) or rule_for(SimpleNamespace(config=cfg), "message", name,
                                                             engine.registry.default_agency)
        with engine.db.read() as s:   # checked before the case exists: a refused start leaves nothing
            if not may_send(engine, s, SimpleNamespace(commune_code=commune), rule, actor):
                continue
        if rule.form is not None:
            rule.form.validate(payload)
        case = engine.start_case(process_id, {STARTED_BY: started_by} if started_by else {}, actor,
                                 incident_commune=commune)
        deliver(engine, case.id, "message", name, payload, actor)
        started.append(case.id)
    return started


def waiting_cases(engine, kind: str, name: str, commune: str | None, limit: int) -> list[str]:
    """The open cases (of ``commune``) whose state waits for this message or signal, oldest first: one read
    of the ``case_waits`` index (``engine.case_waits``). A case the index does not know yet (written before
    migration 0023) is restored, checked and indexed on the way."""
    from engine.case_waits import UNKNOWN
    from engine.case_waits import CaseWait

    with engine.db.read() as s:
        q = (select(Case.id, Case.created_at, CaseWait.kind).join(CaseWait, CaseWait.case_id == Case.id)
             .where(Case.status == "open", or_(and_(CaseWait.kind == kind, CaseWait.name == name),
                                                and_(CaseWait.kind == UNKNOWN[0], CaseWait.name == UNKNOWN[1]))))
        if commune:
            q = q.where(Case.commune_code == commune)
        rows = list(s.execute(q.order_by(Case.created_at, Case.id)))
    found: dict[str, bool] = {}
    for case_id, _created, row_kind in rows:
        if row_kind == kind:
            found[case_id] = True
        elif found.setdefault(case_id, False) is False:
            found[case_id] = _index_unknown(engine, case_id, kind, name)
    return [case_id for case_id, waits in found.items() if waits][:limit]


def _index_unknown(engine, case_id: str, kind: str, name: str) -> bool:
    """Restore a case the index does not know, write its ``case_waits`` rows (under the case's lock, so no
    write of the case races it), and say whether it waits for this event."""
    from engine import case_waits

    with engine.db.write() as s:
        try:
            case = engine.cases.case_for_update(s, case_id)
            waits = case_waits.of_state(engine.deployment.workflow(case)) if case.status == "open" else frozenset()
        except EngineError:
            return False
        case_waits.replace(s, case_id, waits)
    return (kind, name) in waits


def check_name(name: str) -> str:
    if not name or len(name) > MAX_NAME:
        raise NotFound("không tìm thấy sự kiện / no such event")
    return name


def find_case(engine, ref: str) -> Case:
    """A case by id or by reference."""
    with engine.db.read() as s:
        case = s.get(Case, ref) or s.execute(select(Case).where(Case.reference == ref)).scalar()
    if case is None:
        raise NotFound(f"không tìm thấy hồ sơ / no case '{ref}'")
    return case
