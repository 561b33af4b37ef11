"""A commune's periodic report sent up to its province: submitted once per report and period (a correction is
a new revision of the same row, audited), listed for the province as who has and who has not, and added up.

What a report is (its figures, its periods) belongs to the procedure that owns it; the engine stores a flat
``{figure: number}`` snapshot as the commune sent it, so the province sees exactly what was submitted even when
the cases change afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import JSON
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from engine import audit
from engine.db import Base
from engine.errors import InvalidTaskData
from engine.models import TZ
from engine.models import Commune


class ReportSubmission(Base):
    """One commune's report for one period (migration 0019)."""

    __tablename__ = "report_submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"))
    report: Mapped[str] = mapped_column(String(40))        # which report (the owner's code)
    period: Mapped[str] = mapped_column(String(40))        # e.g. "2026-6t"
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    figures: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    submitted_by: Mapped[str] = mapped_column(String(80))
    submitted_at: Mapped[dt.datetime] = mapped_column(TZ)
    __table_args__ = (UniqueConstraint("report", "period", "commune_code"),)


@dataclass(frozen=True)
class Status:
    commune: str
    name: str
    submission: ReportSubmission | None


def submit(engine, actor: str, commune: str, report: str, period: str, start: dt.date, end: dt.date,
           figures: dict[str, int], note: str = "") -> ReportSubmission:
    """Store (or revise) the commune's report for the period and audit it, in one transaction."""
    if end < start:
        raise InvalidTaskData({"period": ["kỳ kết thúc trước khi bắt đầu / the period ends before it starts"]})
    if len(note) > 2000:
        raise InvalidTaskData({"note": ["tối đa 2000 ký tự / at most 2000 characters"]})
    bad = sorted(k for k, v in figures.items() if not isinstance(v, int) or isinstance(v, bool) or v < 0)
    if bad:
        raise InvalidTaskData({"figures": [f"không phải số nguyên không âm / not a whole number ≥ 0: {bad[0]}"]})
    now = engine.now()
    with engine.db.write() as s:
        row = s.execute(select(Commune).where(Commune.code == commune)).scalar()
        if row is None:
            raise InvalidTaskData({"commune": ["không có xã này / no such commune"]})
        sub = s.execute(select(ReportSubmission).where(ReportSubmission.report == report,
                                                       ReportSubmission.period == period,
                                                       ReportSubmission.commune_code == commune)).scalar()
        if sub is None:
            sub = ReportSubmission(province_code=row.province_code, commune_code=commune, report=report,
                                   period=period, revision=0)
            s.add(sub)
        sub.period_start, sub.period_end, sub.figures, sub.note = start, end, dict(figures), note
        sub.revision = (sub.revision or 0) + 1
        sub.submitted_by, sub.submitted_at = actor, now
        s.flush()
        audit.append(s, now, actor, "report.submit", detail={
            "report": report, "period": period, "commune": commune, "revision": sub.revision,
            "start": start.isoformat(), "end": end.isoformat()})
        s.expunge(sub)
    return sub


def status(engine, province: str, report: str, period: str) -> list[Status]:
    """Every active commune of the province, with its submission for the period or None."""
    with engine.db.read() as s:
        communes = s.execute(select(Commune.code, Commune.name).where(
            Commune.province_code == province, Commune.active.is_not(False)).order_by(Commune.code)).all()
        subs = {r.commune_code: r for r in s.execute(select(ReportSubmission).where(
            ReportSubmission.province_code == province, ReportSubmission.report == report,
            ReportSubmission.period == period)).scalars()}
        for r in subs.values():
            s.expunge(r)
    return [Status(code, name, subs.get(code)) for code, name in communes]


def aggregate(rows: list[Status]) -> dict[str, int]:
    """The sum, figure by figure, of the submissions received."""
    total: Counter = Counter()
    for st in rows:
        if st.submission is not None:
            total.update(st.submission.figures)
    return dict(total)
