"""Starting and ending the follow-ups: one ``child_followup`` case per membership of a group (a ``group``
period of the register), reference ``TD-<period id>``, linked to the child's record.

- ``start_for_period``: when a group membership is added in the register (the web app calls it at once);
- ``ensure_followups``: every running membership of a province (or all) without its follow-up gets one;
  idempotent (the unique reference; several workers may run it): ``bvte register followups start`` and the
  timer worker's sweep;
- ``end_for_period``: when the membership is ended in the register, the case gets the message
  ``ket_thuc_theo_doi`` and stops; ``end_finished`` (the sweep) does the same for memberships whose end date has
  come, however they were ended.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy import cast
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine import messages
from engine.amend import amend
from engine.errors import Conflict
from engine.models import Case
from engine.register import intervals
from engine.register import records
from engine.register.models import Person
from engine.register.models import PersonCase
from engine.register.models import PersonPeriod
from engine.register.queries import canonical_commune
from engine.runtime import Actor
from engine.workdays import VN_TZ
from engine.workdays import parse_instant
from workflows.child_followup.process import MESSAGE
from workflows.child_followup.process import PROCESS_ID
from workflows.child_followup.schedule import DEFAULT_MONTHS
from workflows.child_followup.schedule import review_schedule
from workflows.child_followup.schedule import sixteenth_birthday
from workflows.child_protection.forms import SPECIAL_GROUPS

KIND = "group"
ACTOR = Actor("register-followup")
GROUP_LABELS = {code: vi for code, vi, _en in SPECIAL_GROUPS}


def reference(period_id: int) -> str:
    return f"TD-{period_id}"


def _reference_column():
    """``reference`` in SQL: a follow-up case joins its membership on it."""
    return literal("TD-") + cast(PersonPeriod.id, String)


def months_for(engine, province: str) -> dict[str, int]:
    """Group code -> months between two reviews in ``province``: its setting, else the default."""
    with engine.db.read() as s:
        return {**DEFAULT_MONTHS, **intervals.intervals(s, province, KIND)}


def set_months(engine, actor: str, province: str, group: str, months: int) -> int:
    """Set the interval; the running follow-ups of the group in the province are rescheduled (how many)."""
    from engine.errors import InvalidTaskData

    if group not in GROUP_LABELS:
        raise InvalidTaskData({"group": [f"không có nhóm '{group}' (Luật Trẻ em Điều 10.1) / no such group"]})
    with engine.db.write() as s:
        intervals.set_interval(s, engine.now(), actor, province, KIND, group, months)
    return reschedule(engine, province=province, group=group)


def reschedule(engine, *, province: str | None = None, group: str | None = None,
               person_id: str | None = None) -> int:
    """Bring the running follow-ups (of ``province``/``group``/``person_id``) onto the current rule: the
    province's interval for the group and the child's 16th birthday as the record now has them. The review under
    way keeps its dates; the ones after it are drawn again (``engine.amend``, audited). How many changed."""
    ref = _reference_column()
    q = (select(Case.id, PersonPeriod, Person).join(PersonPeriod, Case.reference == ref)
         .join(Person, Person.id == PersonPeriod.person_id)
         .where(Case.status == "open", PersonPeriod.kind == KIND).order_by(Case.id))
    if province:
        q = q.where(Person.province_code == province)
    if group:
        q = q.where(PersonPeriod.code == group)
    if person_id:
        q = q.where(Person.id == person_id)
    with engine.db.read() as s:
        rows = s.execute(q).all()
        cal = engine.calendar(s)
    cache: dict[str, dict[str, int]] = {}
    changed = 0
    for case_id, period, person in rows:
        months = cache.setdefault(person.province_code, months_for(engine, person.province_code))[period.code]
        turns_16 = sixteenth_birthday(person.birth_date, person.birth_year)
        now = engine.now()

        def change(data, months=months, turns_16=turns_16, period=period, now=now):
            # the start the case was scheduled from (a membership without a start date began on the case's day)
            start = period.start_date or dt.date.fromisoformat(data["membership_start"])
            done = int(data.get("review_no") or 0)
            old = list(data.get("review_schedule") or [])[:done]
            current_due = old[-1][1] if old else None
            ahead = [r for r in review_schedule(start, months, turns_16, now, cal)
                     if current_due is None or parse_instant(r[1]) > parse_instant(current_due)]
            return {"review_schedule": old + ahead, "review_count": len(old) + len(ahead), "followup_months": months,
                    "sixteenth_birthday": turns_16.isoformat() if turns_16 else None}
        try:
            changed += amend(engine, case_id, change, ACTOR, "Lịch rà soát theo quy định hiện hành của tỉnh / the "
                             "review schedule under the province's current rule", summary={"followup_months": months})
        except Conflict:   # closed meanwhile
            continue
    return changed


def _today(engine) -> dt.date:
    return engine.now().astimezone(VN_TZ).date()


def _missing(engine, province: str | None, period_id: int | None = None,
             person_id: str | None = None) -> list[tuple[PersonPeriod, Person]]:
    """Running group memberships of active records that have no follow-up case yet."""
    ref = _reference_column()
    q = (select(PersonPeriod, Person).join(Person, Person.id == PersonPeriod.person_id)
         .outerjoin(Case, Case.reference == ref)
         .where(PersonPeriod.kind == KIND, Person.status == "active", Case.id.is_(None),
                or_(PersonPeriod.end_date.is_(None), PersonPeriod.end_date > _today(engine)))
         .order_by(PersonPeriod.id))
    if province:
        q = q.where(Person.province_code == province)
    if period_id is not None:
        q = q.where(PersonPeriod.id == period_id)
    if person_id is not None:
        q = q.where(PersonPeriod.person_id == person_id)
    with engine.db.read() as s:
        return [(p, person) for p, person in s.execute(q).all()]


def _start(engine, period: PersonPeriod, person: Person, months_cache: dict) -> Case | None:
    if period.code not in GROUP_LABELS or not person.residence_commune_code:
        return None   # no commune to follow the child up in: the record needs its residence first
    now = engine.now()
    months = months_cache.setdefault(person.province_code, months_for(engine, person.province_code))[period.code]
    with engine.db.read() as s:
        commune = canonical_commune(s, person.residence_commune_code)
        cal = engine.calendar(s)
    turns_16 = sixteenth_birthday(person.birth_date, person.birth_year)
    schedule = review_schedule(period.start_date or _today(engine), months, turns_16, now, cal)
    if not schedule:
        return None   # 16 before the first review is due
    data = {"person_id": person.id, "period_id": period.id, "group_code": period.code,
            "group_label": GROUP_LABELS[period.code], "child_name": person.full_name,
            "followup_months": months, "membership_start": (period.start_date or _today(engine)).isoformat(),
            "sixteenth_birthday": turns_16.isoformat() if turns_16 else None,
            "review_schedule": schedule, "review_count": len(schedule), "review_no": 0}
    try:
        case = engine.start_case(PROCESS_ID, data, ACTOR, incident_commune=commune, received_at=now,
                                 summary={"child_name": person.full_name, "group": GROUP_LABELS[period.code],
                                          "followup_months": months},
                                 reference=reference(period.id), on_start=lambda s, case: records.link_case(
                                     s, now, ACTOR.username, person.id, case.id))   # one transaction with its link
    except IntegrityError:   # another worker started it first (unique reference)
        return None
    return case


def start_for_period(engine, period_id: int) -> Case | None:
    """The follow-up of one membership just added (None: not a running group membership, or it has one)."""
    found = _missing(engine, None, period_id)
    return _start(engine, *found[0], {}) if found else None


def start_for_person(engine, person_id: str) -> int:
    """The missing follow-ups of one record (e.g. after a report's group joined it); how many started."""
    cache: dict[str, dict[str, int]] = {}
    return sum(1 for period, person in _missing(engine, None, person_id=person_id) if _start(engine, period, person,
                                                                                               cache))


def ensure_followups(engine, province: str | None = None) -> int:
    """Start every missing follow-up (of ``province``, or all); returns how many were started."""
    if not engine.versions(PROCESS_ID):
        return 0
    cache: dict[str, dict[str, int]] = {}
    return sum(1 for period, person in _missing(engine, province) if _start(engine, period, person, cache))


def end_for_period(engine, period_id: int, reason: str = "") -> bool:
    """Tell the membership's open follow-up that the child left the group; True when it stopped."""
    with engine.db.read() as s:
        case_id = s.execute(select(Case.id).where(Case.reference == reference(period_id),
                                                  Case.status == "open")).scalar()
    if case_id is None:
        return False
    try:
        messages.deliver(engine, case_id, "message", MESSAGE,
                         {"reason": reason or "Kết thúc trong sổ theo dõi / ended in the register"}, ACTOR)
    except Conflict:   # not waiting for it now (e.g. only the chairman's overdue step is left)
        return False
    return True


def end_finished(engine) -> int:
    """The sweep: stop the open follow-ups whose membership has ended by today."""
    ref = _reference_column()
    with engine.db.read() as s:
        ended = list(s.execute(select(PersonPeriod.id).join(Case, Case.reference == ref).where(
            Case.status == "open", PersonPeriod.end_date.is_not(None),
            PersonPeriod.end_date <= _today(engine))).scalars())
    return sum(1 for pid in ended if end_for_period(engine, pid))


def link_unlinked(engine) -> int:
    """Link to its record every follow-up case left without one (a follow-up starts with its link in one
    transaction; this repairs those started otherwise, e.g. by an older version or a restored backup); returns how
    many were linked."""
    ref = _reference_column()
    with engine.db.read() as s:
        rows = s.execute(select(Case.id, PersonPeriod.person_id).join(PersonPeriod, Case.reference == ref)
                         .join(Person, Person.id == PersonPeriod.person_id)
                         .outerjoin(PersonCase, PersonCase.case_id == Case.id)
                         .where(PersonCase.case_id.is_(None), Person.status == "active")).all()
    for case_id, person_id in rows:
        with engine.db.write() as s:
            records.link_case(s, engine.now(), ACTOR.username, person_id, case_id)
    return len(rows)


def on_sweep(engine) -> int:
    """``Procedure.on_sweep``: start the missing follow-ups, link any left unlinked, stop the ended ones;
    returns cases started."""
    started = ensure_followups(engine)
    link_unlinked(engine)
    end_finished(engine)
    return started
