"""The score cell's words follow the teacher's language, save after save (cell_view caches them)."""

from __future__ import annotations

from tests.offline.helpers import exam_course


def _save(auth, ec, value: str, version: int) -> str:
    url = (f"/courses/{ec.course.id}/pupils/{ec.enrolments[0].id}/subjects/{ec.subject.id}"
           f"/sittings/1")
    response = auth.post(url, {"layout": "exam", "value": value, "version": str(version)},
                         htmx=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _choose_language(auth, lang: str) -> None:
    assert auth.post("/language", {"lang": lang, "next": "/"}).status_code == 302


def test_the_answer_speaks_dutch_then_english_then_dutch_again(auth, make):
    ec = exam_course(make, pupils=1)
    auth.login(ec.teacher)
    dutch = _save(auth, ec, "12", 0)
    assert "Opgeslagen &#10003;" in dutch or "Opgeslagen ✓" in dutch
    assert "geslaagd" in dutch and "Afwezig" in dutch and "Geschiedenis" in dutch
    assert "12" in dutch and 'name="version" value="1"' in dutch

    _choose_language(auth, "en")
    english = _save(auth, ec, "7,5", 1)
    assert "Saved" in english and "Opgeslagen" not in english
    assert "fails" in english and "Absent" in english and "History" in english
    assert 'value="7.5"' in english  # English shows a decimal point

    _choose_language(auth, "nl")
    again = _save(auth, ec, "13", 2)
    assert "Opgeslagen" in again and "Saved" not in again
