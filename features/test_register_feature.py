"""Steps of the register's match-confirm scenarios (features/register/); the shared ones are in conftest."""

from __future__ import annotations

from pytest_bdd import given
from pytest_bdd import parsers
from pytest_bdd import scenarios
from pytest_bdd import then
from pytest_bdd import when
from sqlalchemy import func
from sqlalchemy import select

from engine.register import person_of_case
from engine.register import service
from engine.register.models import Person
from engine.register.models import PersonCase
from engine.register.queries import Scope
from engine.register.queries import served_communes
from engine.register.search import search
from engine.workdays import parse_instant
from tests.support.samples import actor_for
from workflows.child_protection.process import open_case
from workflows.child_protection.register import ChildRegister

scenarios("register")
REGISTER = ChildRegister()


def _scope(engine, username):
    actor = actor_for(engine, username)
    with engine.db.read() as s:
        from engine.models import Agency

        commune = s.get(Agency, actor.agency_id).commune_code
        return Scope("P01", served_communes(s, commune), actor.agency_id)


@given(parsers.parse('trẻ tên "{name}" sinh ngày "{day}"'))
def _(ctx, name, day):
    ctx["report"].update(child_name=name, child_birth_date=day, child_age=None)


@when(parsers.parse('"{username}" ghi nhận báo cáo về trẻ tên "{name}" {age:d} tuổi lúc "{instant}"'))
def _(ctx, username, name, age, instant):
    ctx["clock"].set(parse_instant(instant))
    report = dict(ctx["report"], child_name=name, child_age=age, child_birth_date=None, received_at=instant)
    ctx["case"] = open_case(ctx["engine"], report, actor_for(ctx["engine"], username))
    ctx["cases"].append(ctx["case"])


def _proposals(ctx, username):
    return service.proposals(ctx["engine"], _scope(ctx["engine"], username), ctx["case"], REGISTER)


@when(parsers.parse('"{username}" tạo hồ sơ trẻ mới từ báo cáo'))
def _(ctx, username):
    proposal, _scored, _linked = _proposals(ctx, username)
    ctx["person"] = service.decide(ctx["engine"], username, ctx["case"], proposal, None)


@when(parsers.parse('"{username}" xác nhận hồ sơ được đề xuất'))
def _(ctx, username):
    proposal, scored, _linked = _proposals(ctx, username)
    ctx["person"] = service.decide(ctx["engine"], username, ctx["case"], proposal, scored[0][0].id)


@then("báo cáo chưa gắn với trẻ nào trong sổ")
def _(ctx):
    with ctx["engine"].db.read() as s:
        assert person_of_case(s, ctx["case"].id) is None


@then(parsers.parse('sổ không đề xuất hồ sơ nào cho "{username}"'))
def _(ctx, username):
    assert _proposals(ctx, username)[1] == []


@then(parsers.parse('sổ đề xuất hồ sơ "{name}" cho "{username}" với lý do "{reason}"'))
def _(ctx, name, username, reason):
    scored = _proposals(ctx, username)[1]
    assert scored and scored[0][0].full_name == name
    assert any(r.startswith(reason) for r in scored[0][2]), scored[0][2]


@then(parsers.parse("sổ có {n:d} hồ sơ trẻ"))
def _(ctx, n):
    with ctx["engine"].db.read() as s:
        assert s.execute(select(func.count()).select_from(Person)).scalar() == n


@then(parsers.parse("hồ sơ trẻ có {n:d} vụ việc"))
def _(ctx, n):
    with ctx["engine"].db.read() as s:
        assert s.execute(select(func.count()).select_from(PersonCase)
                         .where(PersonCase.person_id == ctx["person"])).scalar() == n


@then(parsers.parse('"{username}" tìm "{query}" thấy {n:d} trẻ'))
def _(ctx, username, query, n):
    with ctx["engine"].db.read() as s:
        assert len(search(s, _scope(ctx["engine"], username), query)) == n
