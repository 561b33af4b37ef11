"""Helpers for tests, features and benchmarks: a seeded engine on a fixed clock."""

from __future__ import annotations

import datetime as dt
import os

from engine.db import Database
from engine.runtime import Engine
from workflows import build_registry

# Friday 20 Nov 2026, 22:00 in Vietnam
START = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.timezone.utc)


def make_seeded_engine(url: str, clock) -> Engine:
    """An engine over ``url`` (schema already created) with the demo organisation and process.

    BVTE_FEATURE_BUNDLE names a directory of .bpmn files (a policy draft) to deploy instead of bpmn/.
    """
    from workflows.seed import seed_demo

    engine = Engine(Database(url), build_registry(), clock)
    seed_demo(engine, bpmn_dir=os.environ.get("BVTE_FEATURE_BUNDLE") or None)
    return engine
