"""Reading the register: the person of a case, a person's cases, the cases no officer has decided on yet, the
candidates a new report may be about, and the communes a commune officer serves (merged ones included)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Case
from engine.models import CaseStep
from engine.models import Commune
from engine.models import OpenTask
from engine.models import ProcessVersion
from engine.register.fold import fold
from engine.register.models import Person
from engine.register.models import PersonCase
from engine.register.models import PersonRelation


def person_of_case(s: Session, case_id: str) -> str | None:
    """The id of the person the case is about, once an officer has decided; None before."""
    return s.execute(select(PersonCase.person_id).where(PersonCase.case_id == case_id)).scalar()


def persons_of_cases(s: Session, case_ids: list[str]) -> dict[str, str]:
    """case id -> person id for the decided ones among ``case_ids``."""
    out: dict[str, str] = {}
    ids = list(case_ids)
    for i in range(0, len(ids), 500):
        out.update({c: p for c, p in s.execute(select(PersonCase.case_id, PersonCase.person_id)
                                               .where(PersonCase.case_id.in_(ids[i:i + 500])))})
    return out


def cases_of_person(s: Session, person_id: str) -> list[Case]:
    return list(s.execute(select(Case).join(PersonCase, PersonCase.case_id == Case.id)
                          .where(PersonCase.person_id == person_id).order_by(Case.received_at)).scalars())


def canonical_commune(s: Session, code: str | None) -> str | None:
    """The living commune a (possibly merged) commune code stands for today."""
    seen = 0
    while code and seen < 10:
        commune = s.get(Commune, code)
        if commune is None or not commune.merged_into:
            return code
        code, seen = commune.merged_into, seen + 1
    return code


def served_communes(s: Session, code: str | None) -> frozenset[str]:
    """``code`` and every commune merged into it (directly or through others)."""
    if not code:
        return frozenset()
    out = {code}
    frontier = [code]
    while frontier:
        merged = s.execute(select(Commune.code).where(Commune.merged_into.in_(frontier))).scalars().all()
        frontier = [m for m in merged if m not in out]
        out.update(frontier)
    return frozenset(out)


def undecided_cases(s: Session, communes: frozenset[str], process_ids: set[str], limit: int = 200) -> list[Case]:
    """Cases of ``process_ids`` held by, or about a child living in, ``communes`` that are linked to no record
    yet: the officer's match-or-create list (newest first)."""
    if not communes or not process_ids:
        return []
    c = sorted(communes)
    q = (select(Case).join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
         .outerjoin(PersonCase, PersonCase.case_id == Case.id)
         .where(PersonCase.case_id.is_(None), ProcessVersion.process_id.in_(sorted(process_ids)),
                or_(Case.commune_code.in_(c), Case.residence_commune_code.in_(c)))
         .order_by(Case.received_at.desc()).limit(limit))
    return list(s.execute(q).scalars())


@dataclass(frozen=True)
class Scope:
    """Whose records a user may see: a province's (``communes`` None), or those living in ``communes`` or
    linked to a case held by, happening in or about a child of ``communes``, or to a case ``agency_id`` holds
    or held a task of."""

    province: str
    communes: frozenset[str] | None = None
    agency_id: int | None = None

    def clauses(self) -> list:
        """The scope as parts whose union it is, each one an index can serve (a query per part beats one
        query with an OR that none can)."""
        cond = Person.province_code == self.province
        if self.communes is None:
            return [cond]
        c = sorted(self.communes)
        parts = []
        if c:
            parts.append(and_(cond, Person.residence_commune_code.in_(c)))
            parts.append(and_(cond, Person.residence_commune_code.not_in(c) | Person.residence_commune_code.is_(None),
                              Person.id.in_(self._of_communes(c))))
        if self.agency_id is not None:
            parts.append(and_(cond, Person.id.in_(self._of_agency())))
        return parts or [and_(cond, Person.id.is_(None))]

    def relation_clauses(self) -> list:
        """Beside each part of ``clauses``, a condition on ``PersonRelation``'s copy of the person's province and
        commune that the relations' own indexes serve (None where the part has none): a caregiver's name is then
        looked up among the commune's relations, not the province's."""
        on_province = PersonRelation.province_code == self.province
        if self.communes is None:
            return [on_province]
        c = sorted(self.communes)
        out: list = []
        if c:
            out += [and_(on_province, PersonRelation.residence_commune_code.in_(c)), None]
        if self.agency_id is not None:
            out.append(None)
        return out or [None]

    @staticmethod
    def _of_communes(c):
        return select(PersonCase.person_id).join(Case, Case.id == PersonCase.case_id).where(
            or_(Case.commune_code.in_(c), Case.incident_commune_code.in_(c), Case.residence_commune_code.in_(c)))

    def _of_agency(self):
        held = select(OpenTask.case_id).where(OpenTask.agency_id == self.agency_id)
        done = select(CaseStep.case_id).where(CaseStep.agency_id == self.agency_id)
        return select(PersonCase.person_id).where(or_(PersonCase.case_id.in_(held), PersonCase.case_id.in_(done)))

    def clause(self):
        """The whole scope as one condition: the union of ``clauses``."""
        parts = self.clauses()
        return parts[0] if len(parts) == 1 else or_(*parts)


def candidates(s: Session, scope: Scope, *, name: str | None, id_number: str | None = None,
               limit: int = 50) -> list[Person]:
    """Live records in ``scope`` a new report may be about: the same identifier, or what the register's search
    finds for the name (diacritics, typos, a middle name missing). The procedure scores them; nothing is
    decided here."""
    from engine.register.search import search

    found: dict[str, Person] = {}
    if id_number:
        for p in s.execute(select(Person).where(scope.clause(), Person.status == "active",
                                                Person.id_number == id_number)).scalars():
            found[p.id] = p
    if fold(name):
        for hit in search(s, scope, name or "", limit=limit):
            found.setdefault(hit.person.id, hit.person)
    return list(found.values())


def recent(s: Session, scope: Scope, limit: int = 50) -> list[Person]:
    """The live records of ``scope``, last changed first."""
    return list(s.execute(select(Person).where(scope.clause(), Person.status == "active")
                          .order_by(Person.updated_at.desc()).limit(limit)).scalars())
