"""#16.9 and #16.3 through the web forms: the chairman's decisions are an explicit choice with nothing preselected
(a post without one is a 422 naming the field); a plan sent back, resubmitted as its page opens, keeps its
referrals; the parents' refusal of the plan can be recorded on the case page and leads to the chairman's
separation decision (NĐ 56/2017 Điều 32; Luật Trẻ em Điều 52.3)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import MultiDict

from tests.support.samples import LOW
from tests.support.samples import REPORT
from tests.support.samples import actor_for
from tests.support.samples import complete
from tests.support.samples import open_task
from tests.support.web import csrf
from tests.support.web import make_app
from tests.support.web import signed_in
from workflows.child_protection.intake import open_case

DANGER = "/cases/{}/events/message/nguy_co_moi"


@pytest.fixture
def app(sqlite_engine):
    return make_app(sqlite_engine)


_login, _csrf = signed_in, csrf


class _FormValues(HTMLParser):
    """What a browser would post for the page's task form as it opens (checked boxes, selected options,
    textareas and inputs)."""

    def __init__(self):
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._select = self._textarea = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.data.append((a["name"], a.get("value") or "on"))
            else:
                self.data.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data.append((self._textarea, self._text))
            self._textarea = None


def _as_opened(html):
    form = html[html.index('<form', html.index('<section class="task-form">')):]
    parser = _FormValues()
    parser.feed(form[:form.index("</form>")])
    return parser.data


def _select_of(html, name):
    return re.search(rf'<select id="in-{name}" name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)


def _to_approval(engine, **plan):
    case = open_case(engine, dict(REPORT, urgency="non_emergency", abuse_forms=["neglect"]),
                     actor_for(engine, "tongdai111"))
    officer = actor_for(engine, "canbo.x01")
    complete(engine, case.id, "initial_assessment", officer, **LOW)
    complete(engine, case.id, "specific_assessment", officer)
    complete(engine, case.id, "draft_plan", officer, **plan)
    return case


def test_the_chairmans_decision_has_no_default_and_is_required_by_name(app, sqlite_engine):
    case = _to_approval(sqlite_engine)
    chairman = _login(app, "chutich.x01")
    url = f"/tasks/{open_task(sqlite_engine, case.id, 'approve_plan').id}"
    page = chairman.get(url).get_data(as_text=True)
    options = _select_of(page, "approval_decision")
    assert options.lstrip().startswith('<option value="">') and "selected" not in options
    res = chairman.post(url, data={"csrf_token": _csrf(page), "approval_notes": "Đồng ý."})
    assert res.status_code == 422
    body = res.get_data(as_text=True)
    assert 'class="field has-error" id="field-approval_decision"' in body
    assert open_task(sqlite_engine, case.id, "approve_plan")   # nothing was decided
    # the second approval, after a revision, again starts without a choice (the first decision is not carried)
    complete(sqlite_engine, case.id, "approve_plan", actor_for(sqlite_engine, "chutich.x01"),
             approval_decision="revise", approval_notes="Bổ sung.")
    complete(sqlite_engine, case.id, "revise_plan", actor_for(sqlite_engine, "canbo.x01"))
    again = chairman.get(f"/tasks/{open_task(sqlite_engine, case.id, 'approve_plan').id}").get_data(as_text=True)
    assert "selected" not in _select_of(again, "approval_decision")


def test_the_closure_decision_has_no_default_either(app, sqlite_engine):
    case = _to_approval(sqlite_engine)
    complete(sqlite_engine, case.id, "approve_plan", actor_for(sqlite_engine, "chutich.x01"))
    complete(sqlite_engine, case.id, "review_visit", actor_for(sqlite_engine, "canbo.x01"), review_outcome="close")
    chairman = _login(app, "chutich.x01")
    url = f"/tasks/{open_task(sqlite_engine, case.id, 'close_case').id}"
    page = chairman.get(url).get_data(as_text=True)
    assert "selected" not in _select_of(page, "closure_decision")
    res = chairman.post(url, data={"csrf_token": _csrf(page), "closure_notes": "Trẻ an toàn."})
    assert res.status_code == 422 and 'class="field has-error" id="field-closure_decision"' in res.get_data(
        as_text=True)


def test_a_revised_plan_resubmitted_as_it_opens_keeps_its_referrals(app, sqlite_engine):
    case = _to_approval(sqlite_engine, plan_objectives="Trẻ đi học đều, an toàn ở nhà.", refer_health=True,
                        refer_legal_aid=True, plan_assignees=["womens_union"])
    complete(sqlite_engine, case.id, "approve_plan", actor_for(sqlite_engine, "chutich.x01"),
             approval_decision="revise", approval_notes="Ghi rõ thời gian.")
    officer = _login(app, "canbo.x01")
    url = f"/tasks/{open_task(sqlite_engine, case.id, 'revise_plan').id}"
    page = officer.get(url).get_data(as_text=True)
    data = dict(_as_opened(page))
    assert data["plan_objectives"] == "Trẻ đi học đều, an toàn ở nhà."
    assert data.get("refer_health") == "on" and data.get("refer_legal_aid") == "on" and "refer_police" not in data
    posted = [(k, v) for k, v in _as_opened(page) if k != "revision_notes"] + [("revision_notes", "Ghi rõ thời gian.")]
    res = officer.post(url, data=MultiDict(posted))
    assert res.status_code in (302, 303), res.get_data(as_text=True)[:500]
    chairman = _login(app, "chutich.x01")
    url = f"/tasks/{open_task(sqlite_engine, case.id, 'approve_plan').id}"
    page = chairman.get(url).get_data(as_text=True)
    assert chairman.post(url, data={"csrf_token": _csrf(page), "approval_decision": "approve",
                                    "approval_notes": "Đồng ý."}).status_code in (302, 303)
    names = {t.task_name for t in sqlite_engine.open_tasks(case.id)}
    assert {"health_acknowledge", "legal_aid_acknowledge"} <= names and "police_acknowledge" not in names
    assert sqlite_engine.case_data(case.id)["plan_assignees"] == ["womens_union"]


def test_the_parents_refusal_of_the_plan_is_chosen_on_the_case_page_and_leads_to_separation(app, sqlite_engine):
    case = _to_approval(sqlite_engine)
    complete(sqlite_engine, case.id, "approve_plan", actor_for(sqlite_engine, "chutich.x01"))
    officer = _login(app, "canbo.x01")
    page = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    kinds = _select_of(page, "danger_kind")
    assert 'value="plan_refused"' in kinds and "selected" not in kinds
    refused = officer.post(DANGER.format(case.id), data={"csrf_token": _csrf(page), "danger_kind": "",
                                                         "danger_description": "Cha mẹ không thực hiện."})
    assert refused.status_code == 422 and "danger_kind" in refused.get_data(as_text=True)
    res = officer.post(DANGER.format(case.id), data={
        "csrf_token": _csrf(page), "danger_kind": "plan_refused",
        "danger_description": "Cha mẹ không cho cán bộ vào nhà, không thực hiện kế hoạch."})
    assert res.status_code == 303
    assert "danger_assessment" in {t.task_name for t in sqlite_engine.open_tasks(case.id)}
    complete(sqlite_engine, case.id, "danger_assessment", actor_for(sqlite_engine, "canbo.x01"), **LOW)
    chairman = _login(app, "chutich.x01")
    url = f"/tasks/{open_task(sqlite_engine, case.id, 'danger_decision').id}"
    page = chairman.get(url).get_data(as_text=True)
    assert 'name="separation_ordered"' in page and 'name="separation_ordered" checked' not in page
    res = chairman.post(url, data={"csrf_token": _csrf(page), "emergency_measures": ["safe_place"],
                                   "separation_ordered": "on", "shelter_place": "Nhà bà ngoại",
                                   "decision_notes": "Tạm thời cách ly (Điều 32)."})
    assert res.status_code in (302, 303)
    complete(sqlite_engine, case.id, "danger_intervention", actor_for(sqlite_engine, "canbo.x01"))
    assert "arrange_alternative_care" in {t.task_name for t in sqlite_engine.open_tasks(case.id)}
