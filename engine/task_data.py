"""What a person may write into a case when completing a task (issue #18.8).

A task with a form takes only the form's fields. A task without one (a confirm-only step, or a diagram of
policy staff's own) takes only names its process declares: the names its scripts, conditions and loop
expressions read, and its data inputs, outputs, data objects and multi-instance items. No task may write a
name the engine relies on: the case id, the receipt instant, the communes, any deadline's start field, the
``<task>_completed_at/_by`` stamps, or a name starting with ``_``.
"""

from __future__ import annotations

import ast
import re

from engine.errors import InvalidTaskData
from engine.loader import BPMN
from engine.loader import ParsedBundle
from engine.loader import script_sources
from engine.process import ProcessConfig

BASE_RESERVED = frozenset({"case_id", "received_at", "incident_commune", "residence_commune"})
_STAMP = re.compile(r".*_completed_(at|by)$")
_DECLARING = ("dataInput", "dataOutput", "dataObject", "dataObjectReference", "inputDataItem", "outputDataItem",
              "dataStoreReference")
_declared_cache: dict[str, frozenset[str]] = {}


def declared_names(bundle: ParsedBundle) -> frozenset[str]:
    """Every name the bundle's processes read or declare as data (cached per bundle content)."""
    found = _declared_cache.get(bundle.content_hash)
    if found is not None:
        return found
    names: set[str] = set()
    for _pid, ((source, _owner), mode) in script_sources(bundle):
        try:
            tree = ast.parse(source.strip() if mode == "eval" else source, mode=mode)
        except SyntaxError:
            continue
        names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    for root in bundle.trees.values():
        for tag in _DECLARING:
            for el in root.iter(BPMN + tag):
                names |= {v for v in (el.get("name"), el.get("id")) if v and v.isidentifier()}
        for el in root.iter(BPMN + "loopDataInputRef", BPMN + "loopDataOutputRef"):
            if (el.text or "").strip().isidentifier():
                names.add(el.text.strip())
    result = frozenset(names)
    _declared_cache[bundle.content_hash] = result
    return result


def reserved_names(config: ProcessConfig) -> frozenset[str]:
    starts = {getattr(rule, "start_field", None) for rule in config.deadlines.values()}
    return BASE_RESERVED | {config.commune_field} | {s for s in starts if s}


def is_reserved(name: str, reserved: frozenset[str]) -> bool:
    return name in reserved or name.startswith("_") or bool(_STAMP.match(name))


def clean(data: dict, form, config: ProcessConfig, bundle: ParsedBundle) -> dict:
    """The data to write: validated by the form, or limited to declared names; refused naming the fields."""
    reserved = reserved_names(config)
    wrong = sorted(k for k in data if is_reserved(str(k), reserved))
    if wrong:
        raise InvalidTaskData({k: ["tên này do hệ thống quản lý, không ghi được / reserved by the engine"]
                               for k in wrong})
    if form is not None:
        return form.validate(data)
    allowed = declared_names(bundle)
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise InvalidTaskData({k: ["nhiệm vụ này không nhận trường này / this task takes no such field"]
                               for k in unknown})
    return dict(data)
