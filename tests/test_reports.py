"""The intervention report: figures per period, kind, mediator, team and month, and the
spreadsheet of interventions — for managers only, over their own teams, naming no resident."""
import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from casework.reports.periods import Period, presets
from casework.core import clock

PARIS = ZoneInfo("Europe/Paris")


def at(day, hour=10, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def cases(make, org, refs):
    north = make.case(org["north"], creator=org["manager"], status="mediation",
                      lead=org["mediator"], parties=[("Hélène", "Dupont"), ("Karim", "Benali")])
    south = make.case(org["south"], creator=org["manager"], status="mediation",
                      lead=org["south_mediator"], parties=[("Paul", "Sudre")])
    return {"north": north, "south": south}


@pytest.fixture
def year_of_work(make, org, cases):
    """Interventions of last year in the north team (one made in pairs) and one in the
    south team, which the north manager must not see."""
    colleague = make.user("nina.north", roles=["mediator"], teams=[org["north"]],
                          full_name="Nina Nord")
    last = clock.today().year - 1
    north = cases["north"]
    make.intervention(north, [org["mediator"]], at=at(date(last, 1, 10)), minutes=20)
    make.intervention(north, [org["mediator"], colleague], at=at(date(last, 1, 31), 23, 30),
                      kind="home_visit", minutes=90)
    make.intervention(north, [org["mediator"]], at=at(date(last, 3, 2)), minutes=45)
    make.intervention(cases["south"], [org["south_mediator"]], at=at(date(last, 3, 3)))
    make.round_table(north, [org["mediator"], colleague], starts_in_days=-3, status="held")
    return last


def report(client, language="en", **args):
    return client.get("/reports/interventions", query_string=args,
                      headers={"Accept-Language": language})


def test_manager_sees_the_figures_of_a_quarter(client, org, year_of_work):
    client.login("marc.manager")
    page = report(client, start=f"{year_of_work}-01-01", end=f"{year_of_work}-03-31").text
    cards = page.split('<p class="display-6 mb-0">')[1:5]
    assert [card.split("<")[0] for card in cards] == ["3", "1", "2\u00a0h 35\u00a0min", "0"]
    assert "Phone call" in page and "Home visit" in page
    assert "Nina Nord" in page and "Mona Mediator" in page
    # The south team's intervention is not counted, nor its mediator named.
    assert "Sam" not in page
    # By month: January 2 (the 23:30 visit on the 31st is still January in Lyon), March 1.
    months = page.split('id="bucket-title"')[1]
    assert "January" in months and "February" in months and "March" in months
    rows = [row.split("</th>")[1] for row in months.split('<th scope="row"')[1:4]]
    assert [row.split("</td>")[0].rsplit(">", 1)[1] for row in rows] == ["2", "0", "1"]


def test_round_tables_held_are_counted_in_their_period(client, org, cases, make):
    make.round_table(cases["north"], [org["mediator"]], starts_in_days=-1, status="held")
    make.round_table(cases["north"], [org["mediator"]], starts_in_days=-1)  # not held
    make.intervention(cases["north"], [org["mediator"]], at=clock.utcnow().astimezone(PARIS))
    client.login("marc.manager")
    today = clock.today()
    page = report(client, start=(today - timedelta(days=7)).isoformat(),
                  end=today.isoformat()).text
    assert "Round tables held" in page
    assert page.split('<p class="display-6 mb-0">')[4].startswith("1<")


def test_a_month_in_french(client, org, year_of_work):
    client.login("marc.manager")
    page = report(client, "fr", month=f"{year_of_work}-01").text
    assert f"1 janvier {year_of_work}" in page and f"31 janvier {year_of_work}" in page
    assert "1\u00a0h\u00a050<" in page  # 20 + 90 minutes, written the French way
    assert "Par mois" not in page  # one month: no monthly breakdown


def test_a_period_without_interventions_says_so(client, org, cases):
    client.login("marc.manager")
    page = report(client, start="2001-01-01", end="2001-12-31").text
    assert "No intervention was logged in this period." in page
    assert "Download the interventions" not in page


def test_bad_periods_get_a_message_next_to_the_field(client, org):
    client.login("marc.manager")
    page = report(client, start="2026-03-10", end="2026-03-01").text
    assert "The end of the period comes before its start." in page
    assert 'id="end-error"' in page and "display-6" not in page
    page = report(client, start="2026-02-30", end="2026-03-01").text
    assert 'id="start-error"' in page and "Enter a valid date." in page
    page = report(client, start="1999-01-01", end="2026-03-01").text
    assert "Enter a date after 1 January 2000." in page
    page = report(client, start="2026-01-01", end="9999-12-31").text
    assert 'id="end-error"' in page
    response = report(client, start="<script>", end="x", team="abc")
    assert response.status_code == 200 and "<script>" not in response.text


def test_a_manager_of_two_teams_sees_each_and_can_choose_one(client, org, make, year_of_work):
    make.user("mia.both", roles=["manager"], teams=[org["north"], org["south"]])
    client.login("mia.both")
    period = {"start": f"{year_of_work}-01-01", "end": f"{year_of_work}-12-31"}
    page = report(client, **period).text
    assert 'id="team-title"' in page and "Sam" in page
    assert page.split('<p class="display-6 mb-0">')[1].startswith("4<")
    page = report(client, team=org["south"].id, **period).text
    assert page.split('<p class="display-6 mb-0">')[1].startswith("1<")
    assert "Mona Mediator" not in page
    # A team the manager does not lead is no filter: all their own teams are counted.
    make.team("Ailleurs")
    page = report(client, team=999, **period).text
    assert page.split('<p class="display-6 mb-0">')[1].startswith("4<")


def test_the_spreadsheet_lists_interventions_without_residents(client, org, year_of_work):
    client.login("marc.manager")
    response = client.get("/reports/interventions.csv", headers={"Accept-Language": "fr"},
                          query_string={"start": f"{year_of_work}-01-01",
                                        "end": f"{year_of_work}-12-31"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f"interventions-{year_of_work}-01-01-{year_of_work}-12-31.csv" in \
        response.headers["Content-Disposition"]
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Date", "Heure", "Dossier", "Équipe", "Type", "Durée (minutes)",
                       "Médiateurs"]
    assert len(rows) == 4
    assert rows[2][:6] == [f"{year_of_work}-01-31", "23:30", rows[1][2], "Nord",
                           "Visite à domicile", "90"]
    assert rows[2][6] == "Mona Mediator, Nina Nord"
    for name in ("Dupont", "Hélène", "Benali", "Sudre", "Appel de suivi"):
        assert name not in text


def test_spreadsheet_cells_are_never_formulas(client, org, make, cases):
    make.intervention(cases["north"], [make.user("eve", roles=["mediator"],
                                                 teams=[org["north"]], full_name="=HYPERLINK(1)")],
                      at=clock.utcnow().astimezone(PARIS))
    client.login("marc.manager")
    text = client.get("/reports/interventions.csv", headers={"Accept-Language": "en"}).text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][6] == "'=HYPERLINK(1)"


def test_a_bad_period_for_the_spreadsheet_goes_back_to_the_form(client, org):
    client.login("marc.manager")
    response = client.get("/reports/interventions.csv?start=2026-03-10&end=2026-03-01")
    assert response.status_code == 302
    assert "/reports/interventions?" in response.headers["Location"]


@pytest.mark.parametrize("username", ["mona.mediator", "alice.admin"])
def test_only_managers_see_the_report(client, org, username):
    client.login(username)
    assert client.get("/reports/interventions").status_code == 403
    assert client.get("/reports/interventions.csv").status_code == 403


def test_the_report_makes_as_many_queries_for_a_year_as_for_a_month(
        client, org, cases, make, count_queries, year_of_work):
    client.login("marc.manager")
    with count_queries() as month:
        report(client, start=f"{year_of_work}-01-01", end=f"{year_of_work}-02-28")
    for day in range(1, 28):
        make.intervention(cases["north"], [org["mediator"]],
                          at=at(date(year_of_work, 6, day)), kind="office")
    with count_queries() as year:
        report(client, start=f"{year_of_work}-01-01", end=f"{year_of_work}-12-31")
    assert year.count == month.count


def test_usual_periods():
    chosen = presets(date(2026, 1, 15))
    assert chosen["last_month"] == Period(date(2025, 12, 1), date(2025, 12, 31))
    assert chosen["this_quarter"] == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert chosen["last_quarter"] == Period(date(2025, 10, 1), date(2025, 12, 31))
    assert chosen["last_year"] == Period(date(2025, 1, 1), date(2025, 12, 31))
    assert presets(date(2024, 3, 1))["last_month"] == Period(date(2024, 2, 1), date(2024, 2, 29))


def test_periods_break_down_by_month_then_by_year():
    assert Period(date(2026, 3, 1), date(2026, 3, 31)).buckets() == ("", [])
    unit, days = Period(date(2026, 1, 15), date(2026, 3, 10)).buckets()
    assert unit == "month" and days == [date(2026, 1, 15), date(2026, 2, 1), date(2026, 3, 1)]
    unit, days = Period(date(2024, 1, 1), date(2025, 12, 31)).buckets()
    assert unit == "month" and len(days) == 24
    unit, days = Period(date(2024, 1, 1), date(2026, 1, 31)).buckets()
    assert unit == "year" and days == [date(2024, 1, 1), date(2025, 1, 1), date(2026, 1, 1)]


@pytest.mark.parametrize("language, minutes, written", [
    ("fr", 45, "45\u00a0min"), ("fr", 120, "2\u00a0h"), ("fr", 125, "2\u00a0h\u00a005"),
    ("fr", 1237 * 60 + 5, "1\u202f237\u00a0h\u00a005"), ("en", 125, "2\u00a0h 05\u00a0min"),
    ("en", 1237 * 60, "1,237\u00a0h"), ("en", 0, "0\u00a0min")])
def test_time_spent_is_written_as_people_write_it(app, language, minutes, written):
    from casework.web.i18n import duration

    with app.test_request_context(headers={"Accept-Language": language}):
        assert duration(minutes) == written
