from flask import Blueprint

bp = Blueprint("admin", __name__)

# One module per screen; each registers its routes on bp when imported.
from teacherapp.admin import (  # noqa: E402,F401
    content_items,
    course_types,
    courses,
    enrolments,
    routes,
    rubrics,
    school_members,
    schools,
    subjects,
    teachers,
)
