"""The OpenAPI 3 document of /api/v1, generated from the blueprint's routes and marshmallow schemas.

Every route of the ``api`` blueprint is a path of the document (a route cannot be left out: the
document is read off ``app.url_map``); what a route accepts and answers is declared beside it with
``@operation(...)``: its request body and responses name schemas of :mod:`webui.api.schemas`, and the
intake's body is one schema per installed procedure, built from that procedure's intake form. The
summary is the first line of the view's docstring.
"""

from __future__ import annotations

import re
from typing import Any
from typing import Callable
from typing import Mapping
from typing import TypeVar

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

from webui.api import schemas
from workflows import registry

F = TypeVar("F", bound=Callable[..., Any])
ERRORS = {400: "malformed request", 401: "not authenticated", 403: "not allowed",
          404: "not found (or out of scope)", 409: "conflict: completed or changed by someone else",
          422: "invalid fields"}
COMPONENTS = ("Error", "FormField", "Task", "TaskList", "TaskDetail", "Complete", "Case", "CreatedCase",
              "Status", "Linked", "LinkRequest")
INTAKE_BODY = "#intake"          # a request body of "the intake of a procedure" (one schema per procedure)
MEDIA = {"html": "text/html", "javascript": "text/javascript"}   # inline schemas of non-JSON answers
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}, {"session": []}]


def operation(*, responses: Mapping[int, tuple[str, str | dict | None]], body: str | dict | None = None,
              errors: tuple[int, ...] = (), params: list[dict] | Callable[[], list[dict]] | None = None,
              public: bool = False,
              summary: str | None = None) -> Callable[[F], F]:
    """Declare a route's OpenAPI operation: ``responses`` status -> (description, schema name, an inline
    schema or None), ``body`` the request body's schema name, an inline schema (or ``INTAKE_BODY``), ``errors`` the error
    statuses it answers, ``params`` query/header parameters (or a function giving them when the document is
    built); ``public`` for no authentication."""
    def mark(view: F) -> F:
        view._openapi = {"responses": responses, "body": body, "errors": errors,   # type: ignore[attr-defined]
                         "params": params or [], "public": public, "summary": summary}
        return view
    return mark


def _content(schema: str | dict, media: str = "application/json") -> dict:
    return {"content": {media: {"schema": schema}}}


def _path_of(rule: str, prefix: str) -> tuple[str, list[dict]]:
    """``/tasks/<task_id>`` -> ``/tasks/{task_id}`` and its path parameters (ids are UUIDs)."""
    params = []
    for conv, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule):
        kind = {"int": {"type": "integer"}, "float": {"type": "number"}}.get(conv, {"type": "string"})
        if not conv and name.endswith("_id"):
            kind = {"type": "string", "format": "uuid"}
        params.append({"in": "path", "name": name, "required": True, "schema": kind})
    path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule)
    return path[len(prefix):] or "/", params


def _intake_bodies(spec: APISpec) -> dict:
    """One request schema per procedure that takes reports: its intake form plus ``procedure``."""
    choices = []
    for proc in registry.intake_procedures():
        assert proc.intake is not None
        name = f"Intake_{proc.code}"
        spec.components.schema(name, schema=proc.intake.form.schema)
        choices.append({"allOf": [{"$ref": f"#/components/schemas/{name}"},
                                  {"type": "object", "description": f"{proc.title_vi} / {proc.title_en}",
                                   "properties": {"procedure": {"type": "string", "enum": [proc.code]}}}]})
    if not choices:
        return {"type": "object"}
    return choices[0] if len(choices) == 1 else {"anyOf": choices}


def _operation(view: Callable, meta: dict, intake: dict, path_params: list[dict]) -> dict:
    doc = (view.__doc__ or "").strip()
    op: dict[str, Any] = {"summary": meta["summary"] or (doc.splitlines()[0] if doc else view.__name__),
                          "operationId": view.__name__}
    if doc and "\n" in doc:
        op["description"] = doc
    if not meta["public"]:
        op["security"] = SECURITY
    params = path_params + (meta["params"]() if callable(meta["params"]) else meta["params"])
    if params:
        op["parameters"] = params
    if meta["body"]:
        op["requestBody"] = {"required": True, **_content(intake if meta["body"] == INTAKE_BODY else meta["body"])}
    responses: dict[str, Any] = {}
    for status, (desc, schema) in meta["responses"].items():
        media = MEDIA.get(schema.get("format", ""), "application/json") if isinstance(schema, dict) else \
            "application/json"
        responses[str(status)] = {"description": desc, **(_content(schema, media) if schema else {})}
    codes = set(meta["errors"]) | ({401} if not meta["public"] else set())
    for status in sorted(codes):
        responses[str(status)] = {"description": ERRORS[status], **_content("Error")}
    op["responses"] = responses
    return op


def build_spec(app: Flask, blueprint: str = "api", prefix: str = "/api/v1") -> dict:
    """The document (built once per app): every route of ``blueprint``."""
    cached = app.extensions.get("bvte_openapi")
    if cached is not None:
        return cached
    spec = APISpec(title="BVTE API", version="1.0.0", openapi_version="3.0.3", plugins=[MarshmallowPlugin()],
                   info={"description": "Báo cáo, nhiệm vụ và hồ sơ của các quy trình liên ngành "
                                        "(mỗi quy trình một lược đồ tiếp nhận). Reports, tasks and case "
                                        "summaries of the installed procedures."},
                   servers=[{"url": prefix}])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "session"})
    for name in COMPONENTS:
        spec.components.schema(name, schema=getattr(schemas, f"{name}Schema"))
    intake = _intake_bodies(spec)
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith(f"{blueprint}."):
            continue
        view = app.view_functions[rule.endpoint]
        meta = getattr(view, "_openapi", None) or {"responses": {200: ("OK", None)}, "body": None, "errors": (),
                                                   "params": [], "public": False, "summary": None}
        path, path_params = _path_of(rule.rule, prefix)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(view, meta, intake, path_params)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    doc = spec.to_dict()
    app.extensions["bvte_openapi"] = doc
    return doc
