"""``flask --app casework retention run [--dry-run]``: apply the retention periods (run it
every night; see the README's Privacy section)."""
import click
from flask.cli import AppGroup
from flask_babel import force_locale

from . import operations

retention = AppGroup("retention", help="Retention of personal data (RGPD).")


@retention.command("run")
@click.option("--dry-run", is_flag=True,
              help="Only list what would be done; change nothing (the run is logged).")
def run_command(dry_run):
    """Anonymise closed cases past their period, blank old field activities' notes, delete
    old access-log entries and failed logins. Prints counts and case references, never a
    name."""
    with force_locale("en"):
        plan = operations.run_retention(dry_run=dry_run)
    days = plan.settings
    verb = "Would anonymise" if dry_run else "Anonymised"
    click.echo(f"{'Dry run: nothing changed. ' if dry_run else ''}"
               f"Retention periods: closed cases {days['RETENTION_CLOSED_CASES_DAYS']} days, "
               f"field activities {days['RETENTION_FIELD_ACTIVITY_DAYS']} days, "
               f"access log {days['RETENTION_ACCESS_LOG_DAYS']} days, "
               f"failed logins {days['RETENTION_LOGIN_FAILURES_DAYS']} days.")
    click.echo(f"{verb} {len(plan.cases)} closed case(s)"
               + (": " + ", ".join(plan.cases) if plan.cases else "."))
    done = "to blank" if dry_run else "blanked"
    gone = "to delete" if dry_run else "deleted"
    click.echo(f"Field activities' notes {done}: {plan.field_activities}.")
    click.echo(f"Access-log entries {gone}: {plan.access_log_entries}.")
    click.echo(f"Failed logins {gone}: {plan.login_failures}.")
