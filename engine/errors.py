"""Errors the engine raises. Each carries a message fit to show a user, in Vietnamese and English."""

from __future__ import annotations


class EngineError(Exception):
    """Base class. ``message`` is shown to users; ``code`` is stable for API clients."""

    code = "engine_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(EngineError):
    code = "not_found"


class Forbidden(EngineError):
    code = "forbidden"


class Conflict(EngineError):
    """Someone else changed the case first (optimistic lock), or the task is no longer open."""

    code = "conflict"


class InvalidTaskData(EngineError):
    """Form data failed its schema. ``fields`` maps each bad field to its messages."""

    code = "invalid"

    def __init__(self, fields: dict):
        super().__init__("Dữ liệu không hợp lệ / invalid data: " + ", ".join(sorted(fields)))
        self.fields = fields


class InvalidProcess(EngineError):
    """A BPMN bundle failed validation. ``problems`` lists (element id, message) pairs."""

    code = "invalid_process"

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{eid}: {msg}" for eid, msg in problems))


class ScriptRejected(EngineError):
    code = "script_rejected"


class WorkflowFailure(EngineError):
    """The process itself failed (a script raised, no gateway condition matched)."""

    code = "workflow_failure"
