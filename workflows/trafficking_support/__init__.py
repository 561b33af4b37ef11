"""Support for victims of trafficking (Luật Phòng, chống mua bán người 53/2024/QH15, in force 01/07/2025, Điều 27
as amended in 2025; Nghị định 162/2025/NĐ-CP): receiving a report or a handed-over person, verification and
identification, the support measures of Điều 37, hand-over to the commune of residence, follow-up, closure.

Owned here: lanes -> agency types and the agency types it adds (``lanes``), forms (``forms``), time limits with
their legal basis and the provincial settings (``deadlines``), need-to-know (``visibility``), intake
(``intake``), the child-protection link for a victim under 16 (``child_link``), help texts, the guard
(``process``); the diagram is ``bpmn/trafficking_support.bpmn`` (drawn by ``draw``); research: ``LAW.md``.
"""

from __future__ import annotations

import os

from workflows.procedure import Procedure
from workflows.trafficking_support.child_link import sync_child_protection
from workflows.trafficking_support.forms import FORMS
from workflows.trafficking_support.help import HELP
from workflows.trafficking_support.intake import VictimIntake
from workflows.trafficking_support.lanes import AGENCY_TYPES
from workflows.trafficking_support.lanes import DEMO_USERS
from workflows.trafficking_support.process import CONFIG
from workflows.trafficking_support.visibility import SENSITIVE
from workflows.trafficking_support.visibility import filter_case_data
from workflows.trafficking_support.visibility import visible_fields

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

PROCEDURE = Procedure(
    code="trafficking_support",
    title_vi="Hỗ trợ nạn nhân bị mua bán",
    title_en="Support for victims of trafficking",
    legal_basis="Luật Phòng, chống mua bán người 2024 (Điều 27 sửa đổi 2025, Điều 30, 33, 37); NĐ 162/2025/NĐ-CP",
    config=CONFIG,
    intake=VictimIntake(),
    visibility=filter_case_data,
    visible_fields=visible_fields,
    sensitive_fields=frozenset(SENSITIVE),
    help=HELP,
    features_dir=os.path.join(ROOT, "features", "trafficking_support"),
    order=20,
    agency_types=AGENCY_TYPES,
    demo_users=DEMO_USERS,
    on_sweep=sync_child_protection,
)

__all__ = ["PROCEDURE", "FORMS"]
