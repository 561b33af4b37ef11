"""What the statistics need that the steps did not record: where the abuse happened (at intake), and at
closure how the child was supported and how the perpetrators were handled.

- Môi trường xâm hại (gia đình, trường học, cộng đồng, môi trường mạng): the breakdown of TT 13/2021/TT-BLĐTBXH,
  Phụ lục IV, chỉ tiêu 0101 "Số trẻ em bị xâm hại".
- Hình thức hỗ trợ: Luật Trẻ em 2016 Điều 49–50 (hỗ trợ, can thiệp); NĐ 56/2017 Điều 28 (the plan's measures).
- Xử lý đối tượng xâm hại: xử lý hình sự (Bộ luật Hình sự; the police's result of the crime report), xử phạt vi
  phạm hành chính under NĐ 130/2021/NĐ-CP (Luật Xử lý vi phạm hành chính Điều 21: cảnh cáo, phạt tiền are the
  main sanctions; hình thức bổ sung and biện pháp khắc phục hậu quả beside them), or other measures.
"""
# ruff: noqa: N802

from __future__ import annotations

from workflows.fields import C
from workflows.fields import M
from workflows.fields import N
from workflows.fields import T

SETTINGS = [
    ("family", "Gia đình", "Family"),
    ("school", "Trường học", "School"),
    ("community", "Cộng đồng", "Community"),
    ("online", "Môi trường mạng", "Online"),
    ("unknown", "Chưa xác định", "Not known"),
]
# beside the needs of Mẫu 03 (forms.SERVICES), which are also kinds of support
EXTRA_SUPPORT = [
    ("education", "Hỗ trợ giáo dục, học nghề", "Education or vocational support"),
    ("social_assistance", "Trợ giúp xã hội, hỗ trợ vật chất", "Social assistance, material support"),
]
PERPETRATOR_HANDLING = [
    ("criminal", "Xử lý hình sự (khởi tố)", "Criminal prosecution"),
    ("administrative", "Xử phạt vi phạm hành chính (NĐ 130/2021/NĐ-CP)", "Administrative sanction (Decree 130/2021)"),
    ("other_measures", "Biện pháp khác (giáo dục tại xã, nhắc nhở, cam kết)", "Other measures (education, warning)"),
    ("not_handled", "Chưa xử lý", "Not handled yet"),
    ("unidentified", "Chưa xác định được đối tượng", "Perpetrator not identified"),
]
SANCTIONS = [
    ("warning", "Cảnh cáo", "Warning"),
    ("fine", "Phạt tiền", "Fine"),
    ("additional", "Hình thức xử phạt bổ sung", "Additional sanction"),
    ("remedial", "Biện pháp khắc phục hậu quả", "Remedial measure"),
]

INCIDENT_SETTING = C("incident_setting", "Môi trường xảy ra xâm hại", "Where the abuse happened", SETTINGS)

CLOSURE_FIELDS = [
    N("perpetrator_count", "Số đối tượng xâm hại", "Number of perpetrators", min_value=0, max_value=100),
    C("perpetrator_handling", "Xử lý đối tượng xâm hại", "How the perpetrators were handled", PERPETRATOR_HANDLING),
    M("sanctions", "Hình thức xử phạt vi phạm hành chính", "Administrative sanctions", SANCTIONS),
    N("fine_amount", "Số tiền phạt (đồng)", "Fine (VND)", min_value=0, max_value=2_000_000_000),
    T("sanction_decision", "Số, ngày quyết định xử phạt", "Number and date of the sanction decision"),
]
