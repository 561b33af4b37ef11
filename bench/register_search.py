"""The register's search at a province's scale (issue #21 item 2): 2,000,000 children on PostgreSQL,
200,000 on SQLite, each with a caregiver; a third with a 12-digit personal identification number.

Names follow the shape of Vietnamese names (the common family names with their weights, a gendered middle
name, sometimes two, a given name from a list); records are bulk loaded (COPY on PostgreSQL, executemany on
SQLite) with the indexes built after the load, as a first import would do. Queries are drawn from records
that exist, of six kinds, each run as a commune officer (their commune's scope) and as the provincial
reader (the whole province), through ``engine.register.search.search``:

    name_plain   the name without diacritics ("Nguyen Van An")
    name_exact   the name as written
    name_typo    one letter changed, dropped or added in one syllable, without diacritics
    name_short   the middle name left out
    caregiver    the caregiver's name without diacritics
    id_number    the 12 digits

    python bench/register_search.py --db postgres --n 2000000
    python bench/register_search.py --db sqlite --n 200000
    python bench/register_search.py --quick            # 20,000 on both

Prints a table (p50 / p95 / max in ms, and how often the record looked for is among the hits) and the time
the data took to generate and index.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from sqlalchemy import text  # noqa: E402

from engine.db import Database  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from engine.register.fold import fold  # noqa: E402
from engine.register.fold import name_key  # noqa: E402
from engine.register.queries import Scope  # noqa: E402
from engine.register.search import search  # noqa: E402

FAMILY = [("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 51), ("Huỳnh", 30), ("Phan", 45),
          ("Vũ", 39), ("Võ", 30), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13), ("Ngô", 13), ("Dương", 10),
          ("Lý", 5), ("Đào", 5), ("Đoàn", 5), ("Vương", 3), ("Trịnh", 4), ("Trương", 4), ("Lâm", 3), ("Phùng", 2),
          ("Mai", 3), ("Tô", 2), ("Hà", 3), ("Tạ", 2), ("Lương", 3), ("Đinh", 4), ("Quách", 1), ("Lò", 2),
          ("Hà", 2), ("Sùng", 1), ("Giàng", 1), ("Vàng", 1), ("Kim", 1), ("Thạch", 1), ("Chu", 2), ("Cao", 3)]
MIDDLE = {"male": ["Văn", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Gia", "Hoàng", "Công", "Duy", "Bảo", "Anh",
                   "Đình", "Xuân", "Trọng", "Nhật", "Tuấn", "Hải"],
          "female": ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Bảo", "Khánh", "Hồng", "Mai", "Thùy", "Kim",
                     "Diệu", "Hà", "Yến", "Như", "Quỳnh", "Tuyết"]}
GIVEN = {"male": ["An", "Anh", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hòa",
                  "Hoàng", "Hùng", "Huy", "Khang", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Luân", "Mạnh",
                  "Minh", "Nam", "Nghĩa", "Nhân", "Phát", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Tâm",
                  "Thắng", "Thành", "Thiện", "Thịnh", "Tiến", "Toàn", "Trí", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
                  "Vũ", "A", "Hưng", "Kiệt", "Lợi", "Nguyên", "Phước", "Sang", "Thái", "Thông", "Tín"],
         "female": ["An", "Anh", "Châu", "Chi", "Diệp", "Dung", "Duyên", "Giang", "Hà", "Hân", "Hạnh", "Hằng",
                    "Hiền", "Hoa", "Hòa", "Hồng", "Huyền", "Hương", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai", "My",
                    "Nga", "Ngân", "Ngọc", "Nhi", "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thơ",
                    "Thu", "Thủy", "Trang", "Trâm", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Bích",
                    "Đào", "Hậu", "Khuê", "Lệ", "Mỹ", "Nguyệt", "Phượng", "Sương", "Thanh", "Thúy", "Trúc"]}
PROVINCE = "P99"
NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.timezone.utc)
PERSON_INDEXES = [
    "CREATE INDEX ix_persons_id_number ON persons (id_number)",
    "CREATE INDEX ix_persons_province_name ON persons (province_code, name_folded)",
    "CREATE INDEX ix_persons_commune_name ON persons (residence_commune_code, name_folded)",
    "CREATE INDEX ix_persons_province_key ON persons (province_code, name_key)",
    "CREATE INDEX ix_persons_commune_key ON persons (residence_commune_code, name_key)",
    "CREATE INDEX ix_person_relations_person_id ON person_relations (person_id)",
    "CREATE INDEX ix_person_relations_name_folded ON person_relations (name_folded)",
    "CREATE INDEX ix_person_relations_province_name ON person_relations (province_code, name_folded)",
    "CREATE INDEX ix_person_relations_commune_name ON person_relations (residence_commune_code, name_folded)",
]
PG_ONLY = ["CREATE INDEX ix_persons_name_trgm ON persons USING gin (name_folded gin_trgm_ops)",
           "CREATE INDEX ix_person_relations_name_trgm ON person_relations USING gin (name_folded gin_trgm_ops)"]
DROP = ["ix_persons_id_number", "ix_persons_province_name", "ix_persons_commune_name", "ix_persons_province_key",
        "ix_persons_commune_key",
        "ix_person_relations_person_id", "ix_person_relations_name_folded", "ix_person_relations_province_name",
        "ix_person_relations_commune_name", "ix_persons_name_trgm",
        "ix_person_relations_name_trgm"]


def weighted(rng: random.Random, items):
    names, weights = zip(*items, strict=True)
    return lambda: rng.choices(names, weights)[0]


def make_name(rng: random.Random, family, sex: str) -> str:
    middle = rng.choice(MIDDLE[sex])
    if rng.random() < 0.2:
        middle += " " + rng.choice(MIDDLE[sex])
    return f"{family()} {middle} {rng.choice(GIVEN[sex])}"


def id_number(rng: random.Random, sex: str, year: int) -> str:
    gender = (0 if year < 2000 else 2) + (1 if sex == "female" else 0)
    return f"{rng.randint(1, 96):03d}{gender}{year % 100:02d}{rng.randint(0, 999999):06d}"


def rows(n: int, communes: list[str], seed: int = 21):
    """(person row, caregiver row) tuples, deterministic for a seed."""
    rng = random.Random(seed)
    family = weighted(rng, FAMILY)
    for i in range(n):
        sex = "male" if rng.random() < 0.51 else "female"
        name = make_name(rng, family, sex)
        year = rng.randint(2010, 2026)
        birth = dt.date(year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.8 else None
        folded = fold(name)
        pid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        number = id_number(rng, sex, year) if rng.random() < 0.33 else None
        commune = communes[i % len(communes)]
        carer = make_name(rng, family, "female")
        yield ((pid, PROVINCE, name, "[]", folded, name_key(folded), sex, birth, year, birth is None, number,
                commune, f"Thôn {rng.randint(1, 20)}", "{}", "active", "bench", NOW, NOW),
               (pid, carer, fold(carer), "mother", f"09{rng.randint(0, 99999999):08d}", None, True, PROVINCE, commune))


PERSON_COLS = ("id, province_code, full_name, other_names, name_folded, name_key, sex, birth_date, birth_year, "
               "birth_estimated, id_number, residence_commune_code, residence_detail, attributes, status, "
               "created_by, created_at, updated_at")
REL_COLS = ("person_id, full_name, name_folded, relationship, phone, address, is_caregiver, province_code, "
            "residence_commune_code")


def setup(db: Database, n: int) -> tuple[list[str], float, float]:
    """Schema, province, communes and the records; returns (communes, load seconds, index seconds)."""
    upgrade(db)
    communes = [f"B{i:04d}" for i in range(max(10, n // 10000))]
    with db.write_engine.begin() as conn:
        conn.execute(text("INSERT INTO provinces (code, name) VALUES (:c, 'Tỉnh benchmark')"), {"c": PROVINCE})
        conn.execute(text("INSERT INTO communes (code, name, province_code, active) VALUES (:c, :n, :p, true)"),
                     [{"c": c, "n": f"Xã {c}", "p": PROVINCE} for c in communes])
        for ix in DROP:
            conn.execute(text(f"DROP INDEX IF EXISTS {ix}"))
    started = time.perf_counter()
    parts: dict[str, int] = {}
    if db.is_sqlite:
        _load_sqlite(db, n, communes, parts)
    else:
        _load_pg(db, n, communes, parts)
    with db.write_engine.begin() as conn:
        conn.execute(text("INSERT INTO person_name_parts (part, n) VALUES (:p, :n)"),
                     [{"p": p, "n": k} for p, k in parts.items()])
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    with db.write_engine.begin() as conn:
        for ddl in PERSON_INDEXES + ([] if db.is_sqlite else PG_ONLY):
            conn.execute(text(ddl))
        conn.execute(text("ANALYZE"))
    return communes, loaded, time.perf_counter() - started


def _count(parts: dict[str, int], folded: str) -> None:
    for p in set(folded.split()):
        parts[p] = parts.get(p, 0) + 1


def _load_sqlite(db: Database, n: int, communes, parts) -> None:
    raw = db.write_engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("BEGIN")
        batch_p, batch_r = [], []
        for person, rel in rows(n, communes):
            p = list(person)
            p[7] = p[7].isoformat() if p[7] else None
            p[16] = p[17] = NOW.strftime("%Y-%m-%d %H:%M:%S.%f")
            batch_p.append(p)
            batch_r.append(rel)
            _count(parts, person[4])
            _count(parts, rel[2])
            if len(batch_p) >= 20000:
                cur.executemany(f"INSERT INTO persons ({PERSON_COLS}) VALUES ({', '.join('?' * 18)})", batch_p)
                cur.executemany(f"INSERT INTO person_relations ({REL_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch_r)
                batch_p, batch_r = [], []
        if batch_p:
            cur.executemany(f"INSERT INTO persons ({PERSON_COLS}) VALUES ({', '.join('?' * 18)})", batch_p)
            cur.executemany(f"INSERT INTO person_relations ({REL_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch_r)
        cur.execute("COMMIT")
    finally:
        raw.close()


def _load_pg(db: Database, n: int, communes, parts) -> None:
    raw = db.write_engine.raw_connection()
    try:
        conn = raw.driver_connection
        with conn.cursor() as cur:
            rels = io.StringIO()
            with cur.copy(f"COPY persons ({PERSON_COLS}) FROM STDIN") as copy:
                for person, rel in rows(n, communes):
                    copy.write_row(person)
                    _count(parts, person[4])
                    _count(parts, rel[2])
                    rels.write("\t".join("\\N" if v is None else ("t" if v is True else str(v)) for v in rel) + "\n")
            rels.seek(0)
            with cur.copy(f"COPY person_relations ({REL_COLS}) FROM STDIN") as copy:
                while chunk := rels.read(1 << 20):
                    copy.write(chunk)
        conn.commit()
    finally:
        raw.close()


def typo(rng: random.Random, folded: str) -> str:
    syll = folded.split()
    i = rng.randrange(len(syll))
    w = syll[i]
    j = rng.randrange(len(w))
    op = rng.choice(["sub", "del", "ins"]) if len(w) > 2 else "ins"
    letter = rng.choice("aeiouynhgtc")
    syll[i] = w[:j] + letter + w[j + 1:] if op == "sub" else w[:j] + w[j + 1:] if op == "del" else w[:j] + letter + w[j:]
    return " ".join(syll)


def queries(db: Database, count: int, seed: int = 7) -> list[tuple[str, str, str, str]]:
    """(kind, query, expected person id, commune) drawn from the stored records."""
    rng = random.Random(seed)
    with db.read_engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM persons")).scalar()
        picks = []
        for _ in range(count):
            if db.is_sqlite:
                pid = conn.execute(text("SELECT id FROM persons ORDER BY id LIMIT 1 OFFSET :o"),
                                   {"o": rng.randrange(total)}).scalar()
            else:   # a random point in the key space: no OFFSET scan over two million rows
                pid = conn.execute(text("SELECT id FROM persons WHERE id >= :u ORDER BY id LIMIT 1"),
                                   {"u": str(uuid.UUID(int=rng.getrandbits(128)))}).scalar()
            if pid is None:
                continue
            picks.append(conn.execute(text(
                "SELECT p.id, p.full_name, p.name_folded, p.id_number, p.residence_commune_code, r.name_folded "
                "FROM persons p JOIN person_relations r ON r.person_id = p.id WHERE p.id = :p LIMIT 1"),
                {"p": pid}).first())
    out = []
    kinds = ["name_plain", "name_exact", "name_typo", "name_short", "caregiver", "id_number"]
    for i, row in enumerate(p for p in picks if p is not None):
        pid, full, folded, number, commune, carer = row
        kind = kinds[i % len(kinds)]
        if kind == "id_number" and not number:
            kind = "name_plain"
        q = {"name_plain": folded.title(), "name_exact": full, "name_typo": typo(rng, folded),
             "name_short": " ".join(folded.split()[::max(1, len(folded.split()) - 1)]), "caregiver": carer.title(),
             "id_number": number}[kind]
        out.append((kind, q, pid, commune))
    return out


def run(db: Database, qs, warm: int = 30) -> dict:
    results: dict[tuple[str, str], list[tuple[float, bool]]] = {}
    with db.read() as s:
        for _kind, q, _pid, commune in qs[:warm]:
            search(s, Scope(PROVINCE, frozenset({commune})), q)
    for who in ("commune", "province"):
        for kind, q, pid, commune in qs:
            scope = Scope(PROVINCE, frozenset({commune})) if who == "commune" else Scope(PROVINCE, None)
            started = time.perf_counter()
            with db.read() as s:
                hits = search(s, scope, q, limit=20)
            elapsed = (time.perf_counter() - started) * 1000
            found = any(h.person.id == pid for h in hits)
            results.setdefault((who, kind), []).append((elapsed, found))
            results.setdefault((who, "all"), []).append((elapsed, found))
    return results


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def report(label: str, n: int, loaded: float, indexed: float, results: dict) -> str:
    lines = [f"### {label}: {n:,} children (load {loaded:.0f} s, indexes {indexed:.0f} s)", "",
             "| scope | query | n | p50 ms | p95 ms | max ms | found |", "|---|---|---|---|---|---|---|"]
    for (who, kind), vals in sorted(results.items()):
        ms = [v for v, _ in vals]
        found = sum(1 for _, f in vals if f) / len(vals)
        lines.append(f"| {who} | {kind} | {len(vals)} | {statistics.median(ms):.1f} | {p(ms, 0.95):.1f} | "
                     f"{max(ms):.1f} | {found:.0%} |")
    return "\n".join(lines)


def bench(kind: str, n: int, count: int, reuse: str | None = None, keep: bool = False) -> str:
    os.environ["BVTE_PG_STATEMENT_TIMEOUT_MS"] = "0"   # the bulk load and the index builds run for minutes
    if reuse:   # a database an earlier run loaded (kept with --keep): measure only
        db = Database(reuse)
        try:
            qs = queries(db, count)
            out = report("PostgreSQL" if not db.is_sqlite else "SQLite", n, 0, 0, run(db, qs))
            print(out, flush=True)
            return out
        finally:
            db.dispose()
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="bvte-register-")
        db = Database(f"sqlite:///{folder}/register.sqlite3")
        pg = None
    else:
        from tests.support.db import ThrowawayDatabase

        pg = ThrowawayDatabase("bvte_register_bench")
        pg.create()
        db = Database(pg.url)
    try:
        communes, loaded, indexed = setup(db, n)
        print(f"{kind}: {n:,} loaded in {loaded:.1f} s, indexed in {indexed:.1f} s", flush=True)
        qs = queries(db, count)
        text_out = report("PostgreSQL" if pg else "SQLite", n, loaded, indexed, run(db, qs))
        print(text_out, flush=True)
        return text_out
    finally:
        db.dispose()
        if pg is not None and not keep:
            pg.drop()
        elif pg is not None:
            print(f"kept: --reuse {pg.url}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--n", type=int, help="children (default 200,000 on SQLite, 2,000,000 on PostgreSQL)")
    ap.add_argument("--queries", type=int, default=600)
    ap.add_argument("--quick", action="store_true", help="20,000 children, 120 queries")
    ap.add_argument("--reuse", help="measure on this already loaded database URL (no generation)")
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL database (printed) for --reuse")
    args = ap.parse_args()
    for kind in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
        n = 20000 if args.quick else args.n or (200_000 if kind == "sqlite" else 2_000_000)
        bench(kind, n, 120 if args.quick else args.queries, args.reuse, args.keep)


if __name__ == "__main__":
    main()
