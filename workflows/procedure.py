"""The procedure package interface: what one interagency procedure supplies to BVTE.

A procedure is a package ``workflows/<code>/`` beside its diagrams in ``bpmn/``. Its ``__init__`` exposes
``PROCEDURE``, a :class:`Procedure`; :mod:`workflows.registry` discovers every installed package that does.
The engine sees only the ``ProcessConfig`` (lanes -> agency types, forms, deadlines with their legal basis,
statutory guards, BPMN files); the web app sees the rest through this object and never names a procedure.

Adding a procedure is adding a package and its BPMN: no change in ``engine/`` or ``webui/``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Callable
from typing import Mapping
from typing import Protocol

from engine.process import ProcessConfig
from workflows.agencies import AgencyType
from workflows.forms import Form


@dataclass(frozen=True)
class CaseView:
    """Who looks at one case, beyond their role: what a procedure's need-to-know may depend on.

    ``own_intake``: the viewer's agency recorded the case's report; ``tasks``: the user tasks the viewer's
    agency holds or held in the case; ``scope``: 'full', 'partner' or 'emergency' (``webui.access.case_scope``).
    """

    own_intake: bool = False
    tasks: frozenset[str] = frozenset()
    scope: str | None = None


class Intake(Protocol):
    """How a case of the procedure is opened from a report (a form a person fills in, or an API body)."""

    @property
    def form(self) -> Form: ...

    @property
    def roles(self) -> frozenset[str]:
        """Agency types (user roles) that may open a case."""
        ...

    def open_case(self, engine: Any, data: dict, actor: Any,
                  idempotency: tuple[int, str, str] | None = None) -> Any:
        """Validate ``data`` against ``form`` and start a case; returns the engine's ``Case``."""


class Indicators(Protocol):
    """The procedure's statutory report: figures for a province or commune over a period."""

    @property
    def template(self) -> str:
        """Jinja template (in the package's templates/) that shows a report."""
        ...

    def build(self, engine: Any, province: str, start: Any, end: Any, commune: str | None = None) -> Any: ...

    def labels(self, lang: str = "vi") -> dict[str, dict[str, str]]: ...

    def to_excel(self, report: Any) -> bytes: ...


@dataclass(frozen=True)
class Printable:
    """A printable form of the case file (e.g. Mẫu 01), filled with the case data the reader may see.

    ``task`` names the user task whose form it prints; ``None`` prints the intake form.
    """

    code: str            # in the URL: /cases/<id>/print/<code>
    form_no: str         # e.g. "Mẫu số 01"
    title: str           # the heading of the printed form
    task: str | None = None
    signer: str = "Xác nhận của cơ quan"
    template: str = "cases/print.html"


@dataclass
class Procedure:
    """Everything one procedure owns.

    Attributes:
        code: the package name (``workflows/<code>/``), stable: used in URLs (``/intake/<code>``).
        title_vi, title_en: the procedure's name for people.
        legal_basis: the laws and decrees it implements.
        config: what the engine needs (process id, lanes, forms, deadlines, guards, BPMN files).
        intake: how a case is opened from a report; ``None`` for procedures started otherwise.
        visibility: (case data, role) -> the part of the data that role needs to know.
        case_visibility: (case data, role, ``CaseView``) -> the same on one case, where it depends on who
            received the report or which tasks the viewer's agency holds.
        sensitive_fields: fields shown only where the role's groups include them (e.g. the reporter).
        indicators: the statutory report, if the procedure has one.
        printables: printable forms of the case file.
        help: BPMN element id -> help text (Vietnamese) shown beside the task.
        features_dir: the Gherkin scenarios of the procedure (run by ``workflows.scenarios``).
        dedup_field_labels: names of what the duplicate key compares, for the warning shown on intake.
        person_field: the summary key naming the person the case is about (shown in case lists).
        order: lower first in menus; the first procedure with an intake is the default of the API.
        agency_types: agency types the procedure adds to the shared directory (``workflows.agencies``).
        on_sweep: run by the timer worker on every sweep (e.g. open the cases a schedule calls for);
            returns how many cases it started. Must be idempotent: several workers run it.
        on_province: run when a province is set up (e.g. its default report schedule).
        demo_users: username -> (full name, role, commune code or None) added to the demo province.
        register: the procedure's register of the persons its cases are about (``engine.register``): the
            record's form, dated groups and flags, how a report proposes a record and scores candidates
            (e.g. ``workflows.child_protection.register.ChildRegister``); None keeps no register.
    """

    code: str
    title_vi: str
    title_en: str
    legal_basis: str
    config: ProcessConfig
    intake: Intake | None = None
    visibility: Callable[[dict, str], dict] | None = None
    visible_fields: Callable[[str], set[str]] | None = None
    # (case data, role, view) -> the part of the data that viewer needs to know on that case; overrides
    # ``visibility`` where the caller knows the case (who received the report, which tasks the agency holds)
    case_visibility: Callable[[dict, str, CaseView], dict] | None = None
    sensitive_fields: frozenset[str] = frozenset()
    indicators: Indicators | None = None
    printables: list[Printable] = field(default_factory=list)
    help: Mapping[str, str] = field(default_factory=dict)
    features_dir: str | None = None
    templates_dir: str | None = None
    person_field: str | None = None
    order: int = 100
    # forms shown for reading (labels of case data), beyond the task forms in ``config.forms``
    extra_forms: list[Form] = field(default_factory=list)
    agency_types: list[AgencyType] = field(default_factory=list)
    on_sweep: Callable[[Any], int] | None = None
    on_province: Callable[[Any, str], None] | None = None
    demo_users: Mapping[str, tuple[str, str, str | None]] = field(default_factory=dict)
    register: Any = None

    @property
    def process_ids(self) -> set[str]:
        """The main process and every process of its bundle (file stem == process id)."""
        return {self.config.process_id} | {os.path.splitext(f)[0] for f in self.config.bpmn_files}

    def title(self, lang: str = "vi") -> str:
        return self.title_vi if lang == "vi" else self.title_en

    def filter_data(self, data: dict, role: str, view: CaseView | None = None) -> dict:
        """The case data this role (on one case: this ``view``) needs to know; a procedure without rules shows
        its forms' fields only."""
        if view is not None and self.case_visibility is not None:
            return self.case_visibility(data, role, view)
        if self.visibility is not None:
            return self.visibility(data, role)
        known = {f.name for form in self.forms() for f in form.fields}
        return {k: v for k, v in data.items() if k in known}

    def form_of(self, task: str | None) -> Form | None:
        """The form of a user task, or the intake form for ``None``."""
        if task is None:
            return self.intake.form if self.intake is not None else None
        found = self.config.forms.get(task)
        return found if isinstance(found, Form) else None

    def printable(self, code: str) -> Printable | None:
        return next((p for p in self.printables if p.code == code), None)

    def forms(self) -> list[Form]:
        out: list[Form] = []
        if self.intake is not None:
            out.append(self.intake.form)
        out.extend(f for f in self.config.forms.values() if isinstance(f, Form))
        out.extend(self.extra_forms)
        return out
