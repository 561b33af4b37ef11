"""The official holiday decisions (engine/data/vn_official_calendar.json, migration 0017) are the calendar the
engine computes on: every day of 2026 against the data file plus weekends, deadlines that cross the swapped
days, and a migration that keeps an administrator's own declaration and removes only its own rows."""

import datetime as dt
import json
import os

import pytest
from sqlalchemy import select

from engine.db import Database
from engine.migrate import upgrade
from engine.models import CalendarDay
from engine.workdays import WorkCalendar
from engine.workdays import compute_due
from engine.workdays import parse_instant
from tests.support.db import throwaway_pg

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "engine", "data", "vn_official_calendar.json")
OFFICIAL = "lịch chính thức (migration 0017)"


def official() -> dict[dt.date, dict]:
    with open(DATA, encoding="utf-8") as f:
        return {dt.date.fromisoformat(d["date"]): d for d in json.load(f)["days"]}


def migrated_calendar(db: Database) -> WorkCalendar:
    with db.read() as s:
        return WorkCalendar({r.day: r.working for r in s.execute(select(CalendarDay)).scalars()})


@pytest.fixture
def db(tmp_path):
    db = Database(f"sqlite:///{tmp_path}/cal.sqlite3")
    upgrade(db)
    yield db
    db.dispose()


def test_every_entry_names_its_document_and_source():
    for day, entry in official().items():
        assert entry["document"] and entry["source"].startswith("http"), day
        dt.date.fromisoformat(entry["document_date"])
        # only deviations are declared: weekdays off, weekend days worked (and 24/11/2026, see below)
        assert entry["working"] != (day.weekday() < 5) or day == dt.date(2026, 11, 24), day


def test_every_day_of_2026_is_as_officially_decided(db):
    cal, data = migrated_calendar(db), official()
    day, working = dt.date(2026, 1, 1), 0
    while day.year == 2026:
        expected = data[day]["working"] if day in data else day.weekday() < 5
        assert cal.is_working_day(day) == expected, day
        working += expected
        day += dt.timedelta(days=1)
    assert working == 250   # 261 weekdays - 13 weekdays off + Saturdays 10/01 and 22/08


@pytest.mark.parametrize("day,working", [
    ("2026-01-01", False), ("2026-01-02", False),     # Tết Dương lịch and its swap (12729/VPCP-KGVX)
    ("2026-01-10", True),                             # the Saturday worked in exchange
    ("2026-02-13", True), ("2026-02-16", False), ("2026-02-20", False), ("2026-02-23", True),   # 9441/TB-BNV
    ("2026-04-27", False),                            # Giỗ Tổ falls on Sunday 26/04: the Monday is off
    ("2026-04-30", False), ("2026-05-01", False), ("2026-05-04", True),
    ("2026-08-22", True), ("2026-08-31", False), ("2026-09-01", False), ("2026-09-02", False),
    ("2026-09-03", True),
    ("2026-11-24", True),                             # Ngày Văn hóa Việt Nam: no legal basis for a day off yet
    ("2025-04-26", True), ("2025-05-02", False), ("2025-09-01", False),
])
def test_the_decided_days(db, day, working):
    assert migrated_calendar(db).is_working_day(dt.date.fromisoformat(day)) is working


def test_deadlines_cross_the_official_days(db):
    cal = migrated_calendar(db)
    vn = parse_instant
    # Wed 31/12/2025 + 2 working days: 01/01 and 02/01 off, weekend -> Mon 05/01 and Tue 06/01
    assert compute_due(vn("2025-12-31T10:00"), 2, "working_days", cal) == vn("2026-01-06T23:59:59")
    # Fri 09/01/2026 + 1 working day: Saturday 10/01 is worked
    assert compute_due(vn("2026-01-09T10:00"), 1, "working_days", cal) == vn("2026-01-10T23:59:59")
    # Mon 23/11/2026 + 1 working day: Tuesday 24/11 is a working day
    assert compute_due(vn("2026-11-23T09:00"), 1, "working_days", cal) == vn("2026-11-24T23:59:59")
    # 15 days from Mon 17/08/2026 end Tue 01/09 (off), 02/09 off -> Thu 03/09
    assert compute_due(vn("2026-08-17T09:00"), 15, "days", cal) == vn("2026-09-03T23:59:59")


def test_the_notes_carry_the_document(db):
    with db.read() as s:
        rows = {r.day: r for r in s.execute(select(CalendarDay)).scalars()}
    jan2 = rows[dt.date(2026, 1, 2)]
    assert jan2.changed_by == OFFICIAL and jan2.note.startswith("12729/VPCP-KGVX ngày 2025-12-25: ")
    assert set(rows) == set(official())


def _keeps_admin_rows_and_downgrades(url):
    db = Database(url)
    try:
        upgrade(db, "0016")
        now = dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)
        with db.write() as s:   # an administrator had declared two days before the migration
            s.add(CalendarDay(day=dt.date(2026, 1, 2), working=False, note="VB tỉnh", changed_by="admin",
                              changed_at=now))
            s.add(CalendarDay(day=dt.date(2026, 12, 31), working=False, note="khác", changed_by="admin",
                              changed_at=now))
        upgrade(db)
        upgrade(db)
        with db.read() as s:
            rows = {r.day: r for r in s.execute(select(CalendarDay)).scalars()}
        assert rows[dt.date(2026, 1, 2)].changed_by == "admin"
        assert rows[dt.date(2026, 1, 10)].changed_by == OFFICIAL
        assert len(rows) == len(official()) + 1
        from alembic import command

        from engine.migrate import alembic_config
        cfg = alembic_config(db)
        with db.write_engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0016")
            conn.commit()
        with db.read() as s:
            left = {r.day: r.changed_by for r in s.execute(select(CalendarDay)).scalars()}
        assert left == {dt.date(2026, 1, 2): "admin", dt.date(2026, 12, 31): "admin"}
        upgrade(db)
        assert migrated_calendar(db).is_working_day(dt.date(2026, 1, 10))
    finally:
        db.dispose()


def test_migration_keeps_admin_rows_and_downgrade_removes_only_its_own_sqlite(tmp_path):
    _keeps_admin_rows_and_downgrades(f"sqlite:///{tmp_path}/m.sqlite3")


def test_migration_keeps_admin_rows_and_downgrade_removes_only_its_own_postgres():
    pg = throwaway_pg("bvte_cal")
    try:
        _keeps_admin_rows_and_downgrades(pg.url)
    finally:
        pg.drop()
