"""Routes of the admin area."""

from teacherapp.admin import bp  # noqa: F401
