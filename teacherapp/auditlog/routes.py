"""Routes of the auditlog area."""

from teacherapp.auditlog import bp  # noqa: F401
