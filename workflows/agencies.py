"""Agency types: who takes part in the procedure, at which level, under which name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AgencyType:
    code: str
    name_vi: str
    name_en: str
    level: str   # "commune" | "province"


AGENCY_TYPES = {a.code: a for a in [
    AgencyType("commune_officer", "Ban/cán bộ bảo vệ trẻ em cấp xã", "Commune child-protection board", "commune"),
    AgencyType("commune_chairman", "Chủ tịch UBND xã", "Commune chairman", "commune"),
    AgencyType("commune_police", "Công an xã", "Commune police", "commune"),
    AgencyType("health_station", "Trạm Y tế xã", "Commune health station", "commune"),
    AgencyType("school", "Nhà trường", "School", "commune"),
    AgencyType("social_work_centre", "Trung tâm Công tác xã hội", "Social-work centre", "province"),
    AgencyType("legal_aid", "Trung tâm Trợ giúp pháp lý nhà nước", "State legal-aid centre", "province"),
    AgencyType("provincial_health", "Sở Y tế", "Provincial health department", "province"),
    AgencyType("hotline", "Tổng đài 111", "Hotline 111", "province"),
    AgencyType("policy", "Bộ phận chính sách quy trình", "Process policy staff", "province"),
    AgencyType("provincial_reader", "Bộ phận theo dõi, báo cáo cấp tỉnh", "Provincial reporting office", "province"),
    # administration only (users, organisation, calendar, schedules): no case content, no tasks (issue #20)
    AgencyType("provincial_admin", "Quản trị hệ thống cấp tỉnh", "Provincial system administrator", "province"),
]}


def agency_type_names() -> dict[str, str]:
    return {code: a.name_vi for code, a in AGENCY_TYPES.items()}
