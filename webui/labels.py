"""Vietnamese labels and choice names of every form field, for showing case data."""

from __future__ import annotations

from functools import lru_cache

from workflows.child_protection.forms import FORMS
from workflows.child_protection.forms import INTAKE


@lru_cache(maxsize=1)
def field_labels() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    labels: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    for form in [INTAKE, *FORMS.values()]:
        for f in form.fields:
            labels.setdefault(f.name, f.label_vi)
            if f.choices:
                choices.setdefault(f.name, {}).update({c[0]: c[1] for c in f.choices})
    return labels, choices
