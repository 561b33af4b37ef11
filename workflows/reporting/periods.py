"""The periods of a periodic report and the days their figures cover.

NĐ 09/2019/NĐ-CP (chế độ báo cáo của cơ quan hành chính nhà nước) Điều 12.1, thời gian chốt số liệu: quý I from
15/12 of the year before to 14/03; 6 tháng to 14/06; 9 tháng to 14/09; năm from 15/12 of the year before to
14/12. A province whose plan counts otherwise sets ``BVTE_REPORT_PERIODS`` (``code:MM-DD:MM-DD,...``, the start
day in the year before when it is after the end day), e.g. ``q1:12-15:03-14,6t:12-15:06-14``.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

DEFAULT = "q1:12-15:03-14,6t:12-15:06-14,9t:12-15:09-14,nam:12-15:12-14"
LABELS = {"q1": ("Quý I", "First quarter"), "6t": ("6 tháng", "Six months"), "9t": ("9 tháng", "Nine months"),
          "nam": ("Năm", "Year")}
BASIS = "NĐ 09/2019/NĐ-CP Điều 12.1 (thời gian chốt số liệu); thiết lập của tỉnh: BVTE_REPORT_PERIODS"


@dataclass(frozen=True)
class Period:
    code: str          # "2026-6t"
    label: str         # "6 tháng 2026"
    start: dt.date
    end: dt.date


def _kinds() -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
    out = []
    for part in (os.environ.get("BVTE_REPORT_PERIODS") or DEFAULT).split(","):
        code, start, end = part.strip().split(":")
        sm, sd = (int(x) for x in start.split("-"))
        em, ed = (int(x) for x in end.split("-"))
        out.append((code, (sm, sd), (em, ed)))
    return out


def periods(year: int, lang: str = "vi") -> list[Period]:
    out = []
    for code, (sm, sd), (em, ed) in _kinds():
        start = dt.date(year - 1 if (sm, sd) > (em, ed) else year, sm, sd)
        name = LABELS.get(code, (code, code))[0 if lang == "vi" else 1]
        out.append(Period(f"{year}-{code}", f"{name} {year}", start, dt.date(year, em, ed)))
    return out


def period(code: str) -> Period | None:
    """The period named ``YYYY-kind``; None when there is no such period."""
    year, _, kind = (code or "").partition("-")
    if not year.isdigit() or not 2000 <= int(year) <= 2100:
        return None
    return next((p for p in periods(int(year)) if p.code == code), None)


def current(today: dt.date) -> Period:
    """The latest period that has ended by ``today`` (else the first of the year)."""
    ended = [p for y in (today.year - 1, today.year) for p in periods(y) if p.end < today]
    return max(ended, key=lambda p: (p.end, p.start - p.end)) if ended else periods(today.year)[0]
