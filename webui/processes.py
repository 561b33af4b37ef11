"""Processes area for policy staff: versions, drafts (upload or edit in bpmn-js), validation shown on the
diagram, deploy (statutory-guard override needs a second policy user), download, diff, case migration."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from engine import auditlog
from engine import drafts
from engine.bpmn_accept import normalise_file_name
from engine.errors import Conflict
from engine.errors import InvalidProcess
from engine.errors import NotFound
from engine.loader import BPMN
from engine.loader import guard_problems
from engine.loader import safe_parse
from engine.models import ProcessDraft
from engine.versions import diff_versions
from engine.versions import migrate_cases
from webui.errors import json_error
from workflows import registry

bp = Blueprint("processes", __name__, url_prefix="/processes")
POLICY_ROLES = {"policy"}
# an uploaded file is never rendered by the browser as a page: no sniffing, no scripts, no same-origin
_XML_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox; default-src 'none'",
                "Content-Disposition": "attachment"}


def _engine():
    from webui import get_engine

    return get_engine()


@bp.before_request
@login_required
def _policy_only():
    if current_user.role not in POLICY_ROLES:
        abort(403)


def _safe_name(name: str, taken: set[str] | None = None) -> str:
    """The upload's file name normalised to ``[A-Za-z0-9_-]+.bpmn`` (``diagram (1).bpmn`` -> ``diagram_1.bpmn``),
    as the CLI accepts any name (#19 item 2)."""
    return normalise_file_name(name, taken)


def check_draft(files: dict[str, str], process_id: str) -> dict:
    """{'problems': [...], 'guards': [...]} — guards only once everything else is valid."""
    engine = _engine()
    data = {k: v.encode("utf-8") for k, v in files.items()}
    try:
        bundle = engine.validate(data, run_guards=False, main_id=process_id)
    except InvalidProcess as exc:
        return {"problems": exc.problems, "guards": []}
    return {"problems": [], "guards": guard_problems(bundle, engine.registry)}


def _main_process_id(xml: str, name: str) -> str:
    root = safe_parse(xml.encode("utf-8"), name)
    for proc in root.iter(BPMN + "process"):
        if proc.get("isExecutable", "true") != "false":
            return proc.get("id")
    raise InvalidProcess([(name, "không có quy trình thực thi được / no executable process")])


def _complete_bundle(process_id: str, files: dict[str, str]) -> dict[str, str]:
    """Add the called processes' files from the latest deployed version when the upload lacks them."""
    latest = drafts.latest_version(_engine(), process_id)
    if latest is None:
        return files
    uploaded = {p.get("id") for xml in files.values()
                for p in safe_parse(xml.encode("utf-8"), "upload", allow_dmn=True).iter(BPMN + "process")}
    out = {}
    for name, xml in latest.files.items():
        defined = {p.get("id") for p in safe_parse(xml.encode("utf-8"), name, allow_dmn=True).iter(BPMN + "process")}
        if name not in files and not defined & uploaded:   # an uploaded file replaces the one of the same name,
            out[name] = xml                                # or defining the same process (decisions stay)
    out.update(files)
    return out


@bp.get("")
def index():
    engine = _engine()
    return render_template("processes/index.html", versions=engine.versions(), drafts=drafts.recent(engine))


@bp.post("/upload")
def upload():
    """Upload one or more .bpmn files (drawn in Camunda Modeler or bpmn.io), with the .dmn decision tables they
    call, as a new draft."""
    engine = _engine()
    uploads = request.files.getlist("files")
    if not uploads or not any(u.filename for u in uploads):
        flash("Chưa chọn tệp .bpmn nào.", "warning")
        return redirect(url_for("processes.index")), 303
    files: dict[str, str] = {}
    try:
        for u in uploads:
            name = _safe_name(u.filename, set(files))
            raw = u.read(2 * 1024 * 1024 + 1)
            safe_parse(raw, name, allow_dmn=True)   # hostile XML is refused here, before anything else looks at it
            files[name] = raw.decode("utf-8")
        main = next((n for n in files if not n.endswith(".dmn")), next(iter(files)))   # decisions ride along
        process_id = _main_process_id(files[main], main)
    except InvalidProcess as exc:
        return render_template("processes/refused.html", problems=exc.problems), 422
    except UnicodeDecodeError:
        return render_template("processes/refused.html", problems=[("file", "tệp phải mã hoá UTF-8")]), 422
    files = _complete_bundle(process_id, files)
    draft = drafts.create(engine, process_id, files, current_user.username, event="process.draft_upload")
    return redirect(url_for("processes.draft", draft_id=draft.id)), 303


@bp.post("/versions/<int:version_id>/edit")
def edit_version(version_id: int):
    """Start a draft from a deployed version."""
    try:
        draft = drafts.from_version(_engine(), version_id, current_user.username)
    except NotFound:
        abort(404)
    return redirect(url_for("processes.draft", draft_id=draft.id)), 303


def _draft(draft_id: int) -> ProcessDraft:
    draft = drafts.get(_engine(), draft_id)
    if draft is None:
        abort(404)
    return draft


@bp.get("/drafts/<int:draft_id>")
def draft(draft_id: int):
    d = _draft(draft_id)
    result = check_draft(d.files, d.process_id)
    file = request.args.get("file") or next((n for n in d.files if n.startswith(d.process_id)), next(iter(d.files)))
    if file not in d.files:
        abort(404)
    return render_template("processes/draft.html", draft=d, result=result, file=file)


@bp.get("/drafts/<int:draft_id>/files/<name>")
def draft_file(draft_id: int, name: str):
    d = _draft(draft_id)
    if name not in d.files:
        abort(404)
    return Response(d.files[name], mimetype="application/xml", headers=_XML_HEADERS)


@bp.post("/drafts/<int:draft_id>/files/<name>")
def save_file(draft_id: int, name: str):
    """Save XML from the modeller (JSON {"xml": ...}); returns the validation result."""
    engine = _engine()
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("xml"), str):
        return json_error(400, "invalid", "BPMN XML string required", fields={"xml": ["BPMN XML string required"]})
    try:
        _safe_name(name)
        safe_parse(body["xml"].encode("utf-8"), name, allow_dmn=name.endswith(".dmn"))
    except InvalidProcess as exc:
        return json_error(422, "invalid_process", "the BPMN is not valid", problems=exc.problems)
    try:
        d = drafts.save_file(engine, draft_id, name, body["xml"], current_user.username)
    except NotFound:
        abort(404)
    except Conflict as exc:
        return json_error(409, "conflict", exc.message)
    return jsonify(check_draft(d.files, d.process_id))


@bp.post("/drafts/<int:draft_id>/test")
def test_draft(draft_id: int):
    """Run the procedure's Gherkin scenarios against this draft on a simulated clock."""
    from workflows.scenarios import run_scenarios

    d = _draft(draft_id)
    proc = registry.for_process(d.process_id)
    results = run_scenarios(d.files, features_dir=proc.features_dir if proc else None, main_id=d.process_id)
    auditlog.record(_engine(), current_user.username, "process.draft_test",
                    detail={"draft": d.id, "passed": sum(r.passed for r in results), "total": len(results)})
    return render_template("processes/test_results.html", draft=d, results=results)


@bp.post("/drafts/<int:draft_id>/override")
def request_override(draft_id: int):
    engine = _engine()
    reason = (request.form.get("reason") or "").strip()
    if len(reason) < 20:
        flash("Lý do bỏ qua quy tắc luật định phải cụ thể (ít nhất 20 ký tự).", "warning")
        return redirect(url_for("processes.draft", draft_id=draft_id)), 303
    try:
        drafts.request_override(engine, draft_id, reason, current_user.username)
    except NotFound:
        abort(404)
    flash("Đã đề nghị; cần một cán bộ chính sách khác phê duyệt.", "success")
    return redirect(url_for("processes.draft", draft_id=draft_id)), 303


@bp.post("/drafts/<int:draft_id>/override/approve")
def approve_override(draft_id: int):
    try:
        drafts.approve_override(_engine(), draft_id, current_user.username)
    except NotFound:
        abort(404)
    except drafts.SelfApproval:
        flash("Người đề nghị không thể tự phê duyệt; cần cán bộ chính sách thứ hai.", "warning")
        return redirect(url_for("processes.draft", draft_id=draft_id)), 303
    except Conflict:
        abort(409)
    flash("Đã phê duyệt bỏ qua quy tắc luật định.", "success")
    return redirect(url_for("processes.draft", draft_id=draft_id)), 303


@bp.post("/drafts/<int:draft_id>/deploy")
def deploy(draft_id: int):
    engine = _engine()
    d = _draft(draft_id)
    result = check_draft(d.files, d.process_id)
    if result["problems"]:
        flash("Bản nháp còn lỗi; chưa thể triển khai.", "warning")
        return redirect(url_for("processes.draft", draft_id=draft_id)), 303
    override = None
    if result["guards"]:
        if not (d.override_requested_by and d.override_approved_by):
            flash("Vi phạm quy tắc luật định: cần đề nghị bỏ qua có lý do và một cán bộ khác phê duyệt.", "warning")
            return redirect(url_for("processes.draft", draft_id=draft_id)), 303
        override = {"reason": d.override_reason, "requested_by": d.override_requested_by,
                    "approved_by": d.override_approved_by, "guards": result["guards"]}
    version = engine.deploy({k: v.encode("utf-8") for k, v in d.files.items()}, current_user.actor,
                            guard_override=override, main_id=d.process_id)
    drafts.mark_deployed(engine, draft_id, version.id)
    flash(f"Đã triển khai {version.process_id} phiên bản {version.version}.", "success")
    return redirect(url_for("processes.index")), 303


@bp.get("/versions/<int:version_id>/files/<name>")
def download(version_id: int, name: str):
    version = drafts.get_version(_engine(), version_id)
    if version is None or name not in version.files:
        abort(404)
    return Response(version.files[name], mimetype="application/xml",
                    headers={**_XML_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/diff")
def diff():
    try:
        a, b = int(request.args["a"]), int(request.args["b"])
    except (KeyError, ValueError):
        abort(400)
    return render_template("processes/diff.html", d=diff_versions(_engine(), a, b), a=a, b=b)


@bp.post("/migrate")
def migrate():
    engine = _engine()
    try:
        a, b = int(request.form["from_version"]), int(request.form["to_version"])
    except (KeyError, ValueError):
        abort(400)
    dry = request.form.get("dry_run") == "on"
    results = migrate_cases(engine, a, b, current_user.actor, dry_run=dry)
    return render_template("processes/migrate.html", results=results, dry=dry)
