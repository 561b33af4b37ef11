"""Danger can return at any stage (issue #16.3): "nguy cơ mới" recorded on an open case.

While a case is open, the commune child-protection officer, the commune police or the hotline (111 or the
commune's) may record that the child is in new danger, or that the parents or caregivers refuse to carry out the
plan. The case's event sub-process ``new_danger`` (``bpmn/child_protection_case.bpmn``, non-interrupting, started
by the message ``nguy_co_moi``) then opens ``bpmn/new_danger_response.bpmn``: a new initial assessment (Mẫu 02;
NĐ 56/2017 Điều 26.2) with its own 12 hours from the new information (Điều 26.3), the chairman's emergency or
separation decision (Điều 31, 32; Luật Trẻ em Điều 52.3: refusing the plan is a ground for separation) and the
intervention, escalated to the chairman and the commune police first when the 12 hours pass. The running plan,
its referrals and its reviews go on: nothing of the case is cancelled. It can happen any number of times.

Who may record it and what it holds are the ``EventRule`` below; delivery, rights and audit are
``engine.messages`` (web: the case page's "Hồ sơ đang chờ" card, or the new-danger form; API
``POST /api/v1/cases/{id}/messages/nguy_co_moi``; CLI ``bvte messages send nguy_co_moi --case … --as …``).
"""

from __future__ import annotations

from engine.process import EventRule
from workflows.fields import A
from workflows.fields import C
from workflows.fields import T
from workflows.forms import Form

MESSAGE = "nguy_co_moi"
SENDERS = frozenset({"commune_officer", "commune_police", "hotline"})

KINDS = [
    ("new_danger", "Trẻ gặp nguy cơ mới, bị xâm hại hoặc tổn hại mới", "The child faces new danger or new harm"),
    ("plan_refused", "Cha mẹ, người chăm sóc từ chối thực hiện kế hoạch hỗ trợ, can thiệp (Điều 32)",
     "Parents or caregivers refuse to carry out the plan (Điều 32)"),
]

FORM = Form("Ghi nhận nguy cơ mới", [
    C("danger_kind", "Loại thông tin", "What happened", KINDS, required=True),
    A("danger_description", "Nội dung thông tin mới (không ghi tên người báo tin)",
      "The new information (no informant's name)", required=True),
    T("danger_commune", "Mã xã nơi xảy ra nguy cơ mới (để trống: xã đang phụ trách hồ sơ)",
      "Commune where the new danger arose (empty: the commune now responsible)"),
])


class PayloadForm:
    """The payload of ``nguy_co_moi``: the form above; a note sent from the generic "awaited" card (``note``)
    is read as the description of a new danger."""

    form = FORM

    def validate(self, data: dict) -> dict:
        data = dict(data)
        if "note" in data and "danger_description" not in data:
            data["danger_description"] = data.pop("note")
            data.setdefault("danger_kind", "new_danger")
        clean = FORM.validate(data)
        clean["danger_commune"] = (clean.get("danger_commune") or "").strip().upper() or None
        return clean


RULE = EventRule("message", MESSAGE, SENDERS, PayloadForm(),
                 title_vi="Nguy cơ mới / cha mẹ từ chối thực hiện kế hoạch (đánh giá lại trong 12 giờ)",
                 title_en="New danger / caregivers refuse the plan (reassess within 12 hours)")
EVENTS = {("message", MESSAGE): RULE}
