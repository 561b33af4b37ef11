"""Demo organisation: one province, two communes, every agency, a user for every role.

Demo passwords are documented in the README; ``seed_demo`` refuses to run twice.
"""

from __future__ import annotations

from sqlalchemy import select

from engine import audit
from engine.accounts import hash_password
from engine.models import Agency
from engine.models import Commune
from engine.models import Province
from engine.models import User
from engine.runtime import Actor
from engine.runtime import Engine
from workflows import bundle_files
from workflows import registry
from workflows.notify_demo import seed_notify

DEMO_PASSWORD = "bvte-demo-2026"
PROVINCE = ("P01", "Tỉnh Lâm Đồng (demo)")
COMMUNES = [("X01", "Xã Đạ Tẻh (demo)"), ("X02", "Phường Bảo Lộc (demo)")]

# username -> (full name, role/agency type, commune code or None for provincial)
DEMO_USERS = {
    "canbo.x01": ("Nguyễn Thị Hạnh", "commune_officer", "X01"),
    "chutich.x01": ("Trần Văn Đức", "commune_chairman", "X01"),
    "congan.x01": ("Lê Minh Tuấn", "commune_police", "X01"),
    "yte.x01": ("Phạm Thị Lan", "health_station", "X01"),
    "truonghoc.x01": ("Võ Thị Mai", "school", "X01"),
    "canbo.x02": ("Đỗ Thị Ngọc", "commune_officer", "X02"),
    "chutich.x02": ("Hoàng Văn Sơn", "commune_chairman", "X02"),
    "congan.x02": ("Bùi Quốc Việt", "commune_police", "X02"),
    "yte.x02": ("Đặng Thu Trang", "health_station", "X02"),
    "truonghoc.x02": ("Ngô Thị Hoa", "school", "X02"),
    "ctxh.tinh": ("Lý Thị Thu", "social_work_centre", None),
    "trogiup.tinh": ("Trịnh Văn Hải", "legal_aid", None),
    "soyte.tinh": ("Phan Thị Hương", "provincial_health", None),
    "tongdai111": ("Mai Anh Khoa", "hotline", None),
    "chinhsach.tinh": ("Lưu Văn Bình", "policy", None),
    "chinhsach2.tinh": ("Kiều Thị Nga", "policy", None),
    "baocao.tinh": ("Tạ Thị Yến", "provincial_reader", None),
    "quantri.tinh": ("Vũ Đình Quang", "provincial_admin", None),
}


def seed_org(engine: Engine, province=PROVINCE, communes=COMMUNES) -> None:
    """Create the province, its communes and one agency of every type (idempotent)."""
    with engine.db.write() as s:
        if s.get(Province, province[0]) is None:
            s.add(Province(code=province[0], name=province[1]))
            s.flush()
        for code, name in communes:
            if s.get(Commune, code) is None:
                s.add(Commune(code=code, name=name, province_code=province[0]))
        s.flush()
        for atype in registry.agency_types().values():
            places = [c for c, _ in communes] if atype.level == "commune" else [None]
            for commune in places:
                code = f"{atype.code}.{commune or province[0]}"
                if s.execute(select(Agency).where(Agency.code == code)).scalar() is None:
                    where = dict(communes).get(commune, province[1]) if commune else province[1]
                    s.add(Agency(code=code, agency_type=atype.code, name=f"{atype.name_vi} – {where}",
                                 province_code=province[0], commune_code=commune))


def demo_users() -> dict[str, tuple[str, str, str | None]]:
    """The demo users, with those each installed procedure adds for its own agency types."""
    users = dict(DEMO_USERS)
    for proc in registry.procedures():
        for username, row in proc.demo_users.items():
            users.setdefault(username, row)
    return users


def seed_demo(engine: Engine, password: str = DEMO_PASSWORD, bpmn_dir: str | None = None,
              main_id: str | None = None) -> list[str]:
    """Org, demo users and every installed procedure's processes, deployed from bpmn/.

    ``bpmn_dir`` (a policy draft) is deployed after them, as a new version of ``main_id`` (default: the
    process of the first procedure with an intake). Returns the usernames created."""
    seed_org(engine)
    created = []
    hashed = hash_password(password)
    with engine.db.write() as s:
        for username, (full_name, role, commune) in demo_users().items():
            if s.execute(select(User).where(User.username == username)).scalar() is not None:
                continue
            code = f"{role}.{commune or PROVINCE[0]}"   # every role is an agency type: least privilege
            agency = s.execute(select(Agency).where(Agency.code == code)).scalar_one()
            s.add(User(username=username, password_hash=hashed, full_name=full_name, role=role,
                       agency_id=agency.id, active=True, created_at=engine.now()))
            created.append(username)
        if created:
            audit.append(s, engine.now(), "seed", "users.seed", detail={"users": created})
    seed_notify(engine, created)   # demo e-mail addresses, fake phones, the X01 on-duty roster
    if created:   # the demo signs in with a password alone (a real province requires two factors by default)
        from engine.account_self import set_totp_roles

        set_totp_roles(engine, "seed", PROVINCE[0], [], "demo province: development only", keep_admin=False)
    for proc in registry.procedures():
        engine.deploy(bundle_files(proc.config.bpmn_files), Actor("seed"))
    registry.set_up_province(engine, PROVINCE[0])
    if bpmn_dir:
        import os

        default = registry.default_intake()
        main_id = main_id or (default.config.process_id if default else None)
        files = {n: open(os.path.join(bpmn_dir, n), "rb").read() for n in sorted(os.listdir(bpmn_dir))
                 if n.endswith(".bpmn")}
        engine.deploy(files, Actor("seed"), main_id=main_id)
    return created
