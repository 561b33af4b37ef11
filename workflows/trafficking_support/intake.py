"""Opening a case from a report or a hand-over (Luật PCMBN 2024 Điều 27 khoản 1), and its duplicate key.

A person under 16 (a child: Luật Trẻ em 2016 Điều 1) also gets a child-protection case, opened and linked
at once (``child_link``); one identified as under 16 only later is handled at the identification step.
"""

from __future__ import annotations

import datetime as dt

from engine.runtime import Actor
from engine.runtime import Engine
from engine.workdays import VN_TZ
from workflows.child_protection.intake import person_key
from workflows.forms import Form
from workflows.trafficking_support.forms import INTAKE

PROCESS_ID = "trafficking_support"
# who records a report: the commune (Điều 27.1: the person comes to the UBND xã), the police and the border
# guard who receive reports and hand the person over, and the provincial hotline
INTAKE_ROLES = frozenset({"commune_social_officer", "commune_chairman", "commune_police", "border_guard",
                          "provincial_police", "hotline"})
SUMMARY_FIELDS = ("person_name", "person_sex", "person_age", "person_birth_date", "channel", "nationality",
                  "trafficking_purposes", "trafficked_abroad", "reported_age")
CHILD_AGE = 16   # Luật Trẻ em 2016 Điều 1: a child is a person under 16


def age_on(data: dict, day: dt.date) -> int | None:
    """The person's age on ``day``: from the birth date when known, else the estimated age."""
    birth = data.get("person_birth_date")
    if birth:
        born = dt.date.fromisoformat(birth)
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return data.get("person_age")


def open_case(engine: Engine, report: dict, actor: Actor, idempotency: tuple[int, str, str] | None = None):
    """Validate the report and start a case from it; a child also gets a linked child-protection case."""
    from workflows.trafficking_support.child_link import link_child_protection

    data = INTAKE.validate(report)
    received_at = dt.datetime.fromisoformat(data["received_at"]) if data.get("received_at") else None
    day = (received_at or engine.now()).astimezone(VN_TZ).date()
    data["reported_age"] = age_on(data, day)
    summary = {k: data.get(k) for k in SUMMARY_FIELDS}
    birth_or_age = data.get("person_birth_date") or (str(data["person_age"]) if data.get("person_age") is not None
                                                     else None)
    key = person_key(data.get("person_name"), birth_or_age, data.get("residence_commune") or data["incident_commune"])
    case = engine.start_case(PROCESS_ID, data, actor, incident_commune=data["incident_commune"],
                             residence_commune=data.get("residence_commune"), received_at=received_at,
                             summary=summary, dedup_key=f"mbn|{key}" if key else None, idempotency=idempotency)
    if data["reported_age"] is not None and data["reported_age"] < CHILD_AGE:
        link_child_protection(engine, case, dict(data, received_at=case.received_at.isoformat()), actor)
    return case


class VictimIntake:
    """The procedure's ``Intake``: a report received by the commune, the police, the border guard or the hotline."""

    form: Form = INTAKE
    roles: frozenset[str] = INTAKE_ROLES

    def open_case(self, engine, data, actor, idempotency=None):
        return open_case(engine, data, actor, idempotency)
