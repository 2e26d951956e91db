"""An xAPI Learning Record Store for what the content platform and the generic test send.

`bp` is the LRS (/xapi, JSON, for machines); `admin_bp` the secretariat's screen of
statements waiting to be resolved (/admin/xapi).
"""

from flask import Blueprint

bp = Blueprint("xapi", __name__)
admin_bp = Blueprint("xapi_admin", __name__)

from teacherapp.xapi import api, resolving  # noqa: E402,F401
