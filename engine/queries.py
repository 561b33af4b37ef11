"""Reads: inboxes, a case's open tasks, data, steps, timers and links, and the duplicate-key lookup.

Each read is one short read transaction (or none, once a case's process version is loaded); nothing here
writes.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import spiff
from engine.cases import TASK_AND_CASE
from engine.cases import check_task_id
from engine.context import Context
from engine.deployment import Deployment
from engine.errors import NotFound
from engine.models import Case
from engine.models import CaseLink
from engine.models import CaseStep
from engine.models import OpenTask
from engine.models import Timer


class Queries:
    def __init__(self, ctx: Context, deployment: Deployment):
        self.ctx = ctx
        self.deployment = deployment

    def inbox(self, agency_id: int, *, claimed: str = "all", user_id: int | None = None,
              task_name: str | None = None, commune: str | None = None, limit: int = 50,
              offset: int = 0) -> list[OpenTask]:
        with self.ctx.db.read() as s:
            q = select(OpenTask).where(OpenTask.agency_id == agency_id)
            if claimed == "mine":
                q = q.where(OpenTask.claimed_by == user_id)
            elif claimed == "unclaimed":
                q = q.where(OpenTask.claimed_by.is_(None))
            if task_name:
                q = q.where(OpenTask.task_name == task_name)
            if commune:
                q = q.where(OpenTask.commune_code == commune)
            q = q.order_by(OpenTask.due_at.is_(None), OpenTask.due_at, OpenTask.created_at)
            return list(s.execute(q.limit(limit).offset(offset)).scalars())

    def form_for(self, task: OpenTask, case: Case | None = None):
        """The form (validator) the task's process declares for it, or None for a confirm-only task
        (``case``: the task's case when the caller has it; no query once the version is loaded)."""
        if case is None or case.id != task.case_id:
            case = self.get_case(task.case_id)
        return self.deployment.version_of(case.process_version_id).config.forms.get(task.task_name)

    def open_tasks(self, case_id: str) -> list[OpenTask]:
        with self.ctx.db.read() as s:
            return list(s.execute(select(OpenTask).where(OpenTask.case_id == case_id)
                                  .order_by(OpenTask.created_at)).scalars())

    def get_case(self, case_id: str) -> Case:
        with self.ctx.db.read() as s:
            case = s.get(Case, case_id)
            if case is None:
                raise NotFound("không tìm thấy hồ sơ / case not found")
            return case

    def case_data(self, case_id: str) -> dict:
        """The case's merged data as of its latest completed task (for case views)."""
        return spiff.merged_data(self.deployment.workflow(self.get_case(case_id)))

    def task_with_case(self, task_id: str) -> tuple[OpenTask, Case] | None:
        """An open task and its case in one read; None for an unknown or malformed task id."""
        try:
            check_task_id(task_id)
        except NotFound:
            return None
        with self.ctx.db.read() as s:
            row = s.execute(TASK_AND_CASE, {"task_id": task_id}).first()
        return (row[0], row[1]) if row is not None else None

    def task_data(self, task_id: str, case: Case | None = None) -> dict:
        """The data a READY task will start from (``case``: the task's case when the caller has read it)."""
        if case is None:
            found = self.task_with_case(task_id)
            if found is None:
                raise NotFound("không tìm thấy nhiệm vụ / task not found")
            case = found[1]
        return spiff.task_data(self.deployment.workflow(case), uuid.UUID(task_id))

    def open_cases_with_key(self, key: str | None, exclude: str | None = None) -> list[Case]:
        """Open cases with the same duplicate key (the same person, to offer linking; never merged silently)."""
        if not key:
            return []
        with self.ctx.db.read() as s:
            q = select(Case).where(Case.dedup_key == key, Case.status == "open")
            if exclude:
                q = q.where(Case.id != exclude)
            return list(s.execute(q.order_by(Case.received_at)).scalars())

    def linked_cases(self, case_id: str) -> list[Case]:
        with self.ctx.db.read() as s:
            ids = [b if a == case_id else a for a, b in s.execute(
                select(CaseLink.case_id, CaseLink.other_case_id).where(
                    (CaseLink.case_id == case_id) | (CaseLink.other_case_id == case_id)))]
            return list(s.execute(select(Case).where(Case.id.in_(ids))).scalars()) if ids else []

    def steps(self, case_id: str) -> list[CaseStep]:
        with self.ctx.db.read() as s:
            return list(s.execute(select(CaseStep).where(CaseStep.case_id == case_id)
                                  .order_by(CaseStep.completed_at, CaseStep.id)).scalars())

    def waiting_timers(self, case_id: str) -> list[Timer]:
        with self.ctx.db.read() as s:
            return list(s.execute(select(Timer).where(Timer.case_id == case_id).order_by(Timer.due_at)).scalars())


def agencies_involved(session: Session, case_id: str) -> set[int]:
    """Agencies that hold or held a task of the case (need-to-know scope for partners)."""
    held = session.execute(select(OpenTask.agency_id).where(OpenTask.case_id == case_id)).scalars()
    done = session.execute(select(CaseStep.agency_id).where(CaseStep.case_id == case_id)).scalars()
    return {a for a in list(held) + list(done) if a is not None}
