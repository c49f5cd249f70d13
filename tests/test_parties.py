"""Parties: added and edited from the case page; the same people across cases."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casework.cases.models import Party, TimelineEvent
from casework.extensions import db
from casework.core import clock


def party_data(**overrides):
    data = {"role": "complainant", "kind": "person", "civility": "mme",
            "first_name": "Hélène", "last_name": "Dupont",
            "street": "12 rue Professeur Beauvisage", "building": "", "staircase": "B",
            "floor": "2e", "postcode": "69008", "city": "Lyon", "phone": "06 12 34 56 78",
            "email": "helene.dupont@example.org", "language": "fr", "consent": "given",
            "consent_on": clock.today().isoformat(), "consent_method": "phone"}
    data.update(overrides)
    return data


@pytest.fixture
def case(make, org, refs):
    return make.case(org["north"], creator=org["manager"], status="assigned",
                     lead=org["mediator"], street="12 rue Professeur Beauvisage")


def parties(app):
    with app.app_context():
        return db.session.execute(select(Party).order_by(Party.id)).scalars().all()


def test_mediator_adds_two_parties(app, client, org, case):
    client.login("mona.mediator")
    url = f"/cases/{case.reference}/parties/new"
    assert client.submit(url, party_data()).status_code == 302
    assert client.submit(url, party_data(role="respondent", civility="m", first_name="Karim",
                                         last_name="Benali", consent="unknown",
                                         consent_on="", consent_method="")
                         ).status_code == 302
    page = client.get(f"/cases/{case.reference}", headers={"Accept-Language": "en"}).text
    assert "Hélène Dupont" in page and "Karim Benali" in page
    assert "Consent: Given" in page and "Party added" in page
    assert [p.last_name for p in parties(app)] == ["Dupont", "Benali"]


def test_new_party_form_starts_from_the_case_address(client, org, case):
    client.login("mona.mediator")
    page = client.get(f"/cases/{case.reference}/parties/new").text
    assert 'value="12 rue Professeur Beauvisage"' in page


def test_editing_a_party_records_old_and_new_values(app, client, org, case):
    client.login("mona.mediator")
    client.submit(f"/cases/{case.reference}/parties/new", party_data())
    party = parties(app)[0]
    url = f"/cases/{case.reference}/parties/{party.id}"
    response = client.submit(url, party_data(phone="07 00 00 00 01", version=party.version))
    assert response.status_code == 302
    with app.app_context():
        event = db.session.execute(select(TimelineEvent).order_by(TimelineEvent.id.desc())
                                   ).scalars().first()
        assert event.kind == "party_edited"
        assert {"field": "phone", "old": "06 12 34 56 78", "new": "07 00 00 00 01"} in \
            event.changes


BAD_INPUT = [
    ("empty last name", {"last_name": ""}, "last_name", "This field is required."),
    ("last name too long", {"last_name": "x" * 81}, "last_name", "Field cannot be longer"),
    ("bad phone", {"phone": "call me"}, "phone", "phone number"),
    ("bad e-mail", {"email": "helene@"}, "email", "valid e-mail"),
    ("unknown role", {"role": "judge"}, "role", "Not a valid choice"),
    ("unknown language", {"language": "xx"}, "language", "Not a valid choice"),
    ("impossible consent date", {"consent_on": "2026-13-01"}, "consent_on", "Not a valid"),
    ("consent date in the future", {"consent_on": (clock.today() + timedelta(2)).isoformat()},
     "consent_on", "in the future"),
    ("consent without date", {"consent_on": ""}, "consent_on", "Give the date"),
    ("consent without how", {"consent_method": ""}, "consent_method", "Say how"),
    ("bad postcode", {"postcode": "ABCDE"}, "postcode", "five digits"),
]


@pytest.mark.parametrize("label, overrides, field, message", BAD_INPUT,
                         ids=[row[0] for row in BAD_INPUT])
def test_bad_input_on_the_party_form(app, client, org, case, label, overrides, field,
                                     message):
    client.login("mona.mediator")
    response = client.submit(f"/cases/{case.reference}/parties/new", party_data(**overrides),
                             headers={"Accept-Language": "en"})
    assert response.status_code == 200
    error = response.text.split(f'id="{field}-error"', 1)[1].split("</div>", 1)[0]
    assert message in error
    assert parties(app) == []


def test_script_in_a_name_is_escaped_everywhere(client, org, case):
    client.login("mona.mediator")
    client.submit(f"/cases/{case.reference}/parties/new",
                  party_data(last_name="<script>x()</script>"))
    for url in (f"/cases/{case.reference}", "/cases/"):
        page = client.get(url).text
        assert "<script>x()" not in page and "&lt;script&gt;x()" in page


def test_party_of_another_case_is_404(client, make, org, case):
    other = make.case(org["north"], creator=org["manager"], parties=["Autre"])
    client.login("marc.manager")
    url = f"/cases/{case.reference}/parties/{other.parties[0].id}"
    assert client.get(url).status_code == 404


def test_case_page_shows_other_cases_at_the_same_address_or_with_the_same_people(
        client, make, org, case):
    same_address = make.case(org["north"], creator=org["manager"],
                             street="12 Rue Professeur-Beauvisage", parties=["Martin"])
    same_person = make.case(org["north"], creator=org["manager"], street="5, Rue du repos",
                            postcode="69007", parties=[("HELENE", "DUPONT")])
    namesake = make.case(org["north"], creator=org["manager"], street="1 place Ambroise",
                         parties=[("Hélène", "Dupont")])
    unrelated = make.case(org["north"], creator=org["manager"], street="2 rue Ailleurs",
                          parties=[("Paul", "Durand")])
    client.login("mona.mediator")
    client.submit(f"/cases/{case.reference}/parties/new",
                  party_data(street="5 rue du Repos", postcode="69007"))
    page = client.get(f"/cases/{case.reference}", headers={"Accept-Language": "en"}).text
    related = page.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    items = {item.split("</a>")[0].rsplit(">", 1)[1]: " ".join(item.split())
             for item in related.split("<li>")[1:]}
    assert set(items) == {same_address.reference, same_person.reference, namesake.reference}
    assert unrelated.reference not in related
    # Each says why: the same person is told apart from a namesake living elsewhere.
    assert "Same address" in items[same_address.reference]
    assert "Same person: Hélène Dupont" in items[same_person.reference]
    assert "Same name, another address: Hélène Dupont" in items[namesake.reference]


def test_related_cases_are_the_visible_ones_newest_first(client, make, org, case):
    from datetime import date

    older = make.case(org["north"], creator=org["manager"], received_on=date(2024, 5, 2),
                      street="12 rue Professeur Beauvisage")
    newer = make.case(org["north"], creator=org["manager"], received_on=date(2025, 9, 1),
                      street="12 Rue Professeur-Beauvisage")
    elsewhere = make.case(org["south"], creator=org["manager"],
                          street="12 rue Professeur Beauvisage")
    client.login("mona.mediator")
    page = client.get(f"/cases/{case.reference}").text
    related = page.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    assert elsewhere.reference not in related  # another team's case stays unknown
    assert related.index(newer.reference) < related.index(older.reference)


def test_party_counts_are_not_duplicated(app, client, org, case):
    client.login("mona.mediator")
    client.submit(f"/cases/{case.reference}/parties/new", party_data())
    with app.app_context():
        assert db.session.execute(select(func.count(Party.id))).scalar_one() == 1


def test_related_cases_of_my_team_are_found_among_many_of_other_teams(client, make, org, case):
    """A common name at a big address: hundreds of cases in another team must not push
    the user's own related case out of the card (the lookups keep at most 200 rows)."""
    for _ in range(201):
        make.case(org["south"], creator=org["manager"], street=case.street,
                  parties=[("Hélène", "Dupont")])
    mine = make.case(org["north"], creator=org["manager"], street=case.street,
                     parties=["Martin"])
    client.login("mona.mediator")
    page = client.get(f"/cases/{case.reference}", headers={"Accept-Language": "en"}).text
    assert 'id="related-title"' in page
    related = page.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    assert mine.reference in related
