"""DMN decision tables deployed with their BPMN (#19 item 3): how BVTE parses and checks them, and the decision
engine business-rule tasks run.

SpiffWorkflow's DMN engine evaluates every input expression, rule cell and output cell through the workflow's
script engine, so a decision runs in the same sandbox as scripts (``engine.scripting``). This module adds:

- the decision a business-rule task calls, as each modeller writes it: SpiffWorkflow's
  ``spiffworkflow:calledDecisionId``, Camunda 7's ``camunda:decisionRef`` (with ``camunda:resultVariable`` and
  ``camunda:mapDecisionResult``) and Camunda 8's ``zeebe:calledDecision`` (``decisionId``, ``resultVariable``);
- DMN's own result for a table no rule matches (each output ``None``; an empty list under COLLECT, where
  SpiffWorkflow sets nothing and a later gateway fails on an unknown name), COLLECT's aggregations (SUM,
  COUNT, MIN, MAX) and RULE ORDER (every match, in order), which SpiffWorkflow leaves out;
- checks at deploy time: the DMN schema, one decision per file, decision ids unique and found, each cell
  compiled under the sandbox's policy, FEEL written where BPMN expressions are Python named with the Python
  to write (``engine.feel``).
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import BusinessRuleTaskParser
from SpiffWorkflow.spiff.parser.task_spec import SpiffTaskParser
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask

from engine import feel
from engine.errors import ScriptRejected
from engine.scripting import compile_checked

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
# DMN 1.1–1.5: SpiffWorkflow ships the schemas of 1.1–1.3; 1.4 and 1.5 files parse the same way
NAMESPACES = set(SCHEMAS) | {"https://www.omg.org/spec/DMN/20211108/MODEL/",
                             "https://www.omg.org/spec/DMN/20230324/MODEL/"}
HIT_POLICIES = {"UNIQUE", "FIRST", "ANY", "COLLECT", "RULE ORDER", "PRIORITY", "OUTPUT ORDER"}
AGGREGATIONS = {"SUM": sum, "COUNT": len, "MIN": min, "MAX": max}


def is_dmn(root: etree._Element) -> bool:
    """Whether a parsed document is a DMN ``definitions``."""
    return isinstance(root.tag, str) and etree.QName(root).localname == "definitions" \
        and etree.QName(root).namespace in NAMESPACES


def decision_ref(node: etree._Element) -> str | None:
    """The id of the decision a business-rule task calls, however the modeller wrote it (None: none named)."""
    ref = SpiffTaskParser._parse_extensions(node).get("calledDecisionId")
    if ref:
        return ref.strip()
    if node.get("{%s}decisionRef" % CAMUNDA):
        return node.get("{%s}decisionRef" % CAMUNDA).strip()
    for called in node.iter("{%s}calledDecision" % ZEEBE):
        if called.get("decisionId"):
            return called.get("decisionId").strip()
    return None


def result_mapping(node: etree._Element) -> tuple[str | None, str]:
    """(result variable, mapping) a Camunda-drawn task asks for: Camunda 7's ``resultVariable`` with
    ``mapDecisionResult`` (default ``resultList``); Camunda 8's ``resultVariable`` (the decision's output)."""
    variable = node.get("{%s}resultVariable" % CAMUNDA)
    if variable:
        return variable.strip(), node.get("{%s}mapDecisionResult" % CAMUNDA, "resultList")
    for called in node.iter("{%s}calledDecision" % ZEEBE):
        if called.get("resultVariable"):
            return called.get("resultVariable").strip(), "zeebe"
    return None, ""


class DecisionEngine(DMNEngine):
    """SpiffWorkflow's decision-table engine with DMN's results where it has none (see the module text)."""

    def __init__(self, decision_table, aggregation: str | None = None, result_variable: str | None = None,
                 mapping: str = ""):
        super().__init__(decision_table)
        self.aggregation = aggregation
        self.result_variable = result_variable
        self.mapping = mapping

    def _keys(self) -> list[str]:
        return [o.name or o.label for o in self.decision_table.outputs if (o.name or o.label)]

    def result(self, task):
        policy = self.decision_table.hit_policy
        many = policy in ("COLLECT", "RULE ORDER")
        if policy == "RULE ORDER":
            matched = self.decide(task)
            out: dict = {}
            for rule in matched:
                for key, value in rule.output_as_dict(task).items():
                    out.setdefault(key, []).append(value)
        else:
            out = dict(super().result(task))
            matched = None
        for key in self._keys():
            if "." not in key and key not in out:
                out[key] = [] if many else None
        if policy == "COLLECT" and self.aggregation in AGGREGATIONS:
            fn = AGGREGATIONS[self.aggregation]
            out = {k: (fn(v) if v or self.aggregation == "COUNT" else None) if isinstance(v, list) else v
                   for k, v in out.items()}
            many = False
        if self.result_variable:
            out[self.result_variable] = self._mapped(out, many, matched)
        return out

    def _mapped(self, out: dict, many: bool, matched) -> object:
        keys = [k for k in self._keys() if k in out]
        if many:   # lists per output -> one dict per matched rule
            rows = [dict(zip(keys, values, strict=True)) for values in zip(*(out[k] for k in keys), strict=True)] if keys else []
        else:
            rows = [{k: out[k] for k in keys}] if any(out.get(k) is not None for k in keys) else []
        if self.mapping == "singleEntry" or (self.mapping == "zeebe" and len(keys) == 1 and not many):
            return rows[0][keys[0]] if rows and keys else None
        if self.mapping in ("singleResult", "zeebe") and not many:
            return rows[0] if rows else None
        if self.mapping == "collectEntries" or (self.mapping == "zeebe" and len(keys) == 1):
            return [r[keys[0]] for r in rows] if keys else []
        return rows   # resultList, and Camunda 8's list of results under COLLECT


class _RuleTaskParser(BusinessRuleTaskParser):
    @staticmethod
    def get_decision_ref(node):
        return decision_ref(node)


class BvteParser(SpiffBpmnParser):
    """SpiffWorkflow's parser (spiff extensions, DMN), whose business-rule tasks find their decision however it
    was named and run it on ``DecisionEngine``."""

    OVERRIDE_PARSER_CLASSES = {**SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
                               full_tag("businessRuleTask"): (_RuleTaskParser, BusinessRuleTask)}

    def get_engine(self, decision_ref, node):
        if not decision_ref:
            raise ValidationException(NO_DECISION, node=node, file_name="")
        if decision_ref not in self.dmn_parsers:
            raise ValidationException(unknown_decision(decision_ref, sorted(self.dmn_parsers)), node=node,
                                      file_name="")
        dmn_parser = self.dmn_parsers[decision_ref]
        dmn_parser.parse()
        table = dmn_parser.decision.decisionTables[0]
        table_el = next(dmn_parser.node.iter("{*}decisionTable"))
        variable, mapping = result_mapping(node)
        return DecisionEngine(table, (table_el.get("aggregation") or "").upper() or None, variable, mapping)


NO_DECISION = ("nhiệm vụ quy tắc nghiệp vụ chưa chọn bảng quyết định (Called decision / decisionRef) / the "
               "business-rule task names no decision: set its called decision to the id of a decision in a "
               ".dmn file deployed with the diagram")


def unknown_decision(ref: str, known: list[str]) -> str:
    have = ", ".join(known) or "không có / none"
    return (f"không tìm thấy bảng quyết định '{ref}': hãy tải tệp .dmn của nó lên cùng sơ đồ (đang có: {have}) / "
            f"decision '{ref}' is not in the bundle: upload its .dmn file with the diagram (decisions here: {have})")


@lru_cache(maxsize=8)
def _validator(namespace: str) -> BpmnValidator | None:
    schema = SCHEMAS.get(namespace)
    return BpmnValidator(schema) if schema else None


def validate_schema(root: etree._Element, filename: str) -> list[tuple[str, str]]:
    """The DMN schema's verdict on a file, reduced to element, attribute and what is expected."""
    from engine.bpmn_messages import schema_problem

    validator = _validator(etree.QName(root).namespace)
    if validator is None:
        return []
    try:
        validator.validate(root, filename)
    except ValidationException as exc:
        return [schema_problem(root, str(exc), getattr(exc, "line_number", None), filename, "DMN")]
    return []


def check(dmn_trees: dict[str, etree._Element]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(problems, warnings) of the DMN files of a bundle, before SpiffWorkflow parses them."""
    problems: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for name, root in dmn_trees.items():
        problems.extend(validate_schema(root, name))
        decisions = [d for d in root if isinstance(d.tag, str) and etree.QName(d).localname == "decision"]
        if not decisions:
            problems.append((name, "tệp DMN không có bảng quyết định nào / the DMN file holds no decision"))
            continue
        if len(decisions) > 1:
            problems.append((decisions[1].get("id") or name, (
                "mỗi tệp DMN chỉ được một quyết định: hãy tách các quyết định "
                f"{', '.join(d.get('id') or '?' for d in decisions)} ra từng tệp / one decision per DMN file "
                "(SpiffWorkflow): save each decision of this diagram in a .dmn file of its own")))
            continue
        decision = decisions[0]
        did = decision.get("id") or name
        if did in seen:
            problems.append((did, f"mã quyết định '{did}' trùng với tệp {seen[did]} / decision id '{did}' is also "
                                  f"in {seen[did]}"))
        seen[did] = name
        tables = [t for t in decision if isinstance(t.tag, str) and etree.QName(t).localname == "decisionTable"]
        if not tables:
            problems.append((did, "quyết định không phải bảng quyết định (chỉ hỗ trợ decision table) / only "
                                  "decision tables are supported (no literal expression or boxed context)"))
            continue
        if any(etree.QName(c).localname == "informationRequirement" for c in decision if isinstance(c.tag, str)):
            warnings.append((did, "bỏ qua yêu cầu thông tin giữa các quyết định: dữ liệu vào lấy từ hồ sơ / "
                                  "information requirements ignored: the inputs are read from the case data"))
        p, w = _check_table(did, tables[0])
        problems.extend(p)
        warnings.extend(w)
    return problems, warnings


def _check_table(did: str, table: etree._Element) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    tid = table.get("id") or did
    policy = (table.get("hitPolicy") or "UNIQUE").upper()
    if policy not in HIT_POLICIES:
        problems.append((tid, f"chính sách '{policy}' không có trong DMN / hit policy '{policy}' is not DMN's"))
    elif policy in ("PRIORITY", "OUTPUT ORDER"):
        warnings.append((tid, f"chính sách {policy} được chạy như FIRST/RULE ORDER (không có thứ tự giá trị ra) / "
                              f"hit policy {policy} runs as {'FIRST' if policy == 'PRIORITY' else 'RULE ORDER'} "
                              "(output value priorities are not read)"))
    aggregation = (table.get("aggregation") or "").upper()
    if aggregation and aggregation not in AGGREGATIONS:
        problems.append((tid, f"phép gộp '{aggregation}' không có / unknown aggregation '{aggregation}' "
                              "(SUM, COUNT, MIN, MAX)"))
    inputs = [c for c in table if isinstance(c.tag, str) and etree.QName(c).localname == "input"]
    outputs = [c for c in table if isinstance(c.tag, str) and etree.QName(c).localname == "output"]
    expressions = []
    for inp in inputs:
        text_el = next((t for t in inp.iter("{*}text")), None)
        expr = (text_el.text or "").strip() if text_el is not None else ""
        if not expr:
            problems.append((inp.get("id") or tid, "cột vào không có biểu thức / the input column has no "
                                                    "expression (name the case field it reads)"))
        else:
            problems.extend(_compile(inp.get("id") or tid, expr, "input"))
        expressions.append(expr)
    for out in outputs:
        if not (out.get("name") or out.get("label")):
            problems.append((out.get("id") or tid, "cột ra không có tên (name) / the output column has no name: "
                                                    "it names the case field the decision sets"))
    for row, rule in enumerate((r for r in table if isinstance(r.tag, str)
                                and etree.QName(r).localname == "rule"), start=1):
        rid = rule.get("id") or f"{tid} rule {row}"
        cells = [c for c in rule if isinstance(c.tag, str) and etree.QName(c).localname in ("inputEntry",
                                                                                            "outputEntry")]
        n_in = sum(1 for c in cells if etree.QName(c).localname == "inputEntry")
        if n_in != len(inputs) or len(cells) - n_in != len(outputs):
            problems.append((rid, f"dòng {row} có số ô không khớp số cột / row {row} does not have one cell per "
                                  "column"))
            continue
        i = 0
        for cell in cells:
            text_el = next((t for t in cell.iter("{*}text")), None)
            text = (text_el.text or "").strip() if text_el is not None else ""
            cid = cell.get("id") or rid
            if etree.QName(cell).localname == "inputEntry":
                if text and text != "-":
                    problems.extend(_check_entry(cid, row, expressions[i] if i < len(expressions) else "", text,
                                                 warnings))
                i += 1
            elif text:
                problems.extend(_compile(cid, text, "output", row))
    return problems, warnings


def _check_entry(cid: str, row: int, input_expr: str, text: str, warnings: list) -> list[tuple[str, str]]:
    """An input cell is compiled as SpiffWorkflow's engine will build it: ``(input) == (cell)``, the input joined
    to a cell that starts with an operator (``> 3``), or the cell with ``?`` standing for the input."""
    import ast
    import re

    suggestion, parses_differently = feel.entry_hint(text)
    if suggestion is not None and parses_differently:
        warnings.append((cid, f"dòng {row}: ô '{text}' là cú pháp FEEL, Python hiểu khác; hãy viết {suggestion} / "
                              f"row {row}: cell '{text}' is FEEL, which Python reads otherwise; write {suggestion}"))
    marked = re.sub(r'(\?)(?=(?:[^\'"]|[\'"][^\'"]*[\'"])*$)', "dmninputexpr", text)
    if "dmninputexpr" in marked:
        expr = marked
    else:
        try:
            ast.parse(text)
            expr = f"({input_expr or 'None'}) == ({text})"
        except SyntaxError:
            expr = f"{input_expr or 'None'} {text}"
    found = _compile(cid, expr, "entry", row)
    if found and suggestion is not None:
        return [(cid, f"dòng {row}: ô '{text}' là cú pháp FEEL; BVTE dùng Python, hãy viết: {suggestion} / row "
                      f"{row}: cell '{text}' is FEEL syntax; BVTE reads Python: write {suggestion}")]
    return [(e, m.replace(expr, text)) for e, m in found]


def _compile(eid: str, expr: str, what: str, row: int | None = None) -> list[tuple[str, str]]:
    where = f"dòng {row} / row {row}: " if row else ""
    try:
        compile_checked(expr, "eval")
    except ScriptRejected as exc:
        return [(eid, f"{where}{exc.message}{feel.hint(expr)}")]
    except Exception as exc:
        return [(eid, f"{where}biểu thức lỗi / cannot compile {expr!r}: {exc}{feel.hint(expr)}")]
    return []


def business_rule_problems(bpmn_trees: dict[str, etree._Element],
                           decisions: set[str]) -> list[tuple[str, str]]:
    """Each business-rule task that names no decision, or one not in the bundle."""
    problems = []
    for root in bpmn_trees.values():
        for task in root.iter(BPMN + "businessRuleTask"):
            ref = decision_ref(task)
            if not ref:
                problems.append((task.get("id"), NO_DECISION))
            elif ref not in decisions:
                problems.append((task.get("id"), unknown_decision(ref, sorted(decisions))))
    return problems


def decision_ids(dmn_trees: dict[str, etree._Element]) -> set[str]:
    return {d.get("id") for root in dmn_trees.values() for d in root
            if isinstance(d.tag, str) and etree.QName(d).localname == "decision" and d.get("id")}
