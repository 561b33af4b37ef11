"""The statutory child-protection procedure (Luật Trẻ em 2016 Điều 47–53; Nghị định 56/2017/NĐ-CP, Chương III).

Everything it owns is here: lanes -> agency types (``lanes``), forms Mẫu 01–06 (``forms``), time limits with
their legal basis (``deadlines``), need-to-know (``visibility``), intake and the duplicate key (``intake``),
statutory guards (``process``), report indicators (``reports``), templates, help texts; its diagrams are
``bpmn/child_protection_case.bpmn`` and the files it calls; its scenarios are ``features/``.
"""

from __future__ import annotations

import os

from workflows.child_protection.forms import FORMS
from workflows.child_protection.help import HELP
from workflows.child_protection.intake import ReportIntake
from workflows.child_protection.process import CONFIG
from workflows.child_protection.register import ChildRegister
from workflows.child_protection.reports import Indicators
from workflows.child_protection.visibility import SENSITIVE
from workflows.child_protection.visibility import filter_case_data
from workflows.child_protection.visibility import filter_for_case
from workflows.child_protection.visibility import visible_fields
from workflows.procedure import Printable
from workflows.procedure import Procedure

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# NĐ 56/2017, Phụ lục: Mẫu số 01–06 (the forms each step of Điều 23–30 records)
PRINTABLES = [
    Printable("mau-01", "Mẫu số 01", "BÁO CÁO TIẾP NHẬN THÔNG TIN VỀ TRẺ EM", None),
    Printable("mau-02", "Mẫu số 02", "BÁO CÁO ĐÁNH GIÁ NGUY CƠ BAN ĐẦU", "initial_assessment"),
    Printable("mau-03", "Mẫu số 03", "BÁO CÁO ĐÁNH GIÁ NHU CẦU HỖ TRỢ, CAN THIỆP", "specific_assessment"),
    Printable("mau-04", "Mẫu số 04", "KẾ HOẠCH HỖ TRỢ, CAN THIỆP", "draft_plan"),
    Printable("mau-05", "Mẫu số 05", "QUYẾT ĐỊNH PHÊ DUYỆT KẾ HOẠCH HỖ TRỢ, CAN THIỆP", "approve_plan",
              signer="Chủ tịch UBND xã"),
    Printable("mau-06", "Mẫu số 06", "BÁO CÁO RÀ SOÁT, ĐÁNH GIÁ THỰC HIỆN KẾ HOẠCH", "review_visit"),
]

PROCEDURE = Procedure(
    code="child_protection",
    title_vi="Bảo vệ trẻ em: hỗ trợ, can thiệp",
    title_en="Child protection: support and intervention",
    legal_basis="Luật Trẻ em 2016 (Điều 47–53); Nghị định 56/2017/NĐ-CP, Chương III",
    config=CONFIG,
    intake=ReportIntake(),
    visibility=filter_case_data,
    case_visibility=filter_for_case,
    visible_fields=visible_fields,
    sensitive_fields=frozenset(SENSITIVE),
    indicators=Indicators(),
    printables=PRINTABLES,
    person_field="child_name",
    help=HELP,
    features_dir=os.path.join(ROOT, "features"),
    templates_dir=os.path.join(HERE, "templates"),
    order=10,
    register=ChildRegister(),
)

__all__ = ["PROCEDURE", "FORMS"]
