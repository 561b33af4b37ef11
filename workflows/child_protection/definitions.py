"""Each figure of the report: what it counts, and the legal source. Shown beside the figure on the page and
in the Excel workbook (column "Định nghĩa, căn cứ")."""

from __future__ import annotations

TT13 = "TT 13/2021/TT-BLĐTBXH, Phụ lục IV"
# code -> (vi, en, source)
DEFINITIONS: dict[str, tuple[str, str, str]] = {
    "reports": ("Số hồ sơ (lượt tiếp nhận thông tin) của thủ tục bảo vệ trẻ em tiếp nhận trong kỳ; một trẻ có "
                "thể có nhiều hồ sơ. Không tính việc nhắc báo cáo định kỳ và hồ sơ của thủ tục khác.",
                "Child-protection cases (reports received) in the period; one child may have several. Report "
                "reminders and other procedures' cases are not counted.", "NĐ 56/2017/NĐ-CP Điều 23, 25 (Mẫu 01)"),
    "children": ("Số trẻ em (không phải số hồ sơ) có ít nhất một hồ sơ tiếp nhận trong kỳ. Hai hồ sơ là một trẻ khi "
                 "cán bộ đã liên kết chúng hoặc cùng họ tên (bỏ dấu), ngày sinh/tuổi và xã cư trú.",
                 "Distinct children (not reports) with a case received in the period. Two cases are one child when "
                 "an officer linked them or they share the folded name, birth date or age and residence commune.",
                 TT13 + " (đếm trẻ em); Luật Trẻ em 2016 Điều 1"),
    "abused": ("Số trẻ em bị xâm hại: trẻ có ít nhất một hồ sơ trong kỳ được phân loại «trẻ em bị xâm hại» "
               "(bị tổn hại bởi bạo lực, bóc lột, xâm hại tình dục, mua bán, bỏ rơi, bỏ mặc, hình thức khác).",
               "Abused children: children with a case in the period classified as abused.",
               TT13 + ", chỉ tiêu 0101; Luật Trẻ em 2016 Điều 4.8"),
    "by_sex": ("Trẻ em bị xâm hại theo giới tính (giới tính ghi nhận gần nhất khác «không rõ»).",
               "Abused children by sex (the last sex recorded other than unknown).", TT13 + ", chỉ tiêu 0101"),
    "by_age": ("Trẻ em bị xâm hại theo nhóm tuổi, tính tại lần tiếp nhận đầu tiên trong kỳ có ghi ngày sinh hoặc tuổi.",
               "Abused children by age group, at the first receipt in the period that records a birth date or age.",
               TT13 + ", chỉ tiêu 0101"),
    "by_abuse": ("Trẻ em bị xâm hại theo hình thức xâm hại; một trẻ bị nhiều hình thức được tính ở mỗi hình thức "
                 "(tổng các dòng có thể lớn hơn số trẻ).",
                 "Abused children by form of abuse; a child with several forms counts under each.",
                 TT13 + ", chỉ tiêu 0101; Luật Trẻ em 2016 Điều 4.8–4.11"),
    "by_setting": ("Trẻ em bị xâm hại theo môi trường xâm hại: gia đình, trường học, cộng đồng, môi trường mạng "
                   "(ghi khi tiếp nhận; một trẻ có thể ở nhiều dòng).",
                   "Abused children by setting: family, school, community, online (recorded at intake).",
                   TT13 + ", chỉ tiêu 0101 (phân tổ môi trường xâm hại)"),
    "by_commune": ("Trẻ em bị xâm hại theo xã cư trú (xã nơi xảy ra vụ việc khi chưa rõ nơi cư trú), theo hồ sơ "
                   "gần nhất.", "Abused children by residence commune (else incident commune).",
                   TT13 + "; chính quyền địa phương hai cấp (từ 01/07/2025)"),
    "by_group": ("Trẻ em có hoàn cảnh đặc biệt theo 14 nhóm (ghi khi tiếp nhận hoặc khi đánh giá ban đầu); một trẻ "
                 "có thể thuộc nhiều nhóm.", "Children in special circumstances by the 14 groups.",
                 "Luật Trẻ em 2016 Điều 10.1; TT 13/2021/TT-BLĐTBXH (số trẻ em có hoàn cảnh đặc biệt)"),
    "supported": ("Số trẻ em được hỗ trợ, can thiệp: trẻ có kế hoạch được phê duyệt, được can thiệp khẩn cấp, được "
                  "cơ quan chuyển gửi báo đã hỗ trợ, hoặc được ghi hình thức hỗ trợ khi đóng hồ sơ.",
                  "Children supported: an approved plan, an emergency intervention, a referral reported as "
                  "provided, or support recorded at closure.",
                  "Luật Trẻ em 2016 Điều 49–50; NĐ 56/2017/NĐ-CP Điều 28–31; " + TT13),
    "support_by_kind": ("Trẻ em được hỗ trợ theo hình thức hỗ trợ (một trẻ có thể nhận nhiều hình thức).",
                        "Children supported, by kind of support.", "NĐ 56/2017/NĐ-CP Điều 28; Luật Trẻ em Điều 50"),
    "perpetrators": ("Hồ sơ đóng trong kỳ có ghi xử lý đối tượng xâm hại: số hồ sơ và số đối tượng theo hình thức xử "
                     "lý; số hồ sơ theo hình thức xử phạt vi phạm hành chính; tổng tiền phạt.",
                     "Cases closed in the period recording how perpetrators were handled: cases and people per way "
                     "of handling, cases per administrative sanction, total fines.",
                     "NĐ 130/2021/NĐ-CP; Luật Xử lý vi phạm hành chính Điều 21; " + TT13 + " (mục II)"),
    "compliance": ("Tỷ lệ đúng hạn = số bước hoàn thành đúng hạn / (số bước đã hoàn thành có thời hạn + số bước "
                   "đang mở đã quá hạn). Bước quá hạn chưa làm được tính là trễ hạn.",
                   "On time = steps completed on time / (steps completed with a limit + open steps past their "
                   "limit). An open overdue step counts as late.",
                   "NĐ 56/2017/NĐ-CP Điều 26, 28, 32; workflows/child_protection/deadlines.py"),
}


def define(code: str, lang: str = "vi") -> str:
    vi, en, source = DEFINITIONS[code]
    return f"{vi if lang == 'vi' else en} — {source}"
