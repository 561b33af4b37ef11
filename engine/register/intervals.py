"""A province's review interval per kind and code of dated membership (e.g. a group of children in special
circumstances): how many months pass between two periodic reviews of a person in it (migration 0026).

Generic: the procedure decides what the codes mean and what the defaults are; a row here is the province's own
choice, written and audited in one transaction (``register.interval_set``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column

from engine import audit
from engine.db import Base
from engine.errors import InvalidTaskData
from engine.models import TZ

MAX_MONTHS = 24


class ReviewInterval(Base):
    """Months between two periodic reviews of a person in ``kind``/``code``, as the province set it."""

    __tablename__ = "register_review_intervals"
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    months: Mapped[int] = mapped_column(Integer)
    changed_by: Mapped[str] = mapped_column(String(80))
    changed_at: Mapped[dt.datetime] = mapped_column(TZ)


def intervals(s: Session, province: str, kind: str) -> dict[str, int]:
    """code -> months the province set (codes it did not set are absent: the procedure's default applies)."""
    rows = s.execute(select(ReviewInterval).where(ReviewInterval.province_code == province,
                                                  ReviewInterval.kind == kind)).scalars()
    return {r.code: r.months for r in rows}


def set_interval(s: Session, now: dt.datetime, actor: str, province: str, kind: str, code: str, months: int) -> None:
    if not 1 <= months <= MAX_MONTHS:
        raise InvalidTaskData({"months": [f"từ 1 đến {MAX_MONTHS} tháng / 1 to {MAX_MONTHS} months"]})
    row = s.get(ReviewInterval, (province, kind, code))
    before = row.months if row is not None else None
    if row is None:
        row = ReviewInterval(province_code=province, kind=kind, code=code)
        s.add(row)
    row.months, row.changed_by, row.changed_at = months, actor, now
    s.flush()
    audit.append(s, now, actor, "register.interval_set",
                 detail={"province": province, "kind": kind, "code": code, "months": months, "before": before})
