"""The consent to share a child's data with the referral agencies of a plan, or the legal exception used (#16.7).

A plan (Mẫu 04) that refers the child to the police, a health facility, the school, legal aid or the social-work
centre shares the child's data with them. Luật Bảo vệ dữ liệu cá nhân 2025 (91/2025/QH15) Điều 24.2: the legal
representative exercises a child's rights over its data, and processing that discloses the private life of a
child of 7 or more needs the consent of the child *and* the representative (also Luật Trẻ em 2016 Điều 6.11,
33); Điều 9: the consent is explicit (silence is none); Điều 19.1: the cases that need no consent, among them
protecting life and health in an emergency and a state body carrying out a task the law gives it.

The officer chooses one basis explicitly (no default). A referral is refused (422 naming the field) when no
basis is chosen, when consent was refused, or when only the representative consented for a child of 7 or more.
A child whose age is not known is treated as 7 or more (the stricter rule). The age of 7 is the law's, not a
provincial setting.
"""

from __future__ import annotations

import datetime as dt

from engine.errors import InvalidTaskData
from workflows.fields import C
from workflows.fields import D
from workflows.fields import T
from workflows.forms import Form

REFER_FIELDS = ("refer_police", "refer_health", "refer_education", "refer_legal_aid", "refer_social_work")
CONSENT_AGE = 7   # Luật BVDLCN 2025 Điều 24.2; Luật Trẻ em 2016 Điều 6.11
BOTH = "consent_child_and_representative"
REPRESENTATIVE = "consent_representative"
REFUSED = "refused"
CONSENTS = (BOTH, REPRESENTATIVE)

BASES = [
    (BOTH, "Trẻ (từ đủ 7 tuổi) và người đại diện theo pháp luật đã đồng ý (Luật BVDLCN 2025 Điều 24.2)",
     "The child (7 or older) and the legal representative consented"),
    (REPRESENTATIVE, "Người đại diện theo pháp luật đã đồng ý (trẻ dưới 7 tuổi)",
     "The legal representative consented (child under 7)"),
    ("exception_life_health", "Không cần sự đồng ý: bảo vệ tính mạng, sức khỏe của trẻ trong tình huống khẩn cấp "
     "(Luật BVDLCN 2025 Điều 19.1)", "No consent needed: protecting the child's life or health in an emergency"),
    ("exception_state_duty", "Không cần sự đồng ý: cơ quan nhà nước thực hiện nhiệm vụ bảo vệ trẻ em theo luật "
     "(Luật BVDLCN 2025 Điều 19.1; Luật Trẻ em Điều 52)",
     "No consent needed: a state body carrying out its statutory child-protection duty"),
    ("exception_criminal", "Không cần sự đồng ý: theo yêu cầu của cơ quan tiến hành tố tụng (Luật BVDLCN 2025 Điều "
     "19.1; BLTTHS 2015)", "No consent needed: requested by a criminal-procedure authority"),
    (REFUSED, "Trẻ hoặc người đại diện không đồng ý, chưa có căn cứ", "Consent refused or no basis yet"),
]

HELP = ("Bắt buộc khi có chuyển gửi: trẻ từ đủ 7 tuổi phải đồng ý cùng người đại diện theo pháp luật, hoặc ghi "
        "ngoại lệ được áp dụng (Luật Bảo vệ dữ liệu cá nhân 2025 Điều 19.1, 24.2).")
FIELDS = [
    C("child_data_sharing_basis", "Căn cứ chia sẻ dữ liệu của trẻ với cơ quan được chuyển gửi",
      "Basis for sharing the child's data with the referral agencies", BASES, help_vi=HELP),
    T("child_data_consent_by", "Người đồng ý (họ tên trẻ, người đại diện) hoặc tình huống áp dụng ngoại lệ",
      "Who consented (the child, the representative) or the situation the exception rests on"),
    D("child_data_consent_on", "Ngày đồng ý", "Date of the consent"),
]


def age_on(data: dict, day: dt.date) -> int | None:
    if data.get("child_birth_date"):
        born = dt.date.fromisoformat(str(data["child_birth_date"])[:10])
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    age = data.get("child_age")
    return int(age) if isinstance(age, int) else None


def check_sharing(clean: dict, case_data: dict, now: dt.datetime) -> None:
    """Refuse a plan that refers the child without the consent or exception the law asks for."""
    if not any(clean.get(f) for f in REFER_FIELDS):
        return
    basis = clean.get("child_data_sharing_basis")
    field = "child_data_sharing_basis"
    if not basis:
        raise InvalidTaskData({field: ["chuyển gửi cần ghi rõ sự đồng ý hoặc ngoại lệ (Luật BVDLCN 2025 Điều 24, 19) / "
                                       "a referral needs the consent or the legal exception"]})
    if basis == REFUSED:
        raise InvalidTaskData({field: ["chưa có sự đồng ý hoặc ngoại lệ: không chuyển gửi được / "
                                       "no consent or exception: the child cannot be referred"]})
    age = age_on(case_data, now.date())
    if basis == REPRESENTATIVE and (age is None or age >= CONSENT_AGE):
        raise InvalidTaskData({field: ["trẻ từ đủ 7 tuổi (hoặc chưa rõ tuổi) phải cùng đồng ý với người đại diện "
                                       "(Luật BVDLCN 2025 Điều 24.2) / a child of 7 or more must consent too"]})
    if not (clean.get("child_data_consent_by") or "").strip():
        raise InvalidTaskData({"child_data_consent_by": ["ghi người đồng ý hoặc tình huống áp dụng ngoại lệ / "
                                                          "name who consented, or the situation"]})
    if basis in CONSENTS and not clean.get("child_data_consent_on"):
        raise InvalidTaskData({"child_data_consent_on": ["ghi ngày đồng ý / the date of the consent"]})


class PlanForm(Form):
    """Mẫu 04 with the sharing consent; the engine calls ``check_in_case`` with the case's data."""

    def check_in_case(self, clean: dict, case_data: dict, now: dt.datetime) -> None:
        check_sharing(clean, case_data, now)
