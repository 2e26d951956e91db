"""The import rules and result helpers on their own, without Flask or a database."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from teacherapp.deliberation import pending
from teacherapp.deliberation.logic import (
    Action,
    CourseFacts,
    ExistingEnrolment,
    ExistingPupil,
    PaymentInput,
    RowProblem,
    counted_score,
    enrolment_result,
    name_key,
    parse_payment,
    plan_import,
)
from teacherapp.rules import Absence, CourseResult, Mark
from teacherapp.tabular import read_table

NOW = datetime(2026, 9, 20, 10, 0, tzinfo=UTC)
COURSE = CourseFacts(school_id=1, start_year=2026, minimum_age=15)


def _plan(text: str, pupils=(), enrolments=(), passed=(), course=COURSE, importable=()):
    table = read_table(text.encode("utf-8"), "x.csv")
    by_vts = {p.vts_account_id.casefold(): p for p in pupils if p.vts_account_id}
    by_name = {name_key(p.first_name, p.last_name, p.birth_date): p for p in pupils
               if p.school_id == course.school_id}
    return plan_import(table, course, by_vts, by_name, {e.pupil_id: e for e in enrolments},
                       passed, NOW, frozenset(importable))


ZOE = ExistingPupil(7, "Zoë", "Aerts", date(2010, 3, 4), 1, "VTS-7", None)


@pytest.mark.parametrize("paid, method, code, expected, problems", [
    ("ja", "", "", PaymentInput(True, None, None, None), []),
    ("nee", "", "", PaymentInput(False), []),
    ("", "", "", None, []),
    ("12/09/2026", "individueel", "", PaymentInput(True, date(2026, 9, 12), "individual", None), []),
    ("ja", "Schoolcode", "ABC", PaymentInput(True, None, "school_code", "ABC"), []),
    ("", "", "ABC", PaymentInput(True, None, "school_code", "ABC"), []),
    ("ja", "schoolcode", "", PaymentInput(True, None, "school_code", None), [RowProblem.CODE_MISSING]),
    ("misschien", "", "", None, [RowProblem.PAID_INVALID]),
    ("ja", "cash", "", PaymentInput(True, None, None, None), [RowProblem.METHOD_INVALID]),
])
def test_parse_payment_reads_belgian_words_and_dates(paid, method, code, expected, problems):
    assert parse_payment(paid, method, code) == (expected, problems)


def test_new_rows_are_created_and_the_age_rule_refuses_young_pupils():
    plan = _plan("voornaam;naam;geboortedatum\nLotte;Peeters;31/12/2011\nKobe;Maes;01/01/2012\n")
    assert [r.action for r in plan.rows] == [Action.CREATE, Action.REJECT]
    assert plan.rows[1].problems == [RowProblem.TOO_YOUNG]


def test_known_pupil_by_vts_id_is_enrolled_and_names_updated():
    plan = _plan("vts account id;voornaam;naam\nvts-7;Zoë;Aerts-Peeters\n", pupils=[ZOE])
    row = plan.rows[0]
    assert (row.action, row.pupil_id) == (Action.ENROL, 7)
    assert [(c.field, c.old, c.new) for c in row.changes] == [("last_name", "Aerts", "Aerts-Peeters")]


def test_enrolled_pupil_with_same_data_is_unchanged_and_a_registered_payment_is_kept():
    enrolment = ExistingEnrolment(3, 7, NOW, "school_code", "SJC", False, False)
    plan = _plan("vts account id;betaald\nVTS-7;nee\n", pupils=[ZOE], enrolments=[enrolment])
    assert plan.rows[0].action == Action.UNCHANGED and plan.rows[0].kept_payment
    plan = _plan("vts account id;betaald\nVTS-7;ja\n", pupils=[ZOE], enrolments=[enrolment])
    assert plan.rows[0].action == Action.UNCHANGED


def test_duplicates_in_the_file_and_conflicting_ids_are_refused():
    plan = _plan("voornaam;naam;geboortedatum;vts account id\nZoë;Aerts;04/03/2010;VTS-99\n"
                 "Lien;Claes;01/01/2010;X1\nLien;Claes;01/01/2010;\n", pupils=[ZOE])
    assert plan.rows[0].problems == [RowProblem.VTS_ID_CONFLICT]
    assert plan.rows[2].problems == [RowProblem.DUPLICATE_IN_FILE]
    assert plan.rows[2].duplicate_of == 3


def test_passed_before_refuses_from_history_or_from_the_file():
    plan = _plan("vts account id;eerder geslaagd;voornaam;naam;geboortedatum\nVTS-7;;;;\n"
                 "X;ja;Stan;Smets;01/01/2010\n", pupils=[ZOE], passed=[7])
    assert [r.problems for r in plan.rows] == [[RowProblem.PASSED_BEFORE]] * 2


def test_a_row_naming_another_course_is_refused():
    course = CourseFacts(school_id=1, start_year=2026, minimum_age=15, course_id=5)
    plan = _plan("voornaam;naam;geboortedatum;opleiding-id\n"
                 "Zoë;Aerts;04/03/2010;5\nArne;Claes;04/03/2010;\nLien;Dubois;04/03/2010;6\n"
                 "Noor;Peeters;04/03/2010;7\nTies;Maes;04/03/2010;vijf\n",
                 course=course, importable={6})
    assert [r.action for r in plan.rows[:2]] == [Action.CREATE, Action.CREATE]
    assert [r.problems for r in plan.rows[2:]] == [
        [RowProblem.COURSE_OTHER], [RowProblem.COURSE_NOT_ALLOWED], [RowProblem.COURSE_NOT_ALLOWED]]
    assert [r.course_text for r in plan.rows[2:]] == ["6", "7", "vijf"]


def test_a_coordinators_plan_neither_shows_nor_changes_another_schools_pupil():
    elsewhere = ExistingPupil(9, "Bram", "Geheim", date(2010, 7, 7), 2, "VTS-9", "b@x.be")
    protecting = CourseFacts(school_id=1, start_year=2026, minimum_age=15, course_id=5,
                             protect_other_schools=True)
    text = "VTS-account-id;voornaam;e-mail\nVTS-9;;nieuw@x.be\n"
    row = _plan(text, pupils=[elsewhere], course=protecting).rows[0]
    assert (row.action, row.pupil_id, row.other_school_id) == (Action.ENROL, 9, 2)
    assert row.changes == [] and row.display_name == "VTS-9" and row.birth_date is None
    secretariat_row = _plan(text, pupils=[elsewhere]).rows[0]
    assert secretariat_row.display_name == "Bram Geheim"
    assert [c.field for c in secretariat_row.changes] == ["email"]


def test_signature_changes_when_the_outcome_changes():
    text = "voornaam;naam;geboortedatum\nZoë;Aerts;04/03/2010\n"
    assert _plan(text).signature() == _plan(text).signature()
    assert _plan(text).signature() != _plan(text, pupils=[ZOE]).signature()


def test_enrolment_result_and_counted_score():
    marks = {(1, 1): Mark(Decimal(6)), (1, 2): Mark(Decimal(12)), (2, 1): Mark(Decimal(8))}
    assert enrolment_result({1: Decimal(10), 2: Decimal(5)}, marks, []) == CourseResult.PASSED
    assert enrolment_result({}, {}, []) == CourseResult.INCOMPLETE
    assert enrolment_result({1: Decimal(10)}, {}, [1]) == CourseResult.PASSED
    assert counted_score(Mark(Decimal(6)), Mark(Decimal(12)), Decimal(10), False) == 12
    assert counted_score(Mark(Decimal(14)), Mark(Decimal(2)), Decimal(10), False) == 14
    assert counted_score(Mark(absence=Absence.ABSENT), None, Decimal(10), False) is None
    assert counted_score(Mark(Decimal(5)), None, Decimal(10), True) is None


def test_pending_upload_is_private_to_its_user_and_expires(tmp_path):
    table = read_table(b"voornaam;naam\nZo\xc3\xab;Aerts\n", "x.csv")
    token = pending.save(tmp_path, 1, 5, "x.csv", table)
    loaded = pending.load(tmp_path, 1, token)
    assert loaded is not None and loaded.table.rows[0].get("voornaam") == "Zoë"
    assert pending.load(tmp_path, 2, token) is None
    assert pending.load(tmp_path, 1, "../../etc/passwd") is None
    path = next((tmp_path / "pending_imports").glob("*.json.gz"))
    old = time.time() - pending.MAX_AGE_SECONDS - 10
    os.utime(path, (old, old))
    assert pending.load(tmp_path, 1, token) is None
