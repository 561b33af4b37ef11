"""Labels and choice names of every form field, in Vietnamese or English, for showing case data.

Fields come from every installed procedure's forms (``workflows.registry``); a field keeps the first label
found, so two procedures naming one field alike show it alike.
"""

from __future__ import annotations

from functools import lru_cache

from workflows import registry


@lru_cache(maxsize=2)
def field_labels(lang: str = "vi") -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    labels: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    for proc in registry.procedures():
        for form in proc.forms():
            for f in form.fields:
                labels.setdefault(f.name, f.label(lang))
                if f.choices:
                    choices.setdefault(f.name, {}).update({c[0]: (c[1] if lang == "vi" else c[2])
                                                           for c in f.choices})
    return labels, choices
