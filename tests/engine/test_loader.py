"""Validation of BPMN bundles: good files pass; broken and hostile ones are refused, naming the element."""

import os

import pytest

from engine.errors import InvalidProcess
from engine.loader import MAX_FILE_BYTES
from engine.loader import collect_bundle
from engine.loader import parse_bundle
from tests.support.bpmn_snippets import HEAD
from tests.support.bpmn_snippets import SIMPLE
from tests.support.bpmn_snippets import one_lane
from tests.support.bpmn_snippets import process
from tests.support.bpmn_snippets import script_process
from workflows import BPMN_DIR
from workflows import build_registry

REG = build_registry()


def problems(files):
    with pytest.raises(InvalidProcess) as err:
        parse_bundle(files, REG)
    return err.value.problems


def test_statutory_bundle_is_valid():
    bundle = parse_bundle(collect_bundle(os.path.join(BPMN_DIR, "child_protection_case.bpmn")), REG)
    assert bundle.main_id == "child_protection_case"
    # the main file and the 9 processes it calls (new_danger_response since 70727bc, incident_report: #21.4)
    assert len(bundle.files) == 10


def test_simple_process_with_agency_named_lane_is_valid():
    assert parse_bundle({"simple.bpmn": SIMPLE}, REG).main_id == "p"


def test_unmapped_lane_is_named():
    doc = SIMPLE.replace(b'lane id="commune_officer"', b'lane id="lane_nobody"')
    assert any(eid == "lane_nobody" and "agency" in msg for eid, msg in problems({"x.bpmn": doc}))


def test_task_outside_any_lane_is_named():
    doc = SIMPLE.replace(b"<bpmn:flowNodeRef>u</bpmn:flowNodeRef>", b"")
    assert any(eid == "u" for eid, _ in problems({"x.bpmn": doc}))


def test_malformed_xml():
    (eid, msg), = problems({"broken.bpmn": b"<bpmn:definitions><oops"})
    assert eid == "broken.bpmn" and "XML" in msg


@pytest.mark.parametrize("doc", [
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><d>&b;</d>',
    b'<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd"><d/>',
])
def test_entities_and_dtds_are_refused(doc):
    (eid, msg), = problems({"evil.bpmn": doc})
    assert eid == "evil.bpmn" and "DTD" in msg


def test_utf16_doctype_is_still_refused():
    doc = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY x "y">]><d>&x;</d>'.encode("utf-16")
    assert problems({"evil.bpmn": doc})


def test_huge_file_refused():
    (eid, msg), = problems({"big.bpmn": b" " * (MAX_FILE_BYTES + 1)})
    assert "too large" in msg


def test_deep_nesting_refused():
    doc = HEAD.encode() + b"<a>" * 200 + b"</a>" * 200 + b"</bpmn:definitions>"
    (eid, msg), = problems({"deep.bpmn": doc})
    assert "nesting" in msg


def test_not_bpmn_refused():
    (eid, msg), = problems({"x.bpmn": b"<html/>"})
    assert "BPMN" in msg


@pytest.mark.parametrize("script", [
    "import os", "x = __import__('os')", "n = ().__class__.__base__.__subclasses__()",
    "f = open('/etc/hostname').read()", "x = (lambda: 1).__globals__",
])
def test_hostile_scripts_are_rejected_by_element_without_running(script, tmp_path):
    marker = tmp_path / "ran"
    doc = script_process(script + f"\nopen({str(marker)!r}, 'w')")
    found = problems({"evil.bpmn": doc})
    assert any(eid == "evil_script" for eid, _ in found), found
    assert not marker.exists()


def test_timer_must_be_literal_or_due():
    # a bare ISO 8601 literal (PT12H) is quoted instead (#19.2: tests/engine/test_accept_standard.py)
    body = ('<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="u"/>'
            '<bpmn:userTask id="u" name="Việc"/><bpmn:sequenceFlow id="b" sourceRef="u" targetRef="e"/>'
            '<bpmn:endEvent id="e"/>'
            '<bpmn:boundaryEvent id="t1" attachedToRef="u"><bpmn:timerEventDefinition>'
            '<bpmn:timeDuration>twelve_hours</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
            '<bpmn:boundaryEvent id="t2" attachedToRef="u"><bpmn:timerEventDefinition>'
            '<bpmn:timeDate>"not a date"</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
            '<bpmn:boundaryEvent id="t3" attachedToRef="u"><bpmn:timerEventDefinition>'
            '<bpmn:timeDuration>"PT12H"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>')
    found = dict(problems({"x.bpmn": process(body, lanes=one_lane(["s", "u", "e", "t1", "t2", "t3"]))}))
    assert "t1" in found and "t2" in found and "t3" not in found


def test_missing_called_process_is_named():
    body = ('<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="call"/>'
            '<bpmn:callActivity id="call" calledElement="nowhere"/>'
            '<bpmn:sequenceFlow id="b" sourceRef="call" targetRef="e"/><bpmn:endEvent id="e"/>')
    found = problems({"x.bpmn": process(body, lanes=one_lane(["s", "call", "e"]))})
    assert any(eid == "call" and "nowhere" in msg for eid, msg in found)


def test_unsupported_element_is_named():
    body = ('<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="e"/>'
            '<bpmn:complexGateway id="cg"/><bpmn:endEvent id="e"/>')
    found = problems({"x.bpmn": process(body, lanes=one_lane(["s", "e"]))})
    assert any(eid == "cg" and "unsupported" in msg for eid, msg in found)


def _statutory_files():
    return collect_bundle(os.path.join(BPMN_DIR, "child_protection_case.bpmn"))


def test_dropping_the_12_hour_timer_is_blocked():
    files = _statutory_files()
    main = files["child_protection_case.bpmn"].decode()
    start = main.index('<bpmn:boundaryEvent id="decision_12h_timer"')
    end = main.index("</bpmn:boundaryEvent>", start) + len("</bpmn:boundaryEvent>")
    main = main[:start] + main[end:]
    main = main.replace('<bpmn:sequenceFlow id="flow_decision_12h_timer_to_response_overdue_merge" '
                        'sourceRef="decision_12h_timer" targetRef="response_overdue_merge"/>', "")
    main = main.replace("<bpmn:flowNodeRef>decision_12h_timer</bpmn:flowNodeRef>", "")
    files["child_protection_case.bpmn"] = main.encode()
    found = problems(files)
    assert any(eid == "emergency_decision" and "12" in msg for eid, msg in found), found


def test_missing_form_for_user_task_is_named():
    files = _statutory_files()
    main = files["child_protection_case.bpmn"].decode().replace('id="close_case"', 'id="close_case_v2"')
    main = main.replace('"close_case"', '"close_case_v2"').replace(">close_case<", ">close_case_v2<")
    main = main.replace('sourceRef="close_case"', 'sourceRef="close_case_v2"')
    main = main.replace('targetRef="close_case"', 'targetRef="close_case_v2"')
    files["child_protection_case.bpmn"] = main.encode()
    assert any(eid == "close_case_v2" and "form" in msg for eid, msg in problems(files))
