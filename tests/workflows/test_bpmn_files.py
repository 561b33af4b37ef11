"""Every file in bpmn/ parses, validates, maps its lanes, names its elements in Vietnamese and has a diagram."""

import pathlib
import re

import pytest
from lxml import etree

from engine.loader import BPMN
from engine.loader import collect_bundle
from engine.loader import parse_bundle
from workflows import BPMN_DIR
from workflows import build_registry
from workflows.child_protection.process import CONFIG

FILES = sorted(pathlib.Path(BPMN_DIR).glob("*.bpmn"))
DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
FLOW_NODES = ("startEvent", "endEvent", "userTask", "scriptTask", "callActivity", "exclusiveGateway",
              "parallelGateway", "inclusiveGateway", "boundaryEvent")


def test_configs_list_every_file():
    listed = {name for cfg in build_registry()._configs.values() for name in cfg.bpmn_files}
    assert set(CONFIG.bpmn_files) <= listed
    assert listed == {p.name for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_validates_with_its_callees(path):
    bundle = parse_bundle(collect_bundle(str(path)), build_registry(), check_forms=True)
    assert bundle.spec is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_diagram_interchange_and_vietnamese_names(path):
    root = etree.parse(str(path)).getroot()
    shapes = {el.get("bpmnElement") for el in root.iter(DI + "BPMNShape")}
    edges = {el.get("bpmnElement") for el in root.iter(DI + "BPMNEdge")}
    for tag in FLOW_NODES:
        for el in root.iter(BPMN + tag):
            assert el.get("id") in shapes, f"{el.get('id')} has no shape"
            assert re.fullmatch(r"[a-z][a-z0-9_]*", el.get("id")), el.get("id")
            if tag in ("userTask", "scriptTask", "callActivity"):
                assert el.get("name"), f"{el.get('id')} has no name"
    for el in root.iter(BPMN + "sequenceFlow"):
        assert el.get("id") in edges
    for lane in root.iter(BPMN + "lane"):
        assert lane.get("id") in shapes and lane.get("name")


def test_user_task_names_are_vietnamese():
    root = etree.parse(str(pathlib.Path(BPMN_DIR) / "child_protection_case.bpmn")).getroot()
    names = [el.get("name") for el in root.iter(BPMN + "userTask")]
    assert any("Đánh giá" in n for n in names) and any("Phê duyệt" in n for n in names)
