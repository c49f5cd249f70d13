"""The golden path in a real browser: a referral recorded and assigned by a manager, then
worked by the mediator up to the signed agreement, its follow-up and the closed case."""
import io
import re
from datetime import timedelta

from docx import Document
from playwright.sync_api import expect
from casework.core import clock

STREET = "7 rue de la Thibaudière"


def give_consent(page):
    """Each party agrees to mediation (a round table needs it), on the phone, today."""
    page.get_by_label("Consentement à la médiation", exact=True).select_option(label="Donné")
    page.get_by_label("Consentement recueilli le", exact=True).fill(clock.today().isoformat())
    page.get_by_label("Comment", exact=True).select_option(label="Par téléphone")


def test_referral_to_closed_case(page, base_url, login, screenshots):
    # — The manager records the referral, with two parties, and assigns it.
    login("manager")
    page.get_by_role("link", name="Nouvelle saisine").first.click()
    page.get_by_label("Origine de la saisine", exact=True).select_option(label="Bailleur social")
    page.get_by_label("Organisme orienteur", exact=True).fill("Grand Lyon Habitat — agence Mermoz")
    page.get_by_label("Équipe", exact=True).select_option(label="Territoires")
    page.get_by_label("Numéro et rue", exact=True).fill(STREET)
    page.get_by_label("Code postal", exact=True).fill("69007")
    page.get_by_label("Commune", exact=True).fill("Lyon")
    page.get_by_label("Bruit", exact=True).check()
    page.get_by_label("Description", exact=True).fill("Bruits de pas et de musique le soir, depuis "
                                          "septembre.")
    page.get_by_role("button", name="Enregistrer la saisine").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dossier")
    reference = re.search(r"/cases/(\d{4}-\d{4})", page.url).group(1)

    page.get_by_role("link", name="Ajouter une partie").click()
    page.get_by_label("Civilité", exact=True).select_option(label="Mme")
    page.get_by_label("Prénom", exact=True).fill("Hélène")
    page.get_by_label("Nom", exact=True).fill("Vautrin")
    page.get_by_label("Téléphone", exact=True).fill("06 12 34 56 78")
    give_consent(page)
    page.get_by_role("button", name="Enregistrer et en ajouter une autre").click()
    page.get_by_label("Rôle dans le dossier", exact=True).select_option(label="Autre partie (mise en cause)")
    page.get_by_label("Civilité", exact=True).select_option(label="M.")
    page.get_by_label("Prénom", exact=True).fill("Bruno")
    page.get_by_label("Nom", exact=True).fill("Castellane")
    give_consent(page)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#parties")).to_contain_text("Hélène Vautrin")
    expect(page.locator("#parties")).to_contain_text("Bruno Castellane")

    page.get_by_role("link", name="Affecter", exact=True).click()
    page.get_by_label("Médiateur référent", exact=True).select_option(label="Karim Haddad")
    page.get_by_role("button", name="Affecter").click()
    expect(page.locator(".cw-status").first).to_have_text("Affecté")
    page.get_by_role("button", name="Se déconnecter").click()

    # — The mediator finds it under My cases and works it.
    login("mediator")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name="Enregistrer une intervention").click()
    page.get_by_label("Type de contact", exact=True).select_option(label="Appel téléphonique")
    page.get_by_label("Heure", exact=True).fill("10:30")
    page.get_by_label("Hélène Vautrin", exact=True).check()
    page.get_by_label("Résumé", exact=True).fill("Premier appel : Mme Vautrin accepte la médiation.")
    page.get_by_label("Notes confidentielles", exact=True).fill("Se dit épuisée.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".cw-status").first).to_have_text("Médiation")
    page.screenshot(path=f"{screenshots}/case-page.png", full_page=True)

    # The round table took place yesterday: entered after the fact, then recorded. No place
    # is chosen for the user: they pick one.
    page.get_by_role("link", name="Programmer une table ronde").click()
    day = clock.today() - timedelta(days=1)
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("Heure", exact=True).fill("08:30")
    page.get_by_label("Lieu", exact=True).select_option(index=1)
    page.get_by_role("button", name="Programmer").click()
    page.locator("#confirm_past").check()  # « Elle a eu lieu à cette date : la saisir après coup »
    page.get_by_role("button", name="Programmer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compte rendu de la table ronde")
    page.get_by_label("La table ronde a été", exact=True).select_option(label="Tenue")
    page.get_by_label("Résultat", exact=True).select_option(label="Accord trouvé")
    page.get_by_label("Compte rendu (confidentiel)", exact=True).fill("Chacun s'est exprimé.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#round-tables")).to_contain_text("Accord trouvé")
    expect(page.locator("#round-tables")).to_contain_text("8 h 30")

    page.get_by_role("link", name="Rédiger l’accord").click()
    page.get_by_role("button", name="Commencer la rédaction").click()
    page.get_by_label("Hélène Vautrin s’engage à (un engagement par ligne)", exact=True).fill(
        "signaler directement à son voisin toute gêne, calmement")
    respondent = page.locator("fieldset", has_text="Bruno Castellane")
    respondent.locator("summary").click()
    respondent.get_by_label("ne pas faire de bruit après 22 h", exact=True).check()
    respondent.get_by_label("poser des patins sous les pieds des chaises et des tables", exact=True).check()
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator(".cw-paper")).to_contain_text("Bruno Castellane s’engage à")
    page.screenshot(path=f"{screenshots}/agreement-editor.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le projet (.docx)").click()
    document = Document(io.BytesIO(open(download.value.path(), "rb").read()))
    lines = [p.text for p in document.paragraphs]
    castellane = lines.index("M. Bruno Castellane s’engage à\u00a0:")
    assert lines[castellane + 1:castellane + 3] == [
        "1.\tne pas faire de bruit après 22 h",
        "2.\tposer des patins sous les pieds des chaises et des tables"]
    assert "1.\tsignaler directement à son voisin toute gêne, calmement" in lines
    assert f"Dossier n°\u00a0{reference}" in lines
    assert "PROJET" in "\n".join(p.text for p in document.sections[0].header.paragraphs)

    # The signing copy: prepared, downloaded (what is printed), then marked as signed.
    page.get_by_role("link", name="Préparer l’exemplaire à signer").click()
    page.get_by_role("button", name="Préparer l’exemplaire à signer").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger l’exemplaire à signer (.docx)").click()
    printed = open(download.value.path(), "rb").read()
    page.get_by_label("Tous les signataires ont signé l’exemplaire imprimé\u00a0: figer cette "
                      "version", exact=True).check()
    page.get_by_role("button", name="Marquer comme signé").click()
    expect(page.get_by_text("Accord signé et figé")).to_be_visible()
    assert printed.startswith(b"PK")  # kept byte for byte: see test_agreement_signing

    page.get_by_role("link", name=reference).first.click()
    page.get_by_role("link", name="Faire le suivi").click()
    page.get_by_label("Ce que disent les parties", exact=True).fill("Tout se passe bien.")
    page.get_by_role("button", name="Faire le suivi").click()
    expect(page.locator(".cw-status").first).to_have_text("Clôturé")
    expect(page.locator(".cw-case-header")).to_contain_text("Accord respecté")
