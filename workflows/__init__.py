"""Per-process knowledge: forms, lane maps, deadline rules, statutory guards.

Each procedure is a package here (see ``workflows.procedure``), found by ``workflows.registry``;
``build_registry()`` is what the composition root hands to ``engine.runtime.Engine``.
"""

from __future__ import annotations

import os

from engine.process import ProcessRegistry

BPMN_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bpmn")


def build_registry() -> ProcessRegistry:
    """The engine's view of every installed procedure (see ``workflows.registry``)."""
    from workflows.registry import build_registry as build

    return build()


def bundle_files(config_files: list[str], directory: str = BPMN_DIR) -> dict[str, bytes]:
    out = {}
    for name in config_files:
        with open(os.path.join(directory, name), "rb") as fh:
            out[name] = fh.read()
    return out
