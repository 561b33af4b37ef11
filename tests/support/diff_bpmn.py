"""Test processes for the differential harness (tests/test_differential.py), one per construct.

Written by hand as BPMN 2.0 (no lanes, so every human task goes to the commune officer); each
returns ``{filename: bytes}``. Timers are quoted ISO durations, as BVTE's loader requires.
"""

from __future__ import annotations

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions '
        'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs_{pid}" '
        'targetNamespace="http://bvte.example/diff">\n{extra}')


def _flows(*chain: str, prefix: str = "f") -> str:
    """Sequence flows along ``chain`` (a -> b -> c ...)."""
    return "".join(f'<bpmn:sequenceFlow id="{prefix}{i}_{a}_{b}" sourceRef="{a}" targetRef="{b}"/>'
                   for i, (a, b) in enumerate(zip(chain, chain[1:], strict=False)))


def doc(pid: str, body: str, extra: str = "", more: str = "") -> dict[str, bytes]:
    # the drivers write "note" on steps without a form: a process declares what such a step may write (#18.8)
    xml = (HEAD.format(pid=pid, extra=extra) + f'<bpmn:process id="{pid}" isExecutable="true">'
           f'<bpmn:dataObject id="note" name="note"/>{body}'
           f'</bpmn:process>{more}</bpmn:definitions>')
    return {f"{pid}.bpmn": xml.encode()}


def _user(tid: str, name: str = "", inner: str = "") -> str:
    return f'<bpmn:userTask id="{tid}" name="{name or tid}">{inner}</bpmn:userTask>'


def multi_instance(pid: str, sequential: bool, collection: bool) -> dict[str, bytes]:
    if collection:
        chars = ('<bpmn:loopDataInputRef>agencies</bpmn:loopDataInputRef>'
                 '<bpmn:loopDataOutputRef>reports</bpmn:loopDataOutputRef>'
                 '<bpmn:inputDataItem id="agency" name="agency"/><bpmn:outputDataItem id="report" name="report"/>')
    else:   # the drivers write "report" on each instance: without an output item the process declares it (#18.8)
        chars = '<bpmn:loopCardinality>count</bpmn:loopCardinality>'
    seq = ' isSequential="true"' if sequential else ""
    body = ('<bpmn:startEvent id="start"/>'
            '<bpmn:scriptTask id="prepare"><bpmn:script>agencies = ["police", "health", "school"]\ncount = 3'
            '</bpmn:script></bpmn:scriptTask>'
            + _user("each", "Mỗi cơ quan", f'<bpmn:multiInstanceLoopCharacteristics{seq}>{chars}'
                                           '</bpmn:multiInstanceLoopCharacteristics>')
            + _user("after", "Tổng hợp") + '<bpmn:endEvent id="end"/>'
            + _flows("start", "prepare", "each", "after", "end")
            + ("" if collection else '<bpmn:dataObject id="report" name="report"/>'))
    return doc(pid, body)


def standard_loop(pid: str = "loop_std") -> dict[str, bytes]:
    body = ('<bpmn:startEvent id="start"/>'
            + _user("visit", "Thăm", '<bpmn:standardLoopCharacteristics><bpmn:loopCondition '
                                     'xsi:type="bpmn:tFormalExpression">visits &lt; target</bpmn:loopCondition>'
                                     '</bpmn:standardLoopCharacteristics>')
            + _user("wrap_up", "Kết thúc") + '<bpmn:endEvent id="end"/>'
            + _flows("start", "visit", "wrap_up", "end"))
    return doc(pid, body)


def gateway_loop(pid: str = "loop_gw") -> dict[str, bytes]:
    """A loop drawn with a gateway going back (as modellers often draw review loops)."""
    body = ('<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="merge"/>' + _user("visit", "Thăm")
            + '<bpmn:exclusiveGateway id="again" default="out"/><bpmn:endEvent id="end"/>'
            + _flows("start", "merge", "visit", "again")
            + '<bpmn:sequenceFlow id="back" sourceRef="again" targetRef="merge"><bpmn:conditionExpression>'
              'visits &lt; target</bpmn:conditionExpression></bpmn:sequenceFlow>'
              '<bpmn:sequenceFlow id="out" sourceRef="again" targetRef="end"/>')
    return doc(pid, body)


def event_gateway(pid: str = "event_gw") -> dict[str, bytes]:
    body = ('<bpmn:startEvent id="start"/>' + _user("ask", "Gửi yêu cầu") + '<bpmn:eventBasedGateway id="wait"/>'
            '<bpmn:intermediateCatchEvent id="two_hours"><bpmn:timerEventDefinition><bpmn:timeDuration>"PT2H"'
            '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
            '<bpmn:intermediateCatchEvent id="answer"><bpmn:messageEventDefinition messageRef="msg_answer"/>'
            '</bpmn:intermediateCatchEvent>'
            + _user("chase", "Đôn đốc") + _user("read_answer", "Đọc trả lời")
            + '<bpmn:endEvent id="end_late"/><bpmn:endEvent id="end_answer"/>'
            + _flows("start", "ask", "wait", "two_hours", "chase", "end_late", prefix="t")
            + _flows("wait", "answer", "read_answer", "end_answer", prefix="m"))
    return doc(pid, body, more='<bpmn:message id="msg_answer" name="answer"/>')


def boundary_timers(pid: str = "boundary") -> dict[str, bytes]:
    body = ('<bpmn:startEvent id="start"/>' + _user("work", "Xử lý")
            + '<bpmn:boundaryEvent id="overdue" attachedToRef="work" cancelActivity="true">'
              '<bpmn:timerEventDefinition><bpmn:timeDuration>"PT12H"</bpmn:timeDuration></bpmn:timerEventDefinition>'
              '</bpmn:boundaryEvent>'
              '<bpmn:boundaryEvent id="nudge" attachedToRef="work" cancelActivity="false">'
              '<bpmn:timerEventDefinition><bpmn:timeDuration>"PT3H"</bpmn:timeDuration></bpmn:timerEventDefinition>'
              '</bpmn:boundaryEvent>'
            + _user("escalate", "Xử lý quá hạn") + _user("remind", "Nhắc việc") + _user("done", "Xong")
            + '<bpmn:endEvent id="end"/><bpmn:endEvent id="end_escalated"/><bpmn:endEvent id="end_remind"/>'
            + _flows("start", "work", "done", "end") + _flows("overdue", "escalate", "end_escalated", prefix="o")
            + _flows("nudge", "remind", "end_remind", prefix="n"))
    return doc(pid, body)


def intermediate_timer(pid: str = "pause") -> dict[str, bytes]:
    body = ('<bpmn:startEvent id="start"/>' + _user("first", "Trước")
            + '<bpmn:intermediateCatchEvent id="wait_3h"><bpmn:timerEventDefinition><bpmn:timeDuration>"PT3H"'
              '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
            + _user("second", "Sau") + '<bpmn:endEvent id="end"/>'
            + _flows("start", "first", "wait_3h", "second", "end"))
    return doc(pid, body)


def parallel(pid: str = "parallel") -> dict[str, bytes]:
    body = ('<bpmn:startEvent id="start"/><bpmn:parallelGateway id="split"/><bpmn:parallelGateway id="join"/>'
            + _user("police", "Công an") + _user("health", "Y tế") + _user("school", "Nhà trường")
            + _user("summary", "Tổng hợp") + '<bpmn:endEvent id="end"/>'
            + _flows("start", "split") + _flows("join", "summary", "end", prefix="j")
            + "".join(_flows("split", b, "join", prefix=f"p{b}") for b in ("police", "health", "school")))
    return doc(pid, body)


def embedded(pid: str = "embedded") -> dict[str, bytes]:
    inner = ('<bpmn:startEvent id="sub_start"/><bpmn:parallelGateway id="sub_split"/>'
             '<bpmn:parallelGateway id="sub_join"/>' + _user("sub_a", "Việc A") + _user("sub_b", "Việc B")
             + '<bpmn:endEvent id="sub_end"/>' + _flows("sub_start", "sub_split", prefix="s")
             + _flows("sub_join", "sub_end", prefix="e") + _flows("sub_split", "sub_a", "sub_join", prefix="a")
             + _flows("sub_split", "sub_b", "sub_join", prefix="b"))
    body = ('<bpmn:startEvent id="start"/>' + _user("before", "Trước")
            + f'<bpmn:subProcess id="inner">{inner}</bpmn:subProcess>' + _user("after", "Sau")
            + '<bpmn:endEvent id="end"/>' + _flows("start", "before", "inner", "after", "end"))
    return doc(pid, body)


def event_subprocess(pid: str = "event_sub") -> dict[str, bytes]:
    handler = ('<bpmn:startEvent id="tick" isInterrupting="false"><bpmn:timerEventDefinition><bpmn:timeDuration>'
               '"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>'
               + _user("check_in", "Hỏi thăm") + '<bpmn:endEvent id="tick_end"/>'
               + _flows("tick", "check_in", "tick_end", prefix="h"))
    body = ('<bpmn:startEvent id="start"/>' + _user("work", "Xử lý") + _user("finish", "Kết thúc")
            + '<bpmn:endEvent id="end"/>' + _flows("start", "work", "finish", "end")
            + f'<bpmn:subProcess id="watch" triggeredByEvent="true">{handler}</bpmn:subProcess>')
    return doc(pid, body)


def call_activity(pid: str = "caller") -> dict[str, bytes]:
    callee = ('<bpmn:startEvent id="c_start"/>' + _user("c_task", "Việc được gọi")
              + '<bpmn:intermediateCatchEvent id="c_wait"><bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"'
                '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
              + _user("c_after", "Sau hẹn giờ") + '<bpmn:endEvent id="c_end"/>'
              + _flows("c_start", "c_task", "c_wait", "c_after", "c_end", prefix="c"))
    body = ('<bpmn:startEvent id="start"/>' + _user("before", "Trước")
            + '<bpmn:callActivity id="call" calledElement="callee"/>' + _user("after", "Sau")
            + '<bpmn:endEvent id="end"/>' + _flows("start", "before", "call", "after", "end"))
    files = doc(pid, body)
    files.update(doc("callee", callee))
    return files


def _timer(tid: str, on: str, duration: str) -> str:
    return (f'<bpmn:boundaryEvent id="{tid}" attachedToRef="{on}" cancelActivity="false"><bpmn:timerEventDefinition>'
            f'<bpmn:timeDuration>"{duration}"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>')


def escalation_twice(pid: str = "escalate_twice") -> dict[str, bytes]:
    """Two limits missed one after the other lead to the same escalation, whose task has a limit of its own
    (as in child_protection_case: three 12-hour timers into one parallel split, each escalation timed).
    The second run of ``fan`` prunes the first run's branch, its waiting ``escalation_limit`` included;
    stock SpiffWorkflow 3.2.0 leaves that timer in its event manager and fails at the next timer refresh."""
    body = ('<bpmn:startEvent id="start"/><bpmn:parallelGateway id="split"/>' + _user("a", "Việc A")
            + _user("b", "Việc B") + _timer("a_limit", "a", "PT1H") + _timer("b_limit", "b", "PT2H")
            + '<bpmn:exclusiveGateway id="missed"/><bpmn:parallelGateway id="fan"/>'
            + _user("escalate", "Cấp trên xử lý") + _user("inform", "Báo cấp trên")
            + _timer("escalation_limit", "escalate", "PT5H")
            + "".join(f'<bpmn:endEvent id="{e}"/>' for e in ("end_a", "end_b", "end_e", "end_i", "end_late"))
            + _flows("start", "split") + _flows("split", "a", "end_a", prefix="a") + _flows("split", "b", "end_b", prefix="b")
            + _flows("a_limit", "missed", prefix="la") + _flows("b_limit", "missed", prefix="lb")
            + _flows("missed", "fan", "escalate", "end_e", prefix="e") + _flows("fan", "inform", "end_i", prefix="i")
            + _flows("escalation_limit", "end_late", prefix="x"))
    return doc(pid, body)


def stalled_join(pid: str) -> dict[str, bytes]:
    """A modelling error BVTE cannot refuse up front: an exclusive choice into a parallel join. After ``a``
    the case stops with no task, timer or awaited event (the join waits for ``b`` forever)."""
    body = ('<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="pick" default="to_a"/>'
            '<bpmn:parallelGateway id="join"/>' + _user("a") + _user("b") + _user("after")
            + '<bpmn:endEvent id="e"/>' + _flows("s", "pick")
            + '<bpmn:sequenceFlow id="to_a" sourceRef="pick" targetRef="a"/><bpmn:sequenceFlow id="to_b" '
              'sourceRef="pick" targetRef="b"><bpmn:conditionExpression>False</bpmn:conditionExpression>'
              '</bpmn:sequenceFlow>' + _flows("a", "join", prefix="a") + _flows("b", "join", prefix="b")
            + _flows("join", "after", "e", prefix="j"))
    return doc(pid, body)


# name -> (files, main process id, start data, ids of user tasks whose data drives a gateway or loop)
PROCESSES = {
    "mi_parallel_cardinality": (multi_instance("mi_par_card", False, False), "mi_par_card", {}),
    "mi_sequential_cardinality": (multi_instance("mi_seq_card", True, False), "mi_seq_card", {}),
    "mi_parallel_collection": (multi_instance("mi_par_coll", False, True), "mi_par_coll", {}),
    "mi_sequential_collection": (multi_instance("mi_seq_coll", True, True), "mi_seq_coll", {}),
    "loop_1": (standard_loop(), "loop_std", {"target": 1, "visits": 0}),
    "loop_2": (standard_loop(), "loop_std", {"target": 2, "visits": 0}),
    "gateway_loop_3": (gateway_loop(), "loop_gw", {"target": 3, "visits": 0}),
    "event_gateway": (event_gateway(), "event_gw", {}),
    "boundary_timers": (boundary_timers(), "boundary", {}),
    "intermediate_timer": (intermediate_timer(), "pause", {}),
    "parallel": (parallel(), "parallel", {}),
    "embedded_subprocess": (embedded(), "embedded", {}),
    "event_subprocess": (event_subprocess(), "event_sub", {}),
    "call_activity": (call_activity(), "caller", {}),
    "escalation_twice": (escalation_twice(), "escalate_twice", {}),
}
