"""Periodic follow-up of children in special circumstances (issue #21 item 3).

A child in one of the 14 groups of Luật Trẻ em 2016 Điều 10.1 (a ``group`` membership in the children register,
``workflows.child_protection.register``) is reviewed by the commune child-protection officer every N months, N
the province's setting per group (``schedule``: the defaults and why; ``bvte register followups interval``):
``bpmn/child_followup.bpmn`` — the review «Rà soát định kỳ» opens before its due date, an overdue review is
escalated to the commune chairman, and the next period follows until the child leaves the group (the membership
is ended in the register, or the review says so) or turns 16 (Điều 1). Started and stopped by ``followups``.
"""

from __future__ import annotations

from workflows.child_followup.followups import on_sweep
from workflows.child_followup.process import CONFIG
from workflows.procedure import Procedure

PROCEDURE = Procedure(
    code="child_followup",
    title_vi="Theo dõi định kỳ trẻ em có hoàn cảnh đặc biệt",
    title_en="Periodic follow-up of children in special circumstances",
    legal_basis="Luật Trẻ em 2016 Điều 1, 10.1, 50; NĐ 56/2017/NĐ-CP; chu kỳ rà soát theo nhóm: cấu hình của tỉnh",
    config=CONFIG,
    person_field="child_name",
    help={"periodic_review": "Thăm trẻ, ghi tình hình, trẻ còn thuộc nhóm không, nhu cầu hỗ trợ và bước tiếp theo; "
                             "hạn là cuối kỳ theo số tháng tỉnh đặt cho nhóm.",
          "escalate_review_overdue": "Việc rà soát định kỳ đã quá hạn: chỉ đạo, đôn đốc cán bộ bảo vệ trẻ em cấp xã."},
    on_sweep=on_sweep,
    order=80,
)

__all__ = ["PROCEDURE"]
