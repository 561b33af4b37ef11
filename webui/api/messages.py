"""/api/v1/cases/{id}/messages/{name} and /signals/{name}: deliver a message or a signal the case waits for,
with its JSON payload (validated by the schema the process package declares for it), permission-checked and
audited like completing a task (``engine.messages.deliver``)."""

from __future__ import annotations

from engine import messages
from engine.errors import NotFound
from webui.api import _case_response
from webui.api import _engine
from webui.api import _json_body
from webui.api import _scoped_case
from webui.api import _user
from webui.api import bp
from webui.api.spec import operation

PAYLOAD = {"type": "object", "additionalProperties": True,
           "description": "the payload (the process declares its fields; {} when it has none)"}
ANSWER = {200: ("the case after the delivery", "Case")}
ERRORS = (400, 403, 404, 409, 422)


def _deliver(case_id: str, kind: str, name: str):
    body = _json_body()
    case, scope = _scoped_case(case_id)
    if case is None or scope is None:
        raise NotFound("không tìm thấy hồ sơ / case not found")
    engine = _engine()
    messages.deliver(engine, case.id, kind, messages.check_name(name), body, _user().actor)
    return _case_response(engine.get_case(case.id), scope, with_data=False)


@bp.post("/cases/<case_id>/messages/<name>")
@operation(body=PAYLOAD, responses=ANSWER, errors=ERRORS)
def send_message(case_id: str, name: str):
    """Gửi tin nhắn cho hồ sơ / deliver a message the case waits for (its correlation must match the case);
    403 for an agency the process does not let send it, 409 when the case is not waiting for it."""
    return _deliver(case_id, "message", name)


@bp.post("/cases/<case_id>/signals/<name>")
@operation(body=PAYLOAD, responses=ANSWER, errors=ERRORS)
def send_signal(case_id: str, name: str):
    """Gửi tín hiệu cho hồ sơ / deliver a signal the case waits for; 409 when it is not waiting for it."""
    return _deliver(case_id, "signal", name)
