"""A rubric as the scoring pages read it: one query, criteria and levels in their order."""

from __future__ import annotations

from decimal import Decimal

from teacherapp.extensions import db
from teacherapp.models import Criterion, Level
from teacherapp.scoring.sheet import load_rubric


def test_a_rubric_reads_in_position_and_rank_order_with_its_levels(make):
    rubric = make.rubric(make.course_type(), criteria=2, levels=3)
    first, second = rubric.criteria
    # Stored out of order: positions swapped, a level with a lower rank added last, and a
    # criterion that has no levels yet.
    first.position, second.position = 20, 10
    db.session.flush()
    second.levels.append(Level(rank=0, label="Nog niet", descriptor="", points=Decimal("0")))
    rubric.criteria.append(Criterion(name="Nieuw", description="", position=30))
    db.session.flush()

    loaded = load_rubric(rubric.id)

    assert loaded is not None
    assert (loaded.id, loaded.name, loaded.course_type_id) == (
        rubric.id, rubric.name, rubric.course_type_id)
    assert [c.id for c in loaded.criteria] == [second.id, first.id, rubric.criteria[2].id]
    assert [lv.rank for lv in loaded.criteria[0].levels] == [0, 1, 2, 3]
    assert [lv.label for lv in loaded.criteria[1].levels] == ["Level 1", "Level 2", "Level 3"]
    assert loaded.criteria[1].levels[2].points == Decimal(2)
    assert loaded.criteria[1].levels[0].descriptor == "Descriptor 1.1"
    assert loaded.criteria[2].name == "Nieuw" and loaded.criteria[2].levels == ()


def test_a_rubric_without_criteria_and_a_missing_one(make):
    empty = make.rubric(make.course_type(), criteria=0)
    loaded = load_rubric(empty.id)
    assert loaded is not None and loaded.criteria == ()
    assert load_rubric(empty.id + 1000) is None
