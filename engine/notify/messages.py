"""The texts of notifications. They carry the task title (from the process, never from case data), the due
instant, the case reference and a link: never a child's or a reporter's name, nor any other case field."""

from __future__ import annotations

import datetime as dt

from engine.workdays import VN_TZ

KINDS = {
    # kind: (Vietnamese, English)
    "new_task": ("Việc mới", "New task"),
    "reminder": ("Sắp hết hạn", "Limit about to pass"),
    "overdue": ("Quá hạn", "Overdue"),
    "handover": ("Hồ sơ được chuyển đến xã", "Case handed over"),
    "break_glass": ("Truy cập khẩn cấp hồ sơ", "Break-glass opening of a case"),
    "message": ("Tin nhắn về hồ sơ", "Message on a case"),
    "duplicate": ("Báo cáo mới có thể về cùng người với hồ sơ của xã", "A new report may concern a case of yours"),
    "stuck_overdue": ("Quá hạn, hồ sơ đang gặp sự cố hệ thống", "Overdue while the case cannot run"),
}
EMERGENCY = ("KHẨN CẤP", "EMERGENCY")


def when(instant: dt.datetime | None) -> str:
    if instant is None:
        return ""
    return instant.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def compose(kind: str, *, title: str, reference: str, due_at: dt.datetime | None, emergency: bool,
            link: str) -> tuple[str, str]:
    """(subject, body) of one notification; ``link`` is a path, the sender puts BVTE_BASE_URL before it."""
    vi, en = KINDS[kind]
    mark = f"[{EMERGENCY[0]}] " if emergency else ""
    subject = f"{mark}{vi} / {en}: {title} — {reference}"
    lines = [f"{vi}: {title}", f"Hồ sơ: {reference}"]
    if due_at is not None:
        lines.append(f"Hạn: {when(due_at)} (giờ Việt Nam)")
    lines += ["", f"{en}: {title}", f"Case: {reference}"]
    if due_at is not None:
        lines.append(f"Due: {when(due_at)} (Vietnam time)")
    lines += ["", "{link}"]
    return subject[:300], "\n".join(lines)


def in_language(subject: str, kind: str, lang: str, translate=lambda title: title) -> str:
    """A stored (bilingual) subject in one language for the bell's list: the kind's words in ``lang`` and the
    task title through ``translate``; a subject of another shape is returned as stored."""
    words = KINDS.get(kind)
    if words is None:
        return subject
    emergency = subject.startswith(f"[{EMERGENCY[0]}] ")
    rest = subject[len(EMERGENCY[0]) + 3:] if emergency else subject
    head = f"{words[0]} / {words[1]}: "
    if not rest.startswith(head):
        return subject
    title, sep, reference = rest[len(head):].rpartition(" — ")
    if not sep:
        title, reference = reference, ""
    i = 0 if lang == "vi" else 1
    mark = f"[{EMERGENCY[i]}] " if emergency else ""
    return f"{mark}{words[i]}: {translate(title)}" + (f" — {reference}" if reference else "")


def sms_text(subject: str, link: str) -> str:
    """An SMS: the subject and the link (kept short)."""
    return f"BVTE {subject} {link}"


def digest(items: list[tuple[str, str]]) -> tuple[str, str]:
    """The morning digest of what quiet hours held back: (subject, link) per notification."""
    subject = f"Tóm tắt thông báo / Morning digest: {len(items)}"
    lines = ["Thông báo trong giờ yên tĩnh / Notifications held during quiet hours:", ""]
    lines += [f"- {s}\n  {link}" for s, link in items]
    return subject, "\n".join(lines)
