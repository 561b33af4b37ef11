"""Periodic statutory reports: per-province schedules, and a reminder task before each due date.

The schedule (``ReportSchedule`` rows) says what a province sends upward and by which day of the
year (e.g. before 10/5, 10/8, 10/11 and the annual date). ``ensure_report_reminders`` — run by the
timer worker — starts one ``statutory_report`` case per province, report and year once the reminder
window opens; the case's task sits in the provincial reporting office's inbox with the due date, and
a missed date escalates to Sở Y tế.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from engine.errors import InvalidTaskData
from engine.models import Case
from engine.models import Commune
from engine.models import ReportSchedule
from engine.process import ProcessConfig
from engine.runtime import Actor
from engine.runtime import Engine
from engine.workdays import VN_TZ
from engine.workdays import DeadlineRule
from engine.workdays import end_of_day
from workflows.forms import Field
from workflows.forms import Form
from workflows.procedure import Procedure

PROCESS_ID = "statutory_report"
DEFAULT_SCHEDULE = [("ky_1", "Báo cáo định kỳ (hạn 10/5)", 5, 10, 10),
                    ("ky_2", "Báo cáo định kỳ (hạn 10/8)", 8, 10, 10),
                    ("ky_3", "Báo cáo định kỳ (hạn 10/11)", 11, 10, 10),
                    ("nam", "Báo cáo năm (hạn 15/12)", 12, 15, 15)]

CONFIG = ProcessConfig(
    process_id=PROCESS_ID,
    lane_agencies={"lane_provincial_reporting": "provincial_reader", "lane_provincial_health": "provincial_health"},
    forms={
        "submit_statutory_report": Form("Gửi báo cáo định kỳ", [
            Field("document_number", "text", "Số văn bản báo cáo", "Report document number", True),
            Field("submitted_on", "date", "Ngày gửi", "Date sent", True),
            Field("report_notes", "textarea", "Ghi chú", "Notes")]),
        "escalate_report_overdue": Form("Xử lý quá hạn", [
            Field("escalation_action", "textarea", "Biện pháp đôn đốc", "Action taken", True)]),
    },
    deadlines={"report_due": DeadlineRule("report_due", 0, "instant", "report_due_at", "Hạn gửi báo cáo định kỳ",
                                          "Statutory report due date", "TT 13/2021; lịch báo cáo của tỉnh",
                                          escalate_to="lane_provincial_health")},
    task_deadlines={"submit_statutory_report": "report_due"},
    bpmn_files=["statutory_report.bpmn"],
)


def set_schedule(engine: Engine, province: str, code: str, label: str, month: int, day: int, remind_days: int) -> None:
    try:
        dt.date(2024, month, day)   # a leap year accepts 29/2
    except ValueError:
        raise InvalidTaskData({"due": [f"ngày {day}/{month} không tồn tại / no such date"]}) from None
    if not 1 <= remind_days <= 90:
        raise InvalidTaskData({"remind_days": ["từ 1 đến 90 ngày / 1 to 90 days"]})
    with engine.db.write() as s:
        row = s.execute(select(ReportSchedule).where(ReportSchedule.province_code == province,
                                                     ReportSchedule.code == code)).scalar()
        if row is None:
            row = ReportSchedule(province_code=province, code=code)
            s.add(row)
        row.label, row.due_month, row.due_day, row.remind_days = label, month, day, remind_days


def seed_default_schedule(engine: Engine, province: str) -> None:
    for code, label, month, day, remind in DEFAULT_SCHEDULE:
        set_schedule(engine, province, code, label, month, day, remind)


def ensure_report_reminders(engine: Engine) -> int:
    """Start the reminder case of every report whose window is open; idempotent. Returns cases started."""
    now = engine.now()
    today = now.astimezone(VN_TZ).date()
    started = 0
    with engine.db.read() as s:
        schedules = list(s.execute(select(ReportSchedule)).scalars())
        if not schedules:
            return 0
        deployed = engine.versions(PROCESS_ID)
    if not deployed:
        return 0
    for sch in schedules:
        for year in (today.year, today.year + 1):
            due_day = dt.date(year, sch.due_month, min(sch.due_day, 28 if sch.due_month == 2 else sch.due_day))
            if not due_day - dt.timedelta(days=sch.remind_days) <= today <= due_day:
                continue
            reference = f"BC-{sch.province_code}-{sch.code}-{year}"
            with engine.db.read() as s:
                if s.execute(select(Case.id).where(Case.reference == reference)).first():
                    continue
                commune = s.execute(select(Commune.code).where(Commune.province_code == sch.province_code)
                                    .order_by(Commune.code).limit(1)).scalar()
            if commune is None:
                continue
            due = end_of_day(due_day)
            try:
                engine.start_case(PROCESS_ID, {"report_code": sch.code, "report_label": sch.label,
                                               "report_due_at": due.isoformat(), "report_year": year},
                                  Actor("report-scheduler"), incident_commune=commune, received_at=now,
                                  summary={"report": sch.label}, reference=reference)
                started += 1
            except Exception as exc:   # another worker started it first (unique reference)
                from sqlalchemy.exc import IntegrityError

                if not isinstance(exc, IntegrityError):
                    raise
    return started


PROCEDURE = Procedure(
    code="reporting",
    title_vi="Báo cáo định kỳ",
    title_en="Periodic statutory reports",
    legal_basis="Thông tư 13/2021/TT-BLĐTBXH (chế độ báo cáo); lịch báo cáo của tỉnh",
    config=CONFIG,
    help={"submit_statutory_report": "Lập và gửi báo cáo định kỳ lên cấp trên trước hạn của tỉnh (TT 13/2021).",
          "escalate_report_overdue": "Báo cáo chưa gửi đúng hạn: đôn đốc bộ phận báo cáo của tỉnh."},
    on_sweep=ensure_report_reminders,
    on_province=seed_default_schedule,
    order=90,
)
