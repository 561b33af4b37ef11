"""Draw the first versions of BVTE's BPMN files, with diagram interchange (DI) for modellers.

This is how the files in ``bpmn/`` were first laid out; from then on the ``.bpmn`` files are the
source of truth and policy staff edit them in the modeller. Re-running this overwrites them:
``python tools/draw_bpmn.py``.

Layout: one horizontal band per lane, nodes on a grid (column, lane), boundary timers on the
lower edge of their task, sequence flows as orthogonal polylines.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from dataclasses import field
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "bpmn")

COL_W, LANE_H, X0, LANE_X, LABEL_W = 190, 170, 230, 120, 30
SIZES = {"userTask": (130, 80), "scriptTask": (130, 80), "callActivity": (130, 80),
         "startEvent": (36, 36), "endEvent": (36, 36), "exclusiveGateway": (50, 50),
         "parallelGateway": (50, 50), "inclusiveGateway": (50, 50), "intermediateCatchEvent": (36, 36)}


@dataclass
class Node:
    id: str
    kind: str
    name: str
    lane: str
    col: float
    row: float = 0.5          # vertical position inside the lane, 0..1
    script: str | None = None
    called: str | None = None
    loop: str | None = None
    default: str | None = None
    doc: str | None = None


@dataclass
class Flow:
    id: str
    src: str
    tgt: str
    name: str | None = None
    cond: str | None = None


@dataclass
class Boundary:
    id: str
    attached: str
    name: str
    expr: str
    interrupting: bool = False


@dataclass
class Process:
    id: str
    name: str
    lanes: list[tuple[str, str]]
    nodes: list[Node] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    boundaries: list[Boundary] = field(default_factory=list)
    doc: str = ""

    def n(self, *args, **kw):
        self.nodes.append(Node(*args, **kw))

    def f(self, src, tgt, name=None, cond=None, fid=None):
        self.flows.append(Flow(fid or f"flow_{src}_to_{tgt}", src, tgt, name, cond))

    def b(self, *args, **kw):
        self.boundaries.append(Boundary(*args, **kw))


def _geometry(p: Process):
    lane_idx = {lid: i for i, (lid, _) in enumerate(p.lanes)}
    geo = {}
    for node in p.nodes:
        w, h = SIZES[node.kind]
        cx = X0 + node.col * COL_W
        cy = 40 + lane_idx[node.lane] * LANE_H + node.row * LANE_H
        geo[node.id] = (cx - w / 2, cy - h / 2, w, h)
    for bd in p.boundaries:
        x, y, w, h = geo[bd.attached]
        k = sum(1 for other in p.boundaries if other.attached == bd.attached and other.id < bd.id)
        geo[bd.id] = (x + w - 46 - k * 40, y + h - 18, 36, 36)
    return geo


def _waypoints(geo, src, tgt):
    sx, sy, sw, sh = geo[src]
    tx, ty, tw, th = geo[tgt]
    if tx > sx + sw:   # forward
        a = (sx + sw, sy + sh / 2)
        b = (tx, ty + th / 2)
        if abs(a[1] - b[1]) < 1:
            return [a, b]
        mid = (a[0] + b[0]) / 2
        return [a, (mid, a[1]), (mid, b[1]), b]
    if sy + sh <= ty or ty + th <= sy:   # vertical neighbour, leave from bottom/top
        down = ty > sy
        a = (sx + sw / 2, sy + sh if down else sy)
        b = (tx + tw / 2, ty if down else ty + th)
        return [a, (a[0], (a[1] + b[1]) / 2), (b[0], (a[1] + b[1]) / 2), b] if abs(a[0] - b[0]) > 1 else [a, b]
    # backward loop: go over the top
    a = (sx + sw / 2, sy)
    b = (tx + tw / 2, ty)
    top = min(sy, ty) - 25
    return [a, (a[0], top), (b[0], top), b]


def render(p: Process, collab_id: str) -> str:
    geo = _geometry(p)
    defaults = {node.id: node.default for node in p.nodes if node.default}
    inc: dict[str, list[str]] = {}
    out: dict[str, list[str]] = {}
    for fl in p.flows:
        out.setdefault(fl.src, []).append(fl.id)
        inc.setdefault(fl.tgt, []).append(fl.id)
    x = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
         'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
         'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
         'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
         'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
         f'id="defs_{p.id}" targetNamespace="https://bvte.example.org/bpmn" exporter="BVTE draw_bpmn" exporterVersion="1">',
         f'  <bpmn:collaboration id="{collab_id}">',
         f'    <bpmn:participant id="participant_{p.id}" name="{escape(p.name)}" processRef="{p.id}"/>',
         '  </bpmn:collaboration>',
         f'  <bpmn:process id="{p.id}" name="{escape(p.name)}" isExecutable="true">']
    if p.doc:
        x.append(f'    <bpmn:documentation>{escape(p.doc)}</bpmn:documentation>')
    x.append(f'    <bpmn:laneSet id="laneset_{p.id}">')
    for lid, lname in p.lanes:
        x.append(f'      <bpmn:lane id="{lid}" name="{escape(lname)}">')
        members = [n.id for n in p.nodes if n.lane == lid]
        members += [b.id for b in p.boundaries if next(n for n in p.nodes if n.id == b.attached).lane == lid]
        x += [f'        <bpmn:flowNodeRef>{m}</bpmn:flowNodeRef>' for m in members]
        x.append('      </bpmn:lane>')
    x.append('    </bpmn:laneSet>')
    for node in p.nodes:
        attrs = f'id="{node.id}" name="{escape(node.name)}"'
        if node.kind == "callActivity":
            attrs += f' calledElement="{node.called}"'
        if node.id in defaults:
            attrs += f' default="{defaults[node.id]}"'
        x.append(f'    <bpmn:{node.kind} {attrs}>')
        if node.doc:
            x.append(f'      <bpmn:documentation>{escape(node.doc)}</bpmn:documentation>')
        x += [f'      <bpmn:incoming>{i}</bpmn:incoming>' for i in inc.get(node.id, [])]
        x += [f'      <bpmn:outgoing>{o}</bpmn:outgoing>' for o in out.get(node.id, [])]
        if node.loop:
            x.append('      <bpmn:standardLoopCharacteristics>')
            x.append(f'        <bpmn:loopCondition xsi:type="bpmn:tFormalExpression">{escape(node.loop)}</bpmn:loopCondition>')
            x.append('      </bpmn:standardLoopCharacteristics>')
        if node.script is not None:
            x.append(f'      <bpmn:script>{escape(node.script)}</bpmn:script>')
        x.append(f'    </bpmn:{node.kind}>')
    for bd in p.boundaries:
        cancel = "true" if bd.interrupting else "false"
        x.append(f'    <bpmn:boundaryEvent id="{bd.id}" name="{escape(bd.name)}" attachedToRef="{bd.attached}" cancelActivity="{cancel}">')
        x += [f'      <bpmn:outgoing>{o}</bpmn:outgoing>' for o in out.get(bd.id, [])]
        x.append(f'      <bpmn:timerEventDefinition id="{bd.id}_def">')
        x.append(f'        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">{escape(bd.expr)}</bpmn:timeDate>')
        x.append('      </bpmn:timerEventDefinition>')
        x.append('    </bpmn:boundaryEvent>')
    for fl in p.flows:
        name = f' name="{escape(fl.name)}"' if fl.name else ""
        if fl.cond:
            x.append(f'    <bpmn:sequenceFlow id="{fl.id}"{name} sourceRef="{fl.src}" targetRef="{fl.tgt}">')
            x.append(f'      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(fl.cond)}</bpmn:conditionExpression>')
            x.append('    </bpmn:sequenceFlow>')
        else:
            x.append(f'    <bpmn:sequenceFlow id="{fl.id}"{name} sourceRef="{fl.src}" targetRef="{fl.tgt}"/>')
    x.append('  </bpmn:process>')
    # diagram interchange
    width = X0 + (max(n.col for n in p.nodes) + 1) * COL_W
    height = len(p.lanes) * LANE_H
    x.append(f'  <bpmndi:BPMNDiagram id="diagram_{p.id}">')
    x.append(f'    <bpmndi:BPMNPlane id="plane_{p.id}" bpmnElement="{collab_id}">')
    x.append(f'      <bpmndi:BPMNShape id="participant_{p.id}_di" bpmnElement="participant_{p.id}" isHorizontal="true">')
    x.append(f'        <dc:Bounds x="{LANE_X - LABEL_W}" y="40" width="{width - LANE_X + LABEL_W}" height="{height}"/>')
    x.append('      </bpmndi:BPMNShape>')
    for i, (lid, _) in enumerate(p.lanes):
        x.append(f'      <bpmndi:BPMNShape id="{lid}_di" bpmnElement="{lid}" isHorizontal="true">')
        x.append(f'        <dc:Bounds x="{LANE_X}" y="{40 + i * LANE_H}" width="{width - LANE_X}" height="{LANE_H}"/>')
        x.append('      </bpmndi:BPMNShape>')
    for node in p.nodes + p.boundaries:  # type: ignore[operator]
        gx, gy, gw, gh = geo[node.id]
        marker = ' isMarkerVisible="true"' if getattr(node, "kind", "") == "exclusiveGateway" else ""
        x.append(f'      <bpmndi:BPMNShape id="{node.id}_di" bpmnElement="{node.id}"{marker}>')
        x.append(f'        <dc:Bounds x="{gx:.0f}" y="{gy:.0f}" width="{gw}" height="{gh}"/>')
        if getattr(node, "kind", "boundary") not in ("userTask", "scriptTask", "callActivity"):
            x.append('        <bpmndi:BPMNLabel>')
            x.append(f'          <dc:Bounds x="{gx - 30:.0f}" y="{gy + gh + 4:.0f}" width="{gw + 60}" height="27"/>')
            x.append('        </bpmndi:BPMNLabel>')
        x.append('      </bpmndi:BPMNShape>')
    for fl in p.flows:
        x.append(f'      <bpmndi:BPMNEdge id="{fl.id}_di" bpmnElement="{fl.id}">')
        x += [f'        <di:waypoint x="{px:.0f}" y="{py:.0f}"/>' for px, py in _waypoints(geo, fl.src, fl.tgt)]
        x.append('      </bpmndi:BPMNEdge>')
    x.append('    </bpmndi:BPMNPlane>')
    x.append('  </bpmndi:BPMNDiagram>')
    x.append('</bpmn:definitions>')
    return "\n".join(x) + "\n"


OFFICER = ("lane_commune_officer", "Cán bộ làm công tác bảo vệ trẻ em cấp xã")
CHAIRMAN = ("lane_commune_chairman", "Chủ tịch Ủy ban nhân dân xã")
PROVINCE = ("lane_provincial_health", "Sở Y tế (cấp tỉnh)")


def main_process() -> Process:
    p = Process("child_protection_case", "Hỗ trợ, can thiệp trẻ em bị xâm hại hoặc có nguy cơ (NĐ 56/2017)",
                [OFFICER, CHAIRMAN, PROVINCE],
                doc="Quy trình tiếp nhận, đánh giá, can thiệp khẩn cấp, kế hoạch hỗ trợ, chuyển gửi, theo dõi và "
                    "kết thúc hồ sơ theo Điều 25–32 Nghị định 56/2017/NĐ-CP. Thời hạn: xem workflows/child_protection/deadlines.py.")
    o, c, s = OFFICER[0], CHAIRMAN[0], PROVINCE[0]
    p.n("report_received", "startEvent", "Tiếp nhận thông tin (Mẫu 01)", o, 0,
        doc="Điều 25: thông tin được ghi vào Mẫu 01 khi tiếp nhận; thời hạn 12 giờ tính từ thời điểm này.")
    p.n("initial_assessment", "userTask", "Đánh giá nguy cơ ban đầu (Mẫu 02)", o, 1,
        doc="Điều 26: đánh giá ban đầu để quyết định có áp dụng biện pháp khẩn cấp hay không.")
    p.n("emergency_gateway", "exclusiveGateway", "Cần can thiệp khẩn cấp?", o, 2, default="flow_no_emergency")
    p.n("emergency_decision", "userTask", "Quyết định biện pháp khẩn cấp, tạm thời cách ly (Điều 31–32)", c, 2.6)
    p.n("emergency_intervention", "userTask", "Can thiệp khẩn cấp: phối hợp công an, y tế, bảo quản chứng cứ", o, 3.6, row=0.3)
    p.n("after_emergency_split", "parallelGateway", "", o, 4.6, row=0.3)
    p.n("separation_gateway", "exclusiveGateway", "Tạm thời cách ly trẻ?", c, 4.6, row=0.75, default="flow_no_separation")
    p.n("temporary_separation", "callActivity", "Tạm thời cách ly, chăm sóc thay thế (tối đa 15 ngày)", c, 5.6, row=0.75,
        called="temporary_separation")
    p.n("separation_done", "endEvent", "Kết thúc cách ly", c, 6.6, row=0.75)
    p.n("assessment_merge", "exclusiveGateway", "", o, 5.6, row=0.5)
    p.n("start_plan_cycle", "scriptTask", "Bắt đầu tính thời hạn lập kế hoạch", o, 6.6,
        script="plan_cycle_started_at = initial_assessment_completed_at")
    p.n("specific_assessment", "userTask", "Đánh giá chi tiết, họp xác định nhu cầu (Mẫu 03)", o, 7.6)
    p.n("plan_merge", "exclusiveGateway", "", o, 8.6)
    p.n("draft_plan", "userTask", "Xây dựng kế hoạch hỗ trợ, can thiệp (Mẫu 04)", o, 9.6)
    p.n("submit_merge", "exclusiveGateway", "", o, 10.6)
    p.n("submit_plan", "scriptTask", "Trình Chủ tịch phê duyệt", o, 11.6, script="plan_submitted_at = now_iso()")
    p.n("approve_plan", "userTask", "Phê duyệt kế hoạch (Mẫu 05)", c, 12.6)
    p.n("plan_approved_gateway", "exclusiveGateway", "Kế hoạch được phê duyệt?", c, 13.6, default="flow_plan_rejected")
    p.n("revise_plan", "userTask", "Chỉnh sửa kế hoạch theo ý kiến Chủ tịch", o, 13.6, row=0.25)
    p.n("residence_gateway", "exclusiveGateway", "Trẻ cư trú ở xã khác?", c, 14.6, default="flow_same_commune")
    p.n("transfer_case", "scriptTask", "Chuyển hồ sơ về xã nơi trẻ cư trú", o, 15.2, row=0.75,
        script="responsible_commune = residence_commune\ntransferred_at = now_iso()")
    p.n("accept_transfer", "userTask", "Tiếp nhận hồ sơ chuyển đến (xã nơi trẻ cư trú)", o, 16.2, row=0.75)
    p.n("transfer_merge", "exclusiveGateway", "", c, 17.2)
    p.n("referral_split", "inclusiveGateway", "Chuyển gửi dịch vụ nào?", c, 18.2, default="flow_no_referral")
    refs = [("police", "Chuyển gửi Công an", "refer_police"), ("health", "Chuyển gửi cơ sở y tế", "refer_health"),
            ("education", "Chuyển gửi nhà trường", "refer_education"),
            ("legal_aid", "Chuyển gửi trợ giúp pháp lý", "refer_legal_aid"),
            ("social_work", "Chuyển gửi công tác xã hội", "refer_social_work")]
    # the five call activities stand in one column across the officer, chairman and province lanes
    rows = [(o, 0.25), (o, 0.75), (c, 0.25), (c, 0.75), (s, 0.3)]
    for (code, name, _), (lane, row) in zip(refs, rows, strict=True):
        p.n(f"referral_{code}", "callActivity", name, lane, 19.2, row=row, called=f"referral_{code}")
    p.n("referral_join", "inclusiveGateway", "", c, 20.2)
    p.n("review_visit", "userTask", "Theo dõi, rà soát, đánh giá thực hiện kế hoạch (Mẫu 06)", o, 21.2,
        loop='review_outcome == "continue"',
        doc="Vòng lặp chuẩn (standard loop): mỗi lần theo dõi là một lượt; dừng khi đề xuất kết thúc hoặc lập kế hoạch mới.")
    p.n("review_gateway", "exclusiveGateway", "Kết quả rà soát?", o, 22.2, default="flow_propose_closure")
    p.n("new_plan_cycle", "scriptTask", "Bắt đầu chu kỳ kế hoạch mới", o, 22.2, row=0.15,
        script="plan_cycle_started_at = review_visit_completed_at")
    p.n("close_case", "userTask", "Quyết định kết thúc kế hoạch, đóng hồ sơ", c, 23.2)
    p.n("case_closed", "endEvent", "Hồ sơ đã đóng", c, 24.2)
    # escalations
    p.n("response_overdue_merge", "exclusiveGateway", "", s, 2.6, row=0.75)
    p.n("escalate_response_overdue", "userTask", "Quá hạn 12 giờ: chỉ đạo xã can thiệp ngay", s, 3.6, row=0.75)
    p.n("response_escalated", "endEvent", "Đã đôn đốc", s, 4.6, row=0.75)
    p.n("plan_overdue_merge", "exclusiveGateway", "", c, 8.6, row=0.75)
    p.n("escalate_plan_overdue", "userTask", "Quá hạn 5 ngày làm việc: đôn đốc lập kế hoạch", c, 9.6, row=0.75)
    p.n("plan_escalated", "endEvent", "Đã đôn đốc", c, 10.6, row=0.75)
    p.n("escalate_approval_overdue", "userTask", "Chủ tịch xã chưa phê duyệt kế hoạch đúng hạn", s, 13.6, row=0.5)
    p.n("approval_escalated", "endEvent", "Đã đôn đốc", s, 14.6, row=0.5)

    p.b("assessment_12h_timer", "initial_assessment", "12 giờ kể từ khi tiếp nhận", 'due("emergency_response")')
    p.b("decision_12h_timer", "emergency_decision", "12 giờ kể từ khi tiếp nhận", 'due("emergency_response")')
    p.b("intervention_12h_timer", "emergency_intervention", "12 giờ kể từ khi tiếp nhận", 'due("emergency_response")')
    p.b("assessment_plan_timer", "specific_assessment", "5 ngày làm việc", 'due("plan_drafting")')
    p.b("draft_plan_timer", "draft_plan", "5 ngày làm việc", 'due("plan_drafting")')
    p.b("approval_timer", "approve_plan", "2 ngày làm việc", 'due("plan_approval")')

    f = p.f
    f("report_received", "initial_assessment")
    f("initial_assessment", "emergency_gateway")
    f("emergency_gateway", "emergency_decision", "Có: nguy hại nghiêm trọng hoặc người chăm sóc gây hại",
      "serious_harm or caregiver_is_abuser", fid="flow_emergency")
    f("emergency_gateway", "assessment_merge", "Không", fid="flow_no_emergency")
    f("emergency_decision", "emergency_intervention")
    f("emergency_intervention", "after_emergency_split")
    f("after_emergency_split", "separation_gateway")
    f("after_emergency_split", "assessment_merge")
    f("separation_gateway", "temporary_separation", "Có", "separation_ordered", fid="flow_separation")
    f("separation_gateway", "separation_done", "Không", fid="flow_no_separation")
    f("temporary_separation", "separation_done")
    f("assessment_merge", "start_plan_cycle")
    f("start_plan_cycle", "specific_assessment")
    f("specific_assessment", "plan_merge")
    f("plan_merge", "draft_plan")
    f("draft_plan", "submit_merge")
    f("submit_merge", "submit_plan")
    f("submit_plan", "approve_plan")
    f("approve_plan", "plan_approved_gateway")
    f("plan_approved_gateway", "residence_gateway", "Phê duyệt", "plan_approved", fid="flow_plan_approved")
    f("plan_approved_gateway", "revise_plan", "Yêu cầu chỉnh sửa", fid="flow_plan_rejected")
    f("revise_plan", "submit_merge")
    f("residence_gateway", "transfer_case", "Có", "residence_commune != incident_commune", fid="flow_other_commune")
    f("residence_gateway", "transfer_merge", "Không", fid="flow_same_commune")
    f("transfer_case", "accept_transfer")
    f("accept_transfer", "transfer_merge")
    f("transfer_merge", "referral_split")
    for code, _, var in refs:
        f("referral_split", f"referral_{code}", None, var, fid=f"flow_refer_{code}")
        f(f"referral_{code}", "referral_join")
    f("referral_split", "referral_join", "Không chuyển gửi", fid="flow_no_referral")
    f("referral_join", "review_visit")
    f("review_visit", "review_gateway")
    f("review_gateway", "new_plan_cycle", "Lập kế hoạch mới", 'review_outcome == "new_plan"', fid="flow_new_plan")
    f("review_gateway", "close_case", "Đề xuất kết thúc", fid="flow_propose_closure")
    f("new_plan_cycle", "plan_merge")
    f("close_case", "case_closed")
    for t in ("assessment_12h_timer", "decision_12h_timer", "intervention_12h_timer"):
        f(t, "response_overdue_merge")
    f("response_overdue_merge", "escalate_response_overdue")
    f("escalate_response_overdue", "response_escalated")
    for t in ("assessment_plan_timer", "draft_plan_timer"):
        f(t, "plan_overdue_merge")
    f("plan_overdue_merge", "escalate_plan_overdue")
    f("escalate_plan_overdue", "plan_escalated")
    f("approval_timer", "escalate_approval_overdue")
    f("escalate_approval_overdue", "approval_escalated")
    return p


REFERRALS = {
    "police": ("lane_commune_police", "Công an xã", "Công an"),
    "health": ("lane_health_station", "Trạm Y tế xã", "cơ sở y tế"),
    "education": ("lane_school", "Nhà trường", "nhà trường"),
    "legal_aid": ("lane_legal_aid", "Trung tâm Trợ giúp pháp lý nhà nước", "trợ giúp pháp lý"),
    "social_work": ("lane_social_work_centre", "Trung tâm Công tác xã hội", "công tác xã hội"),
}


def referral_process(code: str) -> Process:
    lane_id, lane_name, short = REFERRALS[code]
    p = Process(f"referral_{code}", f"Chuyển gửi {short}: tiếp nhận và thực hiện hỗ trợ",
                [(lane_id, lane_name), CHAIRMAN],
                doc="Điều 29 NĐ 56/2017 và Điều 50.2 Luật Trẻ em: cơ quan nhận chuyển gửi xác nhận tiếp nhận trong thời hạn "
                    "quy định rồi báo cáo kết quả hỗ trợ về xã.")
    r, c = lane_id, CHAIRMAN[0]
    p.n(f"{code}_referral_start", "startEvent", "Nhận yêu cầu chuyển gửi", r, 0)
    p.n(f"{code}_acknowledge", "userTask", f"Xác nhận tiếp nhận yêu cầu ({lane_name})", r, 1)
    p.n(f"{code}_report_outcome", "userTask", f"Báo cáo kết quả hỗ trợ ({lane_name})", r, 2)
    p.n(f"{code}_referral_end", "endEvent", "Hoàn thành chuyển gửi", r, 3)
    p.n(f"{code}_escalate_ack", "userTask", f"{lane_name} chưa xác nhận tiếp nhận đúng hạn", c, 2)
    p.n(f"{code}_escalated", "endEvent", "Đã đôn đốc", c, 3)
    p.b(f"{code}_ack_timer", f"{code}_acknowledge", "Hạn xác nhận", f'due("referral_ack_{code}")')
    p.f(f"{code}_referral_start", f"{code}_acknowledge")
    p.f(f"{code}_acknowledge", f"{code}_report_outcome")
    p.f(f"{code}_report_outcome", f"{code}_referral_end")
    p.f(f"{code}_ack_timer", f"{code}_escalate_ack")
    p.f(f"{code}_escalate_ack", f"{code}_escalated")
    return p


def separation_process() -> Process:
    p = Process("temporary_separation", "Tạm thời cách ly trẻ em, chăm sóc thay thế (Điều 32)",
                [OFFICER, CHAIRMAN, PROVINCE],
                doc="Điều 32 NĐ 56/2017: thời gian cách ly tối đa 15 ngày trừ khi cơ quan có thẩm quyền yêu cầu dài hơn.")
    o, c, s = OFFICER[0], CHAIRMAN[0], PROVINCE[0]
    p.n("separation_start", "startEvent", "Có quyết định tạm thời cách ly", c, 0)
    p.n("arrange_alternative_care", "userTask", "Bố trí nơi tạm trú an toàn, chăm sóc thay thế", o, 1)
    p.n("separation_review", "userTask", "Rà soát: chấm dứt hoặc gia hạn cách ly", c, 2)
    p.n("separation_action_gateway", "exclusiveGateway", "Quyết định?", c, 3, default="flow_separation_revoked")
    p.n("record_extension", "userTask", "Ghi nhận quyết định gia hạn của cơ quan có thẩm quyền", o, 4)
    p.n("end_extended_separation", "userTask", "Chấm dứt cách ly khi hết thời gian gia hạn", c, 5)
    p.n("separation_end_merge", "exclusiveGateway", "", c, 6)
    p.n("separation_ended", "endEvent", "Trẻ trở về / chấm dứt cách ly", c, 7)
    p.n("escalate_separation_limit", "userTask", "Quá 15 ngày cách ly chưa có quyết định", s, 3)
    p.n("separation_escalated", "endEvent", "Đã đôn đốc", s, 4)
    p.n("escalate_care_overdue", "userTask", "Quá hạn 12 giờ bố trí chăm sóc thay thế", s, 2, row=0.25)
    p.n("care_escalated", "endEvent", "Đã đôn đốc", s, 3, row=0.25)
    p.b("care_12h_timer", "arrange_alternative_care", "12 giờ kể từ khi tiếp nhận", 'due("emergency_response")')
    p.b("separation_limit_timer", "separation_review", "15 ngày", 'due("separation_limit")')
    p.f("separation_start", "arrange_alternative_care")
    p.f("arrange_alternative_care", "separation_review")
    p.f("separation_review", "separation_action_gateway")
    p.f("separation_action_gateway", "record_extension", "Gia hạn", 'separation_action == "extend"', fid="flow_separation_extended")
    p.f("separation_action_gateway", "separation_end_merge", "Chấm dứt", fid="flow_separation_revoked")
    p.f("record_extension", "end_extended_separation")
    p.f("end_extended_separation", "separation_end_merge")
    p.f("separation_end_merge", "separation_ended")
    p.f("separation_limit_timer", "escalate_separation_limit")
    p.f("escalate_separation_limit", "separation_escalated")
    p.f("care_12h_timer", "escalate_care_overdue")
    p.f("escalate_care_overdue", "care_escalated")
    return p


REPORTING = ("lane_provincial_reporting", "Bộ phận theo dõi, báo cáo cấp tỉnh")


def statutory_report_process() -> Process:
    p = Process("statutory_report", "Lập và gửi báo cáo định kỳ về bảo vệ trẻ em (TT 13/2021)",
                [REPORTING, PROVINCE],
                doc="Báo cáo định kỳ theo lịch của tỉnh (cấu hình: bvte reports schedule). Việc được tạo trước hạn "
                    "theo số ngày nhắc; quá hạn thì Sở Y tế được báo.")
    r, s = REPORTING[0], PROVINCE[0]
    p.n("report_period_opened", "startEvent", "Đến kỳ báo cáo", r, 0)
    p.n("submit_statutory_report", "userTask", "Lập và gửi báo cáo định kỳ", r, 1)
    p.n("report_submitted", "endEvent", "Đã gửi báo cáo", r, 2)
    p.n("escalate_report_overdue", "userTask", "Báo cáo định kỳ chưa gửi đúng hạn", s, 2)
    p.n("report_escalated", "endEvent", "Đã đôn đốc", s, 3)
    p.b("report_due_timer", "submit_statutory_report", "Hạn gửi báo cáo", 'due("report_due")')
    p.f("report_period_opened", "submit_statutory_report")
    p.f("submit_statutory_report", "report_submitted")
    p.f("report_due_timer", "escalate_report_overdue")
    p.f("escalate_report_overdue", "report_escalated")
    return p


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    procs = [main_process(), separation_process(), statutory_report_process()] + \
        [referral_process(code) for code in REFERRALS]
    for proc in procs:
        path = os.path.join(OUT, f"{proc.id}.bpmn")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(render(proc, f"collaboration_{proc.id}"))
        print("wrote", os.path.relpath(path))


if __name__ == "__main__":
    main()
