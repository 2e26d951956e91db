"""Recording an enrolment's payment, by hand: the secretariat's or a school coordinator's.

Whoever records it is kept on the enrolment (payment_recorded_by, payment_recorded_at), so
the secretariat sees who recorded what; the audit log keeps every change.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from teacherapp import audit
from teacherapp.extensions import db
from teacherapp.formatting import date_filter
from teacherapp.models import Enrolment, PaymentMethod
from teacherapp.models.types import utcnow
from teacherapp.write_locks import lock_enrolment

UNPAID = "unpaid"


def payment_state(enrolment: Enrolment) -> str:
    """"unpaid", "individual" or "school_code": the payment form's choice."""
    return enrolment.payment_method.value if enrolment.payment_method else UNPAID


def mark_payment_recorded(enrolment: Enrolment) -> None:
    """The current user recorded this enrolment's payment state, now."""
    enrolment.payment_recorded_by_id = (current_user.id if current_user
                                        and current_user.is_authenticated else None)
    enrolment.payment_recorded_at = utcnow()


def record_payment(enrolment: Enrolment, state: str, code: str | None) -> bool:
    """Set the payment state; whether anything changed. No commit here.

    The enrolment row is locked first and read again: a teacher's save checks the payment
    (teacherapp.write_locks), so it waits for this write or sees it.
    """
    lock_enrolment(enrolment.id)
    db.session.refresh(enrolment)
    old = (payment_state(enrolment), enrolment.payment_code)
    if state == UNPAID:
        enrolment.paid_at = enrolment.payment_method = enrolment.payment_code = None
    else:
        if enrolment.paid_at is None:
            enrolment.paid_at = utcnow()
        enrolment.payment_method = PaymentMethod(state)
        enrolment.payment_code = code or None
    new = (payment_state(enrolment), enrolment.payment_code)
    if new == old:
        return False
    mark_payment_recorded(enrolment)
    audit.record("update", "enrolment", enrolment.id, field="payment",
                 old=" ".join(v for v in old if v), new=" ".join(v for v in new if v),
                 course_id=enrolment.course_id)
    return True


def payment_recorder(enrolment: Enrolment) -> str:
    """ "geregistreerd door Karen Hendrickx (school) op 06/12/2026", or "" when unknown."""
    if enrolment.payment_recorded_at is None:
        return ""
    recorder = enrolment.payment_recorded_by
    if recorder is None:
        return _("recorded on %(date)s", date=date_filter(enrolment.payment_recorded_at))
    who = _("school") if recorder.is_school_coordinator else _("VTS")
    return _("recorded by %(name)s (%(who)s) on %(date)s", name=recorder.full_name, who=who,
             date=date_filter(enrolment.payment_recorded_at))
