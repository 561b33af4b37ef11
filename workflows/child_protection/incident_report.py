"""The immediate incident report («báo cáo đột xuất», issue #21.4): a serious case is reported upward by phone at
once and in writing within 1 day, as the provincial (formerly district) child-protection plans demand.

The law sets no such limit (NĐ 56/2017 Điều 25.3 only sends a crime report to the police at once): it is the
province's setting, ``BVTE_INCIDENT_REPORT_HOURS`` clock hours from the receipt of the information (default 24:
"trong 01 ngày" of a serious incident does not wait for office days; BLDS 2015 Điều 147.1, a limit in hours runs
from the stated moment) at which the commune learnt of the serious incident (``incident_known_at``). Which cases:
those the intake already marks as crimes (``crime_at_intake``: the crime flag, sexual abuse or trafficking), on
the intake's third branch, counted from the receipt; and those whose initial assessment first finds them (the
same signs, or serious harm from violence), beside the crime report to the police, counted from the assessment
(``bpmn/child_protection_case.bpmn``, ``bpmn/incident_report.bpmn``). Overdue, the commune chairman is told.
"""

from __future__ import annotations

import os

from engine.workdays import DeadlineRule
from workflows.fields import A
from workflows.fields import D
from workflows.fields import T
from workflows.forms import Field
from workflows.forms import Form

HOURS = int(os.environ.get("BVTE_INCIDENT_REPORT_HOURS", "24"))
BASIS = ("Kế hoạch bảo vệ trẻ em của tỉnh (trước đây của huyện): báo cáo ngay qua điện thoại, bằng văn bản trong 01 "
         "ngày kể từ khi biết vụ việc (tiếp nhận, hoặc đánh giá ban đầu phát hiện); cấu hình BVTE_INCIDENT_REPORT_HOURS; "
         "NĐ 56/2017 Điều 25.3")

RULE = DeadlineRule("incident_report", HOURS, "hours", "incident_known_at",
                    "Báo cáo đột xuất: điện thoại ngay, văn bản trong 01 ngày (kế hoạch của tỉnh)",
                    "Immediate incident report: by phone at once, in writing within 1 day (provincial plan)",
                    BASIS, escalate_to="lane_commune_chairman")

FORM = Form("Báo cáo đột xuất", [
    Field("phoned_at", "datetime", "Đã báo qua điện thoại lúc", "Reported by phone at", True),
    T("phoned_to", "Người nhận báo cáo qua điện thoại (họ tên, chức vụ, cơ quan)",
      "Reported by phone to (name, position, agency)", required=True),
    T("written_report_number", "Số văn bản báo cáo", "Written report number", required=True),
    D("written_report_date", "Ngày văn bản báo cáo", "Written report date", required=True),
    A("incident_report_note", "Ghi chú", "Notes"),
])
