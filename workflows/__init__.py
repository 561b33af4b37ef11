"""Per-process knowledge: forms, lane maps, deadline rules, statutory guards.

``build_registry()`` is what the application hands to ``engine.runtime.Engine``.
"""

from __future__ import annotations

import os

from engine.process import ProcessRegistry

BPMN_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bpmn")


def build_registry() -> ProcessRegistry:
    from workflows.agencies import AGENCY_TYPES
    from workflows.agencies import agency_type_names
    from workflows.child_protection.process import CONFIG
    from workflows.reporting import CONFIG as REPORTING

    names = {n: a.code for a in AGENCY_TYPES.values() for n in (a.name_vi, a.name_en)}
    return ProcessRegistry([CONFIG, REPORTING], agency_types=agency_type_names(), agency_names=names,
                           default_agency="commune_officer")


def bundle_files(config_files: list[str], directory: str = BPMN_DIR) -> dict[str, bytes]:
    out = {}
    for name in config_files:
        with open(os.path.join(directory, name), "rb") as fh:
            out[name] = fh.read()
    return out
