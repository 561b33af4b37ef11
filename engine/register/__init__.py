"""The people register: one record per person, the cases linked to it, search, retention (issue #21).

Generic: it names no procedure. A procedure that keeps a register (``Procedure.register``) says what a
record means: which report fields fill it, its groups and flags, how candidates are scored, labels.

The API other code relies on (stable; migration 0018):

- ``person_of_case(session, case_id) -> str | None``: the person a case is about, once an officer decided;
- ``persons_of_cases(session, case_ids) -> {case_id: person_id}``;
- the table ``person_cases`` (``PersonCase``: ``case_id`` primary key, ``person_id``): join it to count
  distinct persons, e.g. ``COUNT(DISTINCT person_cases.person_id)``; cases no officer has decided on yet
  have no row (count them apart, or by ``cases.id``);
- ``person_periods`` (``PersonPeriod``: ``kind``, ``code``, ``start_date``, ``end_date``): dated memberships
  (a procedure's groups and risk flags);
- ``persons`` (``Person``: ``sex``, ``birth_date``, ``birth_year``, ``residence_commune_code``, ``status``).

Modules: ``models`` (tables), ``fold`` (name folding, syllables, trigram similarity), ``records`` (writes,
each audited), ``queries`` (reads, ``Scope``), ``search`` (the scoped, typo-tolerant search), ``retention``
(anonymising closed records after the province's retention period).
"""

from __future__ import annotations

from engine.register import intervals  # noqa: F401  (review intervals per group join the metadata; 0026)
from engine.register.models import Person
from engine.register.models import PersonCase
from engine.register.models import PersonConsent
from engine.register.models import PersonPeriod
from engine.register.models import PersonRelation
from engine.register.queries import Scope
from engine.register.queries import person_of_case
from engine.register.queries import persons_of_cases

__all__ = ["Person", "PersonCase", "PersonConsent", "PersonPeriod", "PersonRelation", "Scope", "person_of_case",
           "persons_of_cases"]
