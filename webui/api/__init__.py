"""JSON API under /api/v1: intake, my tasks, claim/release/complete, case summary, OpenAPI document.

Authentication: ``Authorization: Bearer <token>`` for systems (the hotline switchboard), or the browser
session (then writes need the ``X-CSRFToken`` header). The same permission rules as the UI apply. The API
names no procedure: a report opens a case in the procedure its ``procedure`` field (or query parameter)
names, by default the registry's first procedure with an intake (``workflows.registry.default_intake``).
"""

from __future__ import annotations

import hashlib
import json
import uuid

from flask import Blueprint
from flask import current_app
from flask import g
from flask import jsonify
from flask import request
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from engine import audit
from engine.accounts import token_hash
from engine.errors import Forbidden
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from engine.models import Case
from engine.models import OpenTask
from webui.access import can_intake
from webui.access import case_scope
from webui.access import possible_duplicates
from webui.access import visible_data
from webui.api.schemas import CaseSchema
from webui.api.schemas import CompleteSchema
from webui.api.schemas import CreatedCaseSchema
from webui.api.schemas import TaskDetailSchema
from webui.api.schemas import TaskListSchema
from webui.api.spec import INTAKE_BODY
from webui.api.spec import build_spec
from webui.api.spec import operation
from webui.errors import json_error as error
from webui.extensions import csrf
from workflows import registry
from workflows.procedure import Procedure


class _SCHEMAS:
    """One instance of each schema (marshmallow schemas keep no per-call state; building one is costly)."""

    CreatedCaseSchema = CreatedCaseSchema()
    TaskListSchema = TaskListSchema()
    TaskDetailSchema = TaskDetailSchema()
    CompleteSchema = CompleteSchema()
    CaseSchema = CaseSchema()


bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
PAGE = 50
MAX_KEY = 200
PUBLIC = {"api.openapi", "api.docs", "api.docs_init"}   # the document and its page: no authentication
INTAKE_SCOPE = {"api.create_report"}   # all an intake-only token may call


def _engine():
    from webui import get_engine

    return get_engine()


@bp.before_request
def _authenticate():
    from webui.auth import load_token_user

    header = request.headers.get("Authorization", "")
    if request.endpoint in PUBLIC:
        return None
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return error(401, "unauthorized", "Authorization must be 'Bearer <token>'")
        user = load_token_user(token_hash(token.strip()))
        if user is None:
            return error(401, "unauthorized", "unknown, expired or revoked token")
        if user.scope == "read" and request.method not in ("GET", "HEAD", "OPTIONS"):
            return error(403, "forbidden", "this token is read-only (scope 'read')")
        if user.scope == "intake" and request.endpoint not in INTAKE_SCOPE:
            return error(403, "forbidden", "this token may only record reports (scope 'intake')")
        g.api_user = user
        return None
    if current_user.is_authenticated:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()
        g.api_user = current_user
        return None
    return error(401, "unauthorized", "log in or send 'Authorization: Bearer <token>'")


def _user():
    return g.api_user


def _json_body() -> dict:
    if not request.is_json:
        raise _BadRequest("body must be JSON (Content-Type: application/json)")
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise _BadRequest("JSON nested too deeply") from None
    if not isinstance(body, dict):
        raise _BadRequest("body must be a JSON object")
    return body


class _BadRequest(Exception):
    pass


@bp.errorhandler(_BadRequest)
def _bad(exc):
    return error(400, "bad_request", str(exc))


TASK_COLUMNS = ("id", "case_id", "task_name", "title", "commune_code", "agency_type", "due_at", "deadline_rule",
                "claimed_by", "escalated_at", "created_at")
ID_KEY = [{"in": "header", "name": "Idempotency-Key", "required": False,
           "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY}}]
STATUS = {200: ("done", "Status")}


def _task_dict(t: OpenTask, now) -> dict:
    """Attributes of a task for ``TaskSchema`` (dumped by the enclosing schema)."""
    return {**{c: getattr(t, c) for c in TASK_COLUMNS}, "overdue": bool(t.due_at and t.due_at < now)}


def _procedure_param() -> list[dict]:
    codes = [p.code for p in registry.intake_procedures()]
    return [{"in": "query", "name": "procedure", "required": False, "description": "mã quy trình / procedure "
             "code (default: the first that takes reports; the body's 'procedure' field is the same)",
             "schema": {"type": "string", "enum": codes} if codes else {"type": "string"}}]


def _intake_procedure(body: dict) -> tuple[Procedure, bool]:
    """The procedure a report opens a case in, and whether the request named it (field or query)."""
    given = [v for v in (request.args.get("procedure"), body.pop("procedure", None)) if v is not None]
    if len(given) == 2 and given[0] != given[1]:
        raise InvalidTaskData({"procedure": ["tham số và trường 'procedure' khác nhau / the query parameter "
                                             "and the body field differ"]})
    if not given:
        default = registry.default_intake()
        if default is None:
            raise InvalidTaskData({"procedure": ["không có quy trình nào tiếp nhận báo cáo / no installed "
                                                 "procedure takes reports"]})
        return default, False
    proc = registry.get(given[0]) if isinstance(given[0], str) else None
    if proc is None or proc.intake is None:
        codes = ", ".join(p.code for p in registry.intake_procedures())
        raise InvalidTaskData({"procedure": [f"quy trình không tồn tại hoặc không tiếp nhận báo cáo / unknown "
                                             f"procedure (one of: {codes})"]})
    return proc, True


@bp.post("/reports")
@operation(body=INTAKE_BODY, params=lambda: ID_KEY + _procedure_param(), errors=(400, 403, 422),
           responses={201: ("case created (or replayed)", "CreatedCase")},
           summary="Ghi nhận báo cáo / record a report (the procedure's intake form)")
def create_report():
    """Intake of a report. Idempotent with the Idempotency-Key header."""
    user = _user()
    if not can_intake(user):
        return error(403, "forbidden", "this role cannot record reports")
    body = _json_body()
    proc, named = _intake_procedure(body)
    if not can_intake(user, proc):
        return error(403, "forbidden", "this role cannot record reports in this procedure")
    assert proc.intake is not None
    key = request.headers.get("Idempotency-Key")
    engine = _engine()
    idem = None
    if key is not None:
        key = key.strip()
        if not key or len(key) > MAX_KEY:
            return error(400, "bad_request", f"Idempotency-Key must be 1–{MAX_KEY} characters")
        hashed = dict(body, procedure=proc.code) if named else body
        digest = hashlib.sha256(json.dumps(hashed, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        previous = engine.replay(user.id, key)
        if previous is not None:
            return _replayed(previous, digest)
        idem = (user.id, key, digest)
    try:
        case = proc.intake.open_case(engine, body, user.actor, idempotency=idem)
    except IntegrityError:
        previous = engine.replay(user.id, key) if key else None
        if previous is None or idem is None:
            raise
        return _replayed(previous, idem[2])
    return _created(case, 201)


def _replayed(previous, digest: str):
    if previous.request_hash != digest:
        return error(422, "idempotency_key_reused", "this Idempotency-Key was used with a different body")
    case = _engine().get_case(previous.body["case_id"])
    resp = _created(case, 201)
    resp[0].headers["Idempotent-Replayed"] = "true"
    return resp


def _created(case: Case, status: int):
    others = possible_duplicates(_engine(), _user(), case)   # only what the caller may see (#18.2)
    body = _SCHEMAS.CreatedCaseSchema.dump({"case_id": case.id, "reference": case.reference,
                                            "received_at": case.received_at,
                                            "existing_open_cases": [c.reference for c in others]})
    return jsonify(body), status


@bp.get("/tasks")
@operation(responses={200: ("tasks", "TaskList")}, errors=(403, 422), params=[
    {"in": "query", "name": "claimed", "schema": {"type": "string", "enum": ["all", "mine", "unclaimed"]}},
    {"in": "query", "name": "page", "schema": {"type": "integer", "minimum": 1, "maximum": 100000}},
    {"in": "query", "name": "task", "schema": {"type": "string"}},
    {"in": "query", "name": "commune", "schema": {"type": "string"}}])
def list_tasks():
    """Việc của cơ quan tôi / my agency's open tasks, soonest due first."""
    user = _user()
    if user.agency_id is None:
        return error(403, "forbidden", "this user belongs to no agency")
    claimed = request.args.get("claimed", "all")
    if claimed not in ("all", "mine", "unclaimed"):
        return error(422, "invalid", "invalid query", {"claimed": ["one of all, mine, unclaimed"]})
    try:
        page = int(request.args.get("page", "1"))
        if page < 1 or page > 100000:
            raise ValueError
    except ValueError:
        return error(422, "invalid", "invalid query", {"page": ["a positive integer"]})
    engine = _engine()
    tasks = engine.inbox(user.agency_id, claimed=claimed, user_id=user.id, limit=PAGE + 1,
                         offset=(page - 1) * PAGE, task_name=request.args.get("task") or None,
                         commune=request.args.get("commune") or None)
    now = engine.now()
    return jsonify(_SCHEMAS.TaskListSchema.dump({"tasks": [_task_dict(t, now) for t in tasks[:PAGE]], "page": page,
                                                 "has_next": len(tasks) > PAGE}))


def _own_task(task_id: str) -> tuple[OpenTask, Case]:
    """One of my agency's open tasks and its case (one read); 404 otherwise."""
    found = _engine().task_with_case(task_id)
    if found is None or found[0].agency_id != _user().agency_id:
        raise NotFound("không tìm thấy nhiệm vụ / task not found")
    return found


@bp.get("/tasks/<task_id>")
@operation(responses={200: ("task", "TaskDetail")}, errors=(404,))
def get_task(task_id: str):
    """Một việc, kèm biểu mẫu / one of my agency's open tasks, with its form and the case data this role
    may see."""
    engine = _engine()
    t, case = _own_task(task_id)
    form = engine.form_for(t, case)
    fields = [{"name": f.name, "kind": f.kind, "label_vi": f.label_vi, "label_en": f.label_en,
               "required": f.required, "choices": [list(c) for c in f.choices]} for f in (form.fields if form else [])]
    with engine.db.write() as s:
        audit.append(s, engine.now(), _user().username, "case.view_task", case_id=case.id, task_id=task_id,
                     detail={"via": "api"})
    body = dict(_task_dict(t, engine.now()), case_version=case.version, form=fields,
                case=visible_data(engine, engine.task_data(task_id, case), _user(), case))
    return jsonify(_SCHEMAS.TaskDetailSchema.dump(body))


@bp.post("/tasks/<task_id>/claim")
@operation(responses=STATUS, errors=(403, 404, 409))
def claim(task_id: str):
    """Nhận việc / claim a task of my agency."""
    _own_task(task_id)
    _engine().claim(task_id, _user().actor)
    return jsonify({"status": "claimed"})


@bp.post("/tasks/<task_id>/release")
@operation(responses=STATUS, errors=(403, 404, 409))
def release(task_id: str):
    """Trả việc / release a task I claimed."""
    _own_task(task_id)
    _engine().unclaim(task_id, _user().actor)
    return jsonify({"status": "released"})


@bp.post("/tasks/<task_id>/complete")
@operation(body="Complete", responses={200: ("the case after the step", "Case")}, errors=(400, 403, 404, 409, 422))
def complete(task_id: str):
    """Hoàn thành việc / complete a task with its form data; 409 if someone else completed it or the
    case changed."""
    body = _json_body()
    try:
        req = _SCHEMAS.CompleteSchema.load(body)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise InvalidTaskData({k: v if isinstance(v, list) else [str(v)] for k, v in messages.items()}) from None
    engine = _engine()
    try:
        case, tasks = engine.complete(task_id, req["data"], _user().actor, expected_version=req["case_version"])
    except Forbidden:   # another agency's task: as if it did not exist
        raise NotFound("không tìm thấy nhiệm vụ / task not found") from None
    return _case_response(case, "full", with_data=False, tasks=tasks)


def _scoped_case(case_id: str) -> tuple[Case | None, str | None]:
    """The case and this user's scope on it (None when absent or out of scope); 404 for a malformed id."""
    engine = _engine()
    try:
        uuid.UUID(case_id)
    except ValueError:
        raise NotFound("không tìm thấy hồ sơ / case not found") from None
    with engine.db.read() as s:
        case = s.get(Case, case_id)
    return case, (case_scope(engine, _user(), case) if case is not None else None)


@bp.get("/cases/<case_id>")
@operation(responses={200: ("case", "Case")}, errors=(404,))
def get_case(case_id: str):
    """Tóm tắt hồ sơ / case summary within this role's need-to-know; reads are audited. Out of scope
    looks like absent."""
    engine = _engine()
    case, scope = _scoped_case(case_id)
    with engine.db.write() as s:
        audit.append(s, engine.now(), _user().username, "case.view" if scope else "case.view_denied",
                     case_id=case_id, detail={"via": "api"})
    if case is None or scope is None:
        raise NotFound("không tìm thấy hồ sơ / case not found")
    return _case_response(case, scope)


@bp.post("/cases/<case_id>/links")
@operation(body="LinkRequest", responses={201: ("linked", "Linked")}, errors=(400, 403, 404, 422))
def link_case(case_id: str):
    """Liên kết hồ sơ / the commune officer links this case with another open case with the same
    duplicate key (the same person, by the procedure's rule)."""
    body = _json_body()
    other = body.get("other_case_id")
    if not isinstance(other, str):
        raise InvalidTaskData({"other_case_id": ["bắt buộc / required (string)"]})
    engine = _engine()
    case, scope = _scoped_case(case_id)
    if case is None or scope is None:
        raise NotFound("không tìm thấy hồ sơ / case not found")
    if scope != "full" or _user().role != "commune_officer":
        return error(403, "forbidden", "only the commune officer links cases")
    if other not in {c.id for c in engine.open_cases_with_key(case.dedup_key, exclude=case.id)}:
        raise InvalidTaskData({"other_case_id": ["không phải hồ sơ đang mở về cùng một người / not an open "
                                                 "case about the same person"]})
    created = engine.link_cases(case.id, other, _user().actor)
    return jsonify({"linked": [c.reference for c in engine.linked_cases(case.id)], "created": created}), 201


def _case_response(case: Case, scope: str, with_data: bool = True, tasks: list | None = None):
    """The case summary; after a completion the data is left out (GET /cases/{id} has it) so the
    action costs one workflow load, not two."""
    engine = _engine()
    now = engine.now()
    data = visible_data(engine, engine.case_data(case.id), _user(), case) if with_data else {}
    tasks = [_task_dict(t, now) for t in (engine.open_tasks(case.id) if tasks is None else tasks)]
    return jsonify(_SCHEMAS.CaseSchema.dump({"id": case.id, "reference": case.reference, "status": case.status,
                                             "commune_code": case.commune_code, "received_at": case.received_at,
                                             "version": case.version, "open_tasks": tasks, "data": data}))


@bp.get("/openapi.json")
@operation(public=True, responses={200: ("this document (OpenAPI 3)", {"type": "object"})})
def openapi():
    """Tài liệu OpenAPI / the OpenAPI document, generated from these routes."""
    return jsonify(build_spec(current_app))


from webui.api import docs  # noqa: E402,F401  (registers the interactive page /api/v1/docs)
from webui.api import messages  # noqa: E402,F401  (messages and signals to a case)
