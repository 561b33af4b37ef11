"""The register's search: by name (without diacritics, with typos), case reference, identifier, caregiver;
always inside the reader's ``Scope``.

A name is folded (``engine.register.fold``) and looked up in tiers, each an index lookup, stopping once
enough is found:

1. the folded name itself, or a name it begins (``nguyen van`` finds ``nguyen van an``);
2. the same syllables corrected against the register's own syllable dictionary (``person_name_parts``):
   first each name within one edit in total, then within two (``nguyen van anh`` finds ``nguyen van a``,
   ``ngyen van an`` finds ``nguyen van an``);
3. the first and last syllables (a middle name missing or extra), corrected the same way;
4. on PostgreSQL with pg_trgm, trigram similarity over the folded name (the GIN index), when the tiers
   above found nothing.

Caregivers' names go through tiers 1 and 2 too. Hits are ranked by tier, then by trigram similarity.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import union_all
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased

from engine.models import Case
from engine.register.fold import edit_distance
from engine.register.fold import fold
from engine.register.fold import name_key
from engine.register.fold import similarity
from engine.register.models import Person
from engine.register.models import PersonCase
from engine.register.models import PersonNamePart
from engine.register.models import PersonRelation
from engine.register.queries import Scope

REFERENCE = re.compile(r"^[A-Za-z0-9]+-\d{6}(-[0-9A-Za-z]{0,5}){0,2}$")
DIGITS = re.compile(r"^\d{6,20}$")
MAX_VARIANTS = 400
FUZZY_THRESHOLD = 0.45


@dataclass
class Hit:
    person: Person
    how: str        # name | variant | key | fuzzy | caregiver | reference | id_number
    tier: int
    score: float
    matched: str    # what matched (a caregiver's name, a reference)


# ------------------------------------------------------------------ the syllable dictionary
_PARTS: dict[str, tuple[float, int, list[str]]] = {}
_GENERATION = [0]
_LOCK = threading.Lock()
PARTS_TTL = 60.0


def parts_changed() -> None:
    """Called by the writers: this process's cached dictionary is read again on the next search."""
    _GENERATION[0] += 1


def dictionary(s: Session) -> list[str]:
    key = str(s.get_bind().engine.url)
    now = time.monotonic()
    with _LOCK:
        found = _PARTS.get(key)
        if found and found[1] == _GENERATION[0] and now - found[0] < PARTS_TTL:
            return found[2]
    words = list(s.execute(select(PersonNamePart.part).where(PersonNamePart.n > 0)).scalars())
    with _LOCK:
        _PARTS[key] = (now, _GENERATION[0], words)
    return words


_CORRECTIONS: dict[tuple[int, int, str], list[tuple[int, str]]] = {}


def _corrections(word: str, words: list[str]) -> list[tuple[int, str]]:
    """Known syllables within edit distance 1 (2 for three letters or more) of ``word``, nearest first
    (remembered for the dictionary they were computed on)."""
    key = (id(words), _GENERATION[0], word)
    found = _CORRECTIONS.get(key)
    if found is not None:
        return found
    limit = 2 if len(word) >= 3 else 1
    out = [(edit_distance(word, w, limit), w) for w in words if abs(len(w) - len(word)) <= limit and w != word]
    found = sorted((d, w) for d, w in out if d <= limit)[:25]
    if len(_CORRECTIONS) > 20000:
        _CORRECTIONS.clear()
    _CORRECTIONS[key] = found
    return found


def variants(folded: str, words: list[str], budget: int) -> list[tuple[int, str]]:
    """(cost, name) for the names whose syllables are known syllables within ``budget`` edits in total of
    ``folded``'s (one or two syllables changed), nearest first, the name itself excluded; at most
    ``MAX_VARIANTS``."""
    syll = folded.split()
    if not syll or len(syll) > 6:
        return []
    options = [[(d, c) for d, c in _corrections(w, words) if d <= budget] for w in syll]
    found: list[tuple[int, str]] = []
    for i, opts in enumerate(options):
        for d, c in opts:
            found.append((d, " ".join(syll[:i] + [c] + syll[i + 1:])))
    if budget >= 2:
        for i, j in itertools.combinations(range(len(syll)), 2):
            for di, ci in options[i]:
                if di > 1:
                    break
                for dj, cj in options[j]:
                    if dj > 1:
                        break
                    changed = list(syll)
                    changed[i], changed[j] = ci, cj
                    found.append((2, " ".join(changed)))
    found.sort()
    return found[:MAX_VARIANTS]


# ------------------------------------------------------------------ the search
def search(s: Session, scope: Scope, query: str, *, birth_year: int | None = None, limit: int = 20,
           include_anonymised: bool = False) -> list[Hit]:
    """The persons ``scope`` may see that ``query`` finds, best first (at most ``limit``)."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    hits: dict[str, Hit] = {}

    def base(clause=None):
        q = select(Person).where(scope.clause() if clause is None else clause)
        if not include_anonymised:
            q = q.where(Person.status == "active")
        if birth_year is not None:
            q = q.where(Person.birth_year == birth_year)
        return q

    parts, on_relations = scope.clauses(), scope.relation_clauses()

    def fetch(build, n: int, rows: bool = False) -> list:
        """``build(base)`` for each part of the scope (each part has its index), at most ``n`` each, in one
        statement (a UNION ALL of the parts: one round trip). ``rows``: ``build`` joined the relations and added
        their name as ``matched``, and the relations' own scope condition is added."""
        stmts = []
        for clause, on_relation in zip(parts, on_relations, strict=True):
            q = build(base(clause))
            if rows and on_relation is not None:
                q = q.where(on_relation)
            stmts.append(q.limit(n))
        if len(stmts) == 1:
            result = s.execute(stmts[0])
        else:
            u = union_all(*[select(q.subquery()) for q in stmts]).subquery()
            alias = aliased(Person, u)
            result = s.execute(select(alias, u.c.matched) if rows else select(alias))
        return list(result.all()) if rows else list(result.scalars())

    def keep(rows, how, tier, matched_of=None):
        for row in rows:
            person, matched = (row if matched_of else (row, ""))
            score = similarity(folded, person.name_folded) if folded else 1.0
            if matched_of and folded:
                score = similarity(folded, fold(matched))
            old = hits.get(person.id)
            if old is None or (tier, -score) < (old.tier, -old.score):
                hits[person.id] = Hit(person, how, tier, score, matched)

    compact = query.replace(" ", "")
    folded = ""
    if DIGITS.match(compact):
        keep(s.execute(base().where(Person.id_number == compact).limit(limit)).scalars(), "id_number", 0)
    if REFERENCE.match(query):
        ref = query.upper()
        q = base().add_columns(Case.reference).join(PersonCase, PersonCase.person_id == Person.id).join(
            Case, Case.id == PersonCase.case_id)
        q = q.where(Case.reference == ref) if ref.count("-") == 3 else q.where(Case.reference.like(ref + "%"))
        keep(s.execute(q.limit(limit)).all(), "reference", 0, matched_of=True)
    if hits:
        return _ranked(hits, limit)
    folded = fold(query)
    if not folded:
        return []
    _name_tiers(s, fetch, keep, hits, folded, limit)
    return _ranked(hits, limit)


def _name_tiers(s: Session, fetch, keep, hits: dict, folded: str, limit: int) -> None:
    want = limit
    # 1. the name itself, or a name it begins
    # (the name itself sorts first among the names it begins: one range scan in the index's order)
    keep(fetch(lambda b: b.where(Person.name_folded >= folded, Person.name_folded < folded + "~")
               .order_by(Person.name_folded), want), "name", 1)

    def rel(b):
        return b.add_columns(PersonRelation.full_name.label("matched")).join(
            PersonRelation, PersonRelation.person_id == Person.id)

    keep(fetch(lambda b: rel(b).where(PersonRelation.name_folded == folded), want, rows=True), "caregiver", 2,
         matched_of=True)
    words = dictionary(s)
    # 2. corrected syllables: one edit, then two
    near = variants(folded, words, 2)
    for budget in (1, 2):
        if len(hits) >= want:
            return
        names = [n for cost, n in near if cost == budget]
        if names:
            keep(fetch(lambda b, names=names: b.where(Person.name_folded.in_(names)), want * 2), "variant",
                 2 + budget)
            if not hits:   # a caregiver's misspelt name only when nothing else was found (the costly join)
                keep(fetch(lambda b, names=names: rel(b).where(PersonRelation.name_folded.in_(names)), want,
                           rows=True), "caregiver", 3 + budget, matched_of=True)
    # 3. first and last syllables
    if len(hits) < want:
        key = name_key(folded)
        keys = [key] + ([n for _c, n in variants(key, words, 1)] if " " in key else [])
        keep(fetch(lambda b: b.where(Person.name_key.in_(keys)), want * 5), "key", 6)
    # 4. trigram similarity (PostgreSQL with pg_trgm), when nothing else was found
    if not hits and s.get_bind().dialect.name == "postgresql" and _has_trgm(s):
        found = fetch(lambda b: b.where(Person.name_folded.op("%")(folded)).order_by(
            func.similarity(Person.name_folded, folded).desc()), want)
        keep([p for p in found if similarity(folded, p.name_folded) >= FUZZY_THRESHOLD], "fuzzy", 7)


_TRGM: dict[str, bool] = {}


def _has_trgm(s: Session) -> bool:
    key = str(s.get_bind().engine.url)
    if key not in _TRGM:
        _TRGM[key] = bool(s.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first())
    return _TRGM[key]


def _ranked(hits: dict[str, Hit], limit: int) -> list[Hit]:
    return sorted(hits.values(), key=lambda h: (h.tier, -h.score, h.person.name_folded, h.person.id))[:limit]
