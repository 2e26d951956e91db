"""Command-line tasks: `flask --app teacherapp seed-demo`, `create-user`, `prune-saves`."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import func, select

from teacherapp.extensions import db
from teacherapp.models import Role, School, SchoolMembership, User
from teacherapp.passwords import PasswordPolicyError, check_policy, hash_password


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(i18n_missing_command)
    app.cli.add_command(prune_saves_command)


@click.command("prune-saves")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Keep the answers of the last DAYS days (default 30).")
def prune_saves_command(days: int | None) -> None:
    """Forget old saves' stored answers (idempotency keys); run daily, e.g. from cron."""
    from teacherapp.scoring.idempotency import KEEP_DAYS, prune

    removed = prune(KEEP_DAYS if days is None else days)
    db.session.commit()
    click.echo(f"Removed {removed} stored answers older than {KEEP_DAYS if days is None else days} days.")


@click.command("i18n-missing")
def i18n_missing_command() -> None:
    """Print .po stubs for every string in the code that has no Dutch translation yet."""
    from teacherapp.i18n_tools import missing_translations, po_stub

    missing = missing_translations("nl")
    for msgid, files in sorted(missing.items()):
        click.echo("#: " + " ".join(sorted(files)))
        click.echo(po_stub(msgid))
    click.echo(f"# {len(missing)} untranslated", err=True)


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Create the demo data (idempotent: a second run changes nothing)."""
    from teacherapp.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo

    created = seed_demo()
    click.echo("Demo data created." if created else "Demo data already present; nothing changed.")
    for login in DEMO_LOGINS:
        click.echo(f"  {login.email:32} {DEMO_PASSWORD}  ({login.description})")


def _school_ids(institution_numbers: tuple[str, ...]) -> list[int]:
    ids = []
    for number in institution_numbers:
        school_id = db.session.scalar(select(School.id).where(
            School.institution_number == number.strip()))
        if school_id is None:
            raise click.ClickException(f"No school with institution number {number}.")
        ids.append(school_id)
    return ids


@click.command("create-user")
@click.option("--email", prompt=True)
@click.option("--name", "full_name", prompt="Full name")
@click.option("--role", type=click.Choice([r.value for r in Role]), prompt=True)
@click.option("--school", "schools", multiple=True,
              help="A school coordinator's school (institution number); repeat for a group.")
@click.password_option()
def create_user_command(email: str, full_name: str, role: str, password: str,
                        schools: tuple[str, ...] = ()) -> None:
    """Create a real account (a teacher, a school coordinator or a secretariat member)."""
    email = email.strip()
    if "@" not in email:
        raise click.BadParameter("not an email address", param_hint="--email")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email.lower())):
        raise click.ClickException(f"A user with email {email} already exists.")
    try:
        check_policy(password)
    except PasswordPolicyError as error:
        raise click.ClickException(
            {"too_short": "The password needs at least 12 characters.",
             "too_long": "The password may have at most 128 characters.",
             "too_common": "This password is too common; choose another."}[error.code]
        ) from error
    school_ids = _school_ids(schools)
    if Role(role) == Role.SCHOOL_COORDINATOR and not school_ids:
        raise click.ClickException("A school coordinator needs --school (institution number).")
    user = User(email=email, full_name=full_name.strip(), role=Role(role),
                password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    db.session.add_all([SchoolMembership(user_id=user.id, school_id=school_id)
                        for school_id in school_ids])
    db.session.commit()
    click.echo(f"Created {role} {email}.")
