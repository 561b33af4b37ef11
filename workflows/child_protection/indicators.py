"""The figures of the statistical report, counted over children (TT 13/2021/TT-BLĐTBXH), from the cases of
this procedure only (the report reminders and other procedures' cases are not children).

``gather`` reads the inputs (cases received in the period, their steps and completed-task data, the officers'
links, the open overdue steps); ``count_children`` and the small functions after it turn them into figures.
Every definition shown beside a figure is in ``definitions.py``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import or_
from sqlalchemy import select

from engine.models import AuditEvent
from engine.models import Case
from engine.models import CaseStep
from engine.models import OpenTask
from engine.models import ProcessVersion
from engine.workdays import VN_TZ
from workflows.child_protection.deadlines import REFERRAL_CODES
from workflows.child_protection.identity import case_links
from workflows.child_protection.identity import child_identity
from workflows.child_protection.identity import persons_of
from workflows.child_protection.intake import PROCESS_ID

AGE_GROUPS = [("under_6", "Dưới 6 tuổi", 0, 5), ("6_11", "Từ 6 đến dưới 12 tuổi", 6, 11),
              ("12_15", "Từ 12 đến dưới 16 tuổi", 12, 15), ("16_17", "Từ 16 đến dưới 18 tuổi", 16, 17)]


@dataclass
class Inputs:
    cases: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    data: dict[str, dict[str, dict]] = field(default_factory=dict)    # case id -> task -> last data entered
    links: list[tuple[str, str]] = field(default_factory=list)
    persons: dict[str, str] = field(default_factory=dict)            # case id -> the register's person
    open_overdue: list = field(default_factory=list)                 # (OpenTask, reference) of the period's cases
    closed: list = field(default_factory=list)                       # cases whose closure was decided in the period
    closed_data: dict[str, dict[str, dict]] = field(default_factory=dict)


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (dt.datetime.combine(start, dt.time(0), VN_TZ),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), VN_TZ))


def _chunks(ids: list[str], n: int = 500):
    for i in range(0, len(ids), n):
        yield ids[i:i + n]


def _task_data(s, ids: list[str]) -> dict[str, dict[str, dict]]:
    """case id -> task name -> the data of its last completion (the audit trail keeps what was entered)."""
    out: dict[str, dict[str, dict]] = {}
    for chunk in _chunks(ids):
        rows = s.execute(select(AuditEvent.case_id, AuditEvent.detail).where(
            AuditEvent.case_id.in_(chunk), AuditEvent.action == "task.complete").order_by(AuditEvent.id)).all()
        for case_id, detail in rows:
            if isinstance(detail, dict) and isinstance(detail.get("data"), dict):
                out.setdefault(case_id, {})[str(detail.get("task"))] = detail["data"]
    return out


def gather(engine, province: str, start: dt.date, end: dt.date, commune: str | None) -> Inputs:
    lo, hi = bounds(start, end)
    out = Inputs()
    with engine.db.read() as s:
        versions = select(ProcessVersion.id).where(ProcessVersion.process_id == PROCESS_ID)
        q = select(Case).where(Case.province_code == province, Case.process_version_id.in_(versions),
                               Case.received_at >= lo, Case.received_at < hi)
        closing = select(CaseStep.case_id).where(CaseStep.task_name == "close_case", CaseStep.completed_at >= lo,
                                                 CaseStep.completed_at < hi)
        closed_q = select(Case).where(Case.province_code == province, Case.process_version_id.in_(versions),
                                      Case.id.in_(closing))
        if commune:
            where = or_(Case.incident_commune_code == commune, Case.residence_commune_code == commune)
            q, closed_q = q.where(where), closed_q.where(where)
        out.cases = list(s.execute(q.order_by(Case.received_at, Case.id)).scalars())
        ids = [c.id for c in out.cases]
        for chunk in _chunks(ids):
            out.steps += list(s.execute(select(CaseStep).where(CaseStep.case_id.in_(chunk))).scalars())
            out.open_overdue += list(s.execute(
                select(OpenTask, Case.reference).join(Case, Case.id == OpenTask.case_id)
                .where(OpenTask.case_id.in_(chunk), OpenTask.due_at < engine.now())))
        out.data = _task_data(s, ids)
        out.links = case_links(s, ids)
        out.persons = persons_of(s, ids)
        out.closed = list(s.execute(closed_q).scalars())
        out.closed_data = _task_data(s, [c.id for c in out.closed])
    return out


def age_group(summary: dict, at: dt.date) -> str | None:
    """The age group at ``at`` from the birth date, else the estimated age; None when neither is known."""
    age = summary.get("child_age")
    birth = summary.get("child_birth_date")
    if birth:
        try:
            b = dt.date.fromisoformat(birth)
            age = at.year - b.year - ((at.month, at.day) < (b.month, b.day))
        except ValueError:
            age = None
    if age is None:
        return None
    for code, _label, low, high in AGE_GROUPS:
        if low <= age <= high:
            return code
    return "unknown"


@dataclass
class Child:
    id: str
    cases: list = field(default_factory=list)
    sex: str = "unknown"
    age: str = "unknown"
    commune: str = ""
    categories: set = field(default_factory=set)
    forms: set = field(default_factory=set)
    settings: set = field(default_factory=set)
    groups: set = field(default_factory=set)
    support: set = field(default_factory=set)


def _done(steps) -> dict[str, set[str]]:
    done: dict[str, set[str]] = {}
    for st in steps:
        done.setdefault(st.case_id, set()).add(st.task_name)
    return done


def count_children(inp: Inputs) -> dict[str, Child]:
    """One ``Child`` per child of the period's cases (``identity.child_identity``), its cases oldest first.

    sex: the last one recorded other than "unknown"; age group: at the receipt of the child's first case in the
    period that gives a birth date or an age; commune: residence (else incident) commune of its latest case;
    forms, settings, groups, categories: every one recorded in any of its cases (intake or initial assessment);
    support: what any of its cases gave (see ``support_of``)."""
    ids = child_identity(inp.cases, inp.links, inp.persons)
    done = _done(inp.steps)
    children: dict[str, Child] = {}
    for c in inp.cases:   # oldest first
        ch = children.setdefault(ids[c.id], Child(ids[c.id]))
        ch.cases.append(c)
        summary = c.summary or {}
        assessed = inp.data.get(c.id, {}).get("initial_assessment", {})
        if (summary.get("child_sex") or "unknown") != "unknown":
            ch.sex = summary["child_sex"]
        if ch.age == "unknown":
            ch.age = age_group(summary, c.received_at.astimezone(VN_TZ).date()) or "unknown"
        ch.commune = c.residence_commune_code or c.incident_commune_code
        ch.categories.add(summary.get("case_category") or "unknown")
        ch.forms |= set(summary.get("abuse_forms") or []) | set(assessed.get("abuse_forms") or [])
        ch.settings.add(summary.get("incident_setting") or "unknown")
        ch.groups |= {g for g in (summary.get("special_circumstance_group"),
                                  assessed.get("special_circumstance_group")) if g}
        ch.support |= support_of(done.get(c.id, set()), inp.data.get(c.id, {}))
    return children


def support_of(done: set[str], data: dict[str, dict]) -> set[str]:
    """How a case supported its child: "plan" (a plan approved), "emergency" (an emergency intervention
    carried out), "referral_<agency>" (a referral reported as provided, fully or partly), and every kind of
    support recorded at closure."""
    out: set[str] = set()
    if "approve_plan" in done and data.get("approve_plan", {}).get("approval_decision") == "approve":
        out.add("plan")
    if "emergency_intervention" in done:
        out.add("emergency")
    for code in REFERRAL_CODES:
        if data.get(f"{code}_report_outcome", {}).get("service_outcome") in ("provided", "partial"):
            out.add(f"referral_{code}")
    closure = data.get("close_case", {})
    if closure.get("closure_decision") == "close":
        out |= set(closure.get("support_provided") or [])
    return out


def tally(children, attr: str, keys, only=None) -> dict[str, int]:
    """Children per value of ``attr`` (a value or a set of values), zero for every key listed."""
    counts: Counter = Counter()
    for ch in children:
        if only is not None and not only(ch):
            continue
        value = getattr(ch, attr)
        counts.update(value if isinstance(value, set) else [value])
    return {k: counts.get(k, 0) for k in keys} | {k: v for k, v in counts.items() if k not in keys}


def perpetrators(inp: Inputs) -> dict:
    """Of the cases whose closure was decided (closed) in the period: cases and perpetrators per way of
    handling, cases per administrative sanction, the fines imposed (NĐ 130/2021/NĐ-CP)."""
    by_handling: Counter = Counter()
    people: Counter = Counter()
    sanctions: Counter = Counter()
    fines = 0
    for c in inp.closed:
        closure = inp.closed_data.get(c.id, {}).get("close_case", {})
        if closure.get("closure_decision") != "close" or not closure.get("perpetrator_handling"):
            continue
        handling = closure["perpetrator_handling"]
        by_handling[handling] += 1
        people[handling] += int(closure.get("perpetrator_count") or 0)
        sanctions.update(closure.get("sanctions") or [])
        fines += int(closure.get("fine_amount") or 0)
    return {"cases": dict(by_handling), "people": dict(people), "sanctions": dict(sanctions), "fines": fines}
