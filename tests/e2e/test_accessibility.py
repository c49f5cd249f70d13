"""axe-core finds no serious or critical accessibility problem on the main pages."""

import pytest
from casework.core import clock

from .test_access import first_case_of

PAGES = {
    "mediator": ["/cases/mine", "/cases/", "/cases/{case}", "/cases/{case}/interventions/new",
                 "/cases/{case}/round-tables/new", "/agenda", "/activities/",
                 "/activities/new"],
    "manager": ["/cases/unassigned", "/cases/{agreement}/agreement", "/reports/interventions",
                "/reports/interventions?start={last_year}-01-01&end={year}-12-31", "/reports/",
                "/reports/?start={last_year}-01-01&end={year}-12-31", "/reports/annual/{last_year}",
                "/clauses/"],
    "admin": ["/admin/users", "/admin/users/new", "/admin/reference/categories"],
}


def test_login_page(page, base_url, axe):
    assert page.goto(f"{base_url}/login").status == 200
    assert axe() == []


@pytest.mark.parametrize("username", sorted(PAGES))
def test_main_pages(page, base_url, login, live_server, axe, username):
    case = first_case_of(live_server, "Territoires", "mediation")
    agreement = first_case_of(live_server, "Territoires", "agreement")
    login(username)
    problems = {}
    for path in PAGES[username]:
        response = page.goto(base_url + path.format(case=case, agreement=agreement,
                                                    year=clock.today().year,
                                                    last_year=clock.today().year - 1))
        assert response.status == 200, path
        found = axe()
        if found:
            problems[path] = found
    assert problems == {}
