"""Retention: a closed record is anonymised once the province's retention period has passed (Luật Bảo vệ dữ
liệu cá nhân 2025 Điều 14: data are deleted or destroyed when the storage period ends).

A record is closed when none of its cases is open and none of its periods (groups, flags) is running; its
clock starts at the latest of its cases' closing, its periods' ends and its own last change. Anonymising
keeps what the statistics count (sex, year of birth, residence commune, the dated groups and flags, the links
to the cases) and removes what identifies the person: names, date of birth, identifier, hamlet, the
procedure's extra fields, the relations (caregivers and contacts), the people named in consents, the bases
written in periods; the linked cases lose the person's name from their summary and their duplicate key.
Every anonymised record is one audit event (``register.anonymise``), written in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.models import Case
from engine.register.models import Person
from engine.register.models import PersonCase
from engine.register.models import PersonConsent
from engine.register.models import PersonPeriod
from engine.register.models import PersonRelation
from engine.register.models import RegisterSettings
from engine.register.records import count_parts

ANONYMISED_NAME = "[đã ẩn danh]"


def retention_years(s: Session, province: str, default: int) -> int:
    row = s.get(RegisterSettings, province)
    return row.retention_years if row is not None else default


def set_retention_years(s: Session, now: dt.datetime, actor: str, province: str, years: int) -> None:
    if not 1 <= years <= 100:
        raise ValueError("retention must be between 1 and 100 years")
    row = s.get(RegisterSettings, province)
    before = row.retention_years if row else None
    if row is None:
        s.add(RegisterSettings(province_code=province, retention_years=years, changed_by=actor, changed_at=now))
    else:
        row.retention_years, row.changed_by, row.changed_at = years, actor, now
    s.flush()
    audit.append(s, now, actor, "register.retention_set", detail={"province": province, "years": years,
                                                                  "before": before})


@dataclass(frozen=True)
class Due:
    person_id: str
    closed_since: dt.datetime
    cases: int


def _aware(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return dt.datetime.combine(value, dt.time(0), tzinfo=dt.timezone.utc)


def due(s: Session, province: str, now: dt.datetime, years: int) -> list[Due]:
    """The live records of ``province`` closed for more than ``years`` years, oldest first."""
    cutoff = now - dt.timedelta(days=round(365.25 * years))
    open_case = (select(PersonCase.person_id).join(Case, Case.id == PersonCase.case_id)
                 .where(Case.status != "closed"))
    running = select(PersonPeriod.person_id).where(PersonPeriod.end_date.is_(None))
    people = s.execute(select(Person.id, Person.updated_at).where(
        Person.province_code == province, Person.status == "active", Person.updated_at < cutoff,
        Person.id.not_in(open_case), Person.id.not_in(running))).all()
    out = []
    ids = [p for p, _ in people]
    closed: dict[str, tuple] = {}
    ended: dict[str, object] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        closed.update({pid: (last, n) for pid, last, n in s.execute(
            select(PersonCase.person_id, func.max(Case.closed_at), func.count())
            .join(Case, Case.id == PersonCase.case_id).where(PersonCase.person_id.in_(chunk))
            .group_by(PersonCase.person_id))})
        ended.update({pid: last for pid, last in s.execute(
            select(PersonPeriod.person_id, func.max(PersonPeriod.end_date))
            .where(PersonPeriod.person_id.in_(chunk)).group_by(PersonPeriod.person_id))})
    for pid, updated in people:
        last_closed, n = closed.get(pid, (None, 0))
        since = max(x for x in (_aware(updated), _aware(last_closed), _aware(ended.get(pid))) if x is not None)
        if since < cutoff:
            out.append(Due(pid, since, int(n)))
    return sorted(out, key=lambda d: d.closed_since)


def anonymise(s: Session, now: dt.datetime, actor: str, person_id: str, reason: str) -> bool:
    """Anonymise one record (False if it was already). The caller checked it is due."""
    person = s.get(Person, person_id, with_for_update=True)
    if person is None or person.status != "active":
        return False
    relations = list(s.execute(select(PersonRelation).where(PersonRelation.person_id == person_id)).scalars())
    count_parts(s, [person.name_folded] + [r.name_folded for r in relations], -1)
    s.execute(delete(PersonRelation).where(PersonRelation.person_id == person_id))
    person.full_name, person.name_folded, person.name_key, person.other_names = ANONYMISED_NAME, "", "", []
    person.birth_date, person.id_number, person.residence_detail, person.attributes = None, None, None, {}
    person.status, person.anonymised_at, person.updated_at = "anonymised", now, now
    for consent in s.execute(select(PersonConsent).where(PersonConsent.person_id == person_id)).scalars():
        consent.given_by, consent.evidence = ANONYMISED_NAME, None
    for period in s.execute(select(PersonPeriod).where(PersonPeriod.person_id == person_id)).scalars():
        period.basis = ANONYMISED_NAME
    cases = list(s.execute(select(Case).join(PersonCase, PersonCase.case_id == Case.id)
                           .where(PersonCase.person_id == person_id)).scalars())
    for case in cases:
        case.dedup_key = None
        case.summary = {k: (None if k.endswith("_name") else v) for k, v in (case.summary or {}).items()}
    audit.append(s, now, actor, "register.anonymise",
                 detail={"person": person_id, "cases": sorted(c.reference for c in cases), "reason": reason})
    return True
