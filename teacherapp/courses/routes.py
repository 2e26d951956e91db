"""Routes of the courses area."""

from teacherapp.courses import bp  # noqa: F401
