"""Messages for people about a diagram (#19 item 5): XML-schema errors reduced to element, attribute and what is
expected, and SpiffWorkflow's common English errors said in Vietnamese and in whole English sentences.

Every message is ``"<Vietnamese> / <English>"``, the form every problem of ``engine.loader`` has, and travels
with the id of the element it is about, so the web page can mark that element (flows included) on the diagram.
"""

from __future__ import annotations

import re

from lxml import etree

_ELEMENT = re.compile(r"^Element '(?:\{([^}]*)\})?([\w.-]+)'(?:, attribute '(?:\{[^}]*\})?([\w.:-]+)')?: (.*)$", re.S)
_PREFIX = {"http://www.omg.org/spec/BPMN/20100524/MODEL": "bpmn", "http://www.omg.org/spec/BPMN/20100524/DI": "bpmndi",
           "http://www.omg.org/spec/DD/20100524/DI": "di", "http://www.omg.org/spec/DD/20100524/DC": "dc"}
_TYPES = {"xs:boolean": "true hoặc false / true or false", "xs:ID": "một mã duy nhất bắt đầu bằng chữ cái, không dấu "
          "cách / a unique id starting with a letter, no spaces", "xs:IDREF": "mã của một phần tử có trong tệp / the id "
          "of an element in the file", "xs:QName": "mã của một phần tử có trong tệp / the id of an element in the file",
          "xs:integer": "một số nguyên / a whole number", "xs:anyURI": "một URI / a URI"}


def _short(text: str) -> str:
    """``{namespace}local`` names shortened to ``bpmn:local`` (or the bare local name)."""
    def repl(m: re.Match) -> str:
        prefix = _PREFIX.get(m.group(1)) or ("dmn" if "DMN" in m.group(1) else None)
        return f"{prefix}:{m.group(2)}" if prefix else m.group(2)
    return re.sub(r"\{([^}]*)\}([\w.-]+)", repl, text)


def _expected(text: str) -> str:
    found = re.search(r"Expected is (?:one of )?\(\s*(.*?)\s*\)", text, re.S)
    if not found:
        return ""
    return ", ".join(p.strip() for p in _short(found.group(1)).split(",") if p.strip())


def reduce_schema_message(message: str) -> tuple[str | None, str | None, str]:
    """(element tag, attribute, the sentence) for one libxml2 schema error."""
    found = _ELEMENT.match(message.strip())
    if not found:
        return None, None, _short(message.strip())
    ns, local, attribute, body = found.groups()
    tag = _short(f"{{{ns}}}{local}") if ns else local
    body = body.strip()
    expected = _expected(body)
    if m := re.match(r"The attribute '([^']+)' is required but missing", body):
        text = f"thiếu thuộc tính bắt buộc {m.group(1)} / the required attribute {m.group(1)} is missing"
        attribute = attribute or m.group(1)
    elif re.match(r"The attribute '[^']+' is not allowed", body):
        text = f"thuộc tính {attribute} không được phép ở đây / attribute {attribute} is not allowed here"
    elif body.startswith("This element is not expected"):
        text = ("phần tử không đúng chỗ" + (f"; ở đây cần: {expected}" if expected else "") + " / the element is "
                "not allowed here" + (f"; expected here: {expected}" if expected else ""))
    elif body.startswith("Missing child element"):
        text = f"thiếu phần tử con: {expected} / a child element is missing: {expected}"
    elif m := re.match(r"\[facet 'enumeration'\] The value '([^']*)' is not an element of the set \{(.*)\}", body):
        text = (f"giá trị '{m.group(1)}' không hợp lệ; cần một trong: {m.group(2)} / value '{m.group(1)}' is not "
                f"allowed; expected one of: {m.group(2)}")
    elif m := re.match(r"'([^']*)' is not a valid value of the (?:atomic|list|union) type '([^']+)'", body):
        want = _TYPES.get(m.group(2), m.group(2))
        text = f"giá trị '{m.group(1)}' không hợp lệ; cần {want} / value '{m.group(1)}' is not valid: expected {want}"
    elif m := re.match(r"Character content other than whitespace is not allowed", body):
        text = "phần tử này không được chứa văn bản / this element cannot hold text"
    else:
        text = _short(body)
    return tag, attribute, text


def schema_problem(root: etree._Element, message: str, line, filename: str, kind: str = "BPMN") -> tuple[str, str]:
    """A schema error as (the element's id, else the file; "<tag> 'id', attribute a: what is expected")."""
    tag, attribute, text = reduce_schema_message(message)
    element = element_at(root, line, tag)
    eid = element.get("id") if element is not None and element.get("id") else None
    label = tag or "?"
    if eid:
        label += f" '{eid}'"
    if attribute:
        label += f", thuộc tính / attribute {attribute}"
    where = f" (dòng / line {line})" if line not in (None, "") else ""
    return eid or filename, f"{kind} XSD: {label}: {text}{where}"


def element_at(root: etree._Element, line, tag: str | None) -> etree._Element | None:
    """The element the error is about: the one with this tag on that line, else the nearest with an id above."""
    try:
        line = int(line)
    except (TypeError, ValueError):
        return None
    local = tag.split(":")[-1] if tag else None
    best = None
    for el in root.iter():
        if not isinstance(el.tag, str) or not el.sourceline or el.sourceline > line:
            continue
        if el.sourceline == line and local and etree.QName(el).localname == local:
            return el
        if el.get("id"):
            best = el
    return best


# SpiffWorkflow's common errors: (pattern, Vietnamese, English); \1... are the pattern's groups
_SPIFF = [
    (r"Multiple outgoing flows are not supported for tasks of type\.?",
     "nhiệm vụ này có nhiều luồng ra: hãy thêm một cổng rẽ nhánh (song song hoặc loại trừ) sau nó",
     "this task has several outgoing flows: add a gateway (parallel or exclusive) after it"),
    (r"Non-default exclusive outgoing sequence flow without condition",
     "luồng ra của cổng loại trừ không có điều kiện và không phải luồng mặc định: thêm điều kiện hoặc đặt làm mặc định",
     "an outgoing flow of this exclusive gateway has no condition and is not the default: add a condition or make "
     "it the default flow"),
    (r"No conditions satisfied for (\S+)",
     r"không điều kiện nào của cổng \1 đúng và cổng không có luồng mặc định",
     r"no condition of gateway \1 holds and it has no default flow"),
    (r'No "calledElement" attribute for Call Activity\.?',
     "hoạt động gọi chưa chọn quy trình được gọi (calledElement)",
     "the call activity names no called process: set its 'Called element'"),
    (r"No start event found", "quy trình không có sự kiện bắt đầu", "the process has no start event"),
    (r"Process (\S+) is not executable\.?", r"quy trình \1 chưa đánh dấu 'Executable'",
     r"process \1 is not executable: tick 'Executable' in the modeller"),
    (r"Duplicate process ID: (\S+)", r"mã quy trình \1 bị trùng", r"process id \1 is defined twice"),
    (r"(Message|Signal|Error|Escalation|Correlation) identifier is missing from bpmn xml",
     r"định nghĩa sự kiện thiếu tham chiếu (\1Ref)", r"the event definition names no \1 (set its \1Ref)"),
    (r"Invalid Script Task\.\s+No Script Provided\.?.*", "nhiệm vụ kịch bản không có mã",
     "the script task has no script"),
    (r"Unknown Time Specification", "hẹn giờ chưa có thời hạn (timeDate, timeDuration hoặc timeCycle)",
     "the timer has no time (timeDate, timeDuration or timeCycle)"),
    (r"Exactly one start event is required in a SubWorkflow Task; found (\d+)",
     r"quy trình con phải có đúng một sự kiện bắt đầu (đang có \1)",
     r"a sub-process needs exactly one start event (it has \1)"),
    (r"A SubWorkflow Must contain an End event", "quy trình con phải có sự kiện kết thúc",
     "a sub-process needs an end event"),
    (r"The process '([^']+)' was not found\..*", r"không tìm thấy quy trình '\1'",
     r"process '\1' is not in the bundle"),
    (r"Could not find messageRef from message event definition: (\S+)",
     r"không tìm thấy thông điệp '\1' mà sự kiện tham chiếu", r"message '\1' the event refers to is not defined"),
    (r"Cannot resolve (dataInputAssociation|dataOutputAssociation) (\S+)",
     r"không tìm thấy đối tượng dữ liệu \2 của liên kết", r"the \1 refers to data \2, which is not defined"),
    (r"Conditional event definition with missing condition", "sự kiện điều kiện chưa có điều kiện",
     "the conditional event has no condition"),
    (r"Error evaluating expression '(.*)'", r"không tính được biểu thức '\1'", r"expression '\1' failed"),
    (r"name '([^']+)' is not defined", r"dữ liệu hồ sơ không có trường '\1'", r"the case data has no field '\1'"),
    (r"This process is not waiting for (\S+)", r"hồ sơ không chờ sự kiện \1", r"the case is not waiting for \1"),
    (r"A loopMaximum or loopCondition must be specified for Loop Tasks\.?",
     "nhiệm vụ lặp chưa có điều kiện dừng: đặt loopCondition (biểu thức Python) hoặc loopMaximum",
     "the loop task has no way to stop: set a loopCondition (a Python expression) or a loopMaximum"),
    (r"A multiinstance task must specify a cardinality or a loop input data reference",
     "nhiệm vụ nhiều lần chưa nói bao nhiêu lần: đặt loopCardinality hoặc một danh sách (loopDataInputRef)",
     "the multi-instance task says neither how many times (loopCardinality) nor over which list (loopDataInputRef)"),
    (r"A multiinstance task must specify exactly one of cardinality or loop input data reference",
     "nhiệm vụ nhiều lần chỉ được có một trong hai: loopCardinality hoặc loopDataInputRef",
     "the multi-instance task must have either a loopCardinality or a loopDataInputRef, not both"),
    (r"The loop (input|output) data reference is missing from the IO specification",
     r"dữ liệu lặp (\1) không có trong ioSpecification của quy trình",
     r"the loop \1 data reference is not declared in the process's ioSpecification"),
    (r"Cancel Events may only be used with transactions",
     "sự kiện huỷ (cancel) chỉ dùng được trong giao dịch (transaction)",
     "a cancel event may only be used in a transaction sub-process"),
    (r"Sequential ordering for ad hoc subprocesses not supported",
     "quy trình con ad hoc theo thứ tự tuần tự chưa được hỗ trợ: chọn thứ tự song song (Parallel)",
     "sequential ad hoc sub-processes are not supported: set the ordering to Parallel"),
    (r"Ad hoc subprocesses may not contain start or end events",
     "quy trình con ad hoc không được có sự kiện bắt đầu hay kết thúc",
     "an ad hoc sub-process may not contain start or end events"),
    (r"There is no support implemented for this task type\.?",
     "loại phần tử này chưa được hỗ trợ", "this kind of element is not supported"),
    (r"Time Specification Error\.\s*(.*)", r"hẹn giờ không hợp lệ: \1", r"the timer is not valid: \1"),
    (r"A Service Task must have an operator\.?",
     "nhiệm vụ dịch vụ (service task) chưa khai báo dịch vụ được gọi; BVTE không gọi hệ thống bên ngoài: thay bằng "
     "nhiệm vụ người dùng (ai làm việc đó) hoặc nhiệm vụ kịch bản (tính toán trên dữ liệu hồ sơ)",
     "the service task names no service to call, and BVTE calls no outside system: make it a user task (who does "
     "the work) or a script task (a computation on the case data)"),
    (r"Data Store name is missing from bpmn xml\.?",
     "tham chiếu kho dữ liệu (dataStoreReference) không chỉ tới kho nào (dataStoreRef); BVTE không có kho dữ liệu "
     "ngoài: hãy dùng biến của quy trình",
     "the data store reference names no data store (dataStoreRef), and BVTE has no outside data stores: use process "
     "variables"),
    (r"Data Store with name (\S+) has no implementation\.?",
     r"kho dữ liệu '\1' không có trong BVTE: dữ liệu của hồ sơ nằm trong chính hồ sơ; hãy dùng biến của quy trình",
     r"data store '\1' does not exist in BVTE: a case keeps its data itself; use process variables"),
    # SpiffWorkflow 3.2.0 bug: its "Expected a Message/Signal/Error/Escalation node" raise fails with a TypeError
    (r"(?:TypeError\()?[\"']?NodeParser\.raise_validation_exception\(\) got an unexpected keyword argument "
     r"'node'[\"']?\)?",
     "sự kiện hoặc nhiệm vụ tham chiếu một thông điệp, tín hiệu, lỗi hay leo thang không có trong tệp: khai báo nó "
     "(vd. bpmn:message với đúng id) hoặc sửa tham chiếu (messageRef, signalRef...)",
     "the event or task refers to a message, signal, error or escalation the file does not define: declare it (e.g. "
     "a bpmn:message with that id) or correct the reference (messageRef, signalRef...)"),
    (r"Attempt to add non-predicted child to predicted task",
     "lỗi đã biết của SpiffWorkflow (P2): thêm một cổng loại trừ ngay trước nhiệm vụ nhiều lần",
     "a known SpiffWorkflow bug (P2): put an exclusive gateway just before the multi-instance task"),
]
_COMPILED = [(re.compile(p), vi, en) for p, vi, en in _SPIFF]


def translate(message: str) -> str:
    """SpiffWorkflow's English error in both languages when it is a known one, else the text unchanged."""
    text = (message or "").strip()
    if " / " in text and any(c in text for c in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"):
        return text   # already ours
    for pattern, vi, en in _COMPILED:
        found = pattern.search(text)
        if found:
            rest = (text[:found.start()] + text[found.end():]).strip(" .:;")
            extra = f" ({rest})" if rest else ""
            return f"{found.expand(vi)} / {found.expand(en)}{extra}"
    return text


_EXPR = re.compile(r"Error evaluating expression '(.*?)'\.(?=\s|$)", re.S)
_NAME = re.compile(r"name '([^']+)' is not defined")
_HINT = re.compile(r"\s*Did you mean one of '\[.*?\]'\?", re.S)


def runtime(text: str) -> str:
    """A failure while a case runs, for people: an expression that reads a field the case data lacks says so
    in both languages (SpiffWorkflow's "Did you mean" list of the engine's own fields is dropped)."""
    expr, name = _EXPR.search(text), _NAME.search(text)
    if expr is None:
        return translate(_HINT.sub("", text))
    where = text[:expr.start()].strip(" :")
    prefix = f"{where}: " if where else ""
    if name:
        return (f"{prefix}không tính được biểu thức '{expr.group(1)}': dữ liệu hồ sơ chưa có trường '{name.group(1)}' / "
                f"expression '{expr.group(1)}' failed: the case data has no field '{name.group(1)}'")
    rest = _HINT.sub("", text[expr.end():]).strip(" .:;")
    return (f"{prefix}không tính được biểu thức '{expr.group(1)}' / expression '{expr.group(1)}' failed"
            + (f" ({rest})" if rest else ""))
