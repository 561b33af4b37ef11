"""The register of children (issue #21 item 1): what a record of the generic people register
(``engine.register``) means for this procedure.

- a record is a child: names, sex, birth date or estimated year, the 12-digit personal identification
  number (optional, checked), residence commune and hamlet, caregivers with relationship and contacts;
- dated memberships: the 14 groups of children in special circumstances (Luật Trẻ em 2016 Điều 10.1,
  ``group``) and the flags of a child at risk of falling into them (Điều 47.2, the level of support,
  ``risk``), each with start and end dates and its basis;
- which Mẫu 01 fields fill a new record (``from_case``) and how a record is scored as the same child
  (``score``): an officer confirms or creates, nothing is merged without them;
- who reads the register at the province (the provincial health department, which now carries the State's
  child-protection work in the province), and the default retention period.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from dataclasses import field

from engine.errors import InvalidTaskData
from engine.register.fold import edit_distance
from engine.register.fold import fold
from engine.register.fold import name_key
from engine.register.records import PersonFields
from engine.register.records import RelationFields
from workflows.child_protection.forms import SEXES
from workflows.child_protection.forms import SPECIAL_GROUPS
from workflows.fields import A
from workflows.fields import C
from workflows.fields import D
from workflows.fields import T
from workflows.forms import Field
from workflows.forms import Form

# Luật Trẻ em 2016 Điều 47.2: "cấp độ hỗ trợ" is for children at risk of abuse or of falling into special
# circumstances; the reasons a commune records (the provincial plans' "trẻ em có nguy cơ" checklists)
RISK_REASONS = [
    ("family_violence", "Gia đình có bạo lực", "Violence in the family"),
    ("parents_separated", "Cha mẹ ly hôn, ly thân hoặc bỏ đi", "Parents divorced, separated or gone"),
    ("left_behind", "Cha mẹ đi làm ăn xa, trẻ ở với người khác", "Parents working away, child left with others"),
    ("parent_prison", "Cha hoặc mẹ đang chấp hành án phạt tù", "A parent in prison"),
    ("parent_drugs", "Cha hoặc mẹ nghiện ma túy", "A parent using drugs"),
    ("poor_household", "Hộ nghèo, cận nghèo", "Poor or near-poor household"),
    ("dropout_risk", "Có nguy cơ bỏ học", "At risk of leaving school"),
    ("child_labour", "Phải lao động sớm, làm việc nặng nhọc", "Working too young or too hard"),
    ("online_risk", "Bị đe dọa, dụ dỗ trên môi trường mạng", "Threatened or groomed online"),
    ("other", "Lý do khác", "Other reason"),
]
PERIOD_KINDS = {"group": SPECIAL_GROUPS, "risk": RISK_REASONS}
PERIOD_TITLES = {"group": ("Nhóm trẻ em có hoàn cảnh đặc biệt (Luật Trẻ em Điều 10)",
                           "Groups of children in special circumstances (Law on Children Art. 10)"),
                 "risk": ("Trẻ em có nguy cơ rơi vào hoàn cảnh đặc biệt (Điều 47.2)",
                          "At risk of falling into special circumstances (Art. 47.2)")}
RELATIONSHIPS = [
    ("mother", "Mẹ", "Mother"), ("father", "Cha", "Father"), ("grandparent", "Ông, bà", "Grandparent"),
    ("sibling", "Anh, chị", "Older sibling"), ("relative", "Họ hàng khác", "Other relative"),
    ("guardian", "Người giám hộ", "Guardian"), ("foster", "Người nhận chăm sóc thay thế", "Alternative carer"),
    ("facility", "Cơ sở trợ giúp xã hội", "Social-assistance facility"), ("other", "Khác", "Other"),
]

CHILD_FORM = Form("Thông tin trẻ em", [
    T("full_name", "Họ và tên", "Full name", required=True),
    T("other_names", "Tên gọi khác (cách nhau bằng dấu phẩy)", "Other names (comma separated)"),
    C("sex", "Giới tính", "Sex", SEXES, required=True),
    D("birth_date", "Ngày sinh", "Date of birth"),
    Field("birth_year", "int", "Năm sinh (khi không rõ ngày; ước tính)", "Year of birth (estimated)",
          min_value=1990, max_value=2100),
    T("id_number", "Số định danh cá nhân (12 chữ số)", "Personal identification number (12 digits)"),
    T("residence_commune", "Xã nơi trẻ cư trú", "Residence commune"),
    T("residence_hamlet", "Thôn, ấp, bản, tổ dân phố", "Hamlet, village or residential group"),
])
CAREGIVER_FORM = Form("Người chăm sóc", [
    T("caregiver_name", "Họ tên người chăm sóc", "Caregiver's name", required=True),
    C("relationship", "Quan hệ với trẻ", "Relationship to the child", RELATIONSHIPS, required=True),
    T("phone", "Số điện thoại", "Phone"),
    T("address", "Địa chỉ", "Address"),
])
PERIOD_FORMS = {kind: Form(PERIOD_TITLES[kind][0], [
    C("code", "Nhóm" if kind == "group" else "Lý do", "Group" if kind == "group" else "Reason", choices,
      required=True),
    D("start_date", "Từ ngày", "From", required=True),
    D("end_date", "Đến ngày", "Until"),
    A("basis", "Căn cứ (văn bản, kết quả đánh giá, người xác nhận)", "Basis (document, assessment, who confirmed)",
      required=True),
]) for kind, choices in PERIOD_KINDS.items()}
# Luật Bảo vệ dữ liệu cá nhân 2025 (91/2025/QH15) Điều 9 (consent: the data, the purpose, who processes it) and
# Điều 24 (a child's rights are exercised by the legal representative; a child of 7 or more consents too)
CONSENT_FORM = Form("Đồng ý chia sẻ dữ liệu của trẻ", [
    T("recipient", "Cơ quan, tổ chức, cá nhân được chia sẻ", "Recipient", required=True),
    A("purpose", "Mục đích chia sẻ", "Purpose", required=True),
    A("data_scope", "Loại dữ liệu được chia sẻ", "Data shared", required=True),
    T("given_by", "Người đồng ý (người đại diện theo pháp luật; trẻ từ đủ 7 tuổi)",
      "Who consented (legal representative; the child if 7 or older)", required=True),
    D("given_on", "Ngày đồng ý", "Given on", required=True),
    D("expires_on", "Có hiệu lực đến", "Valid until"),
    T("evidence", "Nơi lưu văn bản đồng ý", "Where the signed form is kept"),
])

ID_DIGITS = re.compile(r"^\d{12}$")


def check_id_number(number: str, sex: str | None = None, birth_year: int | None = None) -> str | None:
    """The problem with a 12-digit personal identification number, or None. Its structure (Thông tư
    59/2021/TT-BCA Điều 7): 3 digits of the province of birth registration (001–096), 1 of century and sex
    (0/1 the 1900s male/female, 2/3 the 2000s, 4/5 the 2100s), 2 of the year of birth, 6 random."""
    if not ID_DIGITS.match(number):
        return "phải gồm đúng 12 chữ số / must be exactly 12 digits"
    if not 1 <= int(number[:3]) <= 96:
        return "ba chữ số đầu không phải mã tỉnh (001–096) / the first three digits are no province code"
    gender = int(number[3])
    if gender > 5:
        return "chữ số thứ tư (thế kỷ, giới tính) không hợp lệ / the fourth digit (century, sex) is invalid"
    if sex in ("male", "female") and (gender % 2 == 1) != (sex == "female"):
        return "không khớp giới tính / does not match the sex"
    if birth_year is not None:
        century = 1900 + 100 * (gender // 2)
        if century + int(number[4:6]) != birth_year:
            return "không khớp năm sinh / does not match the year of birth"
    return None


def person_fields(data: dict) -> PersonFields:
    """A validated ``CHILD_FORM`` as the register's fields; ``InvalidTaskData`` naming each wrong field."""
    clean = CHILD_FORM.validate(data)
    errors: dict[str, list[str]] = {}
    birth = dt.date.fromisoformat(clean["birth_date"]) if clean.get("birth_date") else None
    year = birth.year if birth else clean.get("birth_year")
    if birth and clean.get("birth_year") and clean["birth_year"] != birth.year:
        errors["birth_year"] = ["không khớp ngày sinh / does not match the date of birth"]
    number = (clean.get("id_number") or "").replace(" ", "")
    if number:
        problem = check_id_number(number, clean.get("sex"), year)
        if problem:
            errors["id_number"] = [problem]
    if not fold(clean.get("full_name")):
        errors["full_name"] = ["cần họ tên / a name is needed"]
    if errors:
        raise InvalidTaskData(errors)
    others = [n.strip() for n in (clean.get("other_names") or "").split(",") if n.strip()]
    return PersonFields(full_name=clean["full_name"], sex=clean.get("sex"), birth_date=birth, birth_year=year,
                        birth_estimated=birth is None and year is not None, id_number=number or None,
                        residence_commune_code=clean.get("residence_commune") or None,
                        residence_detail=clean.get("residence_hamlet") or None, other_names=others)


def form_values(record: dict) -> dict:
    """A record (``engine.register.records.record_of``) as ``CHILD_FORM`` values, to edit it."""
    p = record["person"]
    return {"full_name": p["full_name"], "other_names": ", ".join(p["other_names"] or []), "sex": p["sex"],
            "birth_date": p["birth_date"].isoformat() if p["birth_date"] else "",
            "birth_year": p["birth_year"] if p["birth_date"] is None else None, "id_number": p["id_number"] or "",
            "residence_commune": p["residence_commune_code"] or "", "residence_hamlet": p["residence_detail"] or ""}


@dataclass
class Proposal:
    """What a new report says about the child: the record it would create, and the group it names."""

    fields: PersonFields
    periods: list[tuple[str, str, dt.date, str]] = field(default_factory=list)   # kind, code, start, basis
    relations: list[RelationFields] = field(default_factory=list)


def from_case(data: dict, reference: str, received_at: dt.datetime) -> Proposal:
    """The record a Mẫu 01 report proposes: the child's name, sex, birth date (or the year from the estimated
    age), residence (the incident commune when not given), and the special-circumstance group it names."""
    birth = dt.date.fromisoformat(data["child_birth_date"]) if data.get("child_birth_date") else None
    year = birth.year if birth else (received_at.year - int(data["child_age"])
                                     if data.get("child_age") is not None else None)
    fields = PersonFields(full_name=data.get("child_name") or "", sex=data.get("child_sex"), birth_date=birth,
                          birth_year=year, birth_estimated=birth is None and year is not None,
                          residence_commune_code=data.get("residence_commune") or data.get("incident_commune"))
    periods = []
    if data.get("special_circumstance_group"):
        periods.append(("group", data["special_circumstance_group"], received_at.date(),
                        f"Báo cáo tiếp nhận thông tin (Mẫu 01) hồ sơ {reference}"))
    return Proposal(fields, periods)


def _near(a: str, b: str) -> bool:
    """The same number of syllables, one edit apart in all."""
    x, y = a.split(), b.split()
    return len(x) == len(y) and sum(edit_distance(p, q, 1) for p, q in zip(x, y, strict=True)) <= 1


def score(candidate, proposal: PersonFields, same_commune) -> tuple[int, list[str]]:
    """How likely ``candidate`` (a ``Person``) is the child of ``proposal`` (0–100), with the reasons shown to
    the officer. ``same_commune(a, b)`` says whether two commune codes are one commune today (merged ones)."""
    reasons: list[str] = []
    if proposal.id_number and candidate.id_number:
        if proposal.id_number == candidate.id_number:
            return 100, ["cùng số định danh cá nhân / same personal identification number"]
        return 0, ["khác số định danh / different identification number"]
    points = 0
    a, b = fold(proposal.full_name), candidate.name_folded
    others = {fold(n) for n in candidate.other_names or []}
    if a == b or a in others:
        points += 50
        reasons.append("cùng họ tên (không dấu) / same name (without diacritics)")
    elif name_key(a) == candidate.name_key or _near(a, b):
        points += 35
        reasons.append("họ tên gần giống / a similar name")
    else:
        return 0, []
    if proposal.birth_date and candidate.birth_date:
        if proposal.birth_date == candidate.birth_date:
            points += 30
            reasons.append("cùng ngày sinh / same date of birth")
        else:
            points -= 20
    elif proposal.birth_year and candidate.birth_year:
        gap = abs(proposal.birth_year - candidate.birth_year)
        points += {0: 20, 1: 10}.get(gap, -15)
        if gap <= 1:
            reasons.append("năm sinh khớp (±1) / year of birth matches (±1)")
    if proposal.residence_commune_code and candidate.residence_commune_code:
        if same_commune(proposal.residence_commune_code, candidate.residence_commune_code):
            points += 15
            reasons.append("cùng xã cư trú / same residence commune")
    if proposal.sex in ("male", "female") and candidate.sex in ("male", "female") and proposal.sex != candidate.sex:
        points -= 40
    return max(0, min(99, points)), reasons


@dataclass(frozen=True)
class ChildRegister:
    """``Procedure.register`` of the child-protection procedure."""

    title_vi: str = "Sổ theo dõi trẻ em"
    title_en: str = "Register of children"
    person_vi: str = "trẻ em"
    person_en: str = "child"
    person_form: Form = CHILD_FORM
    relation_form: Form = CAREGIVER_FORM
    period_forms: dict = field(default_factory=lambda: PERIOD_FORMS)
    period_titles: dict = field(default_factory=lambda: PERIOD_TITLES)
    consent_form: Form = CONSENT_FORM
    relationships: tuple = tuple(RELATIONSHIPS)
    # the provincial reader of the register (Sở Y tế since the 2025 reorganisation of Sở LĐ-TB&XH)
    province_roles: frozenset[str] = frozenset({"provincial_health"})
    min_score: int = 40
    # years after the last case closed (and every group or flag ended) before a record is anonymised, unless
    # the province sets its own (``bvte register retention``)
    default_retention_years: int = 5
    legal_basis: str = ("Luật Trẻ em 2016 Điều 10, 47; Luật Bảo vệ dữ liệu cá nhân 2025 (91/2025/QH15) Điều 9, 14, "
                        "19, 24")

    def title(self, lang: str = "vi") -> str:
        return self.title_vi if lang == "vi" else self.title_en

    def fields_of(self, data: dict) -> PersonFields:
        return person_fields(data)

    def form_values(self, record: dict) -> dict:
        return form_values(record)

    def proposal(self, data: dict, reference: str, received_at: dt.datetime) -> Proposal:
        return from_case(data, reference, received_at)

    def score(self, candidate, proposal: PersonFields, same_commune) -> tuple[int, list[str]]:
        return score(candidate, proposal, same_commune)

    def relation_fields(self, data: dict) -> RelationFields:
        clean = self.relation_form.validate(data)
        return RelationFields(full_name=clean["caregiver_name"], relationship=clean["relationship"],
                              phone=clean.get("phone"), address=clean.get("address"))

    def period_label(self, kind: str, code: str, lang: str = "vi") -> str:
        for value, vi, en in PERIOD_KINDS.get(kind, []):
            if value == code:
                return vi if lang == "vi" else en
        return code

    def on_period_added(self, engine, period_id: int) -> None:
        """A group joined: its periodic follow-up starts (``workflows.child_followup``, issue #21.3)."""
        from workflows.child_followup.followups import start_for_period

        start_for_period(engine, period_id)

    def followups(self):
        """The periodic follow-up of the 14 groups (``workflows.child_followup.followups``), for the CLI."""
        from workflows.child_followup import followups

        return followups

    def on_person_decided(self, engine, person_id: str) -> None:
        """A report was matched to a record (its group may have joined it): missing follow-ups start."""
        from workflows.child_followup.followups import start_for_person

        start_for_person(engine, person_id)

    def on_person_updated(self, engine, person_id: str) -> None:
        """A record was edited (e.g. its birth date corrected): its running follow-ups are rescheduled."""
        from workflows.child_followup.followups import reschedule

        reschedule(engine, person_id=person_id)

    def on_period_ended(self, engine, period_id: int) -> None:
        """A group left: its periodic follow-up stops."""
        from workflows.child_followup.followups import end_for_period

        end_for_period(engine, period_id)

    def relationship_label(self, code: str, lang: str = "vi") -> str:
        return next(((vi if lang == "vi" else en) for v, vi, en in RELATIONSHIPS if v == code), code)
