"""Nothing recorded and lost: every field a form asks for is shown to at least one role (issue #16, item 9)."""

from workflows.child_protection.forms import FORMS
from workflows.child_protection.forms import INTAKE
from workflows.child_protection.visibility import GROUPS
from workflows.child_protection.visibility import ROLE_GROUPS
from workflows.child_protection.visibility import SENSITIVE
from workflows.child_protection.visibility import visible_fields


def _all_fields():
    yield "intake", INTAKE
    yield from FORMS.items()


def test_every_form_field_is_visible_to_some_role():
    seen_by_someone = set().union(*(visible_fields(role) for role in ROLE_GROUPS))
    lost = sorted(f"{task}.{field.name}" for task, form in _all_fields() for field in form.fields
                  if field.name not in seen_by_someone)
    assert lost == [], f"recorded but shown to nobody: {lost}"


def test_every_group_is_given_to_a_role():
    used = set().union(*ROLE_GROUPS.values())
    assert set(GROUPS) <= used


def test_reporter_identity_stays_with_the_officer_and_hotline():
    assert {role for role in ROLE_GROUPS if SENSITIVE & visible_fields(role)} == {"commune_officer", "hotline"}


def test_approval_is_an_explicit_required_choice():
    field = FORMS["approve_plan"].field("approval_decision")
    assert field is not None and field.kind == "choice" and field.required
    assert FORMS["approve_plan"].field("plan_approved") is None       # no checkbox that defaults to "no"


def test_revision_opens_on_the_rejected_plan_fields():
    draft = {f.name for f in FORMS["draft_plan"].fields}
    revise = {f.name for f in FORMS["revise_plan"].fields}
    assert draft <= revise      # every field of the plan is offered again, pre-filled from the task data
