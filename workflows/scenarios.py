"""Run the Gherkin scenarios of the procedure against a draft bundle, in a separate process.

The draft's files are written to a temporary directory; pytest-bdd runs ``features/`` with the
simulated clock and SQLite, deploying the draft instead of bpmn/ (BVTE_FEATURE_BUNDLE). Results
come back from pytest-bdd's Cucumber JSON report, with the Vietnamese scenario names.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class ScenarioResult:
    feature: str
    scenario: str
    passed: bool
    message: str


def run_scenarios(files: dict[str, str], timeout: int = 300, features_dir: str | None = None,
                  main_id: str | None = None) -> list[ScenarioResult]:
    """Run the scenarios of ``features_dir`` (default: features/) with ``files`` deployed as a new version of
    ``main_id`` (default: the first procedure with an intake)."""
    with tempfile.TemporaryDirectory(prefix="bvte-draft-") as tmp:
        bundle = os.path.join(tmp, "bpmn")
        os.makedirs(bundle)
        for name, xml in files.items():
            with open(os.path.join(bundle, os.path.basename(name)), "w", encoding="utf-8") as fh:
                fh.write(xml)
        report = os.path.join(tmp, "cucumber.json")
        env = dict(os.environ, BVTE_FEATURE_BUNDLE=bundle)
        if main_id:
            env["BVTE_FEATURE_MAIN"] = main_id
        proc = subprocess.run([sys.executable, "-m", "pytest", features_dir or "features", "-q", "-p", "no:cacheprovider",
                               f"--cucumberjson={report}", "-o", "addopts="], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=timeout)
        if not os.path.exists(report):
            return [ScenarioResult("(tất cả)", "Không chạy được kịch bản", False,
                                   (proc.stdout + proc.stderr)[-2000:])]
        with open(report, encoding="utf-8") as fh:
            data = json.load(fh)
    results = []
    for feature in data:
        for element in feature.get("elements", []):
            failed = [st for st in element.get("steps", []) if st.get("result", {}).get("status") == "failed"]
            message = ""
            if failed:
                st = failed[0]
                message = f"{st.get('keyword', '')}{st.get('name', '')}: " + \
                    (st.get("result", {}).get("error_message") or "")[-600:]
            results.append(ScenarioResult(feature.get("name", ""), element.get("name", ""), not failed, message))
    return results
