"""The follow-up calendar of one child in one group: review every N months from the day the child joined the
group, until the child turns 16 (Luật Trẻ em 2016 Điều 1: a child is a person under 16).

The law fixes no review interval for children in special circumstances (Luật Trẻ em 2016 Điều 10.1 names the
14 groups; NĐ 56/2017/NĐ-CP Điều 3–16 define them; no article found sets how often a commune reviews them): N is
the province's setting per group (``engine.register.intervals``, ``bvte register followups interval``), and these
are the defaults while it has set none:

- every 3 months for the groups whose situation can change fast or endanger the child (abandoned, without any
  support, in conflict with the law, drug-addicted, left school to earn a living, seriously harmed by violence,
  exploited, sexually abused, trafficked, migrant or displaced without a caregiver): one review per quarter, so
  each of the province's quarterly reports (``workflows.reporting``) rests on a visit of the same quarter;
- every 6 months for the lasting conditions (orphaned of both parents, disabled, living with HIV/AIDS, serious or
  long-term illness in a poor household): the rhythm the Ministry of Health's 2025 circular on the two-tier
  government sets for the list of children needing alternative care (every 6 months; PROCEDURE.md §0, [S34]).

A review's last day is counted as BLDS 2015 Điều 147–148 say: it ends at the end of its last day, and a last day
that is not a working day moves to the next working day (Điều 148.5). The review opens ``LEAD_DAYS`` calendar
days before it is due (the province's setting, ``BVTE_FOLLOWUP_LEAD_DAYS``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import os

from engine.workdays import VN_TZ
from engine.workdays import WorkCalendar
from engine.workdays import end_of_day

DEFAULT_MONTHS = {"a": 6, "b": 3, "c": 3, "d": 6, "dd": 6, "e": 3, "g": 3, "h": 3, "i": 3, "k": 3, "l": 3,
                  "m": 3, "n": 6, "o": 3}
LEAD_DAYS = int(os.environ.get("BVTE_FOLLOWUP_LEAD_DAYS", "15"))
CHILD_AGE_LIMIT = 16   # Luật Trẻ em 2016 Điều 1
MAX_REVIEWS = 16 * 12  # a monthly review from birth to 16: the loop never gets deeper than this


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter: 31/1 + 1 month = 28 or 29/2)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def sixteenth_birthday(birth_date: dt.date | None, birth_year: int | None) -> dt.date | None:
    """The day the child turns 16; with only a (possibly estimated) year, the last day of that year, so the
    follow-up rather ends late than early; None when nothing is known of the birth."""
    if birth_date is not None:
        return add_months(birth_date, 12 * CHILD_AGE_LIMIT)
    if birth_year is not None:
        return dt.date(birth_year + CHILD_AGE_LIMIT, 12, 31)
    return None


def review_schedule(start: dt.date, months: int, turns_16: dt.date | None, now: dt.datetime,
                    cal: WorkCalendar, lead_days: int = LEAD_DAYS) -> list[list[str]]:
    """[[opens_at, due_at], ...] as ISO instants (Vietnam time): the k-th review due ``k * months`` after
    ``start`` (rolled to a working day), every one still to come at ``now`` and before the 16th birthday (at
    most 16 years of reviews when the birth is unknown)."""
    today = now.astimezone(VN_TZ).date()
    limit = turns_16 or add_months(start, 12 * CHILD_AGE_LIMIT)
    out: list[list[str]] = []
    k = 0
    while len(out) < MAX_REVIEWS:
        k += 1
        day = add_months(start, k * months)
        if day >= limit:
            break
        while not cal.is_working_day(day):
            day += dt.timedelta(days=1)
        if day < today:
            continue
        opens = max(day - dt.timedelta(days=lead_days), start)
        out.append([dt.datetime.combine(opens, dt.time(0, 0), tzinfo=VN_TZ).isoformat(),
                    end_of_day(day).isoformat()])
    return out
