"""Reference lists: administrators keep them, in French and English; nobody else may."""
import pytest
from sqlalchemy import func, select

from casework.extensions import db
from casework.reference.defaults import (DEFAULT_CATEGORIES, DEFAULT_SOURCES, load_defaults)
from casework.reference.models import Partner, ReferenceItem

PAGES = ["/admin/reference/", "/admin/reference/sources", "/admin/reference/categories",
         "/admin/reference/territories", "/admin/reference/categories/new",
         "/admin/reference/partners", "/admin/reference/partners/new"]


def count(app, model):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def items(app, kind):
    with app.app_context():
        return [(i.code, i.label_fr, i.label_en, i.active) for i in db.session.execute(
            select(ReferenceItem).filter_by(kind=kind).order_by(ReferenceItem.id)).scalars()]


@pytest.mark.parametrize("who", ["marc.manager", "mona.mediator"])
def test_only_admins_see_reference_pages(client, org, refs, who):
    client.login(who)
    for url in PAGES + [f"/admin/reference/categories/{refs['noise'].id}",
                        f"/admin/reference/partners/{refs['conciliator'].id}"]:
        assert client.get(url).status_code == 403, url


def test_admin_sees_every_list(client, org, refs):
    client.login("alice.admin")
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    assert "Bruit" in client.get("/admin/reference/categories").text
    assert "Conciliateur de justice" in client.get("/admin/reference/partners").text


def test_unknown_list_is_404(client, org):
    client.login("alice.admin")
    assert client.get("/admin/reference/colours").status_code == 404


def test_admin_adds_and_renames_a_category(app, client, org, refs):
    client.login("alice.admin")
    response = client.submit("/admin/reference/categories/new", {
        "code": "smoke", "label_fr": "Fumée", "label_en": "Smoke", "position": "5"})
    assert response.status_code == 302
    assert ("smoke", "Fumée", "Smoke", True) in items(app, "category")
    with app.app_context():
        smoke = db.session.execute(select(ReferenceItem).filter_by(code="smoke")).scalar_one()
    response = client.submit(f"/admin/reference/categories/{smoke.id}", {
        "code": "smoke", "label_fr": "Fumées de barbecue", "label_en": "", "position": "5"})
    assert response.status_code == 302
    assert ("smoke", "Fumées de barbecue", "", True) in items(app, "category")


def test_english_label_falls_back_to_french(app, client, org, make):
    make.reference("category", "smoke", "Fumée", "")
    client.login("alice.admin")
    page = client.get("/cases/new", headers={"Accept-Language": "en"})
    assert page.status_code == 403  # admins record no referral; check the label directly
    with app.test_request_context(headers={"Accept-Language": "en"}):
        item = db.session.execute(select(ReferenceItem).filter_by(code="smoke")).scalar_one()
        assert item.label == "Fumée"


def test_territory_has_a_city(app, client, org):
    client.login("alice.admin")
    response = client.submit("/admin/reference/territories/new", {
        "code": "se_beaubrun", "label_fr": "Beaubrun", "label_en": "", "city": "Saint-Étienne",
        "position": "1"})
    assert response.status_code == 302
    with app.app_context():
        item = db.session.execute(select(ReferenceItem).filter_by(code="se_beaubrun")
                                  ).scalar_one()
        assert item.city == "Saint-Étienne"


def test_deactivated_item_is_no_longer_offered_but_kept(app, client, make, org, refs):
    case = make.case(org["north"], creator=org["manager"], categories=("animals",))
    client.login("alice.admin")
    url = f"/admin/reference/categories/{refs['animals'].id}/active"
    client.submit(url, {"active": "0"}, page="/admin/reference/categories")
    assert ("animals", "Animaux", "Animals", False) in items(app, "category")
    client.logout()
    client.login("marc.manager")
    assert "Animaux" not in client.get("/cases/new").text
    assert "Animaux" in client.get(f"/cases/{case.reference}").text
    assert "Animaux" in client.get(f"/cases/{case.reference}/edit").text


def test_partner_is_added_and_deactivated(app, client, org, refs):
    client.login("alice.admin")
    response = client.submit("/admin/reference/partners/new", {
        "name": "ADIL du Rhône", "kind_fr": "Information logement",
        "kind_en": "Housing advice", "address": "9 rue Vauban, 69006 Lyon",
        "phone": "04 72 00 00 08", "email": "contact@adil.example"})
    assert response.status_code == 302
    with app.app_context():
        partner = db.session.execute(select(Partner).filter_by(name="ADIL du Rhône")
                                     ).scalar_one()
    client.submit(f"/admin/reference/partners/{partner.id}/active", {"active": "0"},
                  page="/admin/reference/partners")
    with app.app_context():
        assert not db.session.get(Partner, partner.id).active


ITEM_BAD_INPUT = [
    ("empty code", {"code": ""}, "code", "This field is required."),
    ("code with capitals", {"code": "Noise2"}, "code", "lower-case letters"),
    ("code with spaces", {"code": "big noise"}, "code", "lower-case letters"),
    ("code too long", {"code": "x" * 41}, "code", "Field cannot be longer"),
    ("duplicate code", {"code": "noise"}, "code", "already used"),
    ("empty French label", {"label_fr": " "}, "label_fr", "This field is required."),
    ("label too long", {"label_fr": "L" * 121}, "label_fr", "Field cannot be longer"),
    ("position not a number", {"position": "first"}, "position", "Not a valid integer"),
    ("position out of range", {"position": "10000"}, "position", "between 0 and 9999"),
]


@pytest.mark.parametrize("label, overrides, field, message", ITEM_BAD_INPUT,
                         ids=[row[0] for row in ITEM_BAD_INPUT])
def test_bad_input_on_the_item_form(app, client, org, refs, label, overrides, field, message):
    client.login("alice.admin")
    before = count(app, ReferenceItem)
    data = {"code": "smoke", "label_fr": "Fumée", "label_en": "Smoke", "position": "1"}
    data.update(overrides)
    response = client.submit("/admin/reference/categories/new", data,
                             headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert message in response.text.split(f'id="{field}-error"', 1)[1].split("</div>", 1)[0]
    assert count(app, ReferenceItem) == before


@pytest.mark.parametrize("overrides, field, message", [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "N" * 161}, "name", "Field cannot be longer"),
    ({"name": "conciliateur de JUSTICE"}, "name", "already exists"),
    ({"email": "nope"}, "email", "valid e-mail"),
])
def test_bad_input_on_the_partner_form(app, client, org, refs, overrides, field, message):
    client.login("alice.admin")
    before = count(app, Partner)
    data = {"name": "Centre social", "kind_fr": "", "kind_en": "", "address": "", "phone": "",
            "email": ""}
    data.update(overrides)
    response = client.submit("/admin/reference/partners/new", data,
                             headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert message in response.text.split(f'id="{field}-error"', 1)[1].split("</div>", 1)[0]
    assert count(app, Partner) == before


def test_script_in_a_label_is_escaped(client, org):
    client.login("alice.admin")
    client.submit("/admin/reference/categories/new", {
        "code": "xss", "label_fr": "<script>alert(1)</script>", "position": "0"})
    page = client.get("/admin/reference/categories").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_default_lists_load_once(app):
    with app.app_context():
        first = load_defaults()
        assert first > 0 and load_defaults() == 0
    assert len(items(app, "source")) == len(DEFAULT_SOURCES) == 6
    assert len(items(app, "category")) == len(DEFAULT_CATEGORIES) == 11
