"""Commands: ``flask --app casework create-user``, ``demo-data``, ``retention run``."""
import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from . import demo
from .auth import operations
from .auth.models import ROLES, Team
from .extensions import db
from .privacy.cli import retention


@click.command("create-user")
@click.argument("username")
@click.option("--full-name", prompt=True, help="The person's name, as colleagues know it.")
@click.option("--email", prompt=True)
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), default=["admin"],
              show_default=True, help="Repeat for several roles.")
@click.option("--team", "team_names", multiple=True, help="Team name; repeat for several.")
@click.option("--language", type=click.Choice(["fr", "en"]), default=None)
@click.password_option(help="Prompted (hidden, twice) when not given.")
@with_appcontext
def create_user_command(username, full_name, email, roles, team_names, language, password):
    """Create an account, e.g. the first administrator."""
    with force_locale("en"):  # the command line speaks English, like its --help
        _create_user(username, full_name, email, roles, team_names, language, password)


def _create_user(username, full_name, email, roles, team_names, language, password):
    teams = []
    for name in team_names:
        team = db.session.execute(select(Team).where(Team.name == name)).scalar_one_or_none()
        if team is None:
            raise click.UsageError(f"no team named {name!r}")
        teams.append(team)
    if operations.username_taken(username):
        raise click.UsageError(f"the username {operations.normalise_username(username)!r} "
                               "is already used")
    try:
        user = operations.create_user(None, username=username, full_name=full_name,
                                      email=email, password=password, roles=list(roles),
                                      teams=teams, language=language)
    except operations.OperationError as error:
        raise click.UsageError(str(error.message)) from None
    click.echo(f"Created {user.username} ({', '.join(sorted(user.roles))}).")


@click.command("demo-data")
@click.option("--if-empty", is_flag=True,
              help="Do nothing when the database already has accounts (used by make run).")
@click.option("--cases", "case_count", type=click.IntRange(0, 1_000_000), default=0,
              help="Also add N plain cases, for benchmarks.")
@with_appcontext
def demo_data_command(if_empty, case_count):
    """Load the demo organisation (teams, staff, cases, last year's work and this year's so
    far). Safe to run again: nothing is duplicated."""
    if if_empty and demo.has_accounts():
        click.echo("The database already has accounts: demo data not loaded again.")
    else:
        summary = demo.load(cases=case_count)
        click.echo(f"Demo data: {summary['teams']} teams, {summary['users']} accounts "
                   f"({summary['created']} new), {summary['cases']} new cases.")
        past = summary["year"]
        if past:
            click.echo(f"Last year and this year so far: "
                       f"{past.get('field_activities', 0)} field activities, "
                       f"{past.get('interventions', 0)} interventions, "
                       f"{past.get('referrals', 0)} referrals to partners.")
    click.echo(demo.LOGINS_HELP)


def register(app):
    app.cli.add_command(create_user_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(retention)
