"""Reference lists: administrators keep them, in French and English; nobody else may."""
import pytest
from sqlalchemy import func, select

from casework.auth.operations import OperationError
from casework.extensions import db
from casework.reference import operations
from casework.reference.defaults import (DEFAULT_ACTIVITY_KINDS, DEFAULT_REFERRAL_REASONS,
                                         DEFAULT_CATEGORIES, DEFAULT_PARTNERS, DEFAULT_PLACES,
                                         DEFAULT_SOURCES, DEFAULT_TERRITORIES,
                                         load_defaults)
from casework.reference.models import Partner, ReferenceItem

BASE = "/admin/reference"
LISTS = {"sources": "source", "categories": "category", "territories": "territory"}


@pytest.fixture(autouse=True)
def reference_blueprint(app):
    """The app factory registers the blueprint; this guard only matters if it did not."""
    if "reference" not in app.blueprints:
        from casework.reference.views import bp

        app.register_blueprint(bp, url_prefix=BASE)
    return app


# — helpers ——————————————————————————————————————————————————————————————————————

def count(app, model):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def items(app, kind):
    with app.app_context():
        return [(i.code, i.label_fr, i.label_en, i.active) for i in db.session.execute(
            select(ReferenceItem).filter_by(kind=kind).order_by(ReferenceItem.id)).scalars()]


def item_by_code(app, kind, code):
    with app.app_context():
        item = db.session.execute(select(ReferenceItem).filter_by(kind=kind, code=code)
                                  ).scalar_one()
        db.session.expunge(item)
        return item


def partner_by_id(app, partner_id):
    with app.app_context():
        partner = db.session.get(Partner, partner_id)
        db.session.expunge(partner)
        return partner


def error_next_to(response, field):
    """The message the page shows under ``field`` (the ``field`` macro's ``<id>-error``)."""
    page = response.get_data(as_text=True)
    marker = f'id="{field}-error"'
    assert marker in page, f"no error shown next to {field}"
    return page.split(marker, 1)[1].split("</div>", 1)[0]


ENGLISH = {"Accept-Language": "en"}


def protected_pages(refs):
    """Every reference URL with its method: GET pages, form posts and toggles."""
    pages = [("GET", f"{BASE}/"), ("GET", f"{BASE}/partners"),
             ("GET", f"{BASE}/partners/new"), ("POST", f"{BASE}/partners/new"),
             ("GET", f"{BASE}/partners/{refs['conciliator'].id}"),
             ("POST", f"{BASE}/partners/{refs['conciliator'].id}"),
             ("POST", f"{BASE}/partners/{refs['conciliator'].id}/active"),
             ("GET", f"{BASE}/places"), ("GET", f"{BASE}/places/new")]
    samples = {"sources": refs["resident"], "categories": refs["noise"],
               "territories": refs["mermoz"]}
    for name, item in samples.items():
        pages += [("GET", f"{BASE}/{name}"), ("GET", f"{BASE}/{name}/new"),
                  ("POST", f"{BASE}/{name}/new"), ("GET", f"{BASE}/{name}/{item.id}"),
                  ("POST", f"{BASE}/{name}/{item.id}"),
                  ("POST", f"{BASE}/{name}/{item.id}/active")]
    return pages


# — who may come ————————————————————————————————————————————————————————————————

@pytest.mark.parametrize("who", ["marc.manager", "mona.mediator", "sam.south"])
def test_managers_and_mediators_get_403_on_every_reference_page(app, client, org, refs, who):
    client.login(who)
    token = client.csrf_token("/")
    for method, url in protected_pages(refs):
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={
                "csrf_token": token, "active": "0", "code": "hack", "label_fr": "Piraté",
                "name": "Piraté", "position": "0"})
        assert response.status_code == 403, (method, url)
    assert all(active for *_rest, active in items(app, "category"))
    assert "hack" not in [code for code, *_rest in items(app, "category")]
    assert partner_by_id(app, refs["conciliator"].id).active


def test_visitor_is_sent_to_login(client, org, refs):
    for method, url in protected_pages(refs):
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 302, url
            assert "/login" in response.headers["Location"], url


def test_admin_menu_links_to_reference_lists(client, org):
    client.login("alice.admin")
    assert f'href="{BASE}/"' in client.get("/").get_data(as_text=True)


# — the lists ———————————————————————————————————————————————————————————————————

def test_overview_links_to_the_four_lists(client, org, refs):
    client.login("alice.admin")
    page = client.get(f"{BASE}/", headers=ENGLISH).get_data(as_text=True)
    for url in ("sources", "categories", "territories", "partners"):
        assert f'href="{BASE}/{url}"' in page
    assert "never deleted" in page


def test_admin_sees_every_list(client, org, refs):
    client.login("alice.admin")
    for name in LISTS:
        assert client.get(f"{BASE}/{name}").status_code == 200, name
    assert "Bruit" in client.get(f"{BASE}/categories").get_data(as_text=True)
    assert "Bailleur social" in client.get(f"{BASE}/sources").get_data(as_text=True)
    territories = client.get(f"{BASE}/territories").get_data(as_text=True)
    assert "Mermoz" in territories and "Lyon" in territories
    assert "Conciliateur de justice" in client.get(f"{BASE}/partners").get_data(as_text=True)


def test_items_are_listed_by_position_then_label(client, org, make):
    make.reference("category", "parking", "Stationnement", "Parking", position=20)
    make.reference("category", "odours", "Odeurs", "Odours", position=10)
    make.reference("category", "animals", "Animaux", "Animals", position=10)
    client.login("alice.admin")
    page = client.get(f"{BASE}/categories").get_data(as_text=True)
    assert page.index("Animaux") < page.index("Odeurs") < page.index("Stationnement")


def test_deactivated_items_are_listed_greyed_with_a_badge(app, client, org, refs):
    with app.app_context():
        operations.set_item_active(None, db.session.get(ReferenceItem, refs["animals"].id),
                                   False)
    client.login("alice.admin")
    page = client.get(f"{BASE}/categories", headers=ENGLISH).get_data(as_text=True)
    row = page.split("Animaux", 1)[0].rsplit("<tr", 1)[1]
    assert "text-body-secondary" in row
    assert "Deactivated" in page.split("Animaux", 1)[1].split("</tr>", 1)[0]
    assert "never deleted" in page


@pytest.mark.parametrize("url", [f"{BASE}/colours", f"{BASE}/colours/new",
                                 f"{BASE}/categories/999999", f"{BASE}/partners/999999"])
def test_unknown_list_or_item_is_404(client, org, url):
    client.login("alice.admin")
    assert client.get(url).status_code == 404


def test_item_is_only_found_in_its_own_list(client, org, refs):
    client.login("alice.admin")
    assert client.get(f"{BASE}/sources/{refs['noise'].id}").status_code == 404
    response = client.submit(f"{BASE}/sources/{refs['noise'].id}/active", {"active": "0"},
                             page=f"{BASE}/sources")
    assert response.status_code == 404


# — adding and editing ——————————————————————————————————————————————————————————

@pytest.mark.parametrize("name", LISTS)
def test_admin_adds_and_edits_an_item_of_each_list(app, client, org, refs, name):
    kind = LISTS[name]
    client.login("alice.admin")
    data = {"code": "new_one", "label_fr": "Nouveau", "label_en": "New one", "position": "5"}
    if kind == "territory":
        data["city"] = "Saint-Étienne"
    response = client.submit(f"{BASE}/{name}/new", data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{BASE}/{name}")
    item = item_by_code(app, kind, "new_one")
    assert (item.label_fr, item.label_en, item.position, item.active) == (
        "Nouveau", "New one", 5, True)
    assert item.city == ("Saint-Étienne" if kind == "territory" else None)

    form = client.get(f"{BASE}/{name}/{item.id}").get_data(as_text=True)
    assert 'value="Nouveau"' in form and 'value="new_one"' in form
    data.update(label_fr="Renommé", label_en="", position="7")
    response = client.submit(f"{BASE}/{name}/{item.id}", data)
    assert response.status_code == 302
    item = item_by_code(app, kind, "new_one")
    assert (item.label_fr, item.label_en, item.position) == ("Renommé", "", 7)
    assert "Renommé" in client.get(f"{BASE}/{name}").get_data(as_text=True)


def test_city_is_asked_for_territories_only(app, client, org, refs):
    client.login("alice.admin")
    assert 'name="city"' in client.get(f"{BASE}/territories/new").get_data(as_text=True)
    for name in ("sources", "categories"):
        assert 'name="city"' not in client.get(f"{BASE}/{name}/new").get_data(as_text=True)
    client.submit(f"{BASE}/categories/new", {"code": "smoke", "label_fr": "Fumée",
                                             "city": "Lyon", "position": "0"})
    assert item_by_code(app, "category", "smoke").city is None


def test_empty_position_means_first(app, client, org):
    client.login("alice.admin")
    response = client.submit(f"{BASE}/sources/new", {"code": "bailiff", "label_fr": "Huissier",
                                                     "position": ""})
    assert response.status_code == 302
    assert item_by_code(app, "source", "bailiff").position == 0


def test_english_label_falls_back_to_french(app, make):
    make.reference("category", "smoke", "Fumée", "")
    with app.test_request_context(headers=ENGLISH):
        item = db.session.execute(select(ReferenceItem).filter_by(code="smoke")).scalar_one()
        assert item.label == "Fumée"


def test_admin_adds_and_edits_a_partner(app, client, org, refs):
    client.login("alice.admin")
    response = client.submit(f"{BASE}/partners/new", {
        "name": "ADIL du Rhône", "kind_fr": "Information logement",
        "kind_en": "Housing advice", "address": "9 rue Vauban, 69006 Lyon",
        "phone": "04 72 00 00 08", "email": "contact@adil.example"})
    assert response.status_code == 302
    with app.app_context():
        partner_id = db.session.execute(select(Partner.id).filter_by(name="ADIL du Rhône")
                                        ).scalar_one()
    page = client.get(f"{BASE}/partners", headers=ENGLISH).get_data(as_text=True)
    assert "ADIL du Rhône" in page and "Housing advice" in page
    response = client.submit(f"{BASE}/partners/{partner_id}", {
        "name": "ADIL du Rhône et de la Métropole", "kind_fr": "Information logement",
        "kind_en": "", "address": "", "phone": "04 72 00 00 09", "email": ""})
    assert response.status_code == 302
    partner = partner_by_id(app, partner_id)
    assert (partner.name, partner.kind_en, partner.address, partner.phone, partner.email) == (
        "ADIL du Rhône et de la Métropole", "", "", "04 72 00 00 09", "")


def test_partner_keeps_its_own_name_when_saved_again(app, client, org, refs):
    client.login("alice.admin")
    url = f"{BASE}/partners/{refs['conciliator'].id}"
    response = client.submit(url, {"name": "Conciliateur de justice", "kind_fr": "Justice"})
    assert response.status_code == 302


# — deactivating ————————————————————————————————————————————————————————————————

@pytest.mark.parametrize("name, ref", [("sources", "landlord"), ("categories", "animals"),
                                       ("territories", "mermoz")])
def test_admin_deactivates_and_reactivates_an_item(app, client, org, refs, name, ref):
    item = refs[ref]
    client.login("alice.admin")
    url = f"{BASE}/{name}/{item.id}/active"
    response = client.submit(url, {"active": "0"}, page=f"{BASE}/{name}")
    assert response.status_code == 302
    assert not item_by_code(app, item.kind, item.code).active
    edit = client.get(f"{BASE}/{name}/{item.id}", headers=ENGLISH).get_data(as_text=True)
    assert "Reactivate" in edit and "never deleted" in edit
    client.submit(url, {"active": "1"}, page=f"{BASE}/{name}")
    assert item_by_code(app, item.kind, item.code).active
    assert count(app, ReferenceItem) == len(refs) - 1


def test_deactivated_item_is_no_longer_offered_but_kept(app, client, make, org, refs):
    case = make.case(org["north"], creator=org["manager"], categories=("animals",))
    client.login("alice.admin")
    client.submit(f"{BASE}/categories/{refs['animals'].id}/active", {"active": "0"},
                  page=f"{BASE}/categories")
    assert ("animals", "Animaux", "Animals", False) in items(app, "category")
    client.logout()
    client.login("marc.manager")
    assert "Animaux" not in client.get("/cases/new").get_data(as_text=True)
    assert "Animaux" in client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Animaux" in client.get(f"/cases/{case.reference}/edit").get_data(as_text=True)


def test_admin_deactivates_and_reactivates_a_partner(app, client, org, refs):
    partner_id = refs["conciliator"].id
    client.login("alice.admin")
    url = f"{BASE}/partners/{partner_id}/active"
    assert client.submit(url, {"active": "0"}, page=f"{BASE}/partners").status_code == 302
    assert not partner_by_id(app, partner_id).active
    page = client.get(f"{BASE}/partners", headers=ENGLISH).get_data(as_text=True)
    assert "Deactivated" in page and "Reactivate" in page
    client.submit(url, {"active": "1"}, page=f"{BASE}/partners")
    assert partner_by_id(app, partner_id).active


def test_toggle_without_csrf_token_is_refused(app, client, org, refs):
    client.login("alice.admin")
    response = client.post(f"{BASE}/categories/{refs['noise'].id}/active", data={"active": "0"})
    assert response.status_code == 400
    assert item_by_code(app, "category", "noise").active


# — bad input ———————————————————————————————————————————————————————————————————

ITEM_BAD_INPUT = [
    ("empty code", {"code": ""}, "code", "This field is required."),
    ("code with capitals", {"code": "Noise2"}, "code", "lower-case letters"),
    ("code with spaces", {"code": "big noise"}, "code", "lower-case letters"),
    ("code with accents", {"code": "fumée"}, "code", "lower-case letters"),
    ("code with a dash", {"code": "smoke-bbq"}, "code", "lower-case letters"),
    ("code too short", {"code": "x"}, "code", "2 to 40 characters"),
    ("code too long", {"code": "x" * 41}, "code", "Field cannot be longer"),
    ("duplicate code", {"code": "noise"}, "code", "already used"),
    ("empty French label", {"label_fr": " "}, "label_fr", "This field is required."),
    ("French label too long", {"label_fr": "L" * 121}, "label_fr", "Field cannot be longer"),
    ("English label too long", {"label_en": "L" * 121}, "label_en", "Field cannot be longer"),
    ("position not a number", {"position": "first"}, "position", "Not a valid integer"),
    ("position out of range", {"position": "10000"}, "position", "between 0 and 9999"),
    ("negative position", {"position": "-1"}, "position", "between 0 and 9999"),
]


@pytest.mark.parametrize("label, overrides, field, message", ITEM_BAD_INPUT,
                         ids=[row[0] for row in ITEM_BAD_INPUT])
def test_bad_input_on_the_new_item_form(app, client, org, refs, label, overrides, field,
                                        message):
    client.login("alice.admin")
    before = items(app, "category")
    data = {"code": "smoke", "label_fr": "Fumée", "label_en": "Smoke", "position": "1"}
    data.update(overrides)
    response = client.submit(f"{BASE}/categories/new", data, headers=ENGLISH)
    assert response.status_code == 200
    assert message in error_next_to(response, field)
    assert items(app, "category") == before


@pytest.mark.parametrize("overrides, field, message", [
    ({"code": "animals"}, "code", "already used"),
    ({"code": "Bad Code"}, "code", "lower-case letters"),
    ({"label_fr": ""}, "label_fr", "This field is required."),
    ({"position": "99999"}, "position", "between 0 and 9999"),
])
def test_bad_input_on_the_edit_item_form(app, client, org, refs, overrides, field, message):
    client.login("alice.admin")
    before = items(app, "category")
    data = {"code": "noise", "label_fr": "Bruit", "label_en": "Noise", "position": "0"}
    data.update(overrides)
    response = client.submit(f"{BASE}/categories/{refs['noise'].id}", data, headers=ENGLISH)
    assert response.status_code == 200
    assert message in error_next_to(response, field)
    assert items(app, "category") == before


def test_same_code_is_allowed_in_another_list(app, client, org, refs):
    client.login("alice.admin")
    response = client.submit(f"{BASE}/sources/new", {"code": "noise", "label_fr": "Bruit",
                                                     "position": "0"})
    assert response.status_code == 302
    assert item_by_code(app, "source", "noise").label_fr == "Bruit"


def test_bad_city_on_the_territory_form(app, client, org, refs):
    client.login("alice.admin")
    before = count(app, ReferenceItem)
    response = client.submit(f"{BASE}/territories/new", {
        "code": "se_beaubrun", "label_fr": "Beaubrun", "city": "C" * 81, "position": "1"},
        headers=ENGLISH)
    assert response.status_code == 200
    assert "Field cannot be longer" in error_next_to(response, "city")
    assert count(app, ReferenceItem) == before


PARTNER_BAD_INPUT = [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "   "}, "name", "This field is required."),
    ({"name": "N" * 161}, "name", "Field cannot be longer"),
    ({"name": "conciliateur de JUSTICE"}, "name", "already exists"),
    ({"kind_fr": "K" * 121}, "kind_fr", "Field cannot be longer"),
    ({"kind_en": "K" * 121}, "kind_en", "Field cannot be longer"),
    ({"address": "A" * 251}, "address", "Field cannot be longer"),
    ({"phone": "0" * 41}, "phone", "Field cannot be longer"),
    ({"email": "nope"}, "email", "valid e-mail"),
]


@pytest.mark.parametrize("overrides, field, message", PARTNER_BAD_INPUT)
def test_bad_input_on_the_partner_form(app, client, org, refs, overrides, field, message):
    client.login("alice.admin")
    before = count(app, Partner)
    data = {"name": "Centre social", "kind_fr": "", "kind_en": "", "address": "", "phone": "",
            "email": ""}
    data.update(overrides)
    response = client.submit(f"{BASE}/partners/new", data, headers=ENGLISH)
    assert response.status_code == 200
    assert message in error_next_to(response, field)
    assert count(app, Partner) == before


def test_partner_cannot_take_another_partners_name(app, client, make, org, refs):
    other = make.partner("CCAS de Saint-Étienne")
    client.login("alice.admin")
    response = client.submit(f"{BASE}/partners/{other.id}", {"name": "Conciliateur de justice"},
                             headers=ENGLISH)
    assert response.status_code == 200
    assert "already exists" in error_next_to(response, "name")
    assert partner_by_id(app, other.id).name == "CCAS de Saint-Étienne"


def test_script_in_a_label_is_shown_escaped(client, org):
    client.login("alice.admin")
    client.submit(f"{BASE}/categories/new", {
        "code": "xss", "label_fr": "<script>alert(1)</script>", "position": "0"})
    page = client.get(f"{BASE}/categories").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_script_in_a_refused_form_is_shown_escaped(client, org, refs):
    client.login("alice.admin")
    response = client.submit(f"{BASE}/categories/new", {
        "code": "<script>x</script>", "label_fr": "<script>alert(1)</script>",
        "position": "0"}, headers=ENGLISH)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<script>x" not in page
    assert "lower-case letters" in error_next_to(response, "code")


def test_script_in_a_partner_is_shown_escaped(client, org):
    client.login("alice.admin")
    response = client.submit(f"{BASE}/partners/new", {
        "name": "<script>alert(1)</script>", "address": "<b>here</b>"})
    assert response.status_code == 302
    page = client.get(f"{BASE}/partners").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<b>here" not in page


# — operations and defaults ——————————————————————————————————————————————————————

def test_operations_refuse_what_the_forms_refuse(app, org, refs):
    with app.app_context():
        admin = db.session.get(type(org["admin"]), org["admin"].id)
        cases = [
            (lambda: operations.save_item(admin, "category", None, {
                "code": "noise", "label_fr": "Bruit encore"}), "code"),
            (lambda: operations.save_item(admin, "category", None, {
                "code": "Bad", "label_fr": "Mauvais"}), "code"),
            (lambda: operations.save_item(admin, "category", None, {
                "code": "smoke", "label_fr": ""}), "label_fr"),
            (lambda: operations.save_partner(admin, None, {
                "name": "CONCILIATEUR DE JUSTICE"}), "name"),
            (lambda: operations.save_partner(admin, None, {"name": ""}), "name"),
        ]
        for attempt, field in cases:
            with pytest.raises(OperationError) as refused:
                attempt()
            assert refused.value.field == field
        with pytest.raises(ValueError) as bug:  # the form says why; reaching here is a bug
            operations.save_item(admin, "category", None, {
                "code": "smoke", "label_fr": "Fumée", "position": 10000})
        assert not isinstance(bug.value, OperationError)
        db.session.rollback()
    assert count(app, ReferenceItem) == 5 and count(app, Partner) == 1


def test_operations_log_ids_only(app, org, caplog):
    caplog.set_level("INFO", logger="casework.reference.operations")
    with app.app_context():
        admin = db.session.get(type(org["admin"]), org["admin"].id)
        item_id = operations.save_item(admin, "category", None, {
            "code": "smoke", "label_fr": "Fumée secrète"}).id
        partner = operations.save_partner(admin, None, {"name": "Cabinet Dupont",
                                                        "phone": "04 72 00 00 99"})
        operations.set_partner_active(admin, partner, False)
    assert f"reference item {item_id}" in caplog.text
    assert "Fumée" not in caplog.text and "Dupont" not in caplog.text
    assert "04 72" not in caplog.text


def test_default_lists_load_once(app):
    with app.app_context():
        first = load_defaults()
        assert first > 0 and load_defaults() == 0
    assert [code for code, *_rest in items(app, "source")] == [
        "resident", "social_landlord", "town_hall", "municipal_police", "school",
        "other_partner"]
    assert len(items(app, "source")) == len(DEFAULT_SOURCES) == 6
    assert len(items(app, "category")) == len(DEFAULT_CATEGORIES) == 11
    assert len(items(app, "territory")) == len(DEFAULT_TERRITORIES) >= 10
    assert [code for code, *_rest in items(app, "activity")][:2] == [
        "presence_round", "phone_campaign"]
    assert len(items(app, "referral_reason")) == len(DEFAULT_REFERRAL_REASONS) >= 8
    assert count(app, Partner) == len(DEFAULT_PARTNERS) >= 8
    with app.app_context():
        territories = db.session.execute(select(ReferenceItem).filter_by(kind="territory")
                                         ).scalars().all()
        assert {t.city for t in territories} == {"Lyon", "Saint-Étienne"}


def test_default_lists_leave_the_admins_changes_alone(app, make):
    make.reference("category", "noise", "Nuisances sonores", "Noise")
    make.partner("ADIL du Rhône")
    with app.app_context():
        created = load_defaults()
        assert load_defaults() == 0
    assert ("noise", "Nuisances sonores", "Noise", True) in items(app, "category")
    assert len(items(app, "category")) == 11
    assert count(app, Partner) == len(DEFAULT_PARTNERS)
    # Everything but the category and the partner that existed (and the meeting places).
    assert created == (len(DEFAULT_SOURCES) + len(DEFAULT_CATEGORIES) - 1
                       + len(DEFAULT_TERRITORIES) + len(DEFAULT_PARTNERS) - 1
                       + len(DEFAULT_PLACES) + len(DEFAULT_ACTIVITY_KINDS)
                       + len(DEFAULT_REFERRAL_REASONS))


def test_default_lists_are_shown_on_the_pages(app, client, org):
    with app.app_context():
        load_defaults()
    client.login("alice.admin")
    categories = client.get(f"{BASE}/categories").get_data(as_text=True)
    for _code, label_fr, _label_en in DEFAULT_CATEGORIES:
        assert label_fr in categories
    page = client.get(f"{BASE}/categories").get_data(as_text=True)
    assert page.index("Bruit") < page.index("Odeurs") < page.index("Dégâts des eaux")
    assert "Montreynaud" in client.get(f"{BASE}/territories").get_data(as_text=True)
    assert "Grand Lyon Habitat" in client.get(f"{BASE}/partners").get_data(as_text=True)
