"""The demo organisation: a French social-mediation association in Lyon and Saint-Étienne.

Demo data only: every demo account has the password ``casework-demo``.
"""
from sqlalchemy import func, select, text

from ..agreements.defaults import load_clauses
from ..auth import operations
from ..auth.models import ADMIN, MANAGER, MEDIATOR, PRIVACY_OFFICER, Team, User
from ..extensions import db
from ..reference.defaults import load_defaults
from . import stories, year

DEMO_PASSWORD = "casework-demo"

TEAMS = ["Saint-Étienne", "Territoires", "Habitat", "Espaces publics",
         "Médiation à l'école", "Établissements"]

# username, full name, roles, teams
STAFF = [
    ("admin", "Nadia Benali", [ADMIN], []),
    # The privacy officer (DPO): the access log, retention, people's requests; no case.
    ("privacy", "Bernard Lefèvre", [PRIVACY_OFFICER], []),
    # The director leads every team: the association's whole figures and annual report.
    ("director", "Hélène Marchand", [MANAGER], TEAMS),
    ("manager", "Claire Fontaine", [MANAGER], ["Territoires", "Habitat"]),
    ("s.morel", "Sébastien Morel", [MANAGER],
     ["Saint-Étienne", "Espaces publics", "Médiation à l'école", "Établissements"]),
    ("mediator", "Karim Haddad", [MEDIATOR], ["Territoires"]),
    ("a.girard", "Amélie Girard", [MEDIATOR], ["Territoires"]),
    ("y.diallo", "Yacine Diallo", [MEDIATOR], ["Habitat"]),
    ("m.rousseau", "Marion Rousseau", [MEDIATOR], ["Habitat", "Territoires"]),
    ("t.nguyen", "Thierry Nguyen", [MEDIATOR], ["Saint-Étienne"]),
    ("l.chabert", "Léa Chabert", [MEDIATOR], ["Saint-Étienne"]),
    ("f.mercier", "Fatima Mercier", [MEDIATOR], ["Espaces publics", "Établissements"]),
    ("j.perrin", "Julien Perrin", [MEDIATOR], ["Médiation à l'école"]),
]

# How documents title the mediators (médiatrice / médiateur), set by the administrator.
WOMEN = {"director", "manager", "a.girard", "m.rousseau", "l.chabert", "f.mercier", "admin"}

LOGINS_HELP = f"""Demo logins (password {DEMO_PASSWORD!r} for every demo account):
  admin     administrator: accounts and teams
  director  manager of the six teams: the whole association's reports
  manager   manager of Territoires and Habitat
  mediator  mediator in Territoires (shares cases with manager)
  privacy   privacy officer: the access log, retention, people's requests"""


def has_accounts() -> bool:
    return db.session.execute(select(func.count(User.id))).scalar_one() > 0


def _email(username):
    return f"{username}@mediation-demo.example"


def load_organisation() -> tuple[dict, int]:
    """The reference lists, clauses, teams and staff: ``(teams by name, accounts made)``."""
    load_defaults()
    load_clauses()
    teams = {}
    for name in TEAMS:
        team = db.session.execute(select(Team).where(Team.name == name)).scalar_one_or_none()
        teams[name] = team or operations.save_team(None, None, name=name)
    created = 0
    for username, full_name, roles, team_names in STAFF:
        if operations.find_user(username) is None:
            operations.create_user(None, username=username, full_name=full_name,
                                   email=_email(username), password=DEMO_PASSWORD,
                                   roles=roles, teams=[teams[n] for n in team_names],
                                   title="f" if username in WOMEN else "m")
            created += 1
    return teams, created


def load(cases: int = 0) -> dict:
    """Create what is missing of the demo organisation; leave what exists alone: its
    teams and staff, the story cases, the past year (see year.py). ``cases`` asks for that
    many more plain cases, for benchmarks."""
    teams, created = load_organisation()
    told = stories.load_stories()
    past = year.load_year()
    archive = stories.load_archive()
    bulk = stories.load_bulk(cases) if cases else 0
    if bulk or past or archive:
        # Fresh statistics after a bulk load, so that the query planner knows the tables'
        # sizes (SQLite has none until ANALYZE; PostgreSQL's autovacuum would come later).
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return {"teams": len(teams), "users": len(STAFF), "created": created,
            "cases": told + past.get("cases", 0) + archive + bulk, "year": past}
