"""Folding names for matching and search: lower case, no diacritics (``đ`` -> ``d``), letters and digits only,
single spaces. The same in Python for SQLite and PostgreSQL, so a record is found the same way on both."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^a-z0-9 ]+")


def fold(text: str | None) -> str:
    """'Nguyễn  Văn Ánh' -> 'nguyen van anh'; '' for None."""
    if not text:
        return ""
    lowered = text.lower().replace("đ", "d").replace("ð", "d")
    decomposed = unicodedata.normalize("NFD", lowered)
    plain = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def parts(folded: str) -> list[str]:
    return folded.split()


def name_key(folded: str) -> str:
    """First and last syllables: 'nguyen thi ngoc anh' -> 'nguyen anh' (a middle name missing or extra)."""
    p = folded.split()
    if not p:
        return ""
    return p[0] if len(p) == 1 else f"{p[0]} {p[-1]}"


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance with adjacent transpositions, cut off above ``limit`` (returns limit + 1)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def trigrams(folded: str) -> set[str]:
    """pg_trgm's trigrams of a folded text: each word padded with two spaces before and one after."""
    out: set[str] = set()
    for word in folded.split():
        padded = f"  {word} "
        out.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return out


def similarity(a: str, b: str) -> float:
    """pg_trgm's ``similarity``: shared trigrams over all trigrams of both (0..1)."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)
