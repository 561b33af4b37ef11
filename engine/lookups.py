"""Small reads the case-file pages need: a case's process, a case by reference, a commune's cases.

Each opens its own read session; process versions are immutable, so a version's process id is cached.
"""

from __future__ import annotations

from sqlalchemy import or_
from sqlalchemy import select

from engine.models import Case
from engine.models import Commune
from engine.models import ProcessVersion

_PROCESS_OF_VERSION: dict[tuple[int, int], str] = {}


def process_id_of(engine, case: Case) -> str:
    """The id of the main process a case runs (``ProcessVersion.process_id`` of its version)."""
    key = (id(engine.db), case.process_version_id)
    found = _PROCESS_OF_VERSION.get(key)
    if found is None:
        with engine.db.read() as s:
            found = s.execute(select(ProcessVersion.process_id)
                              .where(ProcessVersion.id == case.process_version_id)).scalar_one()
        _PROCESS_OF_VERSION[key] = found
    return found


def version_of(engine, case: Case) -> ProcessVersion:
    with engine.db.read() as s:
        return s.execute(select(ProcessVersion).where(ProcessVersion.id == case.process_version_id)).scalar_one()


def case_by_reference(engine, reference: str) -> Case | None:
    if not reference:
        return None
    with engine.db.read() as s:
        return s.execute(select(Case).where(Case.reference == reference)).scalar()


def cases_of_commune(engine, code: str | None, limit: int = 200) -> list[Case]:
    """Newest first: the cases a commune holds, or where the incident happened, or where the person lives."""
    with engine.db.read() as s:
        return list(s.execute(select(Case).where(or_(Case.commune_code == code, Case.incident_commune_code == code,
                                                     Case.residence_commune_code == code))
                              .order_by(Case.received_at.desc()).limit(limit)).scalars())


def communes(engine) -> list[Commune]:
    with engine.db.read() as s:
        return list(s.execute(select(Commune).order_by(Commune.code)).scalars())


def commune(engine, code: str) -> Commune | None:
    with engine.db.read() as s:
        return s.get(Commune, code)


def agencies_of_case(engine, case_id: str) -> set[int]:
    """Agencies that hold or held a task of the case (the need-to-know scope of partners), in its own read."""
    from engine.queries import agencies_involved

    with engine.db.read() as s:
        return agencies_involved(s, case_id)


def tasks_of_agency(engine, case_id: str, agency_id: int | None) -> frozenset[str]:
    """The user tasks an agency holds or held in a case (what its need-to-know on the case may depend on)."""
    from engine.models import CaseStep
    from engine.models import OpenTask

    if agency_id is None:
        return frozenset()
    with engine.db.read() as s:
        held = s.execute(select(OpenTask.task_name).where(OpenTask.case_id == case_id,
                                                          OpenTask.agency_id == agency_id)).scalars()
        done = s.execute(select(CaseStep.task_name).where(CaseStep.case_id == case_id,
                                                          CaseStep.agency_id == agency_id)).scalars()
        return frozenset(list(held) + list(done))


def find_case(engine, case_id: str) -> Case | None:
    """The case, or None (the caller decides whether absence and denial look alike)."""
    with engine.db.read() as s:
        return s.get(Case, case_id)


def steps_of_task(engine, task_id: str) -> list:
    """The completed step(s) recorded for a task id (to tell who finished a task that is gone)."""
    from engine.models import CaseStep

    with engine.db.read() as s:
        return list(s.execute(select(CaseStep).where(CaseStep.task_id == task_id)).scalars())


def reports_sent(engine, agency_id: int, limit: int = 100) -> list[dict]:
    """The reports this agency recorded, newest first: reference, status, the steps now open and the dates;
    never their content (the hotline follows what it sent, NĐ 56/2017 Điều 23.1; Luật Trẻ em Điều 54)."""
    from engine.models import OpenTask

    with engine.db.read() as s:
        cases = list(s.execute(select(Case).where(Case.intake_agency_id == agency_id)
                               .order_by(Case.received_at.desc()).limit(limit)).scalars())
        steps: dict[str, list[str]] = {}
        if cases:
            for case_id, title in s.execute(select(OpenTask.case_id, OpenTask.title)
                                            .where(OpenTask.case_id.in_([c.id for c in cases]))
                                            .order_by(OpenTask.created_at)):
                steps.setdefault(case_id, []).append(title)
    return [{"reference": c.reference, "status": c.status, "steps": steps.get(c.id, []), "received_at": c.received_at,
             "updated_at": c.updated_at, "closed_at": c.closed_at} for c in cases]
