"""What modellers' files carry that BVTE accepts as it is or normalises, instead of refusing (#19 item 2):
file names as tools export them, bare ISO 8601 timer literals, an ``ioSpecification`` without its
input or output set, and ``extensionElements`` of other tools
(ignored, each listed in a warning; those that change what a diagram means are named as such).

``engine.loader`` calls these on every bundle it validates; the warnings travel on ``ParsedBundle.warnings``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from copy import deepcopy

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine import feel

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
MAX_STEM = 115
_EXTENSIONS = (".bpmn20.xml", ".bpmn2", ".bpmn", ".xml")
_DMN_EXTENSIONS = (".dmn11.xml", ".dmn13.xml", ".dmn")
# the standard's non-flow children a process or a task may carry (data wiring, resources, assignments)
STANDARD_CHILDREN = {"dataInputRefs", "dataOutputRefs", "optionalInputRefs", "optionalOutputRefs",
                     "whileExecutingInputRefs", "whileExecutingOutputRefs", "inputSetRefs", "outputSetRefs",
                     "potentialOwner", "performer", "humanPerformer", "resourceRef", "resourceRole",
                     "resourceAssignmentExpression", "resourceParameterBinding", "expression", "transformation",
                     "assignment", "from", "to", "supports", "auditing", "monitoring", "rendering", "extension",
                     "laneSet", "correlationSubscription", "correlationPropertyBinding", "dataPath",
                     "itemDefinition", "messagePath", "inMessageRef", "outMessageRef", "operationRef",
                     "eventDefinitionRef", "startQuantity", "completionQuantity"}
# other tools' extensions BVTE reads and carries out (the decision a business-rule task calls: ``engine.dmn``)
CARRIED_OUT = {"calledDecision"}
# other tools' extensions that change what the diagram means, which BVTE does not carry out
MEANINGFUL = {"formKey": "biểu mẫu / form", "formRef": "biểu mẫu / form", "assignee": "người được giao / assignee",
              "candidateGroups": "nhóm được giao / candidate groups", "candidateUsers": "người được giao / users",
              "taskDefinition": "loại việc Zeebe / Zeebe job type",
              "timerEventDefinition": "hẹn giờ Camunda / Camunda timer", "failedJobRetryTimeCycle": "thử lại / retries",
              "inputOutput": "ánh xạ dữ liệu / data mapping", "ioMapping": "ánh xạ dữ liệu / data mapping",
              "executionListener": "mã chạy kèm / listener", "taskListener": "mã chạy kèm / listener",
              "script": "mã / script", "properties": "thuộc tính / properties"}


def normalise_file_name(name: str, taken: set[str] | None = None) -> str:
    """A file name as a modeller exported it (``A.2.0-export.bpmn``, ``diagram (1).bpmn``, ``Quy trình.xml``)
    turned into ``[A-Za-z0-9_-]+.bpmn`` (diacritics dropped, other runs to ``_``), unique among ``taken``; a DMN
    file (``.dmn``, ``.dmn11.xml``) keeps ``.dmn``."""
    base = os.path.basename((name or "").replace("\\", "/"))
    low = base.lower()
    suffix = ".dmn" if low.endswith((".dmn", ".dmn11.xml", ".dmn13.xml")) else ".bpmn"
    stem = next((base[:-len(ext)] for ext in (*_DMN_EXTENSIONS, *_EXTENSIONS) if low.endswith(ext)), base)
    stem = unicodedata.normalize("NFKD", stem.replace("đ", "d").replace("Đ", "D"))
    stem = "".join(c for c in stem if not unicodedata.combining(c))
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_-")[:MAX_STEM] or ("decision" if suffix == ".dmn" else "process")
    out, n = f"{stem}{suffix}", 2
    while taken is not None and out in taken:
        out, n = f"{stem}-{n}{suffix}", n + 1
    return out


def _bare_iso(kind: str, text: str) -> bool:
    try:
        if kind == "timeDate":
            TimerEventDefinition.get_datetime(text)
        elif kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(text)
        else:
            TimerEventDefinition.parse_iso_recurring_interval(text)
    except Exception:
        return False
    return True


def normalise_timers(root: etree._Element) -> list[tuple[str, str]]:
    """Quote each bare ISO 8601 literal (``PT12H``, ``2027-01-01T08:00:00+07:00``, ``R3/PT1H``) of a timer,
    as SpiffWorkflow reads timer texts as Python; (element, what was changed) for each."""
    notes = []
    for timer in root.iter(BPMN + "timerEventDefinition"):
        owner = timer.getparent().get("id") or "timer"
        for kind in ("timeDate", "timeDuration", "timeCycle"):
            for el in timer.findall(BPMN + kind):
                text = (el.text or "").strip()
                if text and text[0] not in "\"'" and _bare_iso(kind, text):
                    el.text = f'"{text}"'
                    notes.append((owner, f"hẹn giờ {text} được hiểu là chuỗi ISO 8601 \"{text}\" / timer literal "
                                         f"{text} read as the ISO 8601 string \"{text}\""))
    return notes


def normalise_io_specifications(root: etree._Element) -> list[tuple[str, str]]:
    """Give each ``ioSpecification`` without an ``inputSet`` or ``outputSet`` an empty one, as the XML schema
    requires: Camunda Modeler writes a bare ``<bpmn:ioSpecification />`` on a process with data objects, which
    SpiffWorkflow runs (it reads the sets only for their ``dataInputRefs``/``dataOutputRefs``, so nothing
    changes in what runs); (element, what was added) for each."""
    notes = []
    for spec in root.iter(BPMN + "ioSpecification"):
        added = []
        if spec.find(BPMN + "inputSet") is None:
            before = [c for c in spec if c.tag in {BPMN + t for t in ("documentation", "extensionElements",
                                                                     "dataInput", "dataOutput")}]
            spec.insert(spec.index(before[-1]) + 1 if before else 0, etree.Element(BPMN + "inputSet"))
            added.append("inputSet")
        if spec.find(BPMN + "outputSet") is None:
            sets = spec.findall(BPMN + "inputSet")
            spec.insert(spec.index(sets[-1]) + 1, etree.Element(BPMN + "outputSet"))
            added.append("outputSet")
        if added:
            owner = spec.getparent().get("id") or "ioSpecification"
            what = ", ".join(added)
            notes.append((owner, f"ioSpecification thiếu {what}: đã thêm {what} rỗng (không đổi cách chạy) / "
                                 f"ioSpecification without {what}: an empty {what} added (nothing changes in what runs)"))
    return notes


def extension_warnings(root: etree._Element) -> list[tuple[str, str]]:
    """Each ``extensionElements`` child of another tool than SpiffWorkflow, which BVTE ignores."""
    out = []
    for ext in root.iter(BPMN + "extensionElements"):
        owner = ext.getparent().get("id") or "extensionElements"
        for child in ext:
            if not isinstance(child.tag, str) or child.tag.startswith("{%s}" % SPIFF) \
                    or etree.QName(child).localname in CARRIED_OUT:
                continue
            local = etree.QName(child).localname
            meaning = MEANINGFUL.get(local)
            extra = f" (thay đổi ý nghĩa: {meaning} không được thực hiện / changes meaning: not carried out)" \
                if meaning else ""
            out.append((owner, f"bỏ qua phần mở rộng {local} / extension {local} ignored{extra}"))
    for el in root.iter():
        for key in (k for k in (el.attrib if isinstance(el.tag, str) else ()) if k.startswith("{")):
            local = etree.QName(key).localname
            if SPIFF not in key and local in MEANINGFUL:
                out.append((el.get("id") or etree.QName(el).localname, f"bỏ qua thuộc tính {local} / attribute "
                            f"{local} ignored (changes meaning: {MEANINGFUL[local]} not carried out)"))
    return out


def inside_extensions(el) -> bool:
    """Whether ``el`` sits inside an ``extensionElements`` (another tool's business: never checked)."""
    parent = el.getparent()
    while parent is not None:
        if parent.tag == BPMN + "extensionElements":
            return True
        parent = parent.getparent()
    return False


def python_for(expression: str) -> str | None:
    """The Python a Camunda/JUEL ``${…}`` (or ``#{…}``) expression most likely means (``engine.feel``)."""
    return feel.python_for_juel(expression)


def compile_hint(expression: str) -> str:
    """A sentence to add to a compile failure of ``expression`` ('' when there is nothing to suggest): the
    Python for Camunda's JUEL or FEEL (``engine.feel``)."""
    return feel.hint(expression)


def script_format_hint(el) -> str:
    """A sentence for a script (or condition) its modeller marked as another language (JavaScript, Groovy,
    FEEL, JUEL): BVTE runs Python only."""
    owner = el.getparent() if el.getparent() is not None else el
    fmt = (owner.get("scriptFormat") or el.get("language") or "").strip()
    if not fmt or fmt.lower() in ("python", "text/x-python", "python3", "py"):
        return ""
    return (f" — ngôn ngữ '{fmt}': BVTE chỉ chạy Python; đổi Script format thành python và viết lại bằng Python / "
            f"language '{fmt}': BVTE runs Python only; set the script format to python and write it in Python")


NOT_EXECUTABLE = ("không có quy trình thực thi được: đánh dấu 'Executable' cho quy trình (isExecutable=\"true\") "
                  "trong trình vẽ / no executable process: tick 'Executable' on the process (isExecutable=\"true\") "
                  "in the modeller")
NO_CALLED = ("hoạt động gọi chưa chọn quy trình được gọi (calledElement) / the call activity names no called "
             "process: set its 'Called element' to the id of a process in the bundle")


_NCNAME = re.compile(r"[A-Za-z_][\w.\-]*\Z")


def schema_copy_with_plain_ids(root: etree._Element) -> tuple[etree._Element, list[tuple[str, str]]]:
    """For the schema check only: a copy of ``root`` whose ids that are not XML names (``{{PROCESS_ID}}`` in a
    template, a space in a hand-edited id) are replaced, with every reference to them, by plain ones; and a
    warning per such id. SpiffWorkflow reads ids as strings, so the file runs as drawn; a modeller may refuse
    the id, hence the warning (a refusal would stop a file that runs)."""
    bad = sorted({el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")
                  and not _NCNAME.match(el.get("id"))})
    if not bad:
        return root, []
    plain = {v: f"_id{i}_{re.sub(r'[^A-Za-z0-9_]', '_', v)}" for i, v in enumerate(bad)}
    copy = deepcopy(root)
    for el in copy.iter():
        if not isinstance(el.tag, str):
            continue
        for key, value in el.attrib.items():
            if value in plain:
                el.set(key, plain[value])
        if el.text and el.text.strip() in plain:
            el.text = plain[el.text.strip()]
    return copy, [(v, f"mã '{v}' không phải tên XML hợp lệ (chữ, số, _ - .; không bắt đầu bằng số): trình vẽ có thể "
                      f"không mở được; nên đổi tên / the id '{v}' is not a valid XML name (letters, digits, _ - .; "
                      f"not starting with a digit): a modeller may refuse it; rename it") for v in bad]


def print_warnings(root: etree._Element) -> list[tuple[str, str]]:
    """Scripts that call print(): they run, and what they print is discarded (a case's data never goes to a
    server log); a warning per script task says so."""
    import ast

    out = []
    for el in root.iter(BPMN + "script"):
        try:
            tree = ast.parse(el.text or "")
        except SyntaxError:
            continue   # the validation's compile reports it
        if any(isinstance(n, ast.Name) and n.id == "print" for n in ast.walk(tree)):
            out.append((el.getparent().get("id") or "", "print() không hiển thị gì trong BVTE (bị bỏ qua); muốn giữ "
                        "một giá trị, hãy gán vào biến / print() shows nothing in BVTE (its output is discarded); "
                        "to keep a value, set a variable"))
    return out
