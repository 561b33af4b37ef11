"""The second procedure end to end in a real browser (issue #15): a trafficking victim's report is taken,
verified, identified, supported and closed, each step by the body the law names, logged in through the UI
of the unchanged web app."""

from __future__ import annotations

from tests.e2e.test_browser import Session
from tests.e2e.test_browser import browser  # noqa: F401  (fixture)
from tests.e2e.test_browser import server  # noqa: F401  (fixture)
from tests.e2e.test_browser import shot
from workflows.trafficking_support.samples import DOERS
from workflows.trafficking_support.samples import REPORT
from workflows.trafficking_support.samples import SAMPLES


def _fill(page, data: dict) -> None:
    """Fill a generated form from sample data, as a person would: choose, tick and type."""
    for name, value in data.items():
        if isinstance(value, list):
            for item in value:
                page.check(f"input[name={name}][value={item}]")
        elif isinstance(value, bool):
            if value:
                page.check(f"input[name={name}]")
        else:
            field = page.locator(f"[name={name}]").first
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(str(value))
            else:
                field.fill(str(value))


def test_a_victim_supported_and_closed_through_the_ui(server, browser, sqlite_engine):  # noqa: F811
    officer = Session(browser, server, "vhxh.x01")
    officer.page.goto(f"{server}/intake/trafficking_support")
    _fill(officer.page, REPORT)
    shot(officer.page, "ts-01-intake")
    officer.page.click("form.card button[type=submit]")
    officer.page.wait_for_url(f"{server}/inbox")
    officer.close()
    steps = [("receive_person", {}), ("initial_verification", {}), ("police_identification", {}),
             ("assess_needs", {"support_measures": ["health"]}), ("provide_health_support", {}),
             ("follow_up_visit", {}), ("close_case", {})]
    from engine.admin import list_cases

    (case,) = list_cases(sqlite_engine)
    for task_name, changes in steps:
        (task,) = [t for t in sqlite_engine.open_tasks(case.id) if t.task_name == task_name]
        person = Session(browser, server, DOERS[task_name].format(c="x01"))
        person.page.goto(f"{server}/tasks/{task.id}")
        person.page.wait_for_selector("form.card button[type=submit]")
        _fill(person.page, dict(SAMPLES[task_name], **changes))
        shot(person.page, f"ts-{task_name}")
        person.submit()
        person.close()
    assert sqlite_engine.get_case(case.id).status == "closed"
    assert [s.task_name for s in sqlite_engine.steps(case.id)] == [name for name, _ in steps]
