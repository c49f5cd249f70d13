"""The rules of the house, each written once and tested here: operations are the only
writers, one user action is one transaction, the workflow is the only status setter, a
closed case is read-only, and permission names say what they allow."""
import ast
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

import casework
from casework import permissions
from casework.agreements.models import FollowUp
from casework.cases.models import Case, Party, TimelineEvent
from casework.extensions import db
from casework.meetings.models import Intervention, RoundTable
from casework.core import clock

from .simulate import colleague_saves_first
from .test_agreements import clauses, signed_case  # noqa: F401  (a fixture)

ROOT = Path(casework.__file__).parent


def parsed(path):
    return ast.parse(path.read_text(encoding="utf-8"))


# — The workflow is the only status setter ————————————————————————————————————

def test_a_cases_status_is_assigned_in_one_function_of_workflow_py():
    setters = []
    for path in ROOT.rglob("*.py"):
        tree = parsed(path)
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                targets = node.targets if isinstance(node, ast.Assign) else (
                    [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
                for target in targets:
                    for item in (target.elts if isinstance(target, ast.Tuple) else [target]):
                        if isinstance(item, ast.Attribute) and item.attr == "status" and \
                                isinstance(item.value, ast.Name) and item.value.id == "case":
                            setters.append(f"{path.relative_to(ROOT)}:{function.name}")
    assert setters == ["cases/workflow.py:take"]


def test_which_steps_need_a_manager_is_written_once():
    """No module tests a step's kind itself: they all ask permissions.may_take."""
    for path in ROOT.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "manager_only" not in source, path
        assert '"reopen" if' not in source, path


# — Operations are the only writers ———————————————————————————————————————————

VIEW_FILES = [*ROOT.glob("*/views.py"), ROOT / "casefile.py", *ROOT.glob("web/*.py")]


@pytest.mark.parametrize("path", VIEW_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_views_never_write_to_the_database(path):
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.Attribute) and node.attr in (
                "commit", "add", "add_all", "delete", "flush", "merge"):
            owner = node.value
            assert not (isinstance(owner, ast.Attribute) and owner.attr == "session"), (
                path.name, node.lineno)


def test_renewing_the_calendar_link_goes_through_an_operation(client, org):
    client.login("mona.mediator")
    response = client.submit("/agenda/calendar-link", {}, page="/agenda")
    assert response.status_code == 302
    page = client.get("/agenda").text
    assert "/calendar/" in page


# — A closed case is read-only ————————————————————————————————————————————————

@pytest.fixture
def closed(make, org, refs):
    case = make.case(org["north"], creator=org["manager"], status="closed",
                     lead=org["mediator"], parties=[("Hélène", "Dupont")])
    table = make.round_table(case, [org["mediator"]], status="held")
    intervention = make.intervention(case, [org["mediator"]],
                                     at=clock.utcnow() - timedelta(days=3))
    return {"case": case, "party": case.parties[0], "table": table,
            "intervention": intervention}


def counts(app):
    with app.app_context():
        return tuple(db.session.execute(select(func.count()).select_from(model)).scalar_one()
                     for model in (Intervention, RoundTable, Party, TimelineEvent))


CHANGES = [
    ("/cases/{ref}/interventions/new", {"kind": "phone", "day": "{today}", "moment": "10:00",
                                        "duration_minutes": "20", "summary": "Appel",
                                        "mediators": "{mediator}"}),
    ("/cases/{ref}/interventions/{intervention}", {"kind": "phone", "day": "{today}",
                                                   "moment": "10:00", "summary": "Autre",
                                                   "duration_minutes": "20",
                                                   "mediators": "{mediator}"}),
    ("/cases/{ref}/round-tables/new", {"day": "{tomorrow}", "moment": "18:00",
                                       "duration_minutes": "90", "place": "0",
                                       "place_text": "Centre social",
                                       "mediators": "{mediator}", "invited": "{party}"}),
    ("/cases/{ref}/round-tables/{table}", {"status": "held", "outcome": "agreement",
                                           "attended": "{party}"}),
    ("/cases/{ref}/round-tables/{table}/change", {"day": "{tomorrow}", "moment": "18:00",
                                                  "duration_minutes": "90", "place": "0",
                                                  "place_text": "Centre social",
                                                  "mediators": "{mediator}"}),
    ("/cases/{ref}/round-tables/{table}/cancel", {"cancel-version": "1",
                                                  "cancel-reason": "Salle indisponible"}),
    ("/cases/{ref}/edit", {"street": "1 rue Changée", "city": "Lyon"}),
    ("/cases/{ref}/parties/new", {"role": "respondent", "last_name": "Martin"}),
    ("/cases/{ref}/parties/{party}", {"role": "complainant", "last_name": "Changé"}),
    ("/cases/{ref}/assign", {"lead_mediator": "{mediator}", "co_mediator": "0",
                             "reason": "x"}),
    ("/cases/{ref}/agreement/start", {}),
    ("/cases/{ref}/steps/close", {"outcome": "withdrawn"}),
]


@pytest.mark.parametrize("route, data", CHANGES, ids=[c[0] for c in CHANGES])
def test_a_closed_case_refuses_every_change_even_posted_directly(app, client, org, closed,
                                                                 route, data):
    values = {"ref": closed["case"].reference, "intervention": closed["intervention"].id,
              "table": closed["table"].id, "party": closed["party"].id,
              "mediator": org["mediator"].id,
              "today": clock.utcnow().date().isoformat(),
              "tomorrow": (clock.utcnow() + timedelta(days=1)).date().isoformat()}
    before = counts(app)
    client.login("marc.manager")
    token = client.csrf_token("/account")
    response = client.post(route.format(**values), data={
        "csrf_token": token, "version": "1",
        **{k: v.format(**values) for k, v in data.items()}},
        headers={"Accept-Language": "en"})
    assert response.status_code in (403, 302)
    if response.status_code == 403:
        assert "reopen it first" in response.text
    assert counts(app) == before
    with app.app_context():
        case = db.session.get(Case, closed["case"].id)
        assert case.status == "closed" and case.street == "12 rue Garibaldi"


def test_the_page_of_a_closed_case_offers_no_change_but_reopening(client, closed):
    client.login("marc.manager")
    page = client.get(f"/cases/{closed['case'].reference}").text
    reference = closed["case"].reference
    for link in ("/edit", "/parties/new", "/interventions/new", "/round-tables/new",
                 "/assign", f"/parties/{closed['party'].id}",
                 f"/interventions/{closed['intervention'].id}\"",
                 f"/round-tables/{closed['table'].id}\""):
        assert f"/cases/{reference}{link}" not in page
    assert f"/cases/{reference}/steps/reopen" in page


def test_operations_refuse_a_closed_case_whoever_calls_them(app, org, closed):
    from casework.auth.models import User
    from casework.meetings import operations

    with app.app_context():
        case = db.session.get(Case, closed["case"].id)
        manager = db.session.get(User, org["manager"].id)
        with pytest.raises(PermissionError):
            operations.log_intervention(manager, case, kind="phone",
                                        at=clock.utcnow(), duration_minutes=10,
                                        summary="x", mediators=[manager])


# — One user action is one transaction ————————————————————————————————————————

def test_a_follow_up_and_the_closing_it_decides_commit_together_or_not_at_all(
        app, client, org, make, refs, clauses):  # noqa: F811
    case = signed_case(app, client, make, org, clauses)
    with app.app_context():
        check = db.session.execute(select(FollowUp)).scalar_one()
        ids = [c.id for c in check.agreement.commitments]
    with colleague_saves_first(app, Case, case.id):
        response = client.submit(f"/cases/{case.reference}/follow-up", {
            "note": "Appels.", "decision": "close_respected", "reason": "",
            **{f"result_{i}": "kept" for i in ids}}, headers={"Accept-Language": "en"})
    assert response.status_code == 200 and "Someone else saved" in response.text
    with app.app_context():
        check = db.session.execute(select(FollowUp)).scalar_one()
        assert check.done_at is None and not check.results
        assert db.session.get(Case, case.id).status == "follow_up"


# — Permission names say what they allow ——————————————————————————————————————

def test_the_funders_report_is_gated_by_its_own_permission(client, org, monkeypatch):
    client.login("marc.manager")
    assert client.get("/reports/interventions").status_code == 200
    monkeypatch.setitem(permissions.GLOBAL_ACTIONS, "see_reports", set())
    assert client.get("/reports/interventions").status_code == 403
    assert client.get("/cases/unassigned").status_code == 200  # assigning is another right


def test_no_dead_permission_names():
    source = (ROOT / "permissions.py").read_text(encoding="utf-8")
    assert "CASE_ACTIONS" not in source
    used = "".join(p.read_text(encoding="utf-8") for p in ROOT.rglob("*.py")) + "".join(
        p.read_text(encoding="utf-8") for p in (ROOT.parent / "templates").rglob("*.html"))
    for action in permissions.GLOBAL_ACTIONS:
        assert used.count(f'"{action}"') + used.count(f"'{action}'") > 1, action
