"""Issue #22.6: the English UI is complete. Every main page, rendered in English for the demo roles that use
it, shows no Vietnamese the UI wrote: a word with Vietnamese diacritics in the visible text (and in the
placeholders, titles and labels a screen reader reads) fails, unless it is data: the names of the
province, communes, agencies and people of the seed (the case data here is written without diacritics so
that nothing of it can hide a missing translation), a legal document's official number (56/2017/NĐ-CP), or
text the page itself marks as Vietnamese (``lang="vi"``, the language switcher).
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from lxml import html as lxml_html
from sqlalchemy import select

from engine.models import Agency
from engine.models import Commune
from engine.models import Province
from engine.models import User
from tests.support.samples import HIGH
from tests.support.samples import REPORT
from tests.support.samples import SAMPLES
from tests.support.samples import actor_for
from tests.support.samples import open_task
from webui import create_app
from workflows.child_protection.process import open_case
from workflows.seed import DEMO_PASSWORD

VIETNAMESE = re.compile(r"[^\W\d_]*[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữự"
                        r"ỳýỷỹỵđ][^\W\d_]*", re.IGNORECASE)
DOC_NUMBER = re.compile(r"\d+/\d{4}/[A-ZĐ0-9-]+|NĐ-CP|QĐ-[A-Z]+|BB-[A-Z]+")
READ_ATTRS = ("placeholder", "title", "aria-label", "alt")


def plain(value):
    """Case data without diacritics (đ -> d), so that it can never pass for the UI's own Vietnamese."""
    if isinstance(value, str):
        value = value.replace("đ", "d").replace("Đ", "D")
        return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def plain_data(data: dict) -> dict:
    return {k: plain(v) for k, v in data.items()}


def step(engine, case_id, task_name, username, **overrides):
    data = plain_data(dict(SAMPLES[task_name], **overrides))
    engine.complete_task(open_task(engine, case_id, task_name).id, data, actor_for(engine, username))


@pytest.fixture
def world(sqlite_engine):
    """Cases at the steps every role meets, all their data without diacritics."""
    eng = sqlite_engine
    hot = actor_for(eng, "tongdai111")
    report = plain_data(REPORT)
    fresh = open_case(eng, report, hot)
    urgent = open_case(eng, dict(report, child_name="Le Van Minh", child_sex="male"), hot)
    step(eng, urgent.id, "initial_assessment", "canbo.x01", **HIGH)
    step(eng, urgent.id, "emergency_decision", "chutich.x01")
    planned = open_case(eng, dict(report, child_name="Pham Thu Ha", urgency="non_emergency"), hot)
    step(eng, planned.id, "initial_assessment", "canbo.x01")
    step(eng, planned.id, "specific_assessment", "canbo.x01")
    step(eng, planned.id, "draft_plan", "canbo.x01")
    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": eng.db.url, "TESTING": True}, engine=eng)
    return app, eng, {"fresh": fresh, "urgent": urgent, "planned": planned}


def data_names(engine) -> list[str]:
    """Names the seed stores (data, not UI text), longest first so that a name inside another goes last."""
    with engine.db.read() as s:
        names = [*s.execute(select(Province.name)).scalars(), *s.execute(select(Commune.name)).scalars(),
                 *s.execute(select(Agency.name)).scalars(), *s.execute(select(User.full_name)).scalars()]
    return sorted({n for n in names if n}, key=len, reverse=True)


def visible_text(page: str) -> list[str]:
    """The text a reader sees or hears: text nodes outside script/style and outside anything marked
    lang="vi" (the nearest lang attribute decides: an official Vietnamese printout is lang="vi", its
    buttons are not), plus the attributes read aloud and the labels of buttons."""
    tree = lxml_html.fromstring(page)
    for bad in tree.xpath("//script | //style | //template | //*[@hidden]"):
        if bad.getparent() is not None:
            bad.drop_tree()

    def english(el) -> bool:
        return (el.xpath("ancestor-or-self::*[@lang][1]/@lang") or ["en"])[0] != "vi"

    out = []
    for t in tree.xpath("//body//text() | //title//text()"):
        owner = t.getparent().getparent() if t.is_tail else t.getparent()
        if t.strip() and owner is not None and english(owner):
            out.append(t.strip())
    for attr in READ_ATTRS:
        out.extend(a.strip() for a in tree.xpath(f"//body//@{attr}") if a.strip() and english(a.getparent()))
    out.extend(v for v in tree.xpath("//input[@type='submit' or @type='button']/@value") if v.strip())
    return out


def vietnamese_left(page: str, names: list[str]) -> list[str]:
    found = []
    for text in visible_text(page):
        rest = DOC_NUMBER.sub(" ", text)
        for name in names:
            rest = rest.replace(name, " ")
        if VIETNAMESE.search(rest):
            found.append(text[:120])
    return found


def english_client(app, username):
    c = app.test_client()
    page = c.get("/login").get_data(as_text=True)
    tok = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert c.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                  "csrf_token": tok}).status_code == 302
    c.get("/lang/en")
    c.csrf = tok
    return c


def pages(role: str, eng, cases) -> list[str]:
    fresh, urgent, planned = cases["fresh"], cases["urgent"], cases["planned"]
    # /notifications: a notification's subject is stored bilingual with the task's Vietnamese title ("Việc mới
    # / New task: ..."); the list shows it in the reader's language (engine.notify.messages.in_language)
    mine = ["/", "/inbox", "/account", "/account/password", "/account/2fa", "/notifications"]
    case_pages = [f"/cases/{c.id}" for c in (fresh, urgent, planned)]
    prints = [f"/cases/{urgent.id}/print/mau-0{n}" for n in range(1, 7)]
    if role in ("canbo.x01", "chutich.x01", "congan.x01"):
        agency = actor_for(eng, role).agency_id
        mine += [f"/tasks/{t.id}" for c in (fresh, urgent, planned) for t in eng.open_tasks(c.id)
                 if t.agency_id == agency]
    if role == "canbo.x01":
        return mine + case_pages + prints + [
            "/intake/child_protection", "/cases", "/cases?q=Le", "/inbox?sort=urgency&q=X01",
            f"/cases/{urgent.id}/attachments/new", f"/notifications/case/{urgent.id}", "/break-glass",
            "/break-glass/log", "/reports", "/reports/submissions", "/register", "/register/new"]
    if role == "chutich.x01":
        return mine + case_pages + ["/cases", "/break-glass/log", "/reports", "/register"]
    if role == "congan.x01":
        return mine + ["/intake/child_protection", "/break-glass"]
    if role == "tongdai111":
        return mine + ["/intake/child_protection", "/break-glass"]
    if role == "soyte.tinh":
        return mine + ["/reports", "/reports/submissions", "/register", "/break-glass/log"]
    if role == "chinhsach.tinh":
        v = eng.versions()[0].id
        return mine + ["/processes", f"/processes/diff?a={v}&b={v}", "/incidents", "/notifications/outbox",
                       "/reports"]
    if role == "quantri.tinh":
        return mine + ["/admin", "/admin/users", "/admin/users/canbo.x01", "/admin/users/import",
                       "/admin/security", "/admin/communes", "/admin/agencies", "/admin/schedules",
                       "/admin/tokens", "/admin/rosters", "/admin/calendar", "/admin/province-split"]
    if role == "canbo.x02":
        return mine + [f"/cases/{fresh.id}"]   # a case one may not see: the not-found page
    return mine


ROLES = ["canbo.x01", "chutich.x01", "congan.x01", "tongdai111", "soyte.tinh", "chinhsach.tinh", "quantri.tinh",
         "canbo.x02"]


def test_every_main_page_in_english_has_no_vietnamese_ui_text(world):
    app, eng, cases = world
    names = data_names(eng)
    anon = app.test_client()
    anon.get("/lang/en")
    problems = [f"(anonymous) /login: {t}" for t in vietnamese_left(anon.get("/login").get_data(as_text=True), names)]
    for role in ROLES:
        client = english_client(app, role)
        for path in pages(role, eng, cases):
            res = client.get(path)
            assert res.status_code in (200, 404), f"{role} {path}: HTTP {res.status_code}"
            problems.extend(f"{role} {path}: {t}" for t in vietnamese_left(res.get_data(as_text=True), names))
    assert not problems, "\n".join(sorted(set(problems)))


def test_english_flash_and_validation_messages(world):
    """What a task form says back: its field errors, and the flash messages of claiming, releasing and
    completing a step."""
    app, eng, cases = world
    names = data_names(eng)
    client = english_client(app, "canbo.x01")
    t = open_task(eng, cases["fresh"].id, "initial_assessment")
    bad = client.post(f"/tasks/{t.id}", data={"csrf_token": client.csrf, "harm_severity": "high"})
    assert bad.status_code == 422
    problems = vietnamese_left(bad.get_data(as_text=True), names)
    for action in ("claim", "release"):
        res = client.post(f"/tasks/{t.id}/{action}", data={"csrf_token": client.csrf}, follow_redirects=True)
        problems += vietnamese_left(res.get_data(as_text=True), names)
    done = client.post(f"/tasks/{t.id}", data={"csrf_token": client.csrf, **{
        k: ("on" if v is True else v) for k, v in plain_data(SAMPLES["initial_assessment"]).items() if v is not False}},
        follow_redirects=True)
    problems += vietnamese_left(done.get_data(as_text=True), names)
    assert "Done:" in done.get_data(as_text=True) or "Completed" in done.get_data(as_text=True)
    again = client.get(f"/tasks/{t.id}", follow_redirects=True)
    problems += vietnamese_left(again.get_data(as_text=True), names)
    assert not problems, "\n".join(sorted(set(problems)))


def _walk_trafficking(app, eng, names, report, path, case=None):
    """Drive one trafficking case (a new one from ``report``, or ``case``) along ``path`` (task names, or
    (task name, data overrides), in order), opening in English, before each step, the page of every open task (as the demo user of its lane)
    and the case page (as the commune's officer). Returns what is left in Vietnamese, and the case."""
    from workflows.trafficking_support.intake import open_case as open_trafficking
    from workflows.trafficking_support.samples import DOERS
    from workflows.trafficking_support.samples import SAMPLES as TS_SAMPLES

    clients: dict[str, object] = {}

    def client(user):
        clients.setdefault(user, english_client(app, user))
        return clients[user]

    if case is None:
        case = open_trafficking(eng, plain_data(report), actor_for(eng, "vhxh.x01"))
    problems, seen = [], set()
    for task_name in [*path, None]:
        for t in eng.open_tasks(case.id):
            if t.task_name in seen:
                continue
            seen.add(t.task_name)
            with eng.db.read() as ses:      # a demo user of the agency the task is routed to
                user = min(ses.execute(select(User.username).where(User.agency_id == t.agency_id)).scalars())
            res = client(user).get(f"/tasks/{t.id}")
            assert res.status_code == 200, f"{user} /tasks/{t.task_name}: HTTP {res.status_code}"
            problems += [f"{user} task {t.task_name}: {x}" for x in vietnamese_left(res.get_data(as_text=True), names)]
        # the case page, as the commune's officer or (a case the commune does not hold yet) an open step's doer
        viewers = ["vhxh.x01", *(DOERS.get(t.task_name, "ubnd.tinh").format(c="x01") for t in eng.open_tasks(case.id))]
        res = next(r for r in (client(u).get(f"/cases/{case.id}") for u in viewers) if r.status_code == 200)
        problems += [f"case page: {x}" for x in vietnamese_left(res.get_data(as_text=True), names)]
        if task_name is None:
            break
        task_name, overrides = task_name if isinstance(task_name, tuple) else (task_name, {})
        [t] = [t for t in eng.open_tasks(case.id) if t.task_name == task_name]
        user = DOERS.get(task_name, "ubnd.tinh").format(c=(t.commune_code or "X01").lower())
        eng.complete_task(t.id, plain_data(dict(TS_SAMPLES[task_name], **overrides)), actor_for(eng, user))
    return problems, case


def test_other_procedures_in_english(world, clock):
    """The trafficking-support procedure (its intake form; the case pages and every user task's page along the
    support path and the border-guard, police, not-a-victim, other-commune and child branches, and the
    escalations of the steps left overdue, each as a demo user of the agency the task is routed to) and the
    periodic follow-up of a child in the register (its case page, its review task page and the chairman's
    escalation of the overdue review) show no Vietnamese UI text in English."""
    import datetime as dt

    from engine.register import records
    from engine.register.records import PersonFields
    from engine.workdays import parse_instant
    from workflows.child_followup.followups import start_for_period
    from workflows.trafficking_support.samples import REPORT as TS_REPORT

    app, eng, _cases = world
    # the description child_link stores on the child-protection case it opens for a trafficked child is case
    # data (the record is kept in Vietnamese), not UI text
    names = [*data_names(eng), "Trẻ em bị mua bán (hồ sơ hỗ trợ nạn nhân"]
    problems = []
    for user in ("vhxh.x01", "congan.x01", "bienphong.tinh"):
        res = english_client(app, user).get("/intake/trafficking_support")
        assert res.status_code == 200, f"{user} intake: HTTP {res.status_code}"
        problems += [f"{user} intake: {x}" for x in vietnamese_left(res.get_data(as_text=True), names)]
    support = ["receive_person", "initial_verification", "police_identification", "assess_needs",
               "provide_essential_needs", "provide_health_support", "provide_psychological_support",
               "provide_legal_aid", "provide_education_vocational", "grant_initial_allowance", "follow_up_visit"]
    identified = ["receive_person", "initial_verification", "police_identification"]
    walked = [_walk_trafficking(app, eng, names, TS_REPORT, support),
              _walk_trafficking(app, eng, names, TS_REPORT, ["receive_person", "initial_verification"]),
              _walk_trafficking(app, eng, names, TS_REPORT, [
                  "receive_person", ("initial_verification", {"verification_outcome": "not_victim"})]),
              _walk_trafficking(app, eng, names, TS_REPORT, [*identified, ("assess_needs", {
                  "support_measures": ["health"], "residence_commune_confirmed": "X02"}), "provide_health_support"]),
              _walk_trafficking(app, eng, names, dict(TS_REPORT, person_age=14, trafficked_abroad=False,
                                                      destination_country=""), identified),
              _walk_trafficking(app, eng, names, dict(TS_REPORT, channel="border_guard"), []),
              _walk_trafficking(app, eng, names, dict(TS_REPORT, channel="police"), [])]
    # the steps left open become overdue: their escalation tasks and the overdue deadlines on the case pages
    clock.set(clock.now() + dt.timedelta(days=40))
    eng.fire_due_timers()
    escalations = set()
    for found, case in walked:
        problems += found
        problems += _walk_trafficking(app, eng, names, None, [], case)[0]
        escalations |= {t.task_name for t in eng.open_tasks(case.id) if t.task_name.startswith("escalate_")}
    assert escalations, "no trafficking step was escalated"

    with eng.db.write() as s:
        person = records.create_person(s, eng.now(), "canbo.x01", "P01", PersonFields(
            full_name="Nguyen Thi Lan", sex="female", birth_date=dt.date(2015, 3, 2), residence_commune_code="X01"))
        period = records.add_period(s, eng.now(), "canbo.x01", person.id, "group", "l", eng.now().date(), None,
                                    "Bien ban xac minh cua UBND xa")
        period_id = period.id
    followup = start_for_period(eng, period_id)
    officer = english_client(app, "canbo.x01")
    for path in (f"/cases/{followup.id}", f"/register/{person.id}"):
        res = officer.get(path)
        problems += [f"canbo.x01 {path}: {x}" for x in vietnamese_left(res.get_data(as_text=True), names)]
    opens, _due = eng.case_data(followup.id)["review_schedule"][0]
    clock.set(parse_instant(opens) + dt.timedelta(minutes=1))
    eng.fire_due_timers()
    officer = english_client(app, "canbo.x01")        # the clock moved past the session's idle limit
    [review] = [t for t in eng.open_tasks(followup.id) if t.task_name == "periodic_review"]
    for path in (f"/tasks/{review.id}", f"/cases/{followup.id}", "/inbox"):
        res = officer.get(path)
        assert res.status_code == 200, f"canbo.x01 {path}: HTTP {res.status_code}"
        problems += [f"canbo.x01 {path}: {x}" for x in vietnamese_left(res.get_data(as_text=True), names)]
    # the review overdue, months after the rest: each task page in the commune's inboxes, the follow-up's
    # escalation, the child-protection sub-processes' (the incident report) and escalations among them
    clock.set(parse_instant(_due) + dt.timedelta(minutes=1))
    eng.fire_due_timers()
    seen = set()
    for user in ("canbo.x01", "chutich.x01"):
        c = english_client(app, user)
        for t in eng.inbox(actor_for(eng, user).agency_id):
            seen.add(t.task_name)
            res = c.get(f"/tasks/{t.id}")
            assert res.status_code == 200, f"{user} /tasks/{t.task_name}: HTTP {res.status_code}"
            problems += [f"{user} task {t.task_name}: {x}" for x in vietnamese_left(res.get_data(as_text=True), names)]
    assert {"escalate_review_overdue", "report_incident"} <= seen, seen
    assert not problems, "\n".join(sorted(set(problems)))
