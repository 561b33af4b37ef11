"""Reads the inbox and the case file show people: tasks with their cases, the task types an agency holds,
people and agencies by name, and the names of a process's BPMN elements.

Each read is one short read transaction; nothing here writes.
"""

from __future__ import annotations

from sqlalchemy import select

from engine.models import Agency
from engine.models import Case
from engine.models import OpenTask
from engine.models import User

INBOX_WINDOW = 1000   # open tasks of one agency read at once; search, sort and paging run over them


def inbox_rows(engine, agency_id: int, *, claimed: str = "all", user_id: int | None = None,
               task_name: str | None = None, commune: str | None = None,
               limit: int = INBOX_WINDOW) -> list[tuple[OpenTask, Case]]:
    """The agency's open tasks with their cases, soonest due first (``claimed``: all | mine | unclaimed)."""
    with engine.db.read() as s:
        q = select(OpenTask, Case).join(Case, Case.id == OpenTask.case_id).where(OpenTask.agency_id == agency_id)
        if claimed == "mine":
            q = q.where(OpenTask.claimed_by == user_id)
        elif claimed == "unclaimed":
            q = q.where(OpenTask.claimed_by.is_(None))
        if task_name:
            q = q.where(OpenTask.task_name == task_name)
        if commune:
            q = q.where(OpenTask.commune_code == commune)
        q = q.order_by(OpenTask.due_at.is_(None), OpenTask.due_at, OpenTask.created_at).limit(limit)
        return [(row[0], row[1]) for row in s.execute(q)]


def task_types(engine, agency_id: int) -> list[tuple[str, str]]:
    """(task name, title) of every kind of task the agency holds open, by title."""
    with engine.db.read() as s:
        rows = s.execute(select(OpenTask.task_name, OpenTask.title).where(OpenTask.agency_id == agency_id)
                         .distinct()).all()
    seen: dict[str, str] = {}
    for name, title in rows:
        seen.setdefault(name, title)
    return sorted(seen.items(), key=lambda kv: kv[1])


def people(engine, usernames) -> dict[str, tuple[str, str]]:
    """username -> (full name, agency name) for the given logins (unknown ones are left out)."""
    names = {u for u in usernames if u}
    if not names:
        return {}
    with engine.db.read() as s:
        rows = s.execute(select(User.username, User.full_name, Agency.name)
                         .outerjoin(Agency, Agency.id == User.agency_id).where(User.username.in_(names))).all()
    return {u: (full or u, agency or "") for u, full, agency in rows}


def agency_names(engine, ids) -> dict[int, str]:
    """agency id -> its name."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    with engine.db.read() as s:
        return dict(s.execute(select(Agency.id, Agency.name).where(Agency.id.in_(wanted))).all())


def user_names(engine, ids) -> dict[int, str]:
    """user id -> full name."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    with engine.db.read() as s:
        return dict(s.execute(select(User.id, User.full_name).where(User.id.in_(wanted))).all())


def element_names(bundle) -> dict[str, str]:
    """BPMN element id -> its name (what people read instead of an id), over every file of the bundle."""
    out: dict[str, str] = {}
    for root in bundle.trees.values():
        for el in root.iter():
            ident, name = el.get("id"), el.get("name")
            if ident and name:
                out.setdefault(ident, " ".join(name.split()))
    return out


def completed_data(engine, case_id: str) -> dict[str, dict]:
    """task id -> the data entered when that task was completed (from the audit trail, oldest first)."""
    from engine.models import AuditEvent

    with engine.db.read() as s:
        rows = s.execute(select(AuditEvent.task_id, AuditEvent.detail).where(
            AuditEvent.case_id == case_id, AuditEvent.action == "task.complete").order_by(AuditEvent.id)).all()
    out: dict[str, dict] = {}
    for task_id, detail in rows:
        if task_id and isinstance(detail, dict) and isinstance(detail.get("data"), dict):
            out[task_id] = detail["data"]
    return out
