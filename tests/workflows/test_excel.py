"""Exports carry no live formula (issue #18.9): texts from BPMN or a case that start with = + - @, a tab or
a carriage return are written as plain strings."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from workflows.child_protection.reports import Report
from workflows.child_protection.reports import to_excel

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_no_cell_is_a_formula(text):
    at = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.timezone.utc)
    rep = Report("P01", None, dt.date(2026, 1, 1), dt.date(2026, 11, 20), reports=1, children=1, by_commune={text: 1},
                 compliance=[{"label": text, "limit": text, "steps": 1, "on_time": 1, "open_overdue": 0, "share": 1.0,
                              "median_hours": 1.0}],
                 overdue=[{"reference": text, "task": text, "commune": text, "due_at": at, "escalated": False}])
    wb = load_workbook(io.BytesIO(to_excel(rep)))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str) and text.strip() in c.value]
    assert texts and all(v.startswith(("'", "  ")) for v in texts)
