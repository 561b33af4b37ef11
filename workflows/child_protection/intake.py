"""Opening a case from a Mẫu 01 report (NĐ 56/2017 Điều 23.1 and Mẫu số 01), and its duplicate key."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass

from engine.errors import InvalidTaskData
from engine.runtime import Actor
from engine.runtime import Engine
from workflows.child_protection.forms import INTAKE
from workflows.forms import Form

PROCESS_ID = "child_protection_case"
# who receives reports and records them: the commune (Luật Trẻ em Điều 51; NĐ 56 Điều 23.1), the hotline
# (Tổng đài 111, NĐ 56 Điều 23.1) and the commune police, who also receive crime reports
INTAKE_ROLES = frozenset({"commune_officer", "hotline", "commune_police"})
# a report recorded late keeps its real receipt time (the 12 hours run from it), but not one from long ago:
# the bound is the province's setting (the law is silent), 30 days by default
RECEIVED_AT_MAX_AGE_DAYS = int(os.environ.get("BVTE_RECEIVED_AT_MAX_AGE_DAYS", "30"))
SUMMARY_FIELDS = ("child_name", "child_sex", "child_age", "child_birth_date", "channel", "urgency", "abuse_forms",
                  "case_category", "special_circumstance_group")


def person_key(name: str | None, birth: str | None, residence: str | None) -> str | None:
    """A normalised identity key for spotting a second report on a child (offered, never merged)."""
    if not name:
        return None
    folded = unicodedata.normalize("NFD", name.lower().replace("đ", "d"))
    folded = re.sub(r"[^a-z0-9 ]", "", "".join(c for c in folded if unicodedata.category(c) != "Mn"))
    return f"{' '.join(folded.split())}|{birth or ''}|{residence or ''}"


def open_case(engine: Engine, report: dict, actor: Actor, idempotency: tuple[int, str, str] | None = None):
    """Validate a Mẫu 01 report and start a case from it. Returns the new ``Case``."""
    data = INTAKE.validate(report)
    received_at = dt.datetime.fromisoformat(data["received_at"]) if data.get("received_at") else None
    oldest = engine.now() - dt.timedelta(days=RECEIVED_AT_MAX_AGE_DAYS)
    if received_at is not None and received_at.tzinfo is not None and received_at < oldest:
        raise InvalidTaskData({"received_at": [f"thời điểm tiếp nhận sớm hơn {RECEIVED_AT_MAX_AGE_DAYS} ngày trước / "
                                               f"receipt more than {RECEIVED_AT_MAX_AGE_DAYS} days ago"]})
    if data.get("reporter_anonymous"):
        for name in ("reporter_name", "reporter_phone", "reporter_address"):
            data[name] = None
    summary = {k: data.get(k) for k in SUMMARY_FIELDS}
    key = person_key(data.get("child_name"), data.get("child_birth_date") or (str(data["child_age"])
                     if data.get("child_age") is not None else None),
                     data.get("residence_commune") or data["incident_commune"] or "")
    return engine.start_case(PROCESS_ID, data, actor, incident_commune=data["incident_commune"],
                             residence_commune=data.get("residence_commune"), received_at=received_at,
                             summary=summary, dedup_key=key, idempotency=idempotency)


@dataclass(frozen=True)
class ReportIntake:
    """The procedure's ``Intake``: Mẫu 01, received by the commune, the hotline or the commune police."""

    form: Form = INTAKE
    roles: frozenset[str] = INTAKE_ROLES

    def open_case(self, engine, data, actor, idempotency=None):
        return open_case(engine, data, actor, idempotency)
