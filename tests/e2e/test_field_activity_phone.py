"""A mediator logs a presence round from a phone (390 × 844): one short screen, the usual
defaults already chosen, big buttons, no sideways scrolling."""
import pytest
from playwright.sync_api import expect


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844},
            "is_mobile": True, "has_touch": True}


def assert_fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px)"


def test_a_mediator_logs_a_presence_round_on_a_phone(page, base_url, login, live_server,
                                                     screenshots):
    login("mediator", language="en")
    page.goto(f"{base_url}/cases/mine")
    page.get_by_role("link", name="Log a field activity").click()
    assert_fits(page)
    page.get_by_label("Kind of activity").select_option(label="Public-space presence round")
    expect(page.get_by_label("Individual contacts")).to_be_checked()
    page.get_by_label("How many people").fill("14")
    page.get_by_label("Place").fill("Place Mermoz, marché")
    page.screenshot(path=f"{screenshots}/phone-field-activity.png", full_page=True)
    save = page.get_by_role("button", name="Save", exact=True)
    save.scroll_into_view_if_needed()
    assert save.bounding_box()["height"] >= 44  # big enough for a thumb
    collective = page.locator("label[for=mode-1]")
    assert collective.bounding_box()["height"] >= 44
    save.click()
    expect(page.get_by_text("Field activity logged.")).to_be_visible()
    assert_fits(page)
    expect(page.get_by_text("14 people met").first).to_be_visible()
    page.screenshot(path=f"{screenshots}/phone-field-activities.png", full_page=True)
