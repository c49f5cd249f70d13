"""The issue's whole journey through the HTTP client, as a new user would walk it: a
mediator logs a presence round and a workshop from the field, records referrals to
partners at intake, during a case and at its closure, closes the case with its survey —
then the manager finds every one of them counted on /reports, in the spreadsheet and in
the annual report. Figures counted by hand below."""
import io
import re
from datetime import timedelta

from docx import Document

from casework.core import clock

from .test_exports import Workbook, by_label
from .test_field_activity import kinds as lists  # noqa: F401  (a fixture)
from .test_field_activity import round_data
from .test_referral import referral_data

EN = {"Accept-Language": "en"}
TODAY = clock.today()
MONTH = {"start": TODAY.replace(day=1).isoformat(), "end": TODAY.isoformat()}


def test_field_work_referrals_and_closures_are_all_counted(app, client, make, org, refs,
                                                           lists):
    case = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], parties=[("Hélène", "Dupont"), ("Karim", "Benali")],
                     received_on=TODAY - timedelta(days=7))
    dupont, benali = case.parties
    make.intervention(case, [org["mediator"]], at=clock.utcnow() - timedelta(days=2))
    client.login("mona.mediator")

    # In the field: a presence round (12 residents met one by one, one of them put in
    # touch with the social services on the spot) and a workshop with 25 pupils.
    assert client.submit("/activities/new", round_data(
        org, lists, referral_partner_1=str(lists["social"].id),
        referral_reason_1=str(lists["housing"].id)), headers=EN).status_code == 302
    assert client.submit("/activities/new", round_data(
        org, lists, kind=lists["workshop"].id, mode="collective", people_met="25",
        moment="14:00", place="École Pasteur, CM2"), headers=EN).status_code == 302

    # At intake: a referral that is not for mediation, sent to the conciliator.
    assert client.submit("/cases/new", referral_data(
        org, refs, legal_proceedings="y", close_not_eligible="y",
        eligibility_note="Procédure en cours.", partner=str(refs["conciliator"].id),
        referral_reason=str(lists["legal"].id))).status_code == 302

    # During the case, then at its closure, with the survey.
    assert client.submit(f"/cases/{case.reference}/referrals/new", {
        "partner": str(lists["social"].id), "reason": str(lists["housing"].id),
        "detail": "", "referred_on": TODAY.isoformat()},
        page=f"/cases/{case.reference}").status_code == 302
    assert client.submit(f"/cases/{case.reference}/steps/close", {
        "outcome": "no_agreement", "reason": "Pas de terrain d'entente",
        "closing_summary": "Les parties n'ont pas trouvé d'accord.",
        "referral_partner_1": str(refs["conciliator"].id),
        "referral_reason_1": str(lists["legal"].id),
        f"survey_{dupont.id}_useful": "4", f"survey_{benali.id}_useful": "2",
        f"survey_{benali.id}_satisfied": "3", "survey_referrer_effect": "3"},
        headers=EN).status_code == 302
    client.logout()

    client.login("marc.manager")
    # Interventions: 1 contact in the case + 12 + 1 (the workshop) in the field; people
    # met: 1 party (none was named on the contact: 0) + 12 + 25; referrals: field, intake,
    # case, closure; residents: 1 of 2 find mediation useful or necessary; partners: 1 of 1.
    page = client.get("/reports/", query_string=MONTH, headers=EN)
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert "Interventions 14 1 in cases, 13 in the field" in text
    assert "Referrals to partners 4" in text
    assert "50%" in text.replace("\u202f", "").replace(" %", "%")

    book = Workbook(client.get("/reports/figures.xlsx", query_string=MONTH,
                               headers=EN).data)
    summary = by_label(book.rows("Summary"))
    assert summary["Interventions"][0] == 14
    assert summary["Interventions in the field"][0] == 13
    assert summary["People met"][0] == 37
    assert summary["Cases received"][0] == 2     # the case (a week ago) and the intake
    assert summary["Cases closed"][0] == 2
    assert summary["Referrals to partners"][0] == 4
    assert summary["Residents finding mediation useful or necessary"] == [1, 2, 0.5]
    assert summary["Partners seeing an effect on their users' satisfaction"] == [1, 1, 1]
    stages = sorted(row[1] for row in book.rows("Referrals (rows)")[1:])
    assert stages == ["At closure", "At intake", "During a field activity", "During the case"]

    report = client.get(f"/reports/annual/{TODAY.year}.docx")
    assert report.status_code == 200
    document = Document(io.BytesIO(report.data))
    words = "\n".join([p.text for p in document.paragraphs] + [
        cell.text for table in document.tables for row in table.rows for cell in row.cells])
    assert "14 interventions de médiation sociale" in words
    assert "4 mises en relation avec des partenaires" in words
    assert re.search("50\u202f?% des habitants estiment que la médiation sociale est utile",
                     words)
    # Charts draw only lines of 5 or more (what leaves the association hides smaller
    # counts): this month's handful gives none; the demo's year has them (test_cli).
