"""Spreadsheets a procedure exports: no cell may be read by a spreadsheet program as a formula.

A text from a case or a BPMN file (a task name, a commune code) that starts with ``= + - @``, a tab or a
carriage return would be a live formula in Excel or LibreOffice (CSV/formula injection, OWASP). Such a
text is written with a leading apostrophe, as a plain string.
"""

from __future__ import annotations

import io

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def save(workbook) -> bytes:
    """The workbook as .xlsx bytes, every text cell neutralised first."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and (cell.data_type == "f" or cell.value.startswith(DANGEROUS)):
                    cell.value = neutralise(cell.value)
                    cell.data_type = "s"
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()
