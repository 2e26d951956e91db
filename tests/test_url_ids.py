"""An id in a URL beyond the database's INTEGER matches no route: a 404, never a 500."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound


@pytest.mark.parametrize("path", [
    "/courses/2147483648", "/courses/99999999999999999999", "/school/courses/2147483648",
    "/admin/courses/2147483648/payments",
])
def test_an_id_beyond_the_integer_range_is_a_404(auth, make, path):
    auth.login(make.secretariat())
    assert auth.client.get(path).status_code == 404


def test_the_largest_integer_still_matches_a_route(app):
    urls = app.url_map.bind("localhost")
    endpoint, args = urls.match("/admin/courses/2147483647/payments")
    assert args == {"course_id": 2147483647}
    with pytest.raises(NotFound):
        urls.match("/admin/courses/2147483648/payments")


def test_a_coordinator_removing_a_teacher_beyond_the_range_gets_a_404(auth, make):
    school = make.school()
    coordinator = make.coordinator([school])
    auth.login(coordinator)
    response = auth.post(f"/school/staff/{school.id}/teachers/99999999999/remove")
    assert response.status_code == 404
