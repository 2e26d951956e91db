"""Template filters for nl-BE: dd/mm/yyyy dates and comma decimals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask
from flask_babel import format_datetime, get_locale, to_user_timezone

from teacherapp.rules import format_score


def _decimal_comma() -> bool:
    locale = get_locale()
    return locale is None or locale.language != "en"


def score_filter(value: Decimal | None) -> str:
    return format_score(value, decimal_comma=_decimal_comma())


def date_filter(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    return value.strftime("%d/%m/%Y")


def datetime_filter(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, "dd/MM/yyyy HH:mm")


def percent_filter(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"{round(value)}%"


def init_app(app: Flask) -> None:
    app.jinja_env.filters["score"] = score_filter
    app.jinja_env.filters["date_be"] = date_filter
    app.jinja_env.filters["datetime_be"] = datetime_filter
    app.jinja_env.filters["percent"] = percent_filter
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "nl")
