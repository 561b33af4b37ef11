"""Every figure of the statistical report equals a count written here from the raw inputs (not through the
report's code): children not reports, only child-protection cases, open overdue steps counted late (#21.4)."""

import datetime as dt
import io
import random
from collections import Counter

import openpyxl

from tests.support.samples import REPORT
from workflows.child_protection.identity import child_identity
from workflows.child_protection.process import open_case
from workflows.child_protection.reports import build_report
from workflows.child_protection.reports import to_excel
from workflows.reporting import ensure_report_reminders

START, END = dt.date(2026, 11, 1), dt.date(2026, 12, 31)
FORMS = ["violence", "sexual_abuse", "neglect", "exploitation"]
SETTINGS = ["family", "school", "community", "online", None]
GROUPS = [None, None, "d", "i", "l", "a"]
# the pool of children: name as first written, a spelling of the same name, sex, age, residence commune
POOL = [("Nguyễn Văn An", "nguyen van an", "male", 4, "X01"), ("Trần Thị Bình", "TRAN THI BINH", "female", 7, "X01"),
        ("Lê Minh Châu", "Le Minh Chau", "female", 12, "X02"), ("Phạm Đức Dũng", "Pham Duc Dung", "male", 15, "X02"),
        ("Hoàng Thu Hà", "hoang thu ha", "female", 9, "X01"), ("Vũ Quốc Hưng", "Vu Quoc Hung", "male", 13, "X01"),
        ("Đặng Ngọc Lan", "Dang Ngoc Lan", "female", 16, "X02"), ("Bùi Gia Khánh", "Bui Gia Khanh", "unknown", 3, "X02")]
CLOSURES = [dict(support_provided=["medical", "education"], perpetrator_count=1, perpetrator_handling="criminal"),
            dict(support_provided=["caregiver_counselling"], perpetrator_count=2, perpetrator_handling="administrative",
                 sanctions=["fine", "remedial"], fine_amount=7_500_000, sanction_decision="12/QĐ-XPHC"),
            dict(support_provided=[], perpetrator_count=1, perpetrator_handling="administrative", sanctions=["warning"])]


def age_group(age):
    return "unknown" if age is None else "under_6" if age < 6 else "6_11" if age < 12 else "12_15" if age < 16 \
        else "16_17"


def do(engine, case_id, task, **overrides):
    """Complete ``task`` as a user of the agency whose inbox holds it (the commune serving the case)."""
    from sqlalchemy import select

    from engine.models import User
    from tests.support.samples import SAMPLES
    from tests.support.samples import actor_for
    from tests.support.samples import open_task

    ot = open_task(engine, case_id, task)
    with engine.db.read() as s:
        username = s.execute(select(User.username).where(User.agency_id == ot.agency_id).limit(1)).scalar_one()
    engine.complete_task(ot.id, dict(SAMPLES[task], **overrides), actor_for(engine, username))


def seed(engine, as_user, clock, rng):
    """The inputs: a list of (case, who) where who is the pool index or None (a child without a name)."""
    hotline = as_user("tongdai111")
    made = []
    for i in range(22):
        who = rng.choice([*range(len(POOL)), None])
        report = dict(REPORT, case_category=rng.choice(["abused", "abused", "at_risk", "special_circumstances"]),
                      abuse_forms=rng.sample(FORMS, rng.randint(0, 2)), incident_commune=rng.choice(["X01", "X02"]))
        report.pop("child_age")
        report.pop("child_name")
        setting, group = rng.choice(SETTINGS), rng.choice(GROUPS)
        if setting:
            report["incident_setting"] = setting
        if group:
            report["special_circumstance_group"] = group
        if who is not None:
            name, spelt, sex, age, home = POOL[who]
            report.update(child_name=name if rng.random() < .5 else spelt, child_age=age, residence_commune=home,
                          child_sex=sex if rng.random() < .8 else "unknown")
        else:
            report.update(child_sex=rng.choice(["male", "female"]))
        if i == 0:   # received before the period: not counted
            report["received_at"] = "2026-10-25T09:00:00+07:00"
        case = open_case(engine, report, hotline)
        made.append((case, who, report))
        clock.advance(dt.timedelta(minutes=7))
    in_period = [m for m in made[1:]]
    # three closed with what the closure records, two more assessed; the rest keep their initial assessment open
    closed, assessed = in_period[:3], in_period[3:5]
    for (case, _who, _r), closure in zip(closed, CLOSURES, strict=True):
        for name in ("initial_assessment", "specific_assessment", "draft_plan", "approve_plan"):
            do(engine, case.id, name)
        do(engine, case.id, "review_visit", review_outcome="close")
        do(engine, case.id, "close_case", **closure)
    for case, _who, _r in assessed:
        do(engine, case.id, "initial_assessment", abuse_forms=["neglect"], special_circumstance_group="k")
    return made, closed, assessed


def expected(made, assessed, links, commune=None):
    """The figures counted straight from the inputs."""
    rows = [m for m in made[1:] if commune is None or commune in (m[2]["incident_commune"],
                                                                m[2].get("residence_commune"))]
    extra = {m[0].id: {"forms": {"neglect"}, "group": {"k"}} for m in assessed}
    key = {}
    for case, who, _r in rows:
        key[case.id] = f"pool{who}" if who is not None else f"alone{case.id}"
    for a, b in links:   # an officer's link joins two children
        if a in key and b in key:
            old, new = key[b], key[a]
            key = {c: (new if k == old else k) for c, k in key.items()}
    kids: dict[str, dict] = {}
    for case, _who, r in rows:
        k = kids.setdefault(key[case.id], {"sex": "unknown", "age": None, "forms": set(), "settings": set(),
                                           "groups": set(), "cats": set(), "commune": None, "cases": []})
        k["cases"].append(case.id)
        if r["child_sex"] != "unknown":
            k["sex"] = r["child_sex"]
        if k["age"] is None and r.get("child_age") is not None:
            k["age"] = r["child_age"]
        k["forms"] |= set(r["abuse_forms"]) | extra.get(case.id, {}).get("forms", set())
        k["settings"].add(r.get("incident_setting") or "unknown")
        k["groups"] |= ({r["special_circumstance_group"]} if r.get("special_circumstance_group") else set()) \
            | extra.get(case.id, {}).get("group", set())
        k["cats"].add(r["case_category"])
        k["commune"] = r.get("residence_commune") or r["incident_commune"]
    abused = [k for k in kids.values() if "abused" in k["cats"]]
    return {"reports": len(rows), "children": len(kids), "abused": len(abused),
            "by_sex": Counter(k["sex"] for k in abused), "by_age": Counter(age_group(k["age"]) for k in abused),
            "by_abuse": Counter(f for k in abused for f in k["forms"]),
            "by_setting": Counter(s for k in abused for s in k["settings"]),
            "by_commune": Counter(k["commune"] for k in abused),
            "by_group": Counter(g for k in kids.values() for g in k["groups"]),
            "kids": kids}


def nonzero(d):
    return {k: v for k, v in d.items() if v}


def test_figures_equal_an_independent_count(engine, as_user, clock):
    rng = random.Random(21)
    made, closed, assessed = seed(engine, as_user, clock, rng)
    # an officer links two reports written with different names: one child
    a, b = made[5][0], made[6][0]
    engine.link_cases(a.id, b.id, as_user("canbo.x01"))
    # the report reminder (statutory_report) opened by the schedule is no child
    clock.set(dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc))
    assert ensure_report_reminders(engine) >= 1
    # the open initial assessments pass their 12 hours: overdue, escalated
    clock.advance(dt.timedelta(hours=13))
    engine.fire_due_timers()
    rep = build_report(engine, "P01", START, END)
    exp = expected(made, assessed, [(a.id, b.id)])
    assert (rep.reports, rep.children, rep.abused) == (exp["reports"], exp["children"], exp["abused"])
    assert rep.children < rep.reports          # repeats are one child
    for name in ("by_sex", "by_age", "by_abuse", "by_setting", "by_commune", "by_group"):
        assert nonzero(getattr(rep, name)) == dict(exp[name]), name
    # supported: the three closed cases' children (an approved plan), and what their closure recorded
    closed_kids = {k for k, v in exp["kids"].items() if {c.id for c, *_ in closed} & set(v["cases"])}
    assert rep.supported == len(closed_kids)
    assert rep.support_by_kind["plan"] == len(closed_kids)
    kinds = Counter()
    for kid in closed_kids:
        kinds.update({s for (c, *_), cl in zip(closed, CLOSURES, strict=True) if c.id in exp["kids"][kid]["cases"]
                      for s in cl["support_provided"]})
    assert {k: rep.support_by_kind[k] for k in kinds} == dict(kinds)
    # perpetrators handled and sanctions (closure data, NĐ 130/2021)
    assert rep.perpetrators["cases"] == dict(Counter(c["perpetrator_handling"] for c in CLOSURES))
    people = Counter()
    for c in CLOSURES:
        people[c["perpetrator_handling"]] += c["perpetrator_count"]
    assert rep.perpetrators["people"] == dict(people)
    assert rep.perpetrators["sanctions"] == dict(Counter(s for c in CLOSURES for s in c.get("sanctions", [])))
    assert rep.perpetrators["fines"] == 7_500_000
    # compliance: the open overdue assessments count as late (it showed 100 % before)
    row = next(r for r in rep.compliance if r["rule"] == "emergency_response")
    done = len(closed) + len(assessed)
    open_late = len(made) - 1 - done
    assert (row["steps"], row["on_time"], row["open_overdue"]) == (done, done, open_late)
    assert row["share"] == done / (done + open_late) < 1
    assert any(o["escalated"] for o in rep.overdue)
    assert all(not o["reference"].startswith("BC-") for o in rep.overdue)
    # one commune: the same count over its cases only
    x02 = build_report(engine, "P01", START, END, "X02")
    exp2 = expected(made, assessed, [(a.id, b.id)], "X02")
    assert (x02.reports, x02.children, x02.abused) == (exp2["reports"], exp2["children"], exp2["abused"])
    assert nonzero(x02.by_sex) == dict(exp2["by_sex"]) and nonzero(x02.by_group) == dict(exp2["by_group"])
    # nothing outside the period but the early report
    early = build_report(engine, "P01", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert (early.reports, early.children) == (1, 1)
    # Excel: the same figures, counts as whole numbers, dates as dates, shares as percentages
    wb = openpyxl.load_workbook(io.BytesIO(to_excel(rep)))
    ws = wb["Biểu tổng hợp"]
    assert ws["B2"].value.date() == START and ws["B2"].number_format == "dd/mm/yyyy"
    cells = {r[1].value: r[3] for r in ws.iter_rows(min_row=6) if r[1].value and r[3].value is not None}
    assert cells["Số trẻ em bị xâm hại"].value == exp["abused"]
    assert cells["Số trẻ em có hồ sơ trong kỳ"].value == exp["children"]
    assert cells["Số trẻ em có hồ sơ trong kỳ"].number_format == "#,##0"
    assert cells["Tổng số tiền phạt"].value == 7_500_000
    assert all(r[4].value for r in ws.iter_rows(min_row=6) if r[0].value in ("I", "II", "III", "IV", "V"))
    comp = wb["Tuân thủ thời hạn"]
    first = next(r for r in comp.iter_rows(min_row=2) if r[0].value == row["label"])
    assert first[5].number_format == "0.0%" and abs(first[5].value - row["share"]) < 1e-9
    late = wb["Quá hạn"]
    assert isinstance(late["D2"].value, dt.datetime) and late["D2"].number_format == "hh:mm dd/mm/yyyy"


def test_child_identity_keeps_apart_what_the_register_keeps_apart():
    from types import SimpleNamespace as C

    cases = [C(id="a", dedup_key="k"), C(id="b", dedup_key="k"), C(id="c", dedup_key=None), C(id="d", dedup_key="k")]
    same = child_identity(cases, [])
    assert same["a"] == same["b"] == same["d"] != same["c"]
    linked = child_identity(cases, [("c", "a")])
    assert linked["c"] == linked["a"]
    # the register placed a and b in two records: neither the key nor a link joins them
    apart = child_identity(cases, [("a", "c"), ("c", "b")], {"a": "P1", "b": "P2"})
    assert apart["a"] != apart["b"]
    one = child_identity(cases, [], {"a": "P1", "c": "P1"})
    assert one["a"] == one["c"]
