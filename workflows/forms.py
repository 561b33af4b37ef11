"""Task forms: one declaration drives both validation (marshmallow) and the generated web form.

A ``Form`` lists ``Field``s with Vietnamese and English labels, types, choices and whether they
are required. ``Form.validate`` returns JSON-safe data or raises the engine's ``InvalidTaskData``
with a message per field, so the engine never sees marshmallow.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields as mf
from marshmallow import validate as mv

from engine.errors import InvalidTaskData

LEVELS = [("high", "Cao", "High"), ("medium", "Trung bình", "Medium"), ("low", "Thấp", "Low")]
MAX_TEXT = 4000


@dataclass(frozen=True)
class Field:
    name: str
    kind: str                    # text | textarea | bool | choice | multichoice | date | datetime | int
    label_vi: str
    label_en: str
    required: bool = False
    choices: list[tuple[str, str, str]] = field(default_factory=list)   # (value, vi, en)
    help_vi: str = ""
    sensitive: bool = False      # reporter identity and similar: shown only to roles that need it
    min_value: int | None = None
    max_value: int | None = None

    def label(self, lang: str) -> str:
        return self.label_vi if lang == "vi" else self.label_en


def _message(vi: str, en: str) -> str:
    return f"{vi} / {en}"


# bidirectional overrides and invisible marks: they make a name display as another (issue #18.10)
INVISIBLE = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C,
                                       0xFEFF, 0x200B])


def _no_control_chars(value: str) -> None:
    """NUL and other control characters (except tab and newlines) are refused: PostgreSQL cannot store
    NUL in text, and invisible or direction-changing characters in a child's record only hide things."""
    if any((ord(c) < 32 and c not in "\t\n\r") or ord(c) == 127 or c in INVISIBLE for c in value):
        raise ValidationError(_message("Chứa ký tự điều khiển hoặc ký tự ẩn không hợp lệ",
                                       "Contains control or invisible characters"))


def _marshmallow_field(f: Field) -> mf.Field:
    req: dict[str, Any] = {"required": f.required}
    if not f.required:
        req.update(load_default=None, allow_none=True)
    err: dict[str, Any] = {"required": _message("Bắt buộc nhập", "Required"), "null": _message("Bắt buộc nhập", "Required"),
           "invalid": _message("Giá trị không hợp lệ", "Invalid value")}
    if f.kind in ("text", "textarea"):
        limit = 300 if f.kind == "text" else MAX_TEXT
        validators: list[Any] = [mv.Length(max=limit, error=_message(f"Tối đa {limit} ký tự", f"At most {limit} characters")),
                      _no_control_chars]
        if f.required:
            validators.append(mv.Length(min=1, error=_message("Bắt buộc nhập", "Required")))
        return mf.String(validate=validators, error_messages=err, **req)
    if f.kind == "bool":
        if not f.required:
            req.update(load_default=False)
        return mf.Boolean(error_messages=err, **req)
    if f.kind == "choice":
        values = [c[0] for c in f.choices]
        return mf.String(validate=mv.OneOf(values, error=_message("Lựa chọn không hợp lệ", "Not one of the choices")),
                         error_messages=err, **req)
    if f.kind == "multichoice":
        values = [c[0] for c in f.choices]
        inner = mf.String(validate=mv.OneOf(values, error=_message("Lựa chọn không hợp lệ", "Not one of the choices")))
        if not f.required:
            req.update(load_default=list)
        validators = [mv.Length(min=1, error=_message("Chọn ít nhất một", "Choose at least one"))] if f.required else []  # noqa: E501
        return mf.List(inner, validate=validators, error_messages=err, **req)
    if f.kind == "date":
        return mf.Date(error_messages=err, **req)
    if f.kind == "datetime":
        return mf.AwareDateTime(error_messages=dict(err, invalid=_message("Ngày giờ không hợp lệ (cần múi giờ)",
                                                                          "Invalid date-time (needs an offset)")),
                                **req)
    if f.kind == "int":
        return mf.Integer(strict=False, validate=mv.Range(min=f.min_value, max=f.max_value,
                          error=_message("Ngoài khoảng cho phép", "Out of range")), error_messages=err, **req)
    raise ValueError(f"unknown field kind {f.kind}")


class Form:
    """A task form. ``validate`` cleans submitted data for the engine."""

    def __init__(self, title_vi: str, fields_: list[Field], form_no: str | None = None, prefill: bool = False):
        self.title_vi = title_vi
        self.fields = fields_
        self.form_no = form_no
        # opened with the values the case already holds (e.g. a plan sent back for revision keeps its
        # content and referrals; without this they would be submitted as empty)
        self.prefill = prefill
        schema_cls = Schema.from_dict({f.name: _marshmallow_field(f) for f in fields_})
        self._schema = schema_cls(unknown=EXCLUDE)

    @property
    def schema(self) -> Schema:
        """The marshmallow schema (for documentation, e.g. the OpenAPI document)."""
        return self._schema

    def validate(self, data: dict) -> dict:
        if not isinstance(data, dict):
            raise InvalidTaskData({"_schema": [_message("Dữ liệu phải là một đối tượng", "Data must be an object")]})
        try:
            loaded = self.schema.load(data)
        except ValidationError as exc:
            raise InvalidTaskData(_flatten(exc.messages)) from None
        return {k: _jsonable(v) for k, v in loaded.items()}

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


def _flatten(messages) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in (messages.items() if isinstance(messages, dict) else [("_schema", messages)]):
        if isinstance(value, dict):
            out[str(key)] = [m for v in value.values() for m in (v if isinstance(v, list) else [v])]
        else:
            out[str(key)] = [str(m) for m in (value if isinstance(value, list) else [value])]
    return out


def _jsonable(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
