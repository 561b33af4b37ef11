"""Evidence files of a case (photos, medical reports, signed decisions): images and PDF only, checked by
their content (magic bytes, and images decoded), images re-encoded without their metadata (GPS, camera,
time), stored on disk under a configured directory or in the database, seen by need-to-know audience, and
every upload and download audited in the transaction that does it (migration 0013).

The file belongs to the case (``case_id``), so it stays with the case through a transfer to another commune
and is in the database backups (or the attachments directory's, which sits beside the database).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import deferred
from sqlalchemy.orm import mapped_column

from engine import audit
from engine.db import Base
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from engine.models import TZ

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
AUDIENCES = ("case", "commune", "agency")   # every agency of the case | the commune | the uploader's agency
_KINDS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


class Attachment(Base):
    """One evidence file of a case (optionally of one of its tasks)."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    task_title: Mapped[str | None] = mapped_column(String(300), nullable=True)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    audience: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(300), default="")
    storage: Mapped[str] = mapped_column(String(10))          # disk | db
    path: Mapped[str | None] = mapped_column(String(300), nullable=True)
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_agency_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(TZ)


def _refuse(message_vi: str, message_en: str) -> InvalidTaskData:
    return InvalidTaskData({"file": [f"{message_vi} / {message_en}"]})


def sniff(data: bytes) -> str | None:
    """The media type the bytes are (JPEG, PNG or PDF), by their first bytes; None for anything else."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:5] == b"%PDF-":
        return "application/pdf"
    return None


def clean(data: bytes) -> tuple[bytes, str]:
    """The file as it will be stored and its media type: an image decoded and re-encoded without metadata
    (EXIF with GPS, XMP, comments; turned upright first), a PDF as it came. Raises ``InvalidTaskData``."""
    if not data:
        raise _refuse("Tệp rỗng", "The file is empty")
    if len(data) > MAX_BYTES:
        raise _refuse(f"Tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB)",
                      f"File too large (at most {MAX_BYTES // (1024 * 1024)} MB)")
    kind = sniff(data)
    if kind is None:
        raise _refuse("Chỉ nhận ảnh JPEG, PNG hoặc tệp PDF (kiểm tra theo nội dung tệp)",
                      "Only JPEG or PNG images or PDF files (checked by content)")
    if kind == "application/pdf":
        if b"%%EOF" not in data[-2048:]:
            raise _refuse("Tệp PDF không hoàn chỉnh", "Incomplete PDF file")
        return data, kind
    import warnings

    from PIL import Image
    from PIL import ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    raise _refuse("Ảnh quá lớn", "Image too large")
                probe.verify()
            with Image.open(io.BytesIO(data)) as img:
                img.load()
                upright = ImageOps.exif_transpose(img) or img
                if kind == "image/jpeg":
                    upright = upright.convert("RGB")
                elif upright.mode not in ("RGB", "RGBA", "L", "LA"):
                    upright = upright.convert("RGBA")
                bare = Image.new(upright.mode, upright.size)   # pixels only: no EXIF, GPS, XMP or text chunks
                bare.paste(upright)
                out = io.BytesIO()
                bare.save(out, "JPEG" if kind == "image/jpeg" else "PNG", **({"quality": 90} if kind == "image/jpeg" else {}))
    except InvalidTaskData:
        raise
    except Exception:   # truncated, malformed, a decompression bomb: all refused alike
        raise _refuse("Ảnh bị hỏng hoặc không đọc được", "The image is damaged or unreadable") from None
    return out.getvalue(), kind


_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def safe_name(name: str | None, kind: str) -> str:
    """A file name to show and to download under: no path, no control characters, the right extension."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    stem = _UNSAFE.sub("_", os.path.splitext(base)[0])[:120].strip("._ ") or "tep"
    return f"{stem}.{_KINDS[kind]}"


@dataclass(frozen=True)
class Upload:
    case_id: str
    filename: str
    data: bytes
    audience: str = "case"
    note: str = ""
    task_id: str | None = None
    task_title: str | None = None


def add(engine, upload: Upload, actor, directory: str | None = None) -> Attachment:
    """Check, clean and store one file of a case with its audit event (one transaction). ``directory``:
    where files go on disk; None keeps them in the database."""
    if upload.audience not in AUDIENCES:
        raise InvalidTaskData({"audience": ["Lựa chọn không hợp lệ / Not one of the choices"]})
    content, kind = clean(upload.data)
    digest = hashlib.sha256(content).hexdigest()
    now = engine.now()
    path = None
    if directory:
        os.makedirs(directory, exist_ok=True)
        path = f"{upload.case_id}-{uuid.uuid4().hex}.{_KINDS[kind]}"
        tmp = os.path.join(directory, path + ".part")
        with open(tmp, "wb") as fh:
            fh.write(content)
        os.replace(tmp, os.path.join(directory, path))
    row = Attachment(case_id=upload.case_id, task_id=upload.task_id, task_title=upload.task_title,
                     filename=safe_name(upload.filename, kind), media_type=kind, size=len(content), sha256=digest,
                     audience=upload.audience, note=(upload.note or "").strip()[:300],
                     storage="disk" if path else "db", path=path, content=None if path else content,
                     uploaded_by=actor.username, uploaded_agency_id=actor.agency_id, uploaded_at=now)
    try:
        with engine.db.write() as s:
            s.add(row)
            s.flush()
            audit.append(s, now, actor.username, "attachment.upload", case_id=upload.case_id,
                         task_id=upload.task_id, detail={"attachment": row.id, "file": row.filename,
                                                         "type": kind, "size": len(content), "sha256": digest,
                                                         "audience": upload.audience})
    except Exception:
        if path and directory:
            os.remove(os.path.join(directory, path))
        raise
    return row


def of_case(engine, case_id: str) -> list[Attachment]:
    """The case's files, oldest first (without their content)."""
    with engine.db.read() as s:
        return list(s.execute(select(Attachment).where(Attachment.case_id == case_id)
                              .order_by(Attachment.uploaded_at, Attachment.id)).scalars())


def may_see(att: Attachment, scope: str | None, agency_id: int | None, commune_member: bool) -> bool:
    """Need-to-know: ``case`` files to every agency with a scope on the case (emergency access included),
    ``commune`` files to the commune's officer and chairman and the uploading agency, ``agency`` files to
    the uploading agency and the commune officer (who holds the file)."""
    if scope is None:
        return False
    if att.audience == "case":
        return True
    if scope == "emergency":
        return False
    if att.uploaded_agency_id is not None and att.uploaded_agency_id == agency_id:
        return True
    return commune_member and scope == "full"


def fetch(engine, case_id: str, attachment_id: int, actor, directory: str | None = None) -> tuple[Attachment, bytes]:
    """The file's row and bytes, with its ``attachment.download`` audit event written first (one
    transaction); the caller has checked ``may_see``. ``NotFound`` for a file not of the case."""
    with engine.db.write() as s:
        row = s.get(Attachment, attachment_id)
        if row is None or row.case_id != case_id:
            raise NotFound("không tìm thấy tệp / file not found")
        audit.append(s, engine.now(), actor.username, "attachment.download", case_id=case_id,
                     task_id=row.task_id, detail={"attachment": row.id, "file": row.filename})
        if row.storage == "db":
            data = row.content or b""
        else:
            if not directory or not row.path:
                raise NotFound("tệp không còn trên đĩa / file missing on disk")
            with open(os.path.join(directory, os.path.basename(row.path)), "rb") as fh:
                data = fh.read()
        s.expunge(row)
    return row, data


def get(engine, case_id: str, attachment_id: int) -> Attachment | None:
    with engine.db.read() as s:
        row = s.get(Attachment, attachment_id)
        return row if row is not None and row.case_id == case_id else None
