"""The statistical report of the procedure (TT 13/2021/TT-BLĐTBXH): children, not reports.

Figures (``indicators``, definitions beside each in ``definitions``): cases received; distinct children;
abused children by sex, age group (under 6, 6–11, 12–15, 16–17, unknown), form of abuse, setting and commune;
children in special circumstances by the 14 groups (Luật Trẻ em Điều 10); children supported and how;
perpetrators handled and sanctions (recorded at closure, NĐ 130/2021); compliance per deadline rule, an open
overdue step counted as late; the overdue list. Only this procedure's cases count.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import select

from engine.models import Case
from engine.models import OpenTask
from engine.models import ProcessVersion
from engine.runtime import Engine
from workflows.child_protection import indicators as ind
from workflows.child_protection.charts import bar_chart
from workflows.child_protection.closure import PERPETRATOR_HANDLING
from workflows.child_protection.closure import SANCTIONS
from workflows.child_protection.closure import SETTINGS
from workflows.child_protection.deadlines import DEADLINES
from workflows.child_protection.deadlines import REFERRAL_CODES
from workflows.child_protection.definitions import DEFINITIONS
from workflows.child_protection.forms import ABUSE_FORMS
from workflows.child_protection.forms import CATEGORIES
from workflows.child_protection.forms import SEXES
from workflows.child_protection.forms import SPECIAL_GROUPS
from workflows.child_protection.forms import SUPPORT_KINDS
from workflows.child_protection.intake import PROCESS_ID

AGE_GROUPS = ind.AGE_GROUPS
age_group = ind.age_group
SUPPORT_WAYS = [("plan", "Thực hiện kế hoạch hỗ trợ, can thiệp được phê duyệt", "Approved support plan"),
                ("emergency", "Can thiệp khẩn cấp", "Emergency intervention"),
                *[(f"referral_{c}", f"Chuyển gửi: {vi}", f"Referral: {en}") for c, vi, en in [
                    ("police", "Công an", "police"), ("health", "cơ sở y tế", "health"),
                    ("education", "nhà trường", "school"), ("legal_aid", "trợ giúp pháp lý", "legal aid"),
                    ("social_work", "Trung tâm công tác xã hội", "social-work centre")]],
                *SUPPORT_KINDS]
assert {f"referral_{c}" for c in REFERRAL_CODES} <= {w[0] for w in SUPPORT_WAYS}


@dataclass
class Report:
    province: str
    commune: str | None
    start: dt.date
    end: dt.date
    reports: int = 0
    children: int = 0
    abused: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_abuse: dict[str, int] = field(default_factory=dict)
    by_sex: dict[str, int] = field(default_factory=dict)
    by_age: dict[str, int] = field(default_factory=dict)
    by_setting: dict[str, int] = field(default_factory=dict)
    by_commune: dict[str, int] = field(default_factory=dict)
    by_group: dict[str, int] = field(default_factory=dict)
    in_special_circumstances: int = 0
    supported: int = 0
    support_by_kind: dict[str, int] = field(default_factory=dict)
    intervened: int = 0
    perpetrators: dict = field(default_factory=dict)
    compliance: list[dict] = field(default_factory=list)
    overdue: list[dict] = field(default_factory=list)
    definitions: dict = field(default_factory=lambda: DEFINITIONS)

    @property
    def total(self) -> int:
        """Distinct children (the headline figure)."""
        return self.children

    def chart(self, counts: dict[str, int], names: dict[str, str], title: str) -> str:
        """A server-side SVG bar chart of ``counts`` (``charts.bar_chart``)."""
        return bar_chart(counts, names, title)

    def figures(self) -> dict[str, int]:
        """Flat figures (what a commune submits to the province, and what the province adds up)."""
        out = {"reports": self.reports, "children": self.children, "abused": self.abused,
               "supported": self.supported, "in_special_circumstances": self.in_special_circumstances,
               "perpetrators.fines": int(self.perpetrators.get("fines", 0))}
        for name in ("by_category", "by_abuse", "by_sex", "by_age", "by_setting", "by_group", "support_by_kind"):
            out |= {f"{name}.{k}": v for k, v in getattr(self, name).items()}
        for part in ("cases", "people", "sanctions"):
            out |= {f"perpetrators.{part}.{k}": v for k, v in self.perpetrators.get(part, {}).items()}
        return out


def _compliance(inp: ind.Inputs) -> list[dict]:
    rows = []
    for name, rule in DEADLINES.items():
        relevant = [st for st in inp.steps if st.deadline_rule == name and st.on_time is not None]
        late_open = [t for t, _ref in inp.open_overdue if t.deadline_rule == name]
        if not relevant and not late_open:
            continue
        on_time = sum(1 for st in relevant if st.on_time)
        hours = [(st.completed_at - st.opened_at).total_seconds() / 3600 for st in relevant]
        rows.append({"rule": name, "label": rule.label_vi, "limit": rule.describe_vi(), "steps": len(relevant),
                     "label_en": rule.label_en or rule.label_vi, "limit_en": _describe_en(rule),
                     "open_overdue": len(late_open), "on_time": on_time,
                     "share": on_time / (len(relevant) + len(late_open)),
                     "median_hours": statistics.median(hours) if hours else None})
    return rows


def _overdue(engine: Engine, province: str, commune: str | None) -> list[dict]:
    """Every open step of this procedure past its limit in the province (or commune), whenever received."""
    with engine.db.read() as s:
        versions = select(ProcessVersion.id).where(ProcessVersion.process_id == PROCESS_ID)
        q = (select(OpenTask, Case.reference).join(Case, Case.id == OpenTask.case_id)
             .where(Case.province_code == province, Case.process_version_id.in_(versions),
                    OpenTask.due_at < engine.now()).order_by(OpenTask.due_at))
        if commune:
            q = q.where(OpenTask.commune_code == commune)
        rows = list(s.execute(q.limit(1000)))
    return [{"reference": ref, "task": t.title, "commune": t.commune_code, "due_at": t.due_at,
             "escalated": t.escalated_at is not None} for t, ref in rows]


def build_report(engine: Engine, province: str, start: dt.date, end: dt.date, commune: str | None = None) -> Report:
    if end < start:
        raise ValueError("end before start")
    inp = ind.gather(engine, province, start, end, commune)
    children = list(ind.count_children(inp).values())
    abused = [ch for ch in children if "abused" in ch.categories]
    rep = Report(province, commune, start, end, reports=len(inp.cases), children=len(children), abused=len(abused))
    rep.by_category = ind.tally(children, "categories", [c for c, *_ in CATEGORIES])
    rep.by_abuse = ind.tally(abused, "forms", [c for c, *_ in ABUSE_FORMS])
    rep.by_sex = ind.tally(abused, "sex", [c for c, *_ in SEXES])
    rep.by_age = ind.tally(abused, "age", [c for c, *_ in AGE_GROUPS] + ["unknown"])
    rep.by_setting = ind.tally(abused, "settings", [c for c, *_ in SETTINGS])
    rep.by_commune = dict(sorted(ind.tally(abused, "commune", []).items()))
    rep.by_group = ind.tally(children, "groups", [c for c, *_ in SPECIAL_GROUPS])
    rep.in_special_circumstances = sum(1 for ch in children if ch.groups)
    rep.supported = sum(1 for ch in children if ch.support)
    rep.support_by_kind = ind.tally(children, "support", [c for c, *_ in SUPPORT_WAYS])
    rep.intervened = rep.support_by_kind.get("emergency", 0)
    rep.perpetrators = ind.perpetrators(inp)
    rep.compliance = _compliance(inp)
    rep.overdue = _overdue(engine, province, commune)
    return rep


AGE_EN = {"under_6": "Under 6", "6_11": "6 to 11", "12_15": "12 to 15", "16_17": "16 to 17"}


def _describe_en(rule) -> str:
    """A time limit's length in English ("5 working days"), for the English page."""
    if rule.unit == "instant":
        return "at the time fixed"
    return f"{rule.amount} " + {"hours": "hours", "days": "days", "working_days": "working days"}[rule.unit]


def labels(lang: str = "vi") -> dict[str, dict[str, str]]:
    pick = 1 if lang == "vi" else 2

    def table(rows):
        return {r[0]: r[pick] for r in rows}

    return {"abuse": table(ABUSE_FORMS), "sex": table(SEXES), "category": table(CATEGORIES),
            "age": {c: label if lang == "vi" else AGE_EN.get(c, label) for c, label, *_ in AGE_GROUPS}
            | {"unknown": "Không rõ tuổi" if lang == "vi" else "Age unknown"},
            "setting": table(SETTINGS), "group": {c: f"{c}) {t}" for c, t in table(SPECIAL_GROUPS).items()},
            "support": table(SUPPORT_WAYS), "handling": table(PERPETRATOR_HANDLING), "sanction": table(SANCTIONS)}


class Indicators:
    """The procedure's ``Indicators``: the figures of TT 13/2021 on the page and in Excel."""

    template = "child_protection/report.html"

    def build(self, engine: Engine, province: str, start: dt.date, end: dt.date, commune: str | None = None):
        return build_report(engine, province, start, end, commune)

    def labels(self, lang: str = "vi") -> dict[str, dict[str, str]]:
        return labels(lang)

    def to_excel(self, report: Report) -> bytes:
        from workflows.child_protection.report_excel import to_excel

        return to_excel(report)

    def figure_names(self, lang: str = "vi") -> dict[str, str]:
        """A name for each key of ``Report.figures`` (what a submission holds)."""
        return figure_names(lang)

    def submissions_excel(self, period, rows, names: dict[str, str]) -> bytes:
        from workflows.child_protection.report_excel import submissions_excel

        return submissions_excel(period, rows, names)


HEADLINES = {"reports": ("Số hồ sơ tiếp nhận", "Cases received"), "children": ("Số trẻ em", "Children"),
             "abused": ("Số trẻ em bị xâm hại", "Abused children"),
             "supported": ("Số trẻ em được hỗ trợ, can thiệp", "Children supported"),
             "in_special_circumstances": ("Số trẻ em có hoàn cảnh đặc biệt", "Children in special circumstances"),
             "perpetrators.fines": ("Tổng tiền phạt (đồng)", "Total fines (VND)")}


def figure_names(lang: str = "vi") -> dict[str, str]:
    lab = labels(lang)
    vi = lang == "vi"
    out = {k: v[0 if vi else 1] for k, v in HEADLINES.items()}
    parts = [("by_category", "category", "Trẻ em theo phân loại", "Children by category"),
             ("by_abuse", "abuse", "Bị xâm hại theo hình thức", "Abused by form"),
             ("by_sex", "sex", "Bị xâm hại theo giới tính", "Abused by sex"),
             ("by_age", "age", "Bị xâm hại theo nhóm tuổi", "Abused by age"),
             ("by_setting", "setting", "Bị xâm hại theo môi trường", "Abused by setting"),
             ("by_group", "group", "Hoàn cảnh đặc biệt theo nhóm", "Special circumstances by group"),
             ("support_by_kind", "support", "Được hỗ trợ theo hình thức", "Supported by kind")]
    for name, table, title_vi, title_en in parts:
        out |= {f"{name}.{k}": f"{title_vi if vi else title_en}: {v}" for k, v in lab[table].items()}
    for part, table, vi_t, en_t in [("cases", "handling", "Hồ sơ xử lý đối tượng", "Cases, perpetrators"),
                                    ("people", "handling", "Số đối tượng", "Perpetrators"),
                                    ("sanctions", "sanction", "Xử phạt", "Sanctions")]:
        out |= {f"perpetrators.{part}.{k}": f"{vi_t if vi else en_t}: {v}" for k, v in lab[table].items()}
    return out


def to_excel(report: Report) -> bytes:
    from workflows.child_protection.report_excel import to_excel as write

    return write(report)
