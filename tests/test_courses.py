"""The teacher's course pages: my courses, roster with live search, pupil page, content overview."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from teacherapp.extensions import db
from teacherapp.models import (
    Absence,
    AssessmentContext,
    ExemptionKind,
    Submission,
    SubmissionState,
)
from tests import courses_helpers as h

ROUTES = {
    "index": "/courses/",
    "course": "/courses/{course}",
    "search": "/courses/{course}?q=x&unpaid=y",
    "pupil": "/courses/{course}/pupils/{enrolment}",
    "content": "/courses/{course}/content",
}
COURSE_ROUTES = [name for name in ROUTES if name != "index"]


def _url(name: str, w: h.World) -> str:
    return ROUTES[name].format(course=w.course.id, enrolment=w.enrolments[0].id)


# ---------------------------------------------------------------- who may see what


@pytest.mark.parametrize("name", list(ROUTES))
def test_anonymous_users_are_sent_to_log_in(client, name):
    w = h.world()
    db.session.commit()
    response = client.get(_url(name, w))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("name", COURSE_ROUTES)
def test_another_teacher_gets_404_and_learns_nothing(client, auth, name):
    w = h.world()
    auth.login(w.other_teacher)
    response = client.get(_url(name, w))
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Leerling000" not in html and "5 Sport" not in html


@pytest.mark.parametrize("name", COURSE_ROUTES)
def test_a_teacher_no_longer_recognised_gets_404(client, auth, name):
    w = h.world()
    from teacherapp.models import Recognition
    from teacherapp.models.types import utcnow

    for recognition in db.session.query(Recognition).filter_by(teacher_id=w.teacher.id):
        recognition.revoked_at = utcnow()
    auth.login(w.teacher)
    assert client.get(_url(name, w)).status_code == 404


@pytest.mark.parametrize("name", list(ROUTES))
def test_the_teacher_and_the_secretariat_may_view(client, auth, name):
    w = h.world()
    for user in (w.teacher, w.secretariat):
        auth.login(user)
        response = client.get(_url(name, w))
        assert response.status_code == 200, (user, name)
        auth.logout()


def test_secretariat_sees_the_course_read_only(client, auth):
    w = h.world()
    auth.login(w.secretariat)
    html = client.get(_url("course", w)).get_data(as_text=True)
    assert "alleen lezen" in html
    assert 'method="post"' not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_pupil_of_another_course_is_not_found_under_my_course(client, auth, make):
    w = h.world()
    stranger = make.enrolment(w.other_course)
    auth.login(w.teacher)
    url = f"/courses/{w.course.id}/pupils/{stranger.id}"
    assert client.get(url).status_code == 404
    assert client.get(f"/courses/{w.course.id}/pupils/999999").status_code == 404
    assert client.get("/courses/999999").status_code == 404


# ---------------------------------------------------------------- my courses


def test_course_cards_show_counts_progress_submission_and_next_exam(client, auth, make):
    w = h.world(pupils=3)
    make.enrolment(w.course, paid=False)
    theory, practice = w.subjects
    a, b, c = w.enrolments
    h.score(a, theory, 1, 12)
    h.score(a, practice, 1, 9)
    h.score(b, theory, 1, absence=Absence.ABSENT)
    db.session.add(Submission(course_id=w.course.id, sitting=1, state=SubmissionState.SUBMITTED))
    auth.login(w.teacher)
    response = client.get("/courses/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "4 leerlingen" in html
    assert "1 niet betaald" in html
    assert "3 van 6 scores ingevuld" in html  # 3 scorable pupils x 2 subjects
    assert "ingediend" in html
    # a failed practice, b was absent for theory; with the first sitting submitted, the
    # subjects without a first-sitting mark (b's practice, both of c's) go to the second too.
    assert "0 van 5 scores ingevuld" in html
    assert "Andere klas" not in html


def test_course_cards_are_sorted_by_next_exam_and_one_tap_target(client, auth, make, monkeypatch):
    w = h.world(pupils=1)
    later = make.course(w.course_type, teachers=[w.teacher], group_name="Later")
    make.subject(later, exam_dates=(date(2027, 5, 1), date(2027, 6, 1)))
    never = make.course(w.course_type, teachers=[w.teacher], group_name="Zonder examen")
    auth.login(w.teacher)
    html = client.get("/").get_data(as_text=True)
    # world's course examines on 01/12/2026; "Later" on 01/05/2027; the other has none.
    assert html.index("5 Sport") < html.index("Later") < html.index("Zonder examen")
    assert f'href="/courses/{never.id}"' in html
    assert "Geen examenmoment gepland" in html


def test_home_and_courses_index_show_the_same_cards(client, auth):
    w = h.world(pupils=1)
    auth.login(w.teacher)
    assert "5 Sport" in client.get("/").get_data(as_text=True)
    assert "5 Sport" in client.get("/courses/").get_data(as_text=True)


def test_teacher_is_told_about_a_linked_course_they_are_not_recognised_for(client, auth, make):
    w = h.world(pupils=1)
    hr = make.course_type("HR", name="Hoger Redder")
    make.course(hr, teachers=[w.teacher], group_name="Zwemklas")
    auth.login(w.teacher)
    html = client.get("/").get_data(as_text=True)
    assert "Zwemklas" not in html
    assert "1 opleiding is aan jou gekoppeld voor een opleidingstype waarvoor je niet erkend bent" in html


# ---------------------------------------------------------------- roster


def test_roster_shows_status_payment_exemptions_and_content(client, auth, make):
    w = h.world(pupils=2)
    young = make.pupil(w.course.school, first_name="Jonge", last_name="Wout",
                       birth_date=date(2013, 2, 1))
    make.enrolment(w.course, young)
    unpaid = make.enrolment(w.course, make.pupil(w.course.school, first_name="Niet",
                                                  last_name="Betaald"), paid=False)
    again = make.enrolment(w.course, make.pupil(w.course.school, first_name="Al",
                                                 last_name="Geslaagd"), passed_before=True)
    h.exempt(w.enrolments[0], w.subjects[0])
    h.view(w.enrolments[0].pupil, w.items[0])
    h.view(w.enrolments[0].pupil, w.items[1], progress=40)
    auth.login(w.teacher)
    response = client.get(f"/courses/{w.course.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert "Niet betaald: geen examen mogelijk" in html
    assert "Te jong voor deze opleiding" in html
    assert "Al eerder geslaagd" in html
    assert "Theorie" in html  # the exemption
    assert "2 van 3 bekeken, 1 voltooid" in html
    assert "wordt 13 in 2026" in html
    assert f'/courses/{w.course.id}/pupils/{unpaid.id}"' in html
    assert f'/courses/{w.course.id}/pupils/{again.id}"' in html


def test_roster_search_as_htmx_returns_only_the_rows_partial(client, auth, make):
    w = h.world(pupils=3)
    make.enrolment(w.course, make.pupil(w.course.school, first_name="Zoë", last_name="Maes"))
    auth.login(w.teacher)
    response = client.get(f"/courses/{w.course.id}?q=zoe", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="pupil-rows"' in html
    assert "Maes, Zoë" in html and "Leerling000" not in html
    assert "1 van 4 leerlingen" in html
    assert "HX-Request" in response.headers["Vary"]


def test_roster_search_without_js_renders_the_full_page_with_the_form_filled_in(client, auth):
    w = h.world(pupils=3)
    auth.login(w.teacher)
    response = client.get(f"/courses/{w.course.id}?q=VTS-500001")
    html = response.get_data(as_text=True)
    assert "<html" in html
    assert 'value="VTS-500001"' in html
    assert "Achternaam001" in html and "Achternaam002" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_roster_filters_unpaid_unscored_and_not_all_viewed(client, auth, make):
    w = h.world(pupils=2)
    a, b = w.enrolments
    unpaid = make.enrolment(w.course, make.pupil(w.course.school, first_name="Niet",
                                                  last_name="Betaald"), paid=False)
    for subject in w.subjects:
        h.score(a, subject, 1, 15)
    for item in w.items:
        h.view(b.pupil, item)
    auth.login(w.teacher)
    base = f"/courses/{w.course.id}"

    def names(query: str) -> set[str]:
        html = client.get(base + query, headers={"HX-Request": "true"}).get_data(as_text=True)
        return {n for n in ("Achternaam000", "Achternaam001", "Betaald") if n + "," in html}

    assert names("?unpaid=y") == {"Betaald"}
    assert names("?unscored=y") == {"Achternaam001"}
    assert names("?unviewed=y") == {"Achternaam000", "Betaald"}
    assert names("?unviewed=y&unpaid=y") == {"Betaald"}
    assert names("?q=nobody") == set()
    assert unpaid.id  # the unpaid pupil stays visible without filters
    assert names("") == {"Achternaam000", "Achternaam001", "Betaald"}


def test_roster_with_no_match_explains_how_to_see_more(client, auth):
    w = h.world(pupils=1)
    auth.login(w.teacher)
    html = client.get(f"/courses/{w.course.id}?q=zzz").get_data(as_text=True)
    assert "Geen leerling voldoet aan deze zoekopdracht" in html


def test_roster_accepts_odd_input_without_failing(client, auth):
    w = h.world(pupils=1)
    auth.login(w.teacher)
    for query in ("?q=" + "x" * 500, "?unpaid=maybe", "?q=%ff", "?q=<script>"):
        response = client.get(f"/courses/{w.course.id}{query}")
        assert response.status_code == 200
        assert "<script>" not in response.get_data(as_text=True).split("<main", 1)[1]
    # A NUL byte is refused before it reaches the page (the app answers 400), never a 500.
    assert client.get(f"/courses/{w.course.id}?q=%00").status_code < 500


def test_empty_course_explains_how_pupils_arrive(client, auth, make):
    w = h.world(pupils=0)
    auth.login(w.teacher)
    html = client.get(f"/courses/{w.course.id}").get_data(as_text=True)
    assert "Er zijn nog geen leerlingen ingeschreven" in html


# ---------------------------------------------------------------- pupil page


def test_pupil_page_shows_scores_results_exemptions_rubrics_and_content(client, auth, make):
    w = h.world(pupils=1)
    enrolment = w.enrolments[0]
    theory, practice = w.subjects
    h.score(enrolment, practice, 1, Decimal("8.5"), by=w.teacher)
    h.score(enrolment, practice, 2, 13, by=w.teacher)
    h.exempt(enrolment, theory, "Bisser: theorie geslaagd in 2025-2026", ExemptionKind.REPEATER_KEPT)
    rubric = make.rubric(w.course_type, criteria=2, levels=3)
    h.assess(enrolment, rubric.criteria[0], rubric.criteria[0].levels[2], by=w.teacher,
             context=AssessmentContext.EXAM, note="Sterke start")
    h.view(enrolment.pupil, w.items[0], progress=70, first=datetime(2026, 10, 3, 15, tzinfo=UTC))
    auth.login(w.teacher)
    response = client.get(f"/courses/{w.course.id}/pupils/{enrolment.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Leerling000 Achternaam000" in html
    assert "8,5" in html and "13" in html
    assert "Niet geslaagd" in html and "Geslaagd" in html  # first failed, second passed
    assert "Bisser: theorie geslaagd in 2025-2026" in html
    assert "Skill 1" in html and "Level 3" in html and "Descriptor 1.3" in html
    assert "op het examen" in html and "An Peeters" in html and "Sterke start" in html
    assert "eerst bekeken 03/10/2026" in html
    assert 'value="70"' in html
    assert "nog niet bekeken" in html  # the other items


def test_pupil_page_explains_why_an_unpaid_pupil_cannot_be_scored(client, auth, make):
    w = h.world(pupils=0)
    enrolment = make.enrolment(w.course, paid=False)
    auth.login(w.teacher)
    html = client.get(f"/courses/{w.course.id}/pupils/{enrolment.id}").get_data(as_text=True)
    assert "Niet betaald: geen examen mogelijk" in html
    assert "geen examenkans: er kan geen score ingevuld worden" in html


# ---------------------------------------------------------------- content overview


def test_content_overview_counts_per_item_and_names_who_did_not_view(client, auth):
    w = h.world(pupils=4, items=2)
    first, second = w.items
    for enrolment in w.enrolments[:3]:
        h.view(enrolment.pupil, first)
    h.view(w.enrolments[0].pupil, second, progress=40)
    auth.login(w.teacher)
    response = client.get(f"/courses/{w.course.id}/content")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 van 4 bekeken" in html and "(75%)" in html
    assert "1 van 4 bekeken" in html
    assert "3 leerlingen hebben dit nog niet bekeken" in html
    assert "1 leerling heeft dit nog niet bekeken" in html
    assert "<svg" in html and "<details" in html and 'class="matrix"' in html
    assert 'width="195.0"' in html  # 75% of the 260-wide chart track
    assert "style=" not in html


def test_content_overview_without_content_says_so(client, auth):
    w = h.world(pupils=2, items=0)
    auth.login(w.teacher)
    html = client.get(f"/courses/{w.course.id}/content").get_data(as_text=True)
    assert "Er is nog geen leerinhoud voor dit opleidingstype" in html


# ---------------------------------------------------------------- language and markup


@pytest.mark.parametrize("name", list(ROUTES))
def test_pages_speak_english_when_asked(client, auth, name):
    w = h.world()
    auth.login(w.teacher)
    with client.session_transaction() as session:
        session["lang"] = "en"
    html = client.get(_url(name, w)).get_data(as_text=True)
    assert 'lang="en"' in html
    assert "leerlingen" not in html.lower().split("<main", 1)[1]


@pytest.mark.parametrize("name", list(ROUTES))
def test_pages_have_no_inline_style_or_script(client, auth, name):
    w = h.world()
    h.view(w.enrolments[0].pupil, w.items[0])
    auth.login(w.teacher)
    html = client.get(_url(name, w)).get_data(as_text=True)
    assert "style=" not in html
    assert "hx-on" not in html and "onclick" not in html
    assert "<script>" not in html


def test_pupil_page_links_to_exam_mode_only_for_a_scorable_pupil_and_a_teacher(client, auth, make):
    w = h.world(pupils=1)
    unpaid = make.enrolment(w.course, paid=False)
    auth.login(w.teacher)
    html = client.get(f"/courses/{w.course.id}/pupils/{w.enrolments[0].id}").get_data(as_text=True)
    assert f"/courses/{w.course.id}/exam?pupil={w.enrolments[0].id}" in html
    html = client.get(f"/courses/{w.course.id}/pupils/{unpaid.id}").get_data(as_text=True)
    assert "/exam?pupil=" not in html
    auth.logout()
    auth.login(w.secretariat)
    html = client.get(f"/courses/{w.course.id}/pupils/{w.enrolments[0].id}").get_data(as_text=True)
    assert "/exam?pupil=" not in html


def test_course_page_links_to_the_scoring_pages_for_teachers(client, auth):
    w = h.world(pupils=1)
    auth.login(w.teacher)
    html = client.get(f"/courses/{w.course.id}").get_data(as_text=True)
    assert f"/courses/{w.course.id}/exam" in html
    assert f"/courses/{w.course.id}/grid" in html
    assert f"/courses/{w.course.id}/submission/1" in html
    assert f"/courses/{w.course.id}/submission/2" in html


def test_roster_row_lists_exemptions_in_subject_order_and_counts_scores_per_sitting(
        client, auth, make):
    w = h.world(pupils=2)
    first, second = w.enrolments
    h.exempt(first, w.subjects[1])  # Praktijk first, to show the order is the subjects'
    h.exempt(first, w.subjects[0])
    h.score(second, w.subjects[0], value=12)
    auth.login(w.teacher)
    html = client.get(f"/courses/{w.course.id}").get_data(as_text=True)

    def row(enrolment) -> str:
        start = html.index(f'/courses/{w.course.id}/pupils/{enrolment.id}"')
        return html[start:html.index("</tr>", start)]

    assert "Theorie, Praktijk" in row(first)
    assert "1ste zittijd: 1/2" in row(second) and "score-count-open" in row(second)
    assert '<td data-label="Vrijstellingen" class="is-normal">' in row(second)  # none
    assert '<span class="muted">geen</span>' in row(second)
