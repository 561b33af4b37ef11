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
                  "case_category", "special_circumstance_group", "child_age_16_17", "applicable_procedure",
                  "incident_setting", "crime_suspected")


def person_key(name: str | None, birth: str | None, residence: str | None) -> str | None:
    """A normalised identity key for spotting a second report on a child (offered, never merged)."""
    if not name:
        return None
    folded = unicodedata.normalize("NFD", name.lower().replace("đ", "d"))
    folded = re.sub(r"[^a-z0-9 ]", "", "".join(c for c in folded if unicodedata.category(c) != "Mn"))
    return f"{' '.join(folded.split())}|{birth or ''}|{residence or ''}"


def _age_at(data: dict, when: dt.datetime) -> int | None:
    if data.get("child_birth_date"):
        born = dt.date.fromisoformat(data["child_birth_date"])
        day = when.date()
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return data.get("child_age")


def age_scope(data: dict, when: dt.datetime) -> dict:
    """Luật Trẻ em 2016 Điều 1: trẻ em là người dưới 16 tuổi. A 16- or 17-year-old is recorded (the report is
    not lost) with a flag and the procedure that applies instead: a trafficking victim under 18 is supported
    under Luật Phòng, chống mua bán người 2024 and NĐ 162/2025 (``trafficking_support``); anyone else under 18
    is helped through general social assistance (NĐ 20/2021/NĐ-CP, trợ giúp xã hội)."""
    age = _age_at(data, when)
    if age is None or age < 16:
        return {"child_age_16_17": False}
    trafficked = "trafficking" in (data.get("abuse_forms") or []) or data.get("special_circumstance_group") == "m"
    procedure = "trafficking_support" if trafficked else "social_assistance"
    note = ("Người từ đủ 16 đến dưới 18 tuổi không phải là trẻ em theo Luật Trẻ em 2016 (Điều 1): thủ tục NĐ 56/2017 "
            "không áp dụng. " + ("Áp dụng thủ tục hỗ trợ nạn nhân mua bán người (Luật Phòng, chống mua bán người 2024; "
                                  "NĐ 162/2025/NĐ-CP)." if trafficked else
                                  "Chuyển trợ giúp xã hội (NĐ 20/2021/NĐ-CP) và các biện pháp hỗ trợ khác theo pháp luật."))
    return {"child_age_16_17": True, "applicable_procedure": procedure, "age_scope_note": note}


def open_case(engine: Engine, report: dict, actor: Actor, idempotency: tuple[int, str, str] | None = None):
    """Validate a Mẫu 01 report and start a case from it. Returns the new ``Case``."""
    data = INTAKE.validate(report)
    received_at = dt.datetime.fromisoformat(data["received_at"]) if data.get("received_at") else None
    oldest = engine.now() - dt.timedelta(days=RECEIVED_AT_MAX_AGE_DAYS)
    if received_at is not None and received_at.tzinfo is not None and received_at < oldest:
        raise InvalidTaskData({"received_at": [f"thời điểm tiếp nhận sớm hơn {RECEIVED_AT_MAX_AGE_DAYS} ngày trước / "
                                               f"receipt more than {RECEIVED_AT_MAX_AGE_DAYS} days ago"]})
    # Mẫu số 01: the informant is recorded only "nếu người báo tin đồng ý" (NĐ 56/2017 Điều 33; Luật Trẻ em Điều 6)
    if data.get("reporter_anonymous") or not data.get("reporter_consent"):
        for name in ("reporter_name", "reporter_phone", "reporter_address", "reporter_relation"):
            data[name] = None
    data.update(age_scope(data, received_at or engine.now()))
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
