"""Mediators work from a phone: on 390 × 844 the case page and the intervention form fit
the screen, and their buttons can be reached."""
import pytest
from playwright.sync_api import expect

from .test_access import first_case_of


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844},
            "is_mobile": True, "has_touch": True}


def assert_fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px)"


def test_case_page_and_intervention_form_on_a_phone(page, base_url, login, live_server,
                                                    screenshots):
    reference = first_case_of(live_server, "Territoires", "mediation")
    login("mediator")
    page.goto(f"{base_url}/cases/{reference}")
    assert_fits(page)
    page.screenshot(path=f"{screenshots}/phone-case.png", full_page=True)
    button = page.get_by_role("link", name="Enregistrer une intervention")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    button.click()
    assert_fits(page)
    save = page.get_by_role("button", name="Enregistrer", exact=True)
    save.scroll_into_view_if_needed()
    expect(save).to_be_visible()
    assert save.bounding_box()["height"] >= 40  # big enough for a thumb
    page.screenshot(path=f"{screenshots}/phone-intervention.png", full_page=True)
    # The menu opens from its button.
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("link", name="Mes dossiers")).to_be_visible()


def test_case_list_shows_what_a_mediator_needs_without_sideways_scrolling(
        page, base_url, login, live_server, screenshots):
    login("mediator")
    page.goto(f"{base_url}/cases/")
    assert_fits(page)
    table = page.locator(".table-responsive")
    overflow = table.evaluate("t => t.scrollWidth - t.clientWidth")
    assert overflow <= 0, f"the case list scrolls sideways by {overflow} px"
    first = page.locator("tbody tr").first
    text = first.inner_text()
    assert "jour" in text  # its age
    expect(first.locator(".badge").first).to_be_visible()  # its step
    headers = page.locator("thead th:visible").all_inner_texts()
    assert any("PARTIES" in h.upper() for h in headers), headers
    page.screenshot(path=f"{screenshots}/phone-case-list.png", full_page=True)
