"""Small BPMN documents for loader and sandbox tests."""

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://example.org/t">
"""


def process(body: str, pid: str = "p", lanes: str = "") -> bytes:
    return (HEAD + f'<bpmn:process id="{pid}" isExecutable="true">' + lanes + body
            + "</bpmn:process></bpmn:definitions>").encode()


def one_lane(nodes: list[str], lane_id: str = "commune_officer") -> str:
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in nodes)
    return f'<bpmn:laneSet id="ls"><bpmn:lane id="{lane_id}" name="Cán bộ">{refs}</bpmn:lane></bpmn:laneSet>'


def script_process(script: str) -> bytes:
    body = ('<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="x"/>'
            f'<bpmn:scriptTask id="evil_script"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
            '<bpmn:sequenceFlow id="b" sourceRef="evil_script" targetRef="u"/>'
            '<bpmn:userTask id="u" name="Việc"/><bpmn:sequenceFlow id="c" sourceRef="u" targetRef="e"/>'
            '<bpmn:endEvent id="e"/>').replace('targetRef="x"', 'targetRef="evil_script"')
    return process(body, lanes=one_lane(["s", "evil_script", "u", "e"]))


SIMPLE = process('<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="u"/>'
                 '<bpmn:userTask id="u" name="Việc"/><bpmn:sequenceFlow id="b" sourceRef="u" targetRef="e"/>'
                 '<bpmn:endEvent id="e"/>', lanes=one_lane(["s", "u", "e"]))
