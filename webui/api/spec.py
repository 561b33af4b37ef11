"""The OpenAPI 3 document of /api/v1, built with apispec from the marshmallow schemas."""

from __future__ import annotations

from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from webui.api import schemas
from workflows.child_protection.forms import INTAKE

ERRORS = {code: {"description": desc, "content": {"application/json": {"schema": "Error"}}}
          for code, desc in [(400, "malformed request"), (401, "not authenticated"), (403, "not allowed"),
                             (404, "not found (or out of scope)"), (409, "conflict: completed or changed by "
                                                                        "someone else"), (422, "invalid fields")]}


def _json(schema: str) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


@lru_cache(maxsize=1)
def build_spec() -> dict:
    spec = APISpec(title="BVTE API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Báo cáo, nhiệm vụ và hồ sơ bảo vệ trẻ em (NĐ 56/2017). "
                                        "Reports, tasks and case summaries."},
                   servers=[{"url": "/api/v1"}])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "session"})
    for name in ("Error", "FormField", "Task", "TaskList", "TaskDetail", "Complete", "Case", "CreatedCase"):
        spec.components.schema(name, schema=getattr(schemas, f"{name}Schema"))
    spec.components.schema("IntakeReport", schema=INTAKE.schema)
    uuid_param = {"in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
    security = [{"bearer": []}, {"session": []}]

    def errs(*codes):
        return {str(c): ERRORS[c] for c in codes}

    spec.path(path="/reports", operations={"post": {
        "summary": "Ghi nhận báo cáo (Mẫu 01) / record a report", "security": security,
        "parameters": [{"in": "header", "name": "Idempotency-Key", "required": False,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 200}}],
        "requestBody": {"required": True, **_json("IntakeReport")},
        "responses": {"201": {"description": "case created (or replayed)", **_json("CreatedCase")},
                      **errs(400, 401, 403, 422)}}})
    spec.path(path="/tasks", operations={"get": {
        "summary": "Việc của cơ quan tôi / my agency's open tasks", "security": security,
        "parameters": [{"in": "query", "name": "claimed", "schema": {"type": "string",
                                                                      "enum": ["all", "mine", "unclaimed"]}},
                       {"in": "query", "name": "page", "schema": {"type": "integer", "minimum": 1, "maximum": 100000}},
                       {"in": "query", "name": "task", "schema": {"type": "string"}},
                       {"in": "query", "name": "commune", "schema": {"type": "string"}}],
        "responses": {"200": {"description": "tasks", **_json("TaskList")}, **errs(401, 403, 422)}}})
    spec.path(path="/tasks/{task_id}", operations={"get": {
        "summary": "Một việc, kèm biểu mẫu / one task with its form", "security": security,
        "parameters": [dict(uuid_param, name="task_id")],
        "responses": {"200": {"description": "task", **_json("TaskDetail")}, **errs(401, 404)}}})
    for action in ("claim", "release"):
        spec.path(path=f"/tasks/{{task_id}}/{action}", operations={"post": {
            "summary": f"{action} a task", "security": security, "parameters": [dict(uuid_param, name="task_id")],
            "responses": {"200": {"description": "done", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"status": {"type": "string"}}}}}}, **errs(401, 403, 404, 409)}}})
    spec.path(path="/tasks/{task_id}/complete", operations={"post": {
        "summary": "Hoàn thành việc / complete a task", "security": security,
        "parameters": [dict(uuid_param, name="task_id")],
        "requestBody": {"required": True, **_json("Complete")},
        "responses": {"200": {"description": "the case after the step", **_json("Case")},
                      **errs(400, 401, 403, 404, 409, 422)}}})
    spec.path(path="/cases/{case_id}", operations={"get": {
        "summary": "Tóm tắt hồ sơ / case summary (need-to-know)", "security": security,
        "parameters": [dict(uuid_param, name="case_id")],
        "responses": {"200": {"description": "case", **_json("Case")}, **errs(401, 404)}}})
    spec.path(path="/cases/{case_id}/links", operations={"post": {
        "summary": "Liên kết hồ sơ về cùng trẻ / link two cases about the same child", "security": security,
        "parameters": [dict(uuid_param, name="case_id")],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["other_case_id"],
            "properties": {"other_case_id": {"type": "string", "format": "uuid"}}}}}},
        "responses": {"201": {"description": "linked", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"linked": {"type": "array", "items": {"type": "string"}},
                                             "created": {"type": "boolean"}}}}}},
                      **errs(400, 401, 403, 404, 422)}}})
    return spec.to_dict()
