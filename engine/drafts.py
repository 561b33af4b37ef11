"""Process drafts of policy staff: created from an upload or a deployed version, edited file by file,
a statutory-guard override requested by one policy user and approved by another. Each write is one
transaction with its audit event."""

from __future__ import annotations

from sqlalchemy import select

from engine import audit
from engine.errors import Conflict
from engine.errors import NotFound
from engine.models import ProcessDraft
from engine.models import ProcessVersion


def create(engine, process_id: str, files: dict[str, str], username: str, event: str | None = None) -> ProcessDraft:
    now = engine.now()
    with engine.db.write() as s:
        draft = ProcessDraft(process_id=process_id, files=files, created_by=username, created_at=now,
                             updated_at=now, status="draft")
        s.add(draft)
        s.flush()
        if event:
            audit.append(s, now, username, event,
                         detail={"draft": draft.id, "process_id": process_id, "files": sorted(files)})
    return draft


def from_version(engine, version_id: int, username: str) -> ProcessDraft:
    version = get_version(engine, version_id)
    if version is None:
        raise NotFound("không có phiên bản này / no such version")
    return create(engine, version.process_id, dict(version.files), username, event="process.draft_from_version")


def get(engine, draft_id: int) -> ProcessDraft | None:
    with engine.db.read() as s:
        return s.get(ProcessDraft, draft_id)


def recent(engine, limit: int = 100) -> list[ProcessDraft]:
    with engine.db.read() as s:
        return list(s.execute(select(ProcessDraft).order_by(ProcessDraft.updated_at.desc()).limit(limit)).scalars())


def get_version(engine, version_id: int) -> ProcessVersion | None:
    with engine.db.read() as s:
        return s.get(ProcessVersion, version_id)


def latest_version(engine, process_id: str) -> ProcessVersion | None:
    """The current version (new cases start on it: ``Deployment.latest_version``), or None."""
    with engine.db.read() as s:
        try:
            return engine.deployment.latest_version(s, process_id)
        except NotFound:
            return None


def _open_draft(s, draft_id: int) -> ProcessDraft:
    d = s.get(ProcessDraft, draft_id)
    if d is None:
        raise NotFound("không có bản nháp này / no such draft")
    return d


def save_file(engine, draft_id: int, name: str, xml: str, username: str) -> ProcessDraft:
    """Replace one file of a draft; a changed text drops any guard override (it needs a new one)."""
    with engine.db.write() as s:
        d = _open_draft(s, draft_id)
        if d.status != "draft":
            raise Conflict("bản nháp đã được triển khai / already deployed")
        files = dict(d.files)
        files[name] = xml
        d.files, d.updated_at = files, engine.now()
        d.override_reason = d.override_requested_by = d.override_approved_by = None
        audit.append(s, engine.now(), username, "process.draft_save", detail={"draft": d.id, "file": name})
    return d


def request_override(engine, draft_id: int, reason: str, username: str) -> None:
    with engine.db.write() as s:
        d = _open_draft(s, draft_id)
        d.override_reason, d.override_requested_by, d.override_approved_by = reason, username, None
        audit.append(s, engine.now(), username, "process.override_request", detail={"draft": d.id, "reason": reason})


class SelfApproval(Conflict):
    """The policy user who asked for an override cannot approve it."""


def approve_override(engine, draft_id: int, username: str) -> None:
    with engine.db.write() as s:
        d = _open_draft(s, draft_id)
        if not d.override_requested_by:
            raise Conflict("chưa có đề nghị bỏ qua / no override requested")
        if d.override_requested_by == username:
            raise SelfApproval("người đề nghị không thể tự phê duyệt / the requester cannot approve")
        d.override_approved_by = username
        audit.append(s, engine.now(), username, "process.override_approve",
                     detail={"draft": d.id, "reason": d.override_reason, "requested_by": d.override_requested_by})


def mark_deployed(engine, draft_id: int, version_id: int) -> None:
    with engine.db.write() as s:
        d = _open_draft(s, draft_id)
        d.status, d.deployed_version_id = "deployed", version_id
