"""A child victim (under 16) also has a child-protection case (Luật Trẻ em 2016 Điều 10.1.m, Điều 47;
NĐ 56/2017/NĐ-CP): opened through the child-protection procedure's own form and linked to the
trafficking case with ``engine.link_cases``.

Two ways in: the intake, when the report shows a child (at once), and the identification step
``child_protection_referral`` (the age is established there): the timer worker's sweep
(``Procedure.on_sweep``) opens or links the case for every completed referral that has none yet.
The child-protection case gets a reference derived from the trafficking case's, so two sweeping
workers never open two.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.models import Case
from engine.models import CaseLink
from engine.models import CaseStep
from engine.models import ProcessVersion
from engine.runtime import Actor
from engine.runtime import Engine
from workflows.child_protection.intake import SUMMARY_FIELDS as CP_SUMMARY
from workflows.child_protection.intake import person_key

PROCESS_ID = "trafficking_support"
CP_PROCEDURE = "child_protection"
REFERRAL_TASK = "child_protection_referral"
SYSTEM = Actor("hệ thống: hỗ trợ nạn nhân mua bán người")
CP_CHANNELS = {"police": "police", "border_guard": "police", "coast_guard": "police", "hotline": "hotline_111",
               "self_report": "walk_in"}


def _cp():
    from workflows import registry

    proc = registry.get(CP_PROCEDURE)
    if proc is None or proc.intake is None:
        raise RuntimeError("the child-protection procedure is not installed")
    return proc


def _cp_case_ids(engine: Engine, case_id: str) -> list[str]:
    cp_process = _cp().config.process_id
    with engine.db.read() as s:
        linked = engine.linked_cases(case_id)
        ids = {c.process_version_id for c in linked}
        processes = dict(s.execute(select(ProcessVersion.id, ProcessVersion.process_id)
                                   .where(ProcessVersion.id.in_(ids))).all()) if ids else {}
    return [c.id for c in linked if processes.get(c.process_version_id) == cp_process]


def child_report(case: Case, data: dict) -> dict:
    """The child-protection intake report (Mẫu 01) for the child victim of ``case``."""
    age = data.get("established_age", data.get("reported_age"))
    return {
        "channel": CP_CHANNELS.get(data.get("channel") or "", "walk_in"),
        "case_category": "abused", "abuse_forms": ["trafficking"], "special_circumstance_group": "m",
        "urgency": "emergency", "received_at": data.get("received_at"),
        "incident_commune": case.commune_code,
        "residence_commune": data.get("residence_commune") or case.residence_commune_code,
        "child_name": data.get("person_name"), "child_sex": data.get("person_sex") or "unknown",
        "child_birth_date": data.get("person_birth_date"), "child_age": age if age is not None and age < 18 else None,
        "child_current_location": data.get("person_current_location"),
        "description": f"Trẻ em bị mua bán (hồ sơ hỗ trợ nạn nhân {case.reference}). {data.get('description') or ''}",
        "actions_already_taken": data.get("cp_referral_notes"),
        "reporter_anonymous": True,
    }


def link_child_protection(engine: Engine, case: Case, data: dict, actor: Actor,
                          existing_reference: str | None = None) -> str:
    """The id of the child-protection case linked to ``case``: an existing one, the one an officer named,
    or one opened now. Idempotent."""
    have = _cp_case_ids(engine, case.id)
    if have:
        return have[0]
    proc = _cp()
    other = None
    if existing_reference:
        with engine.db.read() as s:
            other = s.execute(select(Case).join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
                              .where(Case.reference == existing_reference.strip(),
                                     ProcessVersion.process_id == proc.config.process_id)).scalar()
    if other is None:   # none named, or not a child-protection case: open one
        other = _open(engine, proc, case, data, actor)
    engine.link_cases(case.id, other.id, actor)
    return other.id


def _open(engine: Engine, proc, case: Case, data: dict, actor: Actor) -> Case:
    clean = proc.intake.form.validate(child_report(case, data))
    reference = f"{case.reference}-TE"
    received = dt.datetime.fromisoformat(clean["received_at"]) if clean.get("received_at") else None
    key = person_key(clean.get("child_name"), clean.get("child_birth_date") or (
        str(clean["child_age"]) if clean.get("child_age") is not None else None),
        clean.get("residence_commune") or clean["incident_commune"])
    try:
        return engine.start_case(proc.config.process_id, clean, actor, incident_commune=clean["incident_commune"],
                                 residence_commune=clean.get("residence_commune"), received_at=received,
                                 summary={k: clean.get(k) for k in CP_SUMMARY}, dedup_key=key, reference=reference)
    except IntegrityError:   # another worker opened it a moment ago: the reference is the lock
        with engine.db.read() as s:
            return s.execute(select(Case).where(Case.reference == reference)).scalar_one()


def pending_referrals(engine: Engine) -> list[str]:
    """Trafficking cases whose child-protection referral was completed but that have no linked CP case."""
    cp_process = _cp().config.process_id
    with engine.db.read() as s:
        referred = set(s.execute(
            select(CaseStep.case_id).join(Case, Case.id == CaseStep.case_id)
            .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
            .where(CaseStep.task_name == REFERRAL_TASK, ProcessVersion.process_id == PROCESS_ID)).scalars())
        if not referred:
            return []
        cp_ids = (select(Case.id).join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
                  .where(ProcessVersion.process_id == cp_process))
        pairs = s.execute(select(CaseLink.case_id, CaseLink.other_case_id).where(
            or_(CaseLink.case_id.in_(cp_ids), CaseLink.other_case_id.in_(cp_ids)))).all()
    linked = {a for a, _b in pairs} | {b for _a, b in pairs}
    return sorted(referred - linked)


def sync_child_protection(engine: Engine) -> int:
    """The sweep hook: open or link the child-protection case of every pending referral; returns cases opened."""
    opened = 0
    for case_id in pending_referrals(engine):
        case = engine.get_case(case_id)
        data = engine.case_data(case_id)
        before = _cp_case_ids(engine, case_id)
        if not before:
            link_child_protection(engine, case, dict(data, received_at=engine.now().isoformat()), SYSTEM,
                                  existing_reference=data.get("child_protection_reference"))
            opened += 1
    return opened
