"""Flask extensions, created once and bound to the app in create_app."""

from __future__ import annotations

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from teacherapp.i18n import Babel

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
mail = Mail()


def _rate_limits_off() -> bool:
    # Read per request: one Limiter object serves every app made by create_app (tests make
    # several), so the switch must come from the app answering, not from the object.
    return not current_app.config.get("RATELIMIT_ENABLED", True)


# Storage from RATELIMIT_STORAGE_URI: memory:// in development, Redis in production (limits
# then hold across gunicorn workers). No default limits: each limited view says its own.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
limiter.request_filter(_rate_limits_off)
