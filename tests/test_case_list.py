"""The case list: filters, accent-insensitive search, sorting, pages, constant queries."""
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from casework.core import clock


@pytest.fixture
def cases(make, org, refs):
    north = org["north"]
    made = {
        "helene": make.case(north, creator=org["manager"], parties=[("Hélène", "Lefèvre")],
                            street="3 rue Genton", received_on=clock.today() - timedelta(3)),
        "mediation": make.case(north, creator=org["manager"], status="mediation",
                               lead=org["mediator"], parties=[("Karim", "Benali")],
                               street="45 avenue Général Frère", categories=("animals",),
                               received_on=clock.today() - timedelta(40)),
        "closed": make.case(north, creator=org["manager"], status="closed",
                            parties=[("Sylvie", "Moreau")], street="7 rue Narvik",
                            received_on=clock.today() - timedelta(90)),
    }
    return made


def references(page_text, cases):
    return [name for name, case in cases.items() if f">{case.reference}</a>" in page_text]


def search(client, terms, **filters):
    """Search as the list's form does: posted, then the list at the URL it redirects to
    (which carries a key, never the terms)."""
    response = client.submit("/cases/", {"q": terms, **filters})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    params = parse_qs(location.query)
    # The key is random (URL-safe letters, digits, - and _): the terms are nowhere else.
    assert "q" not in params and len(params["s"]) == 1
    rest = location.path + str(sorted((k, v) for k, v in params.items() if k != "s"))
    assert terms.lower() not in rest.lower()
    return client.get(response.headers["Location"])


def test_list_shows_the_teams_cases_with_links(client, org, cases):
    client.login("mona.mediator")
    page = client.get("/cases/").text
    for case in cases.values():
        assert f'href="/cases/{case.reference}"' in page
    assert "Hélène Lefèvre" in page


@pytest.mark.parametrize("query", ["helene", "HELENE", "Hélène", "lefevre", "LEFÈVRE",
                                   "rue genton", "3 rue Genton"])
def test_search_ignores_accents_and_case(client, org, cases, query):
    client.login("mona.mediator")
    assert references(search(client, query).text, cases) == ["helene"]


def test_search_by_reference(client, org, cases):
    client.login("mona.mediator")
    page = search(client, cases["closed"].reference).text
    assert references(page, cases) == ["closed"]


def test_search_takes_percent_and_underscore_literally(client, org, cases):
    client.login("mona.mediator")
    assert references(search(client, "%").text, cases) == []
    assert references(search(client, "_").text, cases) == []


def test_filter_by_status(client, org, cases):
    client.login("mona.mediator")
    assert references(client.get("/cases/?status=mediation").text, cases) == ["mediation"]
    assert sorted(references(client.get("/cases/?status=open").text, cases)) == [
        "helene", "mediation"]


def test_filter_by_mediator_category_and_dates(client, org, cases, refs):
    client.login("mona.mediator")
    assert references(client.get(f"/cases/?mediator={org['mediator'].id}").text,
                      cases) == ["mediation"]
    assert references(client.get(f"/cases/?category={refs['animals'].id}").text,
                      cases) == ["mediation"]
    since = (clock.today() - timedelta(10)).isoformat()
    assert references(client.get(f"/cases/?from={since}").text, cases) == ["helene"]
    until = (clock.today() - timedelta(50)).isoformat()
    assert references(client.get(f"/cases/?to={until}").text, cases) == ["closed"]


def test_filter_by_team_and_territory(client, make, org, cases, refs):
    both = make.user("tess.both", roles=["manager"], teams=[org["north"], org["south"]])
    south = make.case(org["south"], creator=both, street="1 rue du Sud")
    client.login("tess.both")
    page = client.get(f"/cases/?team={org['south'].id}").text
    assert south.reference in page and references(page, cases) == []
    assert references(client.get(f"/cases/?territory={refs['mermoz'].id}").text, cases) == []


def test_bad_filter_values_are_ignored_not_errors(client, org, cases):
    client.login("mona.mediator")
    for query in ("status=bogus", "team=abc", "from=2026-02-30", "sort=DROP", "page=-3",
                  "page=99999", "s=" + "x" * 500, "s=<script>", "s=nokey", "mediator=1e9"):
        assert client.get(f"/cases/?{query}").status_code == 200, query
    assert search(client, "x" * 500).status_code == 200


def test_sorting(client, org, cases):
    client.login("mona.mediator")
    newest_first = references(client.get("/cases/?sort=received&dir=desc").text, cases)
    page = client.get("/cases/?sort=received&dir=desc").text
    order = sorted(cases, key=lambda name: page.index(f">{cases[name].reference}</a>"))
    assert order == ["helene", "mediation", "closed"]
    page = client.get("/cases/?sort=received&dir=asc").text
    order = sorted(cases, key=lambda name: page.index(f">{cases[name].reference}</a>"))
    assert order == ["closed", "mediation", "helene"]
    assert newest_first
    for key in ("reference", "status", "city", "team", "mediator", "urgency"):
        assert client.get(f"/cases/?sort={key}&dir=asc").status_code == 200


def test_pagination(client, make, org, refs):
    for number in range(30):
        make.case(org["north"], creator=org["manager"], street=f"{number} rue Paul Bert")
    client.login("mona.mediator")
    first = client.get("/cases/").text
    second = client.get("/cases/?page=2").text
    assert first.count("rue Paul Bert") == 25 and second.count("rue Paul Bert") == 5
    assert "30 cases" in client.get("/cases/", headers={"Accept-Language": "en"}).text


def test_the_pager_shows_the_ends_and_the_pages_around():
    from casework.cases.lists import page_window

    assert page_window(1, 1) == [1]
    assert page_window(1, 4000) == [1, 2, 3, 4000]
    assert page_window(50, 4000) == [1, 48, 49, 50, 51, 52, 4000]
    assert page_window(4000, 4000) == [1, 3998, 3999, 4000]


def test_query_count_does_not_grow_with_the_rows(client, make, org, refs, count_queries):
    client.login("mona.mediator")
    for number in range(2):
        make.case(org["north"], creator=org["manager"], lead=org["mediator"],
                  parties=[("A", f"Party{number}"), ("B", "Other")])
    with count_queries() as few:
        assert client.get("/cases/").status_code == 200
    for number in range(20):
        make.case(org["north"], creator=org["manager"], lead=org["mediator"],
                  co=org["manager"] if False else None,
                  parties=[("A", f"More{number}"), ("B", "Other")],
                  categories=("noise", "animals"))
    with count_queries() as many:
        page = client.get("/cases/").text
    assert page.count("More") == 20
    assert many.count == few.count


def test_my_cases_and_queue_queries_do_not_grow_either(client, make, org, refs,
                                                       count_queries):
    client.login("marc.manager")
    make.case(org["north"], creator=org["manager"], parties=["One"])
    with count_queries() as few:
        client.get("/cases/unassigned")
    for number in range(10):
        make.case(org["north"], creator=org["manager"], parties=[f"P{number}", "Q"])
    with count_queries() as many:
        client.get("/cases/unassigned")
    assert many.count == few.count


def test_empty_list_invites_to_record_a_referral(client, org):
    client.login("marc.manager")
    page = client.get("/cases/", headers={"Accept-Language": "en"}).text
    assert "No case yet." in page and 'href="/cases/new"' in page
