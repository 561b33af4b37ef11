"""Lane id (in bpmn/*.bpmn) -> agency type. Every lane of every file of the bundle is listed."""

LANE_AGENCIES = {
    "lane_commune_officer": "commune_officer",
    "lane_commune_chairman": "commune_chairman",
    "lane_provincial_health": "provincial_health",
    "lane_commune_police": "commune_police",
    "lane_health_station": "health_station",
    "lane_school": "school",
    "lane_legal_aid": "legal_aid",
    "lane_social_work_centre": "social_work_centre",
}
