"""Routes of the deliberation area."""

from teacherapp.deliberation import bp  # noqa: F401
