"""The former district (cấp huyện) tasks of the procedure, and which level carries each in a province (#16.10).

District government ended on 01/07/2025 (Luật Tổ chức chính quyền địa phương 2025). Nghị định 147/2025/NĐ-CP
(12/06/2025) «quy định về phân định thẩm quyền của chính quyền địa phương 02 cấp trong lĩnh vực quản lý nhà nước
của Bộ Y tế» gives the powers the district held in the Ministry of Health's fields (child protection among them,
NĐ 42/2025/NĐ-CP) to the commune or to the province (its Điều 1–2: scope and principles of the division), and is
transitional: in force from 01/07/2025 to 01/03/2027. The project brief (PROCEDURE.md §0) asks that the
mapping not be hard-coded: each province chooses here, the default being the decree's.

What BVTE treats as a former district task, and why:

- ``nd147.alternative_care``: arranging the safe shelter and alternative care of a separated child
  (``arrange_alternative_care``, bpmn/temporary_separation.bpmn; NĐ 56/2017 Điều 32; Luật Trẻ em 2016 Điều 62–65).
  Placing a child with a care facility was the district's (Phòng Lao động – Thương binh và Xã hội, Chủ tịch UBND
  cấp huyện). Default: the commune (its child-protection officer under the commune chairman who ordered the
  separation), the decree's general rule for a district power it does not give to the province; a province
  that places children through Sở Y tế (its social-assistance and social-work centres) chooses "province".

Not split, on purpose: supervising a commune that misses a limit (hướng dẫn, kiểm tra, đôn đốc) stays with
Sở Y tế: a commune cannot supervise itself, and NĐ 42/2025 gives the province's health department that role.
Receiving a transfer stays with the residence commune (Luật Trẻ em Điều 52.2).

From 01/03/2027 the decree no longer applies: a province's choice is ignored and the task goes to the commune
(``after_end``), the level the decree leaves the task with when it ends, until the law that replaces it is
entered here. The date is read from the engine's clock (``engine.now()``), so tests and the test clock move it.
"""

from __future__ import annotations

import datetime as dt

from engine.process import LevelSplit

ND147 = "NĐ 147/2025/NĐ-CP (12/06/2025; hiệu lực 01/07/2025 – 01/03/2027)"
ND147_END = dt.date(2027, 3, 1)

SPLITS = [
    LevelSplit(
        key="nd147.alternative_care",
        tasks=frozenset({"arrange_alternative_care"}),
        levels={"commune": "commune_officer", "province": "provincial_health"},
        default="commune",
        title_vi="Bố trí nơi tạm trú an toàn, chăm sóc thay thế cho trẻ bị tạm thời cách ly",
        title_en="Arranging safe shelter and alternative care for a separated child",
        basis=f"{ND147}; NĐ 56/2017 Điều 32; Luật Trẻ em 2016 Điều 62–65",
        until=ND147_END,
        after_end="commune",
    ),
]
