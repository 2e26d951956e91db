"""The whole data model. Import models from here."""

from teacherapp.models.audit import AuditEvent, IdempotentSave
from teacherapp.models.content import ContentItem, ContentView, IngestedEvent, IntegrationToken
from teacherapp.models.courses import Course, CourseTeacher, CourseType, School
from teacherapp.models.enums import (
    Absence,
    AssessmentContext,
    ContentKind,
    ExemptionKind,
    PaymentMethod,
    RecognitionBasis,
    Role,
    SubjectKind,
    SubmissionState,
)
from teacherapp.models.evaluation import (
    Criterion,
    ExamMoment,
    Exemption,
    Level,
    Rubric,
    Score,
    SkillAssessment,
    Subject,
    Submission,
)
from teacherapp.models.people import (
    Enrolment,
    GenericTestResult,
    Pupil,
    Recognition,
    SchoolMembership,
    User,
)
from teacherapp.models.xapi import XapiAgentLink, XapiStatement, XapiStatementActor

__all__ = [
    "Absence",
    "AssessmentContext",
    "AuditEvent",
    "ContentItem",
    "ContentKind",
    "ContentView",
    "Course",
    "CourseTeacher",
    "CourseType",
    "Criterion",
    "Enrolment",
    "ExamMoment",
    "Exemption",
    "ExemptionKind",
    "GenericTestResult",
    "IdempotentSave",
    "IngestedEvent",
    "IntegrationToken",
    "Level",
    "PaymentMethod",
    "Pupil",
    "Recognition",
    "RecognitionBasis",
    "Role",
    "Rubric",
    "School",
    "SchoolMembership",
    "Score",
    "SkillAssessment",
    "Subject",
    "SubjectKind",
    "Submission",
    "SubmissionState",
    "User",
    "XapiAgentLink",
    "XapiStatement",
    "XapiStatementActor",
]
