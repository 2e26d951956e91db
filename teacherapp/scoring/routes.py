"""Routes of the scoring area."""

from teacherapp.scoring import bp  # noqa: F401
