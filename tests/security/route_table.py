"""Who may use which route: ONE table for the whole application.

Six actors: anonymous, teacher A and teacher B (two schools), the school coordinators of
side A's and side B's schools, and the secretariat.

Every endpoint in app.url_map must be listed here; an endpoint that is missing fails
tests/security/test_route_matrix.py until someone classifies it. That is the point: a new
route is never reachable across teachers, without login or without CSRF by accident.

URL arguments are built by name from the seeded world (ARGUMENTS below), always with the
objects of side A (teacher A's school and course). Teacher B, of another school, must be
refused all of them; teacher A is refused when one of several ids is swapped for side B's.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.security.world import Side, World


class Access(enum.Enum):
    PUBLIC = "anyone, logged in or not"
    LOGIN = "any logged-in user"
    COURSE = "the course's linked, recognised teachers (teacher B gets 404)"
    TEACHER = "teachers only (secretariat gets 403)"
    SECRETARIAT = "the VTS secretariat only (teachers get 403)"
    MACHINE = "a machine with an integration token (Bearer), no cookies"
    # A school coordinator's pages about one object of her school: the coordinator of side A's
    # school may, the coordinator of side B's school gets 404, teachers and the secretariat 403.
    SCHOOL = "the coordinator of the object's school (another school's coordinator gets 404)"
    COORDINATOR = "school coordinators only, each about her own schools (others get 403)"


@dataclass(frozen=True)
class Route:
    access: Access
    # COURSE routes: may the secretariat use it too? (True: allowed; False: 403)
    secretariat: bool = False
    # The allowed user may get 404 here (e.g. an import key that exists only during an import).
    may_404: bool = False
    # A plausible form body, so a missing permission check would really change data.
    data: Callable[[World, Side], dict[str, Any]] | None = None
    # Why a mutating route needs no CSRF token (only token-authenticated machine routes).
    csrf_exempt: str = ""
    # The response is a file or data, not a page (headers still apply).
    json: bool = False
    # Shows no pupil data (e.g. the service worker), so it may be cached ("no-store" not needed).
    pupil_data: bool = True
    # Allowed use ends in a redirect to the login page (logging out).
    ends_session: bool = False
    extra_args: dict[str, Any] = field(default_factory=dict)


P, L, C, T, S, M = (Access.PUBLIC, Access.LOGIN, Access.COURSE, Access.TEACHER,
                    Access.SECRETARIAT, Access.MACHINE)
SC, CO = Access.SCHOOL, Access.COORDINATOR

# URL argument name -> its value in side A (or B). A new argument name fails the matrix
# until it is added here.
ARGUMENTS: dict[str, Callable[[World, Side], Any]] = {
    "course_id": lambda w, s: s.course.id,
    "enrolment_id": lambda w, s: s.enrolment.id,
    "subject_id": lambda w, s: s.subject.id,
    "criterion_id": lambda w, s: s.criterion.id,
    "level_id": lambda w, s: s.level.id,
    "rubric_id": lambda w, s: s.rubric.id,
    "teacher_id": lambda w, s: s.teacher.id,
    "school_id": lambda w, s: s.school.id,
    "course_type_id": lambda w, s: s.course_type.id,
    "recognition_id": lambda w, s: s.recognition.id,
    "item_id": lambda w, s: s.content_item.id,
    "token_id": lambda w, s: w.integration.id,
    "score_id": lambda w, s: s.score.id,
    "exemption_id": lambda w, s: s.exemption.id,
    "pupil_id": lambda w, s: s.pupil.id,
    "submission_id": lambda w, s: s.submission.id,
    "sitting": lambda w, s: 1,
    "context": lambda w, s: "class",
    "key": lambda w, s: "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f",
    "token": lambda w, s: "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f",
    "filename": lambda w, s: "app.css",
    "round_id": lambda w, s: s.round_course.round_id,
    "rc_id": lambda w, s: s.round_course.id,
    "attest_id": lambda w, s: s.attest.id,
    "job_id": lambda w, s: s.job.id,
    "number": lambda w, s: s.attest.number,
    "invitation_id": lambda w, s: s.invitation.id,
    "user_id": lambda w, s: s.coordinator.id,
}


def _seen_exemption(s: Side) -> str:
    """What the exemption form of (s.enrolment, s.subject) shows: the form's `seen` field."""
    from sqlalchemy import select

    from teacherapp.extensions import db
    from teacherapp.models import Exemption
    from teacherapp.scoring.exemptions import seen_fingerprint

    return seen_fingerprint(db.session.scalars(select(Exemption).where(
        Exemption.enrolment_id == s.enrolment.id, Exemption.subject_id == s.subject.id)).first())


# Arguments that are not object ids: never swapped between sides.
NOT_IDS = {"sitting", "context", "key", "token", "filename", "number"}


def _score(w: World, s: Side) -> dict[str, Any]:
    return {"value": "3", "version": str(s.score.version), "absence": ""}


def _payment(w: World, s: Side) -> dict[str, Any]:
    """A payment row's form (prefixed by the enrolment): paid with a school code."""
    return {f"e{s.enrolment.id}-state": "school_code", f"e{s.enrolment.id}-code": "MATRIX-1"}


def _level(w: World, s: Side) -> dict[str, Any]:
    return {"level_id": str(s.criterion.levels[0].id), "version": "1", "note": "x"}


ROUTES: dict[str, Route] = {
    "static": Route(P, pupil_data=False),
    # auth, main
    "auth.login": Route(P, data=lambda w, s: {"email": s.teacher.email, "password": "x" * 12}),
    "auth.logout": Route(L, ends_session=True),
    "main.home": Route(L),
    "main.set_language": Route(P, data=lambda w, s: {"lang": "en", "next": "/"}),
    # operations
    "ops.healthz": Route(P, json=True),
    "ops.live": Route(P, json=True),
    # offline / PWA
    "offline.web_manifest": Route(P, json=True, pupil_data=False),
    "offline.service_worker": Route(P, json=True, pupil_data=False),
    "offline.fallback": Route(P),
    "offline.index": Route(L),
    "offline.csrf_token": Route(L, json=True),
    "offline.course_pages": Route(C, secretariat=True, json=True),
    # courses (teachers' view of their courses; the secretariat sees every course)
    "courses.index": Route(L),
    "courses.show": Route(C, secretariat=True),
    "courses.pupil": Route(C, secretariat=True),
    "courses.content": Route(C, secretariat=True),
    # scoring
    "scoring.exam_mode": Route(C),
    "scoring.grid": Route(C, secretariat=True),
    "scoring.score_cell": Route(C, data=_score),
    "scoring.score_history": Route(C),
    "scoring.level_cell": Route(C, data=_level),
    "scoring.level_history": Route(C),
    # The secretariat may record or remove an exemption too (e.g. after a submission).
    "scoring.exemption": Route(C, secretariat=True,
                               data=lambda w, s: {"kind": "exemption", "reason": "matrix",
                                                  "seen": _seen_exemption(s)}),
    "scoring.remove_exemption": Route(C, secretariat=True,
                                      data=lambda w, s: {"seen": _seen_exemption(s)}),
    "scoring.submission": Route(C, secretariat=True),
    "scoring.submit": Route(C),
    "scoring.reopen": Route(S, data=lambda w, s: {"reason": "route matrix reopen"}),
    # content: the machine feed, imports and integrations (secretariat)
    "content.api_content_views": Route(M, json=True,
                                       csrf_exempt="token-authenticated JSON API; cookies do not "
                                                   "authenticate it, so a forged request has no power"),
    "content.import_views": Route(S),
    "content.preview_import": Route(S, may_404=True),
    "content.confirm_import": Route(S, may_404=True),
    "content.cancel_import": Route(S, may_404=True),
    "content.integrations": Route(S),
    "content.create_integration": Route(S, data=lambda w, s: {"name": "Matrix"}),
    "content.revoke_integration": Route(S),
    # xAPI: the LRS for machines, and the secretariat's statements to resolve
    "xapi.statements": Route(M, json=True,
                                     csrf_exempt="key-and-secret (Basic) or token-authenticated "
                                                 "xAPI resource; cookies do not authenticate it"),
    "xapi.about": Route(P, json=True, pupil_data=False),
    "xapi_admin.index": Route(S),
    "xapi_admin.link_agent": Route(S, data=lambda w, s: {"actor_key": "openid:https://x.example/",
                                                                 "pupil": s.pupil.vts_account_id or ""}),
    "xapi_admin.map_activity": Route(S, data=lambda w, s: {"iri": "https://x.example/a",
                                                                   "target": f"item:{s.content_item.id}"}),
    "xapi_admin.reproject": Route(S),
    # audit log
    "auditlog.index": Route(S),
}

# The secretariat's deliberation: overview, export, pupil imports and payments.
for _endpoint, _route in {
    "deliberation.overview": Route(S),
    "deliberation.export": Route(S),
    "deliberation.export_download": Route(S, json=True),
    "deliberation.import_pupils": Route(S),
    "deliberation.import_preview": Route(S, may_404=True),
    "deliberation.import_cancel": Route(S, may_404=True),
    "deliberation.payments": Route(S),
    "deliberation.set_payment": Route(S, data=_payment),
}.items():
    ROUTES[_endpoint] = _route

# The secretariat's administration screens: every one of them is secretariat-only.
for _endpoint in (
    "admin.index", "admin.schools", "admin.school_new", "admin.school_edit", "admin.school_delete",
    "admin.teachers", "admin.teacher_new", "admin.teacher", "admin.teacher_edit",
    "admin.teacher_disable", "admin.teacher_enable", "admin.teacher_password",
    "admin.recognition_add", "admin.recognition_revoke",
    "admin.course_types", "admin.course_type_new", "admin.course_type_edit",
    "admin.course_type_delete",
    "admin.courses", "admin.course_new", "admin.course", "admin.course_edit",
    "admin.course_teacher_link", "admin.course_teacher_unlink",
    "admin.subject_new", "admin.subject_edit", "admin.subject_delete", "admin.subjects_copy",
    "admin.rubrics", "admin.rubric_new", "admin.rubric", "admin.rubric_edit", "admin.rubric_delete",
    "admin.criterion_add", "admin.criterion_edit", "admin.criterion_move",
    "admin.criterion_delete", "admin.level_add", "admin.level_edit", "admin.level_delete",
    "admin.content_items", "admin.content_item_new", "admin.content_item_edit",
    "admin.content_item_delete",
):
    ROUTES[_endpoint] = Route(S)

# The regulation's facts about a course or an enrolment: secretariat-only too.
ROUTES.update({
    "admin.course_justification": Route(
        S, data=lambda w, s: {"justification_under_ten": "Eén klas sport."}),
    "admin.enrolment_facts": Route(
        S, data=lambda w, s: {"school_grade": "5", "school_semester": "1"}),
    "admin.generic_test_add": Route(
        S, data=lambda w, s: {"taken_on": "2026-12-04", "passed": "yes"}),
})

# The school coordinator's area: her schools' courses, exam moments, teachers and overview.
ROUTES.update({
    "school.index": Route(CO),
    "school.overview": Route(CO),
    "school.course": Route(SC),
    "school.exam_moments": Route(SC, data=lambda w, s: {
        "first_date": "", "second_date": "", "first_place": "Sporthal"}),
    "school.teacher_link": Route(SC, data=lambda w, s: {"teacher_id": str(s.teacher.id)}),
    "school.teacher_unlink": Route(SC),
    "school.attests": Route(CO),
    "school.attests_pdf": Route(SC, json=True),
    # her school's pupil imports (the secretariat's code, limited to her courses) and payments
    "school.import_pupils": Route(SC),
    "school.import_preview": Route(SC, may_404=True),
    "school.import_cancel": Route(SC, may_404=True),
    "school.payments": Route(SC),
    "school.set_payment": Route(SC, data=_payment),
})

# Deliberation rounds and attests: the secretariat's; the verification page is public.
ROUTES.update({
    "main.attests.verify": Route(P),
    "deliberation.rounds.index": Route(S),
    "deliberation.rounds.open_round": Route(
        S, data=lambda w, s: {"school_year": "2030-2031", "trimester": "3"}),
    "deliberation.rounds.show": Route(S),
    "deliberation.rounds.gather": Route(S),
    "deliberation.rounds.course": Route(S),
    "deliberation.rounds.confirm": Route(S),
    "deliberation.rounds.reopen": Route(S, data=lambda w, s: {"reason": "route matrix"}),
    "deliberation.rounds.override": Route(
        S, data=lambda w, s: {"decision": "passed", "reason": "route matrix"}),
    "deliberation.rounds.revoke": Route(S, data=lambda w, s: {"reason": "route matrix"}),
    "deliberation.rounds.attest_pdf": Route(S, json=True),
    "deliberation.rounds.print_attests": Route(S),
    "deliberation.rounds.job_status": Route(S),
    "deliberation.rounds.restart_job": Route(S),
    "deliberation.rounds.school_pdf": Route(S, json=True),
    "deliberation.rounds.job_zip": Route(S, json=True),
})

# Invitations: the public link page (an unknown token gets the one "not valid" page, 410);
# the secretariat's school members screen; the coordinator's teachers and their invitations.
_NEW_PASSWORD = "route-matrix-wachtwoord"
ROUTES.update({
    "invites.accept_invitation": Route(P, data=lambda w, s: {
        "password": _NEW_PASSWORD, "confirm": _NEW_PASSWORD}),
    "admin.school_members": Route(S),
    "admin.school_member_invite": Route(S, data=lambda w, s: {
        "email": "nieuwe.coordinator@matrix.example", "full_name": "Nieuwe Coördinator"}),
    "admin.school_member_add": Route(S, data=lambda w, s: {
        "member-email": s.coordinator.email, "member-kind": "coordinator"}),
    "admin.school_member_remove": Route(S),
    "admin.school_invitation_cancel": Route(S),
    "admin.school_invitation_resend": Route(S),
    "school.staff": Route(CO),
    # The school is in the form: school A's id from coordinator B is a 404.
    "school.staff_invite": Route(SC, data=lambda w, s: {
        "email": "nieuwe.leerkracht@matrix.example", "full_name": "Nieuwe Leerkracht",
        "school_id": str(s.school.id)}),
    "school.invitation_cancel": Route(SC),
    "school.invitation_resend": Route(SC),
    "school.staff_remove": Route(SC),
})
