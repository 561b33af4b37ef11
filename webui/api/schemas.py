"""Response and request schemas of the JSON API (presentation only; task forms live in workflows)."""

from __future__ import annotations

from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate


class ErrorSchema(Schema):
    error = fields.String(required=True, metadata={"description": "stable error code"})
    message = fields.String(required=True)
    field_messages = fields.Dict(data_key="fields", keys=fields.String(), values=fields.List(fields.String()),
                                 metadata={"description": "field name -> messages (422 only)"})


class TaskSchema(Schema):
    id = fields.String(required=True)
    case_id = fields.String(required=True)
    task_name = fields.String(required=True)
    title = fields.String(required=True)
    commune_code = fields.String(required=True)
    agency_type = fields.String(required=True)
    due_at = fields.AwareDateTime(allow_none=True)
    deadline_rule = fields.String(allow_none=True)
    claimed_by = fields.Integer(allow_none=True)
    escalated_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    overdue = fields.Boolean(required=True)


class TaskListSchema(Schema):
    tasks = fields.List(fields.Nested(TaskSchema), required=True)
    page = fields.Integer(required=True)
    has_next = fields.Boolean(required=True)


class FormFieldSchema(Schema):
    name = fields.String(required=True)
    kind = fields.String(required=True)
    label_vi = fields.String(required=True)
    label_en = fields.String(required=True)
    required = fields.Boolean(required=True)
    choices = fields.List(fields.List(fields.String()), required=True)


class TaskDetailSchema(TaskSchema):
    case_version = fields.Integer(required=True)
    form = fields.List(fields.Nested(FormFieldSchema), required=True)
    case = fields.Dict(required=True, metadata={"description": "case data this role may see"})


class CompleteSchema(Schema):
    data = fields.Dict(required=True, metadata={"description": "the task's form fields"})
    case_version = fields.Integer(load_default=None, allow_none=True, strict=True,
                                  validate=validate.Range(min=1, max=2**31 - 1))


class CaseSchema(Schema):
    id = fields.String(required=True)
    reference = fields.String(required=True)
    status = fields.String(required=True)
    commune_code = fields.String(required=True)
    received_at = fields.AwareDateTime(required=True)
    version = fields.Integer(required=True)
    open_tasks = fields.List(fields.Nested(TaskSchema), required=True)
    data = fields.Dict(required=True, metadata={"description": "case data this role may see (empty in the "
                                                              "response to a completion)"})


class CreatedCaseSchema(Schema):
    case_id = fields.String(required=True)
    reference = fields.String(required=True)
    received_at = fields.AwareDateTime(required=True)
    existing_open_cases = fields.List(fields.String(), required=True,
                                      metadata={"description": "references of open cases about the same person that "
                                                               "the caller may already see (offered for linking, "
                                                               "never merged); the communes of the others are told"})


class StatusSchema(Schema):
    status = fields.String(required=True, metadata={"description": "claimed | released"})


class LinkRequestSchema(Schema):
    other_case_id = fields.String(required=True, metadata={"format": "uuid"})


class LinkedSchema(Schema):
    linked = fields.List(fields.String(), required=True, metadata={"description": "references of linked cases"})
    created = fields.Boolean(required=True)
