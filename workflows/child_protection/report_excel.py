"""The report as an .xlsx workbook in the layout a province sends upward: a heading (unit, period as dates), then
one table "STT | Chỉ tiêu | Đơn vị tính | Số lượng | Định nghĩa, căn cứ" by section, counts as whole numbers
(``#,##0``), shares as percentages (``0.0%``), dates ``dd/mm/yyyy``; sheets by commune, compliance, overdue."""

from __future__ import annotations

from workflows import excel
from workflows.child_protection.definitions import DEFINITIONS
from workflows.child_protection.definitions import define

COUNT, MONEY, SHARE, DATE, INSTANT = "#,##0", '#,##0" đ"', "0.0%", "dd/mm/yyyy", "hh:mm dd/mm/yyyy"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]


def _sections(rep, lab) -> list[tuple[str, str, list[tuple[str, int, str]]]]:
    p = rep.perpetrators
    return [
        ("Tình hình chung", "children", [("Số hồ sơ tiếp nhận (lượt)", rep.reports, "lượt"),
                                         ("Số trẻ em có hồ sơ trong kỳ", rep.children, "trẻ em"),
                                         ("Số trẻ em bị xâm hại", rep.abused, "trẻ em")]),
        ("Trẻ em bị xâm hại theo giới tính", "by_sex", [(lab["sex"][k], n, "trẻ em") for k, n in rep.by_sex.items()]),
        ("Trẻ em bị xâm hại theo nhóm tuổi", "by_age", [(lab["age"].get(k, k), n, "trẻ em")
                                                       for k, n in rep.by_age.items()]),
        ("Trẻ em bị xâm hại theo hình thức xâm hại", "by_abuse",
         [(lab["abuse"].get(k, k), n, "trẻ em") for k, n in rep.by_abuse.items()]),
        ("Trẻ em bị xâm hại theo môi trường xâm hại", "by_setting",
         [(lab["setting"].get(k, k), n, "trẻ em") for k, n in rep.by_setting.items()]),
        ("Trẻ em có hoàn cảnh đặc biệt theo nhóm (Luật Trẻ em Điều 10)", "by_group",
         [("Tổng số trẻ em có hoàn cảnh đặc biệt", rep.in_special_circumstances, "trẻ em")]
         + [(lab["group"].get(k, k), n, "trẻ em") for k, n in rep.by_group.items()]),
        ("Trẻ em được hỗ trợ, can thiệp", "supported",
         [("Tổng số trẻ em được hỗ trợ, can thiệp", rep.supported, "trẻ em")]
         + [(lab["support"].get(k, k), n, "trẻ em") for k, n in rep.support_by_kind.items()]),
        ("Xử lý đối tượng xâm hại (hồ sơ đóng trong kỳ)", "perpetrators",
         [(f"Số hồ sơ: {lab['handling'].get(k, k)}", n, "hồ sơ") for k, n in p.get("cases", {}).items()]
         + [(f"Số đối tượng: {lab['handling'].get(k, k)}", n, "người") for k, n in p.get("people", {}).items()]
         + [(f"Xử phạt: {lab['sanction'].get(k, k)}", n, "hồ sơ") for k, n in p.get("sanctions", {}).items()]
         + [("Tổng số tiền phạt", p.get("fines", 0), "đồng")]),
    ]


def to_excel(rep) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.styles import Font

    from workflows.child_protection.reports import labels

    lab = labels("vi")
    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu tổng hợp"
    bold = Font(bold=True)
    ws.append([f"BÁO CÁO THỐNG KÊ TRẺ EM BỊ XÂM HẠI, TRẺ EM CÓ HOÀN CẢNH ĐẶC BIỆT – {rep.province}"
               + (f" – xã {rep.commune}" if rep.commune else "")])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["Kỳ báo cáo từ ngày", rep.start, "đến ngày", rep.end])
    for ref in ("B2", "D2"):
        ws[ref].number_format = DATE
    ws.append(["Căn cứ: Thông tư 13/2021/TT-BLĐTBXH; Luật Trẻ em 2016; NĐ 56/2017/NĐ-CP; NĐ 130/2021/NĐ-CP"])
    ws.append([])
    ws.append(["STT", "Chỉ tiêu", "Đơn vị tính", "Số lượng", "Định nghĩa, căn cứ"])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for i, (title, code, rows) in enumerate(_sections(rep, lab)):
        ws.append([ROMAN[i], title, None, None, define(code) if code in DEFINITIONS else None])
        for cell in ws[ws.max_row]:
            cell.font = bold
        ws.cell(ws.max_row, 5).font = Font(italic=True)
        for j, (label, n, unit) in enumerate(rows, 1):
            ws.append([f"{i + 1}.{j}", label, unit, n])
            ws.cell(ws.max_row, 4).number_format = MONEY if unit == "đồng" else COUNT
    for letter, width in zip("ABCDE", (6, 62, 11, 12, 90), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=6, min_col=5, max_col=5):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    x = wb.create_sheet("Theo xã")
    x.append(["Xã", "Số trẻ em bị xâm hại"])
    for cell in x[1]:
        cell.font = bold
    for code, n in rep.by_commune.items():
        x.append([code, n])
        x.cell(x.max_row, 2).number_format = COUNT
    x.append([define("by_commune")])
    c = wb.create_sheet("Tuân thủ thời hạn")
    c.append(["Thời hạn", "Quy định", "Số bước đã hoàn thành", "Đúng hạn", "Đang mở, quá hạn", "Tỷ lệ đúng hạn",
              "Trung vị (giờ)"])
    for cell in c[1]:
        cell.font = bold
    for row in rep.compliance:
        c.append([row["label"], row["limit"], row["steps"], row["on_time"], row["open_overdue"], row["share"],
                  None if row["median_hours"] is None else round(row["median_hours"], 1)])
        for n in (3, 4, 5):
            c.cell(c.max_row, n).number_format = COUNT
        c.cell(c.max_row, 6).number_format = SHARE
        c.cell(c.max_row, 7).number_format = "0.0"
    c.append([define("compliance")])
    c.column_dimensions["A"].width = 60
    o = wb.create_sheet("Quá hạn")
    o.append(["Hồ sơ", "Việc", "Xã", "Hạn", "Đã báo cáo cấp trên"])
    for cell in o[1]:
        cell.font = bold
    for row in rep.overdue:
        from engine.workdays import VN_TZ

        o.append([row["reference"], row["task"], row["commune"],
                  row["due_at"].astimezone(VN_TZ).replace(tzinfo=None), "Có" if row["escalated"] else "Không"])
        o.cell(o.max_row, 4).number_format = INSTANT
    return excel.save(wb)


def submissions_excel(period, rows, names: dict[str, str]) -> bytes:
    """The province's sheet of its communes' submissions for ``period``: one row per commune (submitted or not,
    by whom, when, revision), one column per figure, and the total of what was received."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from engine.workdays import VN_TZ

    keys = list(names)
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp báo cáo xã"
    ws.append([f"TỔNG HỢP BÁO CÁO CỦA CÁC XÃ – {period.label}", None, "từ ngày", period.start, "đến ngày", period.end])
    for ref in ("D1", "F1"):
        ws[ref].number_format = DATE
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["Mã xã", "Tên xã", "Đã gửi", "Người gửi", "Thời điểm gửi", "Lần gửi", *[names[k] for k in keys]])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    total: dict[str, int] = {}
    for st in rows:
        sub = st.submission
        figures = sub.figures if sub is not None else {}
        for k in keys:
            if sub is not None:
                total[k] = total.get(k, 0) + int(figures.get(k, 0))
        ws.append([st.commune, st.name, "Có" if sub else "Chưa", sub.submitted_by if sub else None,
                   sub.submitted_at.astimezone(VN_TZ).replace(tzinfo=None) if sub else None,
                   sub.revision if sub else None, *[figures.get(k) if sub else None for k in keys]])
        ws.cell(ws.max_row, 5).number_format = INSTANT
        for i in range(len(keys)):
            ws.cell(ws.max_row, 7 + i).number_format = COUNT
    ws.append(["Tổng", f"{sum(1 for st in rows if st.submission)}/{len(rows)} xã đã gửi", None, None, None, None,
               *[total.get(k, 0) for k in keys]])
    for i in range(len(keys)):
        ws.cell(ws.max_row, 7 + i).number_format = COUNT
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    return excel.save(wb)
