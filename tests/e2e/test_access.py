"""What other people see: another team's mediator, a deactivated account, English pages."""
from playwright.sync_api import expect


def first_case_of(live_server, team_name, status=None):
    from sqlalchemy import select

    from casework.auth.models import Team
    from casework.cases.models import Case
    from casework.extensions import db

    with live_server["app"].app_context():
        query = select(Case.reference).join(Team, Team.id == Case.team_id).where(
            Team.name == team_name)
        if status:
            query = query.where(Case.status == status)
        return db.session.execute(query.order_by(Case.id)).scalars().first()


def test_mediator_of_another_team_cannot_see_the_case(page, base_url, login, live_server):
    reference = first_case_of(live_server, "Territoires")
    login("t.nguyen")  # Saint-Étienne
    response = page.goto(f"{base_url}/cases/{reference}")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    page.goto(f"{base_url}/cases/?q={reference}")
    expect(page.get_by_text("Aucun dossier ne correspond à ces filtres.")).to_be_visible()


def test_deactivated_user_is_logged_out(browser, base_url, live_server):
    from ..conftest import Client  # noqa: F401  (same app, other browser contexts)

    mediator = browser.new_context(extra_http_headers={"Accept-Language": "fr"})
    admin = browser.new_context(extra_http_headers={"Accept-Language": "fr"})
    try:
        for context, username in ((mediator, "j.perrin"), (admin, "admin")):
            tab = context.new_page()
            tab.goto(f"{base_url}/login")
            tab.get_by_label("Identifiant", exact=True).fill(username)
            tab.get_by_label("Mot de passe", exact=True).fill("casework-demo")
            tab.get_by_role("button", name="Se connecter").click()
        working = mediator.pages[0]
        expect(working.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
        desk = admin.pages[0]
        desk.on("dialog", lambda dialog: dialog.accept())
        desk.goto(f"{base_url}/admin/users")
        desk.get_by_role("link", name="Julien Perrin").click()
        desk.get_by_role("button", name="Désactiver le compte").click()
        expect(desk.get_by_text("ne peut plus se connecter")).to_be_visible()
        working.reload()
        expect(working).to_have_url(f"{base_url}/login?next=%2Fcases%2Fmine")
        desk.get_by_role("button", name="Réactiver le compte").click()
    finally:
        mediator.close()
        admin.close()


def test_key_pages_in_english(page, base_url, login, live_server):
    reference = first_case_of(live_server, "Territoires", "follow_up")
    login("manager", language="en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals to assign")
    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    page.goto(f"{base_url}/cases/{reference}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    expect(page.locator("#timeline")).to_contain_text("Agreement signed")
    page.get_by_role("link", name="Open the agreement").click()
    expect(page.locator("#versions-title")).to_have_text("Versions")
    page.goto(f"{base_url}/agenda")
    expect(page.get_by_role("heading", level=1)).to_have_text("Agenda")
