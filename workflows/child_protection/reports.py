"""Statutory figures (Thông tư 13/2021 indicator set, as configured): counts and deadline compliance.

Counts are by case received in the period: form of abuse, sex, age group (under 6, 6–11, 12–15, 16–17
and unknown), commune; supported (a plan was approved) and intervened (an emergency intervention was
done). Compliance is per deadline rule: the share of completed steps that met their limit, and the
median time from opening to completion. The overdue list shows open tasks past their limit.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import or_
from sqlalchemy import select

from engine.models import Case
from engine.models import CaseStep
from engine.models import OpenTask
from engine.runtime import Engine
from engine.workdays import VN_TZ
from workflows import excel
from workflows.child_protection.deadlines import DEADLINES
from workflows.child_protection.forms import ABUSE_FORMS
from workflows.child_protection.forms import SEXES

AGE_GROUPS = [("under_6", "Dưới 6 tuổi", 0, 5), ("6_11", "Từ 6 đến dưới 12 tuổi", 6, 11),
              ("12_15", "Từ 12 đến dưới 16 tuổi", 12, 15), ("16_17", "Từ 16 đến dưới 18 tuổi", 16, 17)]


@dataclass
class Report:
    province: str
    commune: str | None
    start: dt.date
    end: dt.date
    total: int = 0
    by_abuse: dict[str, int] = field(default_factory=dict)
    by_sex: dict[str, int] = field(default_factory=dict)
    by_age: dict[str, int] = field(default_factory=dict)
    by_commune: dict[str, int] = field(default_factory=dict)
    supported: int = 0
    intervened: int = 0
    compliance: list[dict] = field(default_factory=list)
    overdue: list[dict] = field(default_factory=list)


def age_group(summary: dict, at: dt.date) -> str:
    age = summary.get("child_age")
    birth = summary.get("child_birth_date")
    if birth:
        try:
            b = dt.date.fromisoformat(birth)
            age = at.year - b.year - ((at.month, at.day) < (b.month, b.day))
        except ValueError:
            age = None
    if age is None:
        return "unknown"
    for code, _label, low, high in AGE_GROUPS:
        if low <= age <= high:
            return code
    return "unknown"


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (dt.datetime.combine(start, dt.time(0), VN_TZ),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), VN_TZ))


def build_report(engine: Engine, province: str, start: dt.date, end: dt.date, commune: str | None = None) -> Report:
    if end < start:
        raise ValueError("end before start")
    lo, hi = _bounds(start, end)
    rep = Report(province, commune, start, end)
    rep.by_abuse = {code: 0 for code, _vi, _en in ABUSE_FORMS}
    rep.by_sex = {code: 0 for code, _vi, _en in SEXES}
    rep.by_age = {code: 0 for code, *_ in AGE_GROUPS} | {"unknown": 0}
    with engine.db.read() as s:
        q = select(Case).where(Case.province_code == province, Case.received_at >= lo, Case.received_at < hi)
        if commune:
            q = q.where(or_(Case.incident_commune_code == commune, Case.residence_commune_code == commune))
        cases = list(s.execute(q).scalars())
        ids = [c.id for c in cases]
        steps = []
        for chunk in range(0, len(ids), 500):
            steps += list(s.execute(select(CaseStep).where(CaseStep.case_id.in_(ids[chunk:chunk + 500]))).scalars())
        oq = (select(OpenTask, Case.reference).join(Case, Case.id == OpenTask.case_id)
              .where(Case.province_code == province, OpenTask.due_at < engine.now()).order_by(OpenTask.due_at))
        if commune:
            oq = oq.where(OpenTask.commune_code == commune)
        overdue = list(s.execute(oq.limit(1000)))
    for c in cases:
        rep.total += 1
        summary = c.summary or {}
        for form in summary.get("abuse_forms") or []:
            rep.by_abuse[form] = rep.by_abuse.get(form, 0) + 1
        sex = summary.get("child_sex") or "unknown"
        rep.by_sex[sex] = rep.by_sex.get(sex, 0) + 1
        rep.by_age[age_group(summary, c.received_at.astimezone(VN_TZ).date())] += 1
        rep.by_commune[c.incident_commune_code] = rep.by_commune.get(c.incident_commune_code, 0) + 1
    done: dict[str, set[str]] = {}
    for st in steps:
        done.setdefault(st.case_id, set()).add(st.task_name)
    rep.supported = len([1 for names in done.values() if "approve_plan" in names])
    rep.intervened = len([1 for names in done.values() if "emergency_intervention" in names])
    for name, rule in DEADLINES.items():
        relevant = [st for st in steps if st.deadline_rule == name and st.on_time is not None]
        if not relevant:
            continue
        hours = [(st.completed_at - st.opened_at).total_seconds() / 3600 for st in relevant]
        on_time = sum(1 for st in relevant if st.on_time)
        rep.compliance.append({"rule": name, "label": rule.label_vi, "limit": rule.describe_vi(),
                               "steps": len(relevant), "on_time": on_time,
                               "share": on_time / len(relevant), "median_hours": statistics.median(hours)})
    rep.overdue = [{"reference": ref, "task": t.title, "commune": t.commune_code, "due_at": t.due_at,
                    "escalated": t.escalated_at is not None} for t, ref in overdue]
    return rep


def to_excel(rep: Report) -> bytes:
    """The report as an .xlsx workbook in the layout provinces send upward."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    bold = Font(bold=True)
    ws.append([f"BÁO CÁO TÌNH HÌNH TRẺ EM BỊ XÂM HẠI – {rep.province}"
               + (f" – xã {rep.commune}" if rep.commune else "")])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"Kỳ báo cáo: {rep.start:%d/%m/%Y} – {rep.end:%d/%m/%Y}"])
    ws.append([])
    ws.append(["Chỉ tiêu", "Số lượng"])
    for cell in ws[4]:
        cell.font = bold
    ws.append(["Tổng số trường hợp tiếp nhận", rep.total])
    ws.append(["Số trẻ được hỗ trợ (kế hoạch được phê duyệt)", rep.supported])
    ws.append(["Số trẻ được can thiệp khẩn cấp", rep.intervened])
    ws.append(["Theo hình thức xâm hại"])
    ws.cell(ws.max_row, 1).font = bold
    names = {c: vi for c, vi, _ in ABUSE_FORMS}
    for code, n in rep.by_abuse.items():
        ws.append([f"  {names.get(code, code)}", n])
    ws.append(["Theo giới tính"])
    ws.cell(ws.max_row, 1).font = bold
    sexes = {c: vi for c, vi, _ in SEXES}
    for code, n in rep.by_sex.items():
        ws.append([f"  {sexes.get(code, code)}", n])
    ws.append(["Theo nhóm tuổi"])
    ws.cell(ws.max_row, 1).font = bold
    ages = {c: label for c, label, *_ in AGE_GROUPS} | {"unknown": "Không rõ tuổi"}
    for code, n in rep.by_age.items():
        ws.append([f"  {ages[code]}", n])
    ws.append(["Theo xã"])
    ws.cell(ws.max_row, 1).font = bold
    for code, n in sorted(rep.by_commune.items()):
        ws.append([f"  {code}", n])
    ws.column_dimensions["A"].width = 52
    c = wb.create_sheet("Tuân thủ thời hạn")
    c.append(["Thời hạn", "Quy định", "Số bước", "Đúng hạn", "Tỷ lệ đúng hạn", "Trung vị (giờ)"])
    for cell in c[1]:
        cell.font = bold
    for row in rep.compliance:
        c.append([row["label"], row["limit"], row["steps"], row["on_time"], round(row["share"], 4),
                  round(row["median_hours"], 1)])
    c.column_dimensions["A"].width = 60
    o = wb.create_sheet("Quá hạn")
    o.append(["Hồ sơ", "Việc", "Xã", "Hạn", "Đã báo cáo cấp trên"])
    for cell in o[1]:
        cell.font = bold
    for row in rep.overdue:
        o.append([row["reference"], row["task"], row["commune"],
                  row["due_at"].astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y"), "Có" if row["escalated"] else "Không"])
    return excel.save(wb)


class Indicators:
    """The procedure's ``Indicators``: the figures of TT 13/2021 on the page and in Excel."""

    template = "child_protection/report.html"

    def build(self, engine: Engine, province: str, start: dt.date, end: dt.date, commune: str | None = None):
        return build_report(engine, province, start, end, commune)

    def labels(self, lang: str = "vi") -> dict[str, dict[str, str]]:
        pick = 1 if lang == "vi" else 2
        return {"abuse": {c[0]: c[pick] for c in ABUSE_FORMS}, "sex": {c[0]: c[pick] for c in SEXES},
                "age": {c: label for c, label, *_ in AGE_GROUPS} | {"unknown": "Không rõ tuổi"}}

    def to_excel(self, report: Report) -> bytes:
        return to_excel(report)
