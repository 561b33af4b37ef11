"""Running ``bvte`` as its own process per action, as a script or a checker drives it."""

from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def bvte_runner(database_url: str):
    """``call(*args) -> stdout`` of ``python -m webui.cli args`` on ``database_url``; a non-zero exit fails."""
    env = dict(os.environ, DATABASE_URL=database_url)

    def call(*args: str) -> str:
        res = subprocess.run([sys.executable, "-m", "webui.cli", *args], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120)
        assert res.returncode == 0, res.stdout + res.stderr
        return res.stdout
    return call
