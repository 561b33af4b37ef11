"""Recording who saw and did what from the web app or the CLI: one event, its own transaction.

Writes that change a case record their events inside the engine's own transaction (``engine.audit``);
this is for reads (a case viewed, a form printed, a report exported) and refusals.
"""

from __future__ import annotations

from engine import audit


def record(engine, actor: str, action: str, case_id: str | None = None, task_id: str | None = None,
           detail: dict | None = None) -> None:
    with engine.db.write() as s:
        audit.append(s, engine.now(), actor, action, case_id=case_id, task_id=task_id, detail=detail)
