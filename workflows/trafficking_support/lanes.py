"""Lane id (in bpmn/trafficking_support.bpmn) -> agency type, and the agency types this procedure adds."""

from workflows.agencies import AgencyType

LANE_AGENCIES = {
    "lane_border_guard": "border_guard",
    "lane_commune_police": "commune_police",
    "lane_commune_social_officer": "commune_social_officer",
    "lane_commune_chairman": "commune_chairman",
    "lane_commune_officer": "commune_officer",
    "lane_provincial_health": "provincial_health",
    "lane_provincial_police": "provincial_police",
    "lane_social_assistance_facility": "social_assistance_facility",
    "lane_health_station": "health_station",
    "lane_social_work_centre": "social_work_centre",
    "lane_legal_aid": "legal_aid",
    "lane_provincial_committee": "provincial_committee",
}

AGENCY_TYPES = [
    AgencyType("commune_social_officer", "Công chức văn hóa – xã hội cấp xã (phòng, chống mua bán người)",
               "Commune social-affairs officer (anti-trafficking)", "commune"),
    AgencyType("border_guard", "Bộ đội Biên phòng", "Border guard", "province"),
    AgencyType("provincial_police", "Công an tỉnh", "Provincial police", "province"),
    AgencyType("social_assistance_facility", "Cơ sở trợ giúp xã hội, cơ sở hỗ trợ nạn nhân",
               "Social-assistance facility / victim-support facility", "province"),
    AgencyType("provincial_committee", "Ủy ban nhân dân tỉnh (theo dõi phòng, chống mua bán người)",
               "Provincial People's Committee (anti-trafficking oversight)", "province"),
]

# username -> (full name, role, commune or None): the demo users of the new agency types
DEMO_USERS = {
    "vhxh.x01": ("Hà Thị Xuân", "commune_social_officer", "X01"),
    "vhxh.x02": ("Nông Văn Thái", "commune_social_officer", "X02"),
    "bienphong.tinh": ("Cao Minh Hải", "border_guard", None),
    "congan.tinh": ("Vũ Đình Khang", "provincial_police", None),
    "trogiupxh.tinh": ("Lò Thị Mai", "social_assistance_facility", None),
    "ubnd.tinh": ("Đinh Quang Vinh", "provincial_committee", None),
}
