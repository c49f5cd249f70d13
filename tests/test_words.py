"""The interface's words, as a mediator reads them: each term right, in French and English,
with French typography."""
import os
import re
from datetime import date, timedelta

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale
from sqlalchemy import select

from casework.agreements.models import Agreement
from casework.auth.models import User
from casework.cases import operations
from casework.cases.models import Case
from casework.core import clock
from casework.extensions import db

from .test_referral import referral_data

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRENCH = os.path.join(ROOT, "casework", "translations", "fr", "LC_MESSAGES", "messages.po")
NBSP, NNBSP = "\u00a0", "\u202f"


def words(page: str) -> str:
    """A page's text as a reader sees it: no tags, spaces collapsed (no-break ones kept)."""
    text = re.sub(r"(?s)<script.*?</script>|<[^>]+>", " ", page)
    text = text.replace("&#39;", "'").replace("&amp;", "&").replace("&nbsp;", NBSP)
    return re.sub(r"[ \t\r\n]+", " ", text)


def in_english(client, url):
    client.submit("/language", {"language": "en", "next": "/"}, page="/")
    return words(client.get(url).text)


def in_french(client, url):
    client.submit("/language", {"language": "fr", "next": "/"}, page="/")
    return words(client.get(url).text)


# — The accounts page ————————————————————————————————————————————————————————————

def test_accounts_page_heads_the_state_of_an_account_statut_not_etape(client, org):
    client.login("alice.admin")
    french = in_french(client, "/admin/users")
    assert "Statut" in french and "Étape" not in french
    assert "Status" in in_english(client, "/admin/users")
    # A case's step stays « Étape » on the case list.
    client.logout()
    client.login("marc.manager")
    assert "Étape" in in_french(client, "/cases/")


# — The agreement on the case page ————————————————————————————————————————————————

def test_a_signed_agreement_reads_signed_once_on_the_case_page(app, client, org, make, refs):
    case = make.case(org["north"], creator=org["manager"], status="follow_up",
                     lead=org["mediator"], parties=[("Hélène", "Dupont")], consent="given")
    with app.app_context():
        db.session.add(Agreement(case_id=case.id, number=1, status="signed",
                                 signed_on=date(2026, 3, 3), signed_place="Lyon",
                                 document=b"frozen", sha256="0" * 64,
                                 created_by_id=org["mediator"].id))
        db.session.commit()
    client.login("mona.mediator")
    french = in_french(client, f"/cases/{case.reference}")
    assert "Signé le mardi 3 mars 2026" in french
    assert not re.search(r"(?i)signé signé", french)
    english = in_english(client, f"/cases/{case.reference}")
    assert "Signed on Tuesday 3 March 2026" in english
    assert not re.search(r"(?i)signed signed", english)


# — Double booking: no « pris(e) » ————————————————————————————————————————————————

def test_double_booking_names_who_and_where_without_bracketed_endings(app, client, org, make,
                                                                       refs):
    from .test_round_tables import NEXT_WEEK

    room = make.place()
    cases = [make.case(org["north"], creator=org["manager"], status="mediation",
                       lead=org["mediator"], parties=[name], consent="given")
             for name in ("Dupont", "Benali")]
    client.login("mona.mediator")
    client.submit("/language", {"language": "fr", "next": "/"}, page="/")

    def schedule(case, **overrides):
        data = {"day": NEXT_WEEK.isoformat(), "moment": "18:00", "duration_minutes": "90",
                "place": str(room.id), "place_text": "", "mediators": [str(org["mediator"].id)],
                "invited": [str(case.parties[0].id)]}
        data.update(overrides)
        return client.submit(f"/cases/{case.reference}/round-tables/new", data)

    assert schedule(cases[0]).status_code == 302
    clash = words(schedule(cases[1], moment="18:30").text)
    assert "Mona Mediator a déjà une table ronde" in clash
    assert f"Salle de réunion — Maison des associations{NBSP}: lieu déjà réservé" in clash
    assert "(e)" not in clash


def test_no_french_text_hedges_its_agreement_with_brackets():
    """« pris(e) », « satisfait(e) »: the French is reworded so that it agrees with anyone."""
    with open(FRENCH, "rb") as handle:
        catalogue = read_po(handle)
    hedged = [m.string for m in catalogue if m.id and isinstance(m.string, str)
              and re.search(r"\w\((e|s|es|ne|le)\)", m.string)]
    assert hedged == []


# — Addresses —————————————————————————————————————————————————————————————————————

def test_a_bare_floor_and_building_get_their_words(app, client, org, make, refs):
    case = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], street="12 rue Garibaldi")
    with app.app_context():
        row = db.session.get(Case, case.id)
        row.building, row.staircase, row.floor = "B", "2", "3"
        db.session.commit()
    client.login("mona.mediator")
    french = in_french(client, f"/cases/{case.reference}")
    assert "12 rue Garibaldi, bâtiment B, escalier 2, 3ᵉ étage, 69008 Lyon" in french
    english = in_english(client, f"/cases/{case.reference}")
    assert "12 rue Garibaldi, building B, staircase 2, 3rd floor, 69008 Lyon" in english


@pytest.mark.parametrize("typed, french, english", [
    ("0", "rez-de-chaussée", "ground floor"),
    ("RDC", "rez-de-chaussée", "ground floor"),
    ("1", "1er étage", "1st floor"),
    ("2e", "2ᵉ étage", "2nd floor"),
    ("3e étage", "3ᵉ étage", "3rd floor"),
    ("11ème", "11ᵉ étage", "11th floor"),
    ("22", "22ᵉ étage", "22nd floor"),
    ("dernier étage", "dernier étage", "dernier étage"),  # words are kept as typed
    ("", "", ""),
])
def test_floors_are_written_out(app, typed, french, english):
    from casework.web.formatting import floor_label

    with app.test_request_context():
        with force_locale("fr"):
            assert floor_label(typed) == french
        with force_locale("en"):
            assert floor_label(typed) == english


# — The timeline's dates ——————————————————————————————————————————————————————————

def test_every_date_on_the_timeline_is_written_in_words(app, client, org, make, refs):
    case = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], parties=[("Hélène", "Dupont")],
                     received_on=date(2026, 3, 2))
    with app.app_context():
        manager = db.session.get(User, org["manager"].id)
        row = db.session.get(Case, case.id)
        operations.update_case(manager, row, row.version, {"received_on": date(2026, 3, 1)})
    client.login("mona.mediator")
    french = in_french(client, f"/cases/{case.reference}")
    assert "2026-03-01" not in french and "2026-03-02" not in french
    assert "lundi 2 mars 2026 → dimanche 1er mars 2026" in french
    english = in_english(client, f"/cases/{case.reference}")
    assert "Monday 2 March 2026 → Sunday 1 March 2026" in english


# — A referral closed at once ———————————————————————————————————————————————————————

def test_a_referral_closed_as_not_eligible_says_so_not_add_the_parties(app, client, org, refs,
                                                                       make):
    legal = make.reference("referral_reason", "legal", "Accès au droit, justice",
                           "Legal advice, justice")
    client.login("marc.manager")
    for language, expected, wrong in (
            ("fr", "clôturée (non éligible à la médiation)", "Ajoutez maintenant les parties"),
            ("en", "closed as not eligible for mediation", "Add the parties now")):
        client.submit("/language", {"language": language, "next": "/"}, page="/")
        response = client.submit("/cases/new", referral_data(
            org, refs, close_not_eligible="y", eligibility_note="Procédure en cours.",
            partner=str(refs["conciliator"].id), referral_reason=str(legal.id)),
            follow_redirects=True)
        page = words(response.text)
        assert expected in page and "Conciliateur de justice" in page
        assert wrong not in page
    # An open referral still asks for its parties.
    response = client.submit("/cases/new", referral_data(org, refs), follow_redirects=True)
    assert "Add the parties now" in response.text


# — French typography ————————————————————————————————————————————————————————————

def french_texts():
    with open(FRENCH, "rb") as handle:
        for message in read_po(handle):
            if not message.id:
                continue
            strings = [message.string] if isinstance(message.string, str) else message.string
            for text in strings:
                if text:
                    yield text


def test_french_punctuation_has_its_no_break_spaces():
    """« : » after U+00A0, « ; ! ? » after U+202F, « guillemets » with U+00A0 inside,
    typographic apostrophes."""
    wrong = []
    for text in french_texts():
        if re.search(r"(?<!\u00a0):(?=\s|$)", text) \
                or re.search(r"(?<!\u202f)[;!?](?=\s|$|»|\))", text) \
                or re.search(r"«(?!\u00a0)|(?<!\u00a0)»", text) or "'" in text \
                or re.search(r"\d ?%(?!\()", text):
            wrong.append(text)
    assert wrong == []


def test_french_ordinals_are_written_with_superscripts():
    """« 90ᵉ centile », « 2ᵉ étage », never « 90e »."""
    assert [t for t in french_texts() if re.search(r"\b\d+(e|ème|eme)\b", t)] == []


def test_a_withdrawn_case_reads_demande_retiree_a_withdrawn_consent_retire(app, client, org,
                                                                          make, refs):
    """One English word, two French ones: the case's outcome and a party's consent."""
    case = make.case(org["north"], creator=org["manager"], status="closed",
                     outcome="withdrawn", lead=org["mediator"], parties=[("Hélène", "Dupont")])
    client.login("mona.mediator")
    french = in_french(client, f"/cases/{case.reference}")
    assert "Demande retirée" in french
    with app.test_request_context():
        from casework.web.labels import CONSENT_LABELS
        with force_locale("fr"):
            assert str(CONSENT_LABELS["withdrawn"]) == "Retiré"
    assert "Withdrawn" in in_english(client, f"/cases/{case.reference}")


# — English that reads as English —————————————————————————————————————————————————

def test_english_pages_quote_with_english_marks_and_say_attended(app, client, org, make,
                                                                 refs):
    case = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], parties=[("Hélène", "Dupont")], consent="given")
    make.round_table(case, [org["mediator"]], starts_in_days=-2, status="held")
    client.login("mona.mediator")
    english = in_english(client, f"/cases/{case.reference}")
    assert "Attended: —" in english and "Came" not in english
    closing = in_english(client, f"/cases/{case.reference}/steps/close")
    assert "“referred to a partner”" in closing and "“not asked”" in closing
    assert "«" not in closing
    french = in_french(client, f"/cases/{case.reference}/steps/close")
    assert f"«{NBSP}orienté vers un partenaire{NBSP}»" in french


def test_quotations_follow_the_readers_language(app):
    from casework.web.formatting import quoted

    with app.test_request_context():
        with force_locale("fr"):
            assert quoted("Bât. C") == f"«{NBSP}Bât. C{NBSP}»"
        with force_locale("en"):
            assert quoted("Bât. C") == "“Bât. C”"


def test_the_case_page_records_a_mise_en_relation_not_a_saisine(app, client, org, make, refs):
    """« Referral » is two things in English; in French the partner form's button says
    what it records, and a party's Arabic is glossed in the reader's language."""
    case = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], parties=[("Karim", "Benali")], consent="given")
    with app.app_context():
        from casework.cases.models import Party
        db.session.execute(db.update(Party).values(language="ar"))
        db.session.commit()
    client.login("mona.mediator")
    french = in_french(client, f"/cases/{case.reference}")
    assert "Enregistrer la mise en relation" in french
    assert "Enregistrer la saisine" not in french
    assert "العربية (arabe)" in french
    english = in_english(client, f"/cases/{case.reference}")
    assert "Record the referral to a partner" in english
    assert "العربية (Arabic)" in english and "(arabe)" not in english


def test_the_language_switch_says_changer_and_the_access_log_modification(app, client, org):
    """Two uses of "Change": the switch's verb, the access log's kind of action."""
    from casework.web.labels import ACCESS_ACTION_LABELS

    client.login("mona.mediator")
    assert "Changer" in in_french(client, "/account")
    with app.test_request_context():
        with force_locale("fr"):
            assert str(ACCESS_ACTION_LABELS["change"]) == "Modification"
        with force_locale("en"):
            assert str(ACCESS_ACTION_LABELS["change"]) == "Change"
