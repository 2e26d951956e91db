"""The secretariat imports a view export of the content platform: upload, preview, confirm."""

from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from teacherapp.content import bp, importing
from teacherapp.content.forms import ConfirmForm, ViewFileForm
from teacherapp.content.logic import MissingColumns, Outcome
from teacherapp.content.messages import OUTCOMES, PROBLEMS, column_message, file_error_message
from teacherapp.content.uploads import PendingUpload, UploadStore
from teacherapp.database import end_read_transaction
from teacherapp.errors import handlers as errors
from teacherapp.permissions import secretariat_required
from teacherapp.tabular import TabularFileError

# Rows listed per section of the preview; the counts above the lists always cover every row.
PREVIEW_ROWS = 1000


def _store() -> UploadStore:
    return UploadStore(current_app.instance_path + "/content-imports")


def _pending_or_404(key: str) -> PendingUpload:
    pending = _store().load(key, current_user.id)
    if pending is None:
        abort(404)
    return pending


def _limit_mb() -> str:
    """The upload limit in MB, written the Belgian way (5 or 2,5)."""
    return f"{current_app.config['MAX_CONTENT_LENGTH'] / (1024 * 1024):.1f}".removesuffix(".0") \
        .replace(".", ",")


def _upload_page(form: ViewFileForm, status: int = 200, error: str | None = None):
    return render_template("content/import.html", form=form, error=error, limit_mb=_limit_mb(),
                           recent=importing.recent_imports()), status


@bp.route("/admin/content-views/import", methods=["GET", "POST"])
@secretariat_required
def import_views():
    form = ViewFileForm()
    if not form.validate_on_submit():
        return _upload_page(form, 422 if form.errors else 200)
    end_read_transaction()  # never writes: the file is read without holding a transaction
    upload = form.file.data
    data = upload.read()
    try:
        importing.preview(importing.read_file(data, upload.filename or ""),
                          upload.filename or "")
    except TabularFileError as error:
        return _upload_page(form, 422, file_error_message(error.code))
    except MissingColumns as error:
        return _upload_page(form, 422, column_message(error.missing))
    key = _store().save(current_user.id, upload.filename or "", data)
    return redirect(url_for("content.preview_import", key=key))


@bp.route("/admin/content-views/import/<key>")
@secretariat_required
def preview_import(key: str):
    pending = _pending_or_404(key)
    result = importing.preview(importing.read_file(pending.data, pending.filename),
                               pending.filename)
    return render_template("content/preview.html", key=key, result=result, form=ConfirmForm(),
                           Outcome=Outcome, max_rows=PREVIEW_ROWS, problem_text=PROBLEMS.get,
                           outcome_text=OUTCOMES.get)


@bp.route("/admin/content-views/import/<key>/confirm", methods=["POST"])
@secretariat_required
def confirm_import(key: str):
    pending = _pending_or_404(key)
    # The file is read outside any transaction, so saves never wait for it; the import's
    # own transaction begins with its first statement.
    end_read_transaction()
    table = importing.read_file(pending.data, pending.filename)
    result = importing.apply(table, pending.filename)
    _store().discard(key)
    flash(_("Import done: %(new)d new views, %(updated)d updated, %(unchanged)d unchanged, "
            "%(rejected)d rows not applied.", new=result.count(Outcome.NEW),
            updated=result.count(Outcome.UPDATE), unchanged=result.count(Outcome.UNCHANGED),
            rejected=len(result.rejected)), "success")
    return redirect(url_for("content.import_views"))


@bp.route("/admin/content-views/import/<key>/cancel", methods=["POST"])
@secretariat_required
def cancel_import(key: str):
    _pending_or_404(key)
    _store().discard(key)
    flash(_("Import cancelled: nothing was changed."), "warning")
    return redirect(url_for("content.import_views"))


@bp.errorhandler(413)
def too_large(error):
    """A file over the limit: say so where the user can pick another one."""
    if request.path.startswith("/api/"):
        return jsonify(error="too_large",
                       message=f"The request body is larger than {_limit_mb()} MB."), 413
    if not current_user.is_authenticated or not current_user.is_secretariat:
        return errors.too_large(error)
    message = _("The file is larger than %(limit)s MB. Split the export into smaller files and "
                "import them one by one.", limit=_limit_mb())
    return _upload_page(ViewFileForm(formdata=None), 413, message)
