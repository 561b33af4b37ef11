"""Re-deploying an older file makes it current again as a new version (#19 item 4)."""

from __future__ import annotations

from sqlalchemy import select

from engine.context import Actor
from engine.models import AuditEvent
from tests.support.diff_bpmn import boundary_timers
from tests.support.diff_bpmn import intermediate_timer


def test_an_older_content_deployed_again_is_current_as_a_new_version(engine):
    first, second = intermediate_timer("p_redeploy"), boundary_timers("p_redeploy")
    actor = Actor("policy")
    assert engine.deploy(first, actor).version == 1
    assert engine.deploy(second, actor).version == 2
    again = engine.deploy(first, actor)
    assert again.version == 1                                        # the same immutable version, current again
    case = engine.start_case("p_redeploy", {}, actor, incident_commune="X01")
    assert [t.task_name for t in engine.open_tasks(case.id)] == ["first"]   # the first file's first step
    assert engine.deploy(first, actor).version == 1                  # already current: nothing changes
    assert engine.deploy(second, actor).version == 2                 # and back again
    case = engine.start_case("p_redeploy", {}, actor, incident_commune="X01")
    assert [t.task_name for t in engine.open_tasks(case.id)] == ["work"]
    with engine.db.read() as s:
        events = [(e.action, e.detail["version"]) for e in s.execute(
            select(AuditEvent).where(AuditEvent.action.in_(["process.deploy", "process.reactivate"]))
            .order_by(AuditEvent.id)).scalars() if e.detail["process_id"] == "p_redeploy"]
    assert events == [("process.deploy", 1), ("process.deploy", 2), ("process.reactivate", 1),
                      ("process.reactivate", 2)]
