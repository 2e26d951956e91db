"""Routes of the content area."""

from teacherapp.content import bp  # noqa: F401
