"""Load and validate BPMN bundles safely, before anything in them can run.

A bundle is a main process file plus the files of the processes it calls. Validation never
executes a script: files are parsed with entity resolution, DTDs and network access off and
with size and depth caps; scripts and conditions are only compiled under the sandbox policy;
timer expressions are checked by their syntax tree (a quoted ISO 8601 literal, or ``due("rule")``
naming a known deadline rule).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from dataclasses import field

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import DEFAULT_NSMAP
from SpiffWorkflow.spiff.parser.process import VALIDATOR
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine import bpmn_accept
from engine import bpmn_messages
from engine import dmn
from engine.bpmn_checks import call_cycles
from engine.bpmn_checks import check_timer
from engine.errors import InvalidProcess
from engine.errors import ScriptRejected
from engine.process import ProcessConfig
from engine.process import ProcessRegistry
from engine.scripting import compile_checked
from engine.serializer import connect_loops

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FILES = 20
MAX_DEPTH = 64
NS = {"bpmn": DEFAULT_NSMAP["bpmn"], "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
BPMN = "{%s}" % NS["bpmn"]
HUMAN_TAGS = {"userTask", "manualTask", "task"}
# Elements that may appear in a process and are not flow nodes Spiff executes.
STRUCTURAL_TAGS = {"sequenceFlow", "laneSet", "lane", "flowNodeRef", "childLaneSet", "documentation",
                   "extensionElements", "dataObject", "dataObjectReference", "dataStoreReference",
                   "textAnnotation", "association", "ioSpecification", "dataInput", "dataOutput",
                   "inputSet", "outputSet", "dataInputAssociation", "dataOutputAssociation", "property",
                   "group", "category", "incoming", "outgoing", "conditionExpression", "script",
                   "multiInstanceLoopCharacteristics", "standardLoopCharacteristics", "loopCondition",
                   "loopCardinality", "completionCondition", "loopDataInputRef", "loopDataOutputRef",
                   "inputDataItem", "outputDataItem", "sourceRef", "targetRef", "text",
                   "timerEventDefinition", "timeDate", "timeDuration", "timeCycle",
                   "messageEventDefinition", "signalEventDefinition", "errorEventDefinition",
                   "escalationEventDefinition", "terminateEventDefinition", "cancelEventDefinition",
                   "conditionalEventDefinition", "condition", "compensateEventDefinition",
                   "linkEventDefinition", "dataState", "correlationKey", "correlationPropertyRef",
                   "correlationPropertyRetrievalExpression", "formalExpression", "messageFlowRef"}


@dataclass
class LaneInfo:
    process_id: str
    lane_id: str
    name: str
    nodes: set[str] = field(default_factory=set)


@dataclass
class ParsedBundle:
    main_id: str
    files: dict[str, str]
    trees: dict[str, etree._Element]
    spec: object
    subprocess_specs: dict
    lanes: list[LaneInfo]
    content_hash: str
    warnings: list[tuple[str, str]] = field(default_factory=list)   # accepted, normalised or ignored (#19.2)
    decisions: dict[str, etree._Element] = field(default_factory=dict)   # DMN file name -> its root (#19.3)

    def lane_id_for(self, process_id: str, lane_name: str | None) -> str | None:
        for lane in self.lanes:
            if lane.process_id == process_id and lane.name == lane_name:
                return lane.lane_id
        return None

    def elements(self, tag: str):
        """(process_id, element) for every element with this BPMN tag, in every file."""
        for root in self.trees.values():
            for proc in root.iter(BPMN + "process"):
                for el in proc.iter(BPMN + tag):
                    yield proc.get("id"), el


def bundle_hash(files: dict[str, str]) -> str:
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + files[name].encode("utf-8") + b"\0")
    return h.hexdigest()


def safe_parse(data: bytes, filename: str, allow_dmn: bool = False) -> etree._Element:
    """Parse untrusted BPMN XML (or DMN, with ``allow_dmn``) or raise ``InvalidProcess`` naming the file."""
    if len(data) > MAX_FILE_BYTES:
        raise InvalidProcess([(filename, f"tệp quá lớn / file too large ({len(data)} bytes > {MAX_FILE_BYTES})")])
    head = data[:65536].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise InvalidProcess([(filename, "DTD và thực thể XML không được phép / DTDs and XML entities are not allowed")])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             dtd_validation=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidProcess([(filename, f"XML không hợp lệ / malformed XML: {exc}")]) from None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise InvalidProcess([(filename, "DTD và thực thể XML không được phép / DTDs and XML entities are not allowed")])
    if _depth(root) > MAX_DEPTH:
        raise InvalidProcess([(filename, f"XML lồng quá sâu / nesting deeper than {MAX_DEPTH}")])
    if root.tag != BPMN + "definitions" and not (allow_dmn and dmn.is_dmn(root)):
        raise InvalidProcess([(filename, "không phải tệp BPMN 2.0" + (" hay DMN" if allow_dmn else "") +
                               " / not a BPMN 2.0 " + ("or DMN " if allow_dmn else "") + "definitions document")])
    return root


def _depth(root) -> int:
    best = 0
    stack = [(root, 1)]
    while stack:
        el, d = stack.pop()
        best = max(best, d)
        if best > MAX_DEPTH:
            return best
        stack.extend((c, d + 1) for c in el)
    return best


def collect_bundle(path: str) -> dict[str, bytes]:
    """The file at ``path`` plus every file in its directory defining a process it (transitively) calls, and
    every ``.dmn`` file there holding a decision one of them calls."""
    directory = os.path.dirname(os.path.abspath(path))
    files = {os.path.basename(path): _read(path)}
    try:
        index: dict[str, str] = {}
        decisions: dict[str, str] = {}
        for name in sorted(os.listdir(directory)):
            if name.endswith((".bpmn", ".dmn")) and name not in files:
                try:
                    root = safe_parse(_read(os.path.join(directory, name)), name, allow_dmn=True)
                except InvalidProcess:
                    continue
                for proc in root.iter(BPMN + "process"):
                    index.setdefault(proc.get("id"), name)
                for did in dmn.decision_ids({name: root}) if dmn.is_dmn(root) else ():
                    decisions.setdefault(did, name)
        pending = [files[os.path.basename(path)]]
        while pending:
            root = safe_parse(pending.pop(), "bundle")
            for call in root.iter(BPMN + "callActivity"):
                target = index.get(call.get("calledElement"))
                if target and target not in files:
                    files[target] = _read(os.path.join(directory, target))
                    pending.append(files[target])
            for task in root.iter(BPMN + "businessRuleTask"):
                table = decisions.get(dmn.decision_ref(task) or "")
                if table and table not in files:
                    files[table] = _read(os.path.join(directory, table))
    except InvalidProcess:
        pass   # the main file's own problems are reported by validate
    return files


def _read(path: str) -> bytes:
    size = os.path.getsize(path)
    if size > MAX_FILE_BYTES:
        return b"x" * (MAX_FILE_BYTES + 1)
    with open(path, "rb") as fh:
        return fh.read()


def parse_bundle(files: dict[str, bytes], registry: ProcessRegistry, main_id: str | None = None,
                 check_forms: bool = True, run_guards: bool = True) -> ParsedBundle:
    """Parse and validate a bundle; raise ``InvalidProcess`` listing every problem found.

    ``run_guards=False`` skips only the statutory guards (an approved override), never the rest.
    """
    if not files:
        raise InvalidProcess([("bundle", "không có tệp BPMN / no BPMN file given")])
    if len(files) > MAX_FILES:
        raise InvalidProcess([("bundle", f"quá nhiều tệp / more than {MAX_FILES} files")])
    trees: dict[str, etree._Element] = {}
    tables: dict[str, etree._Element] = {}   # the DMN files (#19 item 3)
    problems: list[tuple[str, str]] = []
    texts: dict[str, str] = {}
    for name, data in files.items():
        try:
            root = safe_parse(data, name, allow_dmn=True)
            (tables if dmn.is_dmn(root) else trees)[name] = root
            texts[name] = data.decode("utf-8")
        except InvalidProcess as exc:
            problems.extend(exc.problems)
        except UnicodeDecodeError:
            problems.append((name, "tệp phải mã hoá UTF-8 / file must be UTF-8"))
    if not problems and not trees:
        problems.append(("bundle", "không có tệp BPMN / no BPMN file given (only DMN)"))
    if problems:
        raise InvalidProcess(problems)
    warnings: list[tuple[str, str]] = []
    for name, root in trees.items():
        notes = bpmn_accept.normalise_timers(root) + bpmn_accept.normalise_io_specifications(root)
        if notes:   # bare ISO literals quoted, empty io sets added: the stored text too
            texts[name] = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8").decode()
            warnings.extend(notes)
        warnings.extend(bpmn_accept.extension_warnings(root))
        warnings.extend(bpmn_accept.print_warnings(root))

    first = next(iter(trees.values()))
    if main_id is None:
        procs = [p for p in first.iter(BPMN + "process") if p.get("isExecutable", "true") != "false"]
        if not procs:
            raise InvalidProcess([(next(iter(trees)), bpmn_accept.NOT_EXECUTABLE)])
        main_id = procs[0].get("id")

    parser = dmn.BvteParser(validator=None)
    for name, root in trees.items():
        checked, id_notes = bpmn_accept.schema_copy_with_plain_ids(root)
        warnings.extend(id_notes)
        try:
            VALIDATOR.validate(checked, name)
        except Exception as exc:   # ValidationException, with the offending line
            problems.append(bpmn_messages.schema_problem(checked, str(exc), getattr(exc, "line_number", ""), name))
    dmn_problems, dmn_warnings = dmn.check(tables)
    problems.extend(dmn_problems)
    warnings.extend(dmn_warnings)
    if problems:
        raise InvalidProcess(problems)
    for name, root in tables.items():
        try:
            parser.add_dmn_xml(root, name)
        except Exception as exc:
            problems.append((getattr(exc, "id", "") or name, bpmn_messages.translate(str(exc))))
    problems.extend(dmn.business_rule_problems(trees, dmn.decision_ids(tables)))
    for name, root in trees.items():
        try:
            parser.add_bpmn_xml(root.getroottree(), name)
        except Exception as exc:
            problems.append((getattr(exc, "id", "") or name, bpmn_messages.translate(f"{exc}")))
    if problems:
        raise InvalidProcess(problems)

    bundle = ParsedBundle(main_id=main_id, files=texts, trees=trees, spec=None, subprocess_specs={},
                          lanes=_lanes(trees), content_hash=bundle_hash(texts), warnings=warnings, decisions=tables)
    cfg = registry.config_for(main_id)
    problems.extend(_static_checks(bundle, cfg, registry, check_forms))
    if not problems:
        try:
            bundle.spec = parser.get_spec(main_id)
            bundle.subprocess_specs = parser.get_subprocess_specs(main_id)
            connect_loops(bundle.spec, bundle.subprocess_specs)
        except Exception as exc:
            problems.append((getattr(exc, "id", "") or main_id, bpmn_messages.translate(f"{exc}")))
    if not problems and run_guards and cfg.process_id == main_id:   # guards hold for the family's main process
        for guard in cfg.guards:
            problems.extend(guard.check(bundle))
    if problems:
        raise InvalidProcess(problems)
    return bundle


def _lanes(trees) -> list[LaneInfo]:
    lanes = []
    for root in trees.values():
        for proc in root.iter(BPMN + "process"):
            for lane in proc.iter(BPMN + "lane"):
                info = LaneInfo(proc.get("id"), lane.get("id"), lane.get("name") or lane.get("id"))
                info.nodes = {ref.text.strip() for ref in lane.findall(BPMN + "flowNodeRef") if ref.text}
                lanes.append(info)
    return lanes


def _static_checks(bundle: ParsedBundle, cfg: ProcessConfig, registry: ProcessRegistry,
                   check_forms: bool) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    known_tags = set(SpiffBpmnParser.PARSER_CLASSES) | set(SpiffBpmnParser.OVERRIDE_PARSER_CLASSES)
    process_ids = {p.get("id") for root in bundle.trees.values() for p in root.iter(BPMN + "process")}
    if bundle.main_id not in process_ids:
        problems.append((bundle.main_id, "không tìm thấy quy trình chính / main process not found"))

    for root in bundle.trees.values():
        for proc in root.iter(BPMN + "process"):
            pid = proc.get("id")
            in_lane = {n for lane in bundle.lanes if lane.process_id == pid for n in lane.nodes}
            has_lanes = any(lane.process_id == pid for lane in bundle.lanes)
            for el in proc.iter():
                if not isinstance(el.tag, str) or not el.tag.startswith(BPMN):
                    continue
                tag = el.tag[len(BPMN):]
                eid = el.get("id") or pid
                if (el.tag not in known_tags and tag not in STRUCTURAL_TAGS and el is not proc
                        and tag not in bpmn_accept.STANDARD_CHILDREN and not bpmn_accept.inside_extensions(el)):
                    problems.append((eid, f"phần tử BPMN không được hỗ trợ / unsupported element bpmn:{tag}"))
                if tag in HUMAN_TAGS and el.getparent() is proc:
                    if (has_lanes or registry.default_agency is None) and eid not in in_lane:
                        problems.append((eid, "nhiệm vụ không thuộc làn nào / human task is in no lane, so no agency would see it"))
                    if check_forms and cfg.forms and tag == "userTask" and eid not in cfg.forms:
                        problems.append((eid, "thiếu biểu mẫu cho nhiệm vụ / no form defined for this user task"))
            for lane in (lane for lane in bundle.lanes if lane.process_id == pid):
                if registry.lane_agency(cfg, lane.lane_id, lane.name) is None:
                    problems.append((lane.lane_id, f"làn '{lane.name}' chưa gắn với cơ quan nào: đặt tên làn theo một loại "
                                     f"cơ quan (vd. 'Công an xã') hoặc khai báo làn trong gói quy trình / lane is not "
                                     f"mapped to an agency: name the lane after an agency type (e.g. 'Commune police') "
                                     f"or map it in the process package"))

    languages = {el.getparent().get("id"): bpmn_accept.script_format_hint(el) for tag in ("script", "conditionExpression")
                 for _pid, el in bundle.elements(tag)}
    for _pid, el in script_sources(bundle):
        source, mode = el
        hint = bpmn_accept.compile_hint(source[0]) or languages.get(source[1], "")
        try:
            compile_checked(source[0], mode)
        except ScriptRejected as exc:
            problems.append((source[1], exc.message + hint))
        except Exception as exc:
            problems.append((source[1], f"biểu thức lỗi / cannot compile: {exc}{hint}"))

    for _pid, timer in bundle.elements("timerEventDefinition"):
        owner = timer.getparent().get("id")
        for kind in ("timeDate", "timeDuration", "timeCycle"):
            for expr_el in timer.findall(BPMN + kind):
                problems.extend(check_timer(owner, kind, (expr_el.text or "").strip(), cfg))

    calls: dict[str, list[tuple[str, str]]] = {}   # process id -> (call activity id, called process id)
    for pid, call in bundle.elements("callActivity"):
        if call.get("calledElement") not in process_ids:
            problems.append((call.get("id"), bpmn_accept.NO_CALLED if not call.get("calledElement") else
                             f"không tìm thấy quy trình được gọi / called process "
                             f"'{call.get('calledElement')}' is not in the bundle"))
        else:
            calls.setdefault(pid, []).append((call.get("id"), call.get("calledElement")))
    problems.extend(call_cycles(bundle.main_id, calls))
    return problems


def script_sources(bundle: ParsedBundle):
    """(process id, ((source, owner element id), 'exec' | 'eval')) of every script and expression."""
    for pid, el in bundle.elements("script"):
        yield pid, ((el.text or "", el.getparent().get("id")), "exec")
    for pid, el in bundle.elements("conditionExpression"):
        if (el.text or "").strip():
            yield pid, ((el.text.strip(), el.getparent().get("id")), "eval")
    for tag in ("loopCondition", "loopCardinality", "completionCondition"):   # standard and multi-instance loops
        for pid, el in bundle.elements(tag):
            if (el.text or "").strip():
                yield pid, ((el.text.strip(), el.getparent().getparent().get("id")), "eval")
    for pid, el in bundle.elements("condition"):   # conditional events
        if (el.text or "").strip():
            yield pid, ((el.text.strip(), el.getparent().getparent().get("id")), "eval")
    for root in bundle.trees.values():
        for tag in ("preScript", "postScript"):
            for el in root.iter("{%s}%s" % (NS["spiffworkflow"], tag)):
                owner = el.getparent().getparent()
                yield None, ((el.text or "", owner.get("id")), "exec")


def guard_problems(bundle: ParsedBundle, registry: ProcessRegistry) -> list[tuple[str, str]]:
    """Statutory-guard failures of an otherwise valid bundle."""
    cfg = registry.config_for(bundle.main_id)
    if cfg.process_id != bundle.main_id:
        return []
    return [p for guard in cfg.guards for p in guard.check(bundle)]
