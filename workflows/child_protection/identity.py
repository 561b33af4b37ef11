"""Who a case is about: the one place where the statistics decide that two cases concern the same child.

TT 13/2021/TT-BLĐTBXH counts children ("số trẻ em bị xâm hại"), not reports: a child with three reports is one
child. A case an officer has placed in the register of children (``engine.register``: the person of the case)
is that person. A case not decided yet is the same child as another when an officer linked the two
(``case_links``: a decision) or when their duplicate key (``engine/duplicates.py``: folded name | birth date or
age | residence commune, ``intake.person_key``) is the same; a case without a name is a child of its own. Two
cases the register holds as two people are never joined by a key or a link.
"""

from __future__ import annotations

from sqlalchemy import or_
from sqlalchemy import select

from engine.models import CaseLink


def child_identity(cases, links: list[tuple[str, str]], persons: dict[str, str] | None = None) -> dict[str, str]:
    """case id -> child id, for ``cases`` (objects with ``id`` and ``dedup_key``), the officers' links between
    them (pairs of case ids) and the register's decisions (case id -> person id)."""
    persons = persons or {}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    ids = {c.id for c in cases}
    for c in cases:
        find(f"case:{c.id}")
        if c.id in persons:
            union(f"case:{c.id}", f"person:{persons[c.id]}")
        elif c.dedup_key:
            union(f"case:{c.id}", f"key:{c.dedup_key}")
    for a, b in links:
        if a in ids and b in ids and not (a in persons and b in persons):
            union(f"case:{a}", f"case:{b}")
    # a key or a link must not join two people the register keeps apart: undo those unions
    people = {find(f"person:{p}") for p in set(persons.values())}
    if len(people) < len(set(persons.values())):
        return _split(cases, links, persons)
    return {c.id: find(f"case:{c.id}") for c in cases}


def _split(cases, links, persons: dict[str, str]) -> dict[str, str]:
    """The cautious answer when keys or links would join two registered people: decided cases are their
    person; an undecided case joins other undecided cases only."""
    undecided = [c for c in cases if c.id not in persons]
    rest = child_identity(undecided, [(a, b) for a, b in links if a not in persons and b not in persons])
    return {c.id: f"person:{persons[c.id]}" for c in cases if c.id in persons} | rest


def persons_of(session, case_ids: list[str]) -> dict[str, str]:
    """The register's person of each decided case (``engine.register.queries.persons_of_cases``)."""
    from engine.register.queries import persons_of_cases

    return persons_of_cases(session, case_ids)


def case_links(session, case_ids: list[str]) -> list[tuple[str, str]]:
    """The officers' links touching ``case_ids``."""
    out: list[tuple[str, str]] = []
    for i in range(0, len(case_ids), 500):
        chunk = case_ids[i:i + 500]
        out += [(a, b) for a, b in session.execute(select(CaseLink.case_id, CaseLink.other_case_id).where(
            or_(CaseLink.case_id.in_(chunk), CaseLink.other_case_id.in_(chunk)))).all()]
    return out
