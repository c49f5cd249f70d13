"""Take the README's screenshots from a running demo (make run), in headless Chromium.

    .venv/bin/python docs/screenshots.py http://127.0.0.1:5000
"""
import shutil
import sys

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
OUT = "docs/screenshots"


def shoot(base):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        desk = browser.new_context(viewport={"width": 1280, "height": 800},
                                   device_scale_factor=1, locale="fr-FR",
                                   extra_http_headers={"Accept-Language": "fr"})
        page = desk.new_page()
        page.goto(f"{base}/login")
        page.screenshot(path=f"{OUT}/login.png")
        page.get_by_label("Identifiant", exact=True).fill("mediator")
        page.get_by_label("Mot de passe", exact=True).fill("casework-demo")
        page.get_by_role("button", name="Se connecter").click()
        page.screenshot(path=f"{OUT}/my-cases.png")
        page.get_by_role("link", name="Dossiers", exact=True).click()
        page.screenshot(path=f"{OUT}/case-list.png")
        page.locator(".cw-status-mediation").first.locator("xpath=ancestor::tr//a").first.click()
        page.screenshot(path=f"{OUT}/case-page.png", full_page=False)
        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                    device_scale_factor=1, locale="fr-FR",
                                    extra_http_headers={"Accept-Language": "fr"})
        mobile = phone.new_page()
        mobile.goto(f"{base}/login")
        mobile.get_by_label("Identifiant", exact=True).fill("mediator")
        mobile.get_by_label("Mot de passe", exact=True).fill("casework-demo")
        mobile.get_by_role("button", name="Se connecter").click()
        mobile.goto(page.url)
        mobile.screenshot(path=f"{OUT}/phone-case.png")
        browser.close()


if __name__ == "__main__":
    shoot(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000")
