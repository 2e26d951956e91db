"""Closed sets of values, stored as short strings so the database stays readable."""

from __future__ import annotations

import enum

from teacherapp.rules import Absence  # noqa: F401  (the rules own the absence codes)


class Role(enum.StrEnum):
    TEACHER = "teacher"
    SECRETARIAT = "secretariat"
    # The school's own coordinator (SPOC): plans exam moments and links teachers for her schools.
    SCHOOL_COORDINATOR = "school_coordinator"


class RecognitionBasis(enum.StrEnum):
    LO_QUALIFICATION = "lo_qualification"  # physical-education degree + refresher training
    VTS_QUALIFICATION = "vts_qualification"  # VTS diploma + refresher training
    AUTOMATIC_TRACK2 = "automatic_track2"  # BK school teacher, recognised automatically


class PaymentMethod(enum.StrEnum):
    INDIVIDUAL = "individual"
    SCHOOL_CODE = "school_code"


class SubjectKind(enum.StrEnum):
    THEORY = "theory"
    PRACTICAL = "practical"
    PERMANENT = "permanent"


class ExemptionKind(enum.StrEnum):
    EXEMPTION = "exemption"
    REPEATER_KEPT = "repeater_kept"


class AssessmentContext(enum.StrEnum):
    CLASS = "class"
    EXAM = "exam"


class ContentKind(enum.StrEnum):
    ELEARNING = "elearning"
    COURSE_TEXT = "course_text"
    RUBRIC = "rubric"
    SLIDES = "slides"
    VIDEO = "video"


class SubmissionState(enum.StrEnum):
    SUBMITTED = "submitted"
    REOPENED = "reopened"


def enum_column_values(enum_cls: type[enum.Enum]) -> list[str]:
    return [member.value for member in enum_cls]
