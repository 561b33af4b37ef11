"""Legal citations and form numbers from a process package ("NĐ 56/2017 Điều 26.3", "Mẫu số 02") in the
reader's language. Vietnamese is shown as written; in English the names of the instruments and their parts
are given in English while the official numbers stay as issued (56/2017/NĐ-CP, 13/2021/TT-BLĐTBXH): the
number is how the document is found in the official gazette. A citation the catalogue holds whole is
taken from it first. The vocabulary (names of laws and of their parts) is shared by the procedures:
``workflows.legal_terms``.
"""

from __future__ import annotations

import re

from workflows.legal_terms import TERMS as _TERMS

# an official number keeps its letters: 56/2017/NĐ-CP, 13/2021/TT-BLĐTBXH, 53/2024/QH15
_NUMBER = re.compile(r"\d+/\d{4}(?:/[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*)?")
_WORDS = re.compile("|".join(rf"(?<!\w){re.escape(vi)}(?!\w)" for vi, _ in _TERMS))
_EN = dict(_TERMS)


def cite(text: str | None, lang: str) -> str:
    """``text`` (a citation or a form number) for a reader of ``lang``."""
    if not text or lang == "vi":
        return text or ""
    from flask_babel import gettext

    whole = gettext(text)
    if whole != text:
        return whole
    out, last = [], 0
    for m in _NUMBER.finditer(text):
        out.append(_WORDS.sub(lambda w: _EN[w.group(0)], text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_WORDS.sub(lambda w: _EN[w.group(0)], text[last:]))
    return "".join(out)
