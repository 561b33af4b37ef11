"""Legal citations and form numbers from a process package ("NĐ 56/2017 Điều 26.3", "Mẫu số 02") in the
reader's language. Vietnamese is shown as written; in English the names of the instruments and their parts
are given in English while the official numbers stay as issued (56/2017/NĐ-CP, 13/2021/TT-BLĐTBXH): the
number is how the document is found in the official gazette. A citation the catalogue holds whole is
taken from it first.
"""

from __future__ import annotations

import re

# longest names first: "Luật Trẻ em 2016" before "Luật", "Mẫu số" before "Mẫu"
_TERMS = [
    ("Luật Phòng, chống mua bán người", "Law on Prevention and Combat of Human Trafficking"),
    ("Luật Bảo vệ dữ liệu cá nhân", "Law on Personal Data Protection"),
    ("Luật Xử lý vi phạm hành chính", "Law on Handling Administrative Violations"),
    ("Luật Trợ giúp pháp lý", "Law on Legal Aid"),
    ("Luật Trẻ em", "Law on Children"),
    ("Luật PCMBN", "Law on Human Trafficking"),
    ("Bộ luật Dân sự", "Civil Code"),
    ("BLTTHS", "Criminal Procedure Code"),
    ("BLDS", "Civil Code"),
    ("Nghị định", "Decree"),
    ("Thông tư", "Circular"),
    ("NĐ", "Decree"),
    ("TT", "Circular"),
    ("TTHC", "administrative procedure"),
    ("Phụ lục", "Appendix"),
    ("Chương", "Chapter"),
    ("Điều", "Article"),
    ("khoản", "clause"),
    ("điểm", "point"),
    ("chỉ tiêu", "indicator"),
    ("sửa đổi", "amended"),
    ("hiệu lực", "in force from"),
    ("cấu hình tỉnh", "provincial setting"),
    ("thiết lập của tỉnh", "provincial setting"),
    ("thời hạn", "time limit"),
    ("chính quyền địa phương hai cấp", "two-tier local government"),
    ("số trẻ em có hoàn cảnh đặc biệt", "number of children in special circumstances"),
    ("phân tổ môi trường xâm hại", "broken down by setting"),
    ("đếm trẻ em", "counting children"),
    ("mục", "section"),
    ("từ", "from"),
    ("Mẫu số", "Form"),
    ("Mẫu", "Form"),
    ("và", "and"),
]
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
