"""`flask deliberation print-attests`: print the queued attest jobs (ATTEST_JOB_RUNNER=cli)."""

from __future__ import annotations

import click

from teacherapp.deliberation import bp
from teacherapp.rounds.jobs import run_queued


@bp.cli.command("print-attests")
def print_attests() -> None:
    """Print every queued attest job, one PDF per school."""
    click.echo(f"{run_queued()} jobs printed")
