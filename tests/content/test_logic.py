"""The merge and parsing rules of the content feed, without database or Flask."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from teacherapp.content.logic import (
    Directory,
    MissingColumns,
    Outcome,
    Problem,
    Rejection,
    Sighting,
    ViewState,
    check_columns,
    content_candidates,
    merge,
    parse_progress,
    plan_merge,
    sighting_from_event,
    sightings_from_table,
)
from teacherapp.tabular import read_table

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
T1 = datetime(2026, 10, 1, 10, tzinfo=UTC)
T2 = datetime(2026, 10, 5, 10, tzinfo=UTC)


@pytest.mark.parametrize("text,expected", [
    ("75", 75), ("75%", 75), ("75 %", 75), ("0,75", 75), ("0.75", 75), ("75,5", 76),
    ("100", 100), ("0", 0), ("1", 1), ("1,0", 100), ("", None), (None, None), (50, 50),
    (0.5, 50), (100.0, 100), ("12,4%", 12),
])
def test_progress_is_read_the_way_exports_write_it(text, expected):
    assert parse_progress(text) == expected


@pytest.mark.parametrize("text", ["veel", "101", "-5", "150%", "1e400", "NaN", True])
def test_progress_outside_0_to_100_or_not_a_number_is_refused(text):
    with pytest.raises(ValueError):
        parse_progress(text)


def _sighting(at=T1, progress=50, completed=False, ref="2") -> Sighting:
    return Sighting(ref, "VTS-1", "", ("c1",), at, progress, completed)


def test_merge_keeps_the_most_we_know_in_any_order():
    a, b = _sighting(T2, 30), _sighting(T1, 80, ref="3")
    one = merge(merge(None, a), b)
    other = merge(merge(None, b), a)
    assert one == other == ViewState(T1, T2, 80, False)


def test_merging_the_same_sighting_again_changes_nothing():
    state = merge(None, _sighting(T1, 100, True))
    assert merge(state, _sighting(T1, 100, True)) == state


def test_completed_stays_completed_and_first_view_never_moves_later():
    state = ViewState(T1, T2, 100, True)
    later = merge(state, _sighting(T2 + timedelta(days=3), 10, False))
    assert later.completed is True and later.progress == 100
    assert later.first_viewed_at == T1
    assert later.last_viewed_at == T2 + timedelta(days=3)


DIRECTORY = Directory({"VTS-1": 1, "VTS-2": 2}, {"a@b.be": [1], "twin@b.be": [1, 2]}, {"c1": 10})


def test_plan_says_new_update_unchanged_and_why_not():
    parsed = [
        _sighting(T1, 50, ref="2"),
        _sighting(T2, 80, ref="3"),
        _sighting(T2, 80, ref="4"),  # the same row again
        Sighting("5", "VTS-9", "", ("c1",), T1, 0, False),
        Sighting("6", "VTS-2", "", ("nope",), T1, 0, False),
        Sighting("7", "", "twin@b.be", ("c1",), T1, 0, False),
        Sighting("8", "VTS-9", "a@b.be", ("c1",), T1, 0, False),  # unknown account, known email
        Rejection("9", Problem.BAD_DATE),
    ]
    known = {(1, 10): ViewState(T2, T2, 80, False)}
    plan = plan_merge(parsed, DIRECTORY, known)
    outcomes = [getattr(r, "outcome", None) or r.problem for r in plan.results]
    assert outcomes == [Outcome.UPDATE, Outcome.UNCHANGED, Problem.DUPLICATE_ROW,
                        Problem.UNKNOWN_PUPIL, Problem.UNKNOWN_CONTENT, Problem.AMBIGUOUS_PUPIL,
                        Outcome.UNCHANGED, Problem.BAD_DATE]
    assert plan.states == {(1, 10): ViewState(T1, T2, 80, False)}
    assert plan.new_pairs == set()


def test_plan_for_a_pupil_seen_for_the_first_time_is_new():
    plan = plan_merge([Sighting("2", "VTS-2", "", ("c1",), T1, 20, False)], DIRECTORY, {})
    assert plan.count(Outcome.NEW) == 1
    assert plan.new_pairs == {(2, 10)}


def _table(text: str):
    return read_table(text.encode("utf-8"), "views.csv")


def test_rows_with_bad_values_are_rejected_with_the_reason():
    table = _table(
        "VTS account id;Content id;Bekeken op;Voortgang;Voltooid\n"
        "VTS-1;c1;31/02/2026;50;\n"
        "VTS-1;c1;01/10/2026;veel;\n"
        "VTS-1;c1;01/10/2026;;misschien\n"
        ";c1;01/10/2026;10;\n"
        "VTS-1;;01/10/2026;10;\n"
        "VTS-1;c1;01/10/2099;10;\n"
        "VTS-1;c1;01/10/2026 14:30;;ja\n"
    )
    parsed = sightings_from_table(table, NOW)
    assert [getattr(p, "problem", None) for p in parsed] == [
        Problem.BAD_DATE, Problem.BAD_PROGRESS, Problem.BAD_COMPLETED, Problem.MISSING_PUPIL,
        Problem.MISSING_CONTENT, Problem.FUTURE_DATE, None]
    done = parsed[-1]
    assert done.completed is True and done.progress == 100
    assert done.viewed_at == datetime(2026, 10, 1, 12, 30, tzinfo=UTC)  # 14:30 in Brussels


def test_a_file_without_the_needed_columns_names_them():
    with pytest.raises(MissingColumns) as caught:
        check_columns(_table("naam;klas\nZoë;5A\n"))
    assert caught.value.missing == ["pupil", "content", "viewed_at", "progress"]


def test_english_headers_and_email_are_understood():
    parsed = sightings_from_table(_table(
        "Email,Content External ID,Viewed at,Completed\nZOE@b.be,c1,2026-10-01T10:00:00Z,yes\n"), NOW)
    assert parsed[0] == Sighting("2", "", "zoe@b.be", ("c1",), T1, 100, True)


def test_simple_event_is_read():
    event = {"id": "e1", "pupil": "VTS-1", "content": "c1", "viewed_at": "2026-10-01T12:00:00+02:00",
             "progress": 40}
    assert sighting_from_event(event, "e1", NOW) == Sighting("e1", "VTS-1", "", ("c1",), T1, 40, False)


def test_simple_event_with_an_email_and_completed():
    event = {"id": 7, "pupil": "Zoe@B.be", "content": "c1", "viewed_at": "2026-10-01T10:00:00Z",
             "completed": True}
    assert sighting_from_event(event, "7", NOW) == Sighting("7", "", "zoe@b.be", ("c1",), T1, 100, True)


@pytest.mark.parametrize("change,problem", [
    ({"pupil": ""}, Problem.MISSING_PUPIL),
    ({"content": None}, Problem.MISSING_CONTENT),
    ({"viewed_at": "gisteren"}, Problem.BAD_DATE),
    ({"viewed_at": None}, Problem.BAD_DATE),
    ({"progress": 140}, Problem.BAD_PROGRESS),
    ({"progress": True}, Problem.BAD_PROGRESS),
    ({"completed": "ja"}, Problem.BAD_COMPLETED),
])
def test_simple_event_problems(change, problem):
    event = {"id": "e1", "pupil": "VTS-1", "content": "c1", "viewed_at": "2026-10-01T10:00:00Z",
             **change}
    assert sighting_from_event(event, "e1", NOW) == Rejection("e1", problem)


XAPI = {
    "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
    "actor": {"objectType": "Agent", "account": {"homePage": "https://connect.vts.be", "name": "VTS-1"}},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
    "object": {"id": "https://connect.vts.be/content/c1"},
    "result": {"completion": True},
    "timestamp": "2026-10-01T10:00:00Z",
}


def test_xapi_statement_is_read():
    assert sighting_from_event(XAPI, "x", NOW) == Sighting(
        "x", "VTS-1", "", ("https://connect.vts.be/content/c1", "c1"), T1, 100, True)


def test_xapi_progressed_with_cmi5_progress_and_mbox():
    statement = {**XAPI, "actor": {"mbox": "mailto:Zoe@B.be"},
                 "verb": {"id": "https://w3id.org/xapi/adl/verbs/progressed"},
                 "result": {"extensions": {"https://w3id.org/xapi/cmi5/result/extensions/progress": 50}}}
    assert sighting_from_event(statement, "x", NOW) == Sighting(
        "x", "", "zoe@b.be", ("https://connect.vts.be/content/c1", "c1"), T1, 50, False)


@pytest.mark.parametrize("change,problem", [
    ({"verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}}, Problem.UNSUPPORTED_VERB),
    ({"actor": {"name": "Zoë"}}, Problem.MISSING_PUPIL),
    ({"actor": "VTS-1"}, Problem.MALFORMED_EVENT),
    ({"object": {}}, Problem.MISSING_CONTENT),
    ({"timestamp": "2026-13-01T00:00:00Z"}, Problem.BAD_DATE),
    ({"result": {"completion": "yes"}}, Problem.BAD_COMPLETED),
])
def test_xapi_problems(change, problem):
    assert sighting_from_event({**XAPI, **change}, "x", NOW) == Rejection("x", problem)


def test_content_candidates_from_an_iri():
    assert content_candidates("s2c-el-01") == ("s2c-el-01",)
    assert content_candidates("https://connect.vts.be/content/s2c-el-01/") == (
        "https://connect.vts.be/content/s2c-el-01/", "s2c-el-01")
    assert content_candidates("urn:vts:content:s2c-el-01")[-1] == "s2c-el-01"
