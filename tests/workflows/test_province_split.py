"""#16.10: a former district task (NĐ 147/2025/NĐ-CP) is carried by the commune or the province as each province
chose, the decree's default otherwise, and by the decree's level again from 01/03/2027 (the engine's clock)."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.errors import InvalidTaskData
from engine.models import Agency
from engine.models import AuditEvent
from engine.province_settings import change
from engine.province_settings import show
from tests.support.samples import HIGH
from tests.support.samples import REPORT
from tests.support.samples import complete
from tests.support.samples import open_task
from webui.cli import main
from workflows.child_protection.district_split import SPLITS
from workflows.child_protection.process import open_case
from workflows.seed import seed_org

KEY = "nd147.alternative_care"


def _agency(engine, code):
    with engine.db.read() as s:
        return s.execute(select(Agency.id).where(Agency.code == code)).scalar_one()


def _separated(engine, as_user, commune):
    """A case in ``commune`` whose chairman ordered a separation: its alternative care is now to arrange."""
    case = open_case(engine, dict(REPORT, incident_commune=commune), as_user("tongdai111"))
    officer = "canbo.x01" if commune == "X01" else None
    actor = as_user(officer) if officer else _system(engine, commune, "commune_officer")
    complete(engine, case.id, "initial_assessment", actor, **HIGH)
    chairman = as_user("chutich.x01") if officer else _system(engine, commune, "commune_chairman")
    complete(engine, case.id, "emergency_decision", chairman, separation_ordered=True, shelter_place="Nhà bà ngoại")
    complete(engine, case.id, "emergency_intervention", actor)
    return open_task(engine, case.id, "arrange_alternative_care")


def _system(engine, commune, agency_type):
    from engine.context import Actor

    return Actor(f"{agency_type}.{commune}", agency_id=_agency(engine, f"{agency_type}.{commune}"), role=agency_type)


@pytest.fixture
def two_provinces(engine):
    seed_org(engine, province=("P02", "Tỉnh thứ hai (thử)"), communes=[("Y01", "Xã Một (thử)")])
    return engine


def test_the_same_case_routes_to_the_commune_or_the_province_as_each_province_chose(two_provinces, as_user):
    engine = two_provinces
    # the decree's default: the commune arranges it
    assert _separated(engine, as_user, "X01").agency_id == _agency(engine, "commune_officer.X01")
    assert _separated(engine, as_user, "Y01").agency_id == _agency(engine, "commune_officer.Y01")
    change(engine, SPLITS, "P02", KEY, "province", "Quyết định 12/QĐ-UBND của tỉnh", "quantri.tinh")
    # P02 gives it to Sở Y tế; P01 keeps the default
    moved = _separated(engine, as_user, "Y01")
    assert (moved.agency_type, moved.agency_id) == ("provincial_health", _agency(engine, "provincial_health.P02"))
    assert _separated(engine, as_user, "X01").agency_id == _agency(engine, "commune_officer.X01")
    # Sở Y tế of P02 completes the task it now carries; the separation goes on to its review
    complete(engine, moved.case_id, "arrange_alternative_care", _system(engine, "P02", "provincial_health"))
    assert "separation_review" in [t.task_name for t in engine.open_tasks(moved.case_id)]
    rows = {r["rule"].key: r for r in show(engine, SPLITS, "P02")}
    assert rows[KEY]["level"] == "province" and rows[KEY]["changed_by"] == "quantri.tinh"
    assert {r["rule"].key: r["level"] for r in show(engine, SPLITS, "P01")} == {KEY: "commune"}
    with engine.db.read() as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "province_setting.set")).scalar_one()
    assert ev.detail == {"key": KEY, "from": "default:commune", "to": "province",
                         "reason": "Quyết định 12/QĐ-UBND của tỉnh"}


def test_from_the_decrees_end_the_provinces_choice_no_longer_applies(two_provinces, as_user, clock):
    engine = two_provinces
    change(engine, SPLITS, "P02", KEY, "province", "Quyết định 12/QĐ-UBND", "quantri.tinh")
    # the last day of NĐ 147/2025 (Vietnam time): still the province's choice
    clock.set(dt.datetime(2027, 2, 28, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))))
    assert _separated(engine, as_user, "Y01").agency_type == "provincial_health"
    clock.set(dt.datetime(2027, 3, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))))
    assert _separated(engine, as_user, "Y01").agency_id == _agency(engine, "commune_officer.Y01")
    assert show(engine, SPLITS, "P02")[0]["expired"] is True


@pytest.mark.parametrize("province,key,level,reason,field", [
    ("P01", KEY, "district", "QĐ 1", "level"),
    ("P01", KEY, "province", "  ", "reason"),
    ("P01", "nd147.nothing", "province", "QĐ 1", "key"),
    ("P99", KEY, "province", "QĐ 1", "province"),
])
def test_a_bad_change_names_its_field_and_changes_nothing(sqlite_engine, province, key, level, reason, field):
    with pytest.raises(InvalidTaskData) as err:
        change(sqlite_engine, SPLITS, province, key, level, reason, "quantri.tinh")
    assert field in err.value.fields
    assert show(sqlite_engine, SPLITS, "P01")[0]["chosen"] is None


def test_the_cli_shows_and_sets_it(sqlite_engine, monkeypatch, cli_clock):
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.db.url)
    runner = CliRunner()
    shown = runner.invoke(main, ["province-split", "show", "--province", "P01"])
    assert shown.exit_code == 0, shown.output
    assert f"{KEY}\tcommune\tdefault" in shown.output and "147/2025" in shown.output
    no_reason = runner.invoke(main, ["province-split", "set", KEY, "province", "--province", "P01", "--reason", " "])
    assert no_reason.exit_code == 1 and "reason" in no_reason.output
    done = runner.invoke(main, ["province-split", "set", KEY, "province", "--province", "P01",
                                "--reason", "Quyết định 3/QĐ-UBND"])
    assert done.exit_code == 0, done.output
    assert show(sqlite_engine, SPLITS, "P01")[0]["level"] == "province"
