"""The secretariat's integration tokens for the content platform's machine feed."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from teacherapp import audit
from teacherapp.content import bp
from teacherapp.content.forms import ConfirmForm, IntegrationForm
from teacherapp.content.tokens import new_token
from teacherapp.extensions import db
from teacherapp.htmx import is_htmx_request, render_page_or_partial
from teacherapp.models import IntegrationToken
from teacherapp.permissions import secretariat_required


def _token_or_404(token_id: int) -> IntegrationToken:
    token = db.session.get(IntegrationToken, token_id)
    if token is None:
        abort(404)
    return token


def _render(form: IntegrationForm, new_secret: dict | None = None, status: int = 200,
            message: str | None = None):
    tokens = db.session.scalars(
        select(IntegrationToken).options(joinedload(IntegrationToken.created_by))
        .order_by(IntegrationToken.revoked_at.is_not(None), IntegrationToken.created_at.desc(),
                  IntegrationToken.id.desc())
    ).all()
    response = render_page_or_partial("content/integrations.html", "content/_integrations.html",
                                      tokens=tokens, form=form, new_secret=new_secret,
                                      action_form=ConfirmForm(), message=message)
    response.status_code = status
    return response


@bp.route("/admin/integrations/")
@secretariat_required
def integrations():
    return _render(IntegrationForm(formdata=None))


@bp.route("/admin/integrations/", methods=["POST"])
@secretariat_required
def create_integration():
    form = IntegrationForm()
    if not form.validate_on_submit():
        return _render(form, status=422)
    secret, prefix, digest = new_token()
    token = IntegrationToken(name=form.name.data.strip(), token_hash=digest, token_prefix=prefix,
                             created_by_id=current_user.id)
    db.session.add(token)
    db.session.flush()
    audit.record("create", "integration_token", token.id, field="name", new=token.name)
    db.session.commit()
    # The secret is shown once, in this answer (page or fragment), and kept nowhere else:
    # not in the session cookie, which is signed but readable. No redirect, so the answer is
    # the page itself; it is never cached (Cache-Control: no-store on every page).
    shown = {"id": token.id, "name": token.name, "secret": secret}
    return _render(IntegrationForm(formdata=None), shown, 201)


@bp.route("/admin/integrations/<int:token_id>/revoke", methods=["POST"])
@secretariat_required
def revoke_integration(token_id: int):
    token = _token_or_404(token_id)
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        audit.record("revoke", "integration_token", token.id, field="revoked_at",
                     new=token.revoked_at.isoformat())
        db.session.commit()
    message = _("Token “%(name)s” is revoked: the platform can no longer send with it.",
                name=token.name)
    if is_htmx_request():
        return _render(IntegrationForm(formdata=None), message=message)
    flash(message, "success")
    return redirect(url_for("content.integrations"))
