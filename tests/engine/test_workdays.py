import datetime as dt

import pytest

from engine.workdays import VN_TZ
from engine.workdays import WorkCalendar
from engine.workdays import add_days
from engine.workdays import add_hours
from engine.workdays import add_working_days
from engine.workdays import parse_instant


def vn(s):
    return parse_instant(s)


CAL = WorkCalendar()


def test_twelve_hours_run_through_the_night_and_weekend():
    # a report at 22:00 on a Friday must be acted on by 10:00 Saturday
    assert add_hours(vn("2026-11-20T22:00"), 12) == vn("2026-11-21T10:00")


def test_working_days_skip_weekend_first_day_not_counted():
    # Monday 09:00 + 5 working days -> end of the next Monday
    assert add_working_days(vn("2026-11-02T09:00"), 5, CAL) == vn("2026-11-09T23:59:59")


def test_working_days_across_tet_2027():
    # Tết Đinh Mùi: 04/02–10/02/2027 off
    assert add_working_days(vn("2027-02-03T09:00"), 5, CAL) == vn("2027-02-17T23:59:59")


def test_working_days_across_tet_2026():
    assert add_working_days(vn("2026-02-12T10:00"), 5, CAL) == vn("2026-02-26T23:59:59")


def test_swapped_saturday_counts_as_working_day():
    # Saturday 26/4/2025 was worked in exchange for Friday 2/5/2025
    cal = CAL
    assert cal.is_working_day(dt.date(2025, 4, 26))
    assert not cal.is_working_day(dt.date(2025, 5, 2))
    # Thursday 24/4/2025 + 2 working days = Fri 25 and Sat 26
    assert add_working_days(vn("2025-04-24T08:00"), 2, cal) == vn("2025-04-26T23:59:59")


def test_day_limit_ending_on_a_day_off_rolls_to_next_working_day():
    # 15 days from Fri 20/11/2026 ends Sat 5/12 -> Monday 7/12
    assert add_days(vn("2026-11-20T10:00"), 15, CAL) == vn("2026-12-07T23:59:59")


def test_administrator_override_adds_and_removes_days():
    cal = WorkCalendar({dt.date(2026, 11, 23): False, dt.date(2026, 11, 28): True})
    # from Fri 20/11: Mon 23 now off -> Tue 24 is day 1
    assert add_working_days(vn("2026-11-20T10:00"), 1, cal) == vn("2026-11-24T23:59:59")
    assert cal.is_working_day(dt.date(2026, 11, 28))
    # a decision giving 24/11 off is entered as a day: then it moves the limit
    decided = WorkCalendar({dt.date(2026, 11, 23): False, dt.date(2026, 11, 24): False})
    assert add_working_days(vn("2026-11-20T10:00"), 1, decided) == vn("2026-11-25T23:59:59")


@pytest.mark.parametrize("day", ["2026-11-24", "2027-11-24", "2028-11-24", "2029-11-26", "2030-11-25"])
def test_culture_day_is_a_working_day_without_a_decision(day):
    # the holidays package lists 24/11 (and its observed Mondays) as days off; BLLĐ 2019 Điều 112.1 does not
    assert CAL.is_working_day(dt.date.fromisoformat(day))


def test_culture_day_on_a_weekend_stays_a_day_off_and_real_holidays_stay():
    assert not CAL.is_working_day(dt.date(2029, 11, 24))      # a Saturday
    assert not CAL.is_working_day(dt.date(2026, 4, 27))       # Giỗ Tổ observed (Điều 112.1.c, 111)
    assert not CAL.is_working_day(dt.date(2026, 9, 2))        # Quốc khánh
    # Fri 20/11/2026 + 5 working days: 23, 24, 25, 26, 27 (24/11 counted)
    assert add_working_days(vn("2026-11-20T10:00"), 5, CAL) == vn("2026-11-27T23:59:59")


def test_start_time_after_midnight_utc_uses_vietnamese_date():
    # 2026-11-20T18:00Z is already Saturday 01:00 in Vietnam
    start = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.timezone.utc)
    assert add_working_days(start, 1, CAL).astimezone(VN_TZ).date() == dt.date(2026, 11, 23)


def test_naive_start_is_rejected():
    with pytest.raises(ValueError):
        add_hours(dt.datetime(2026, 1, 1), 12)
