"""What leaves the association: the spreadsheet of a period (every breakdown of the
dashboard and the period's rows) and the annual activity report with the director's texts —
for managers only, over their own teams, naming no resident, with small cells shown "< 5".
Figures are checked against the hand-counted year below."""
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from casework.activity.models import FieldActivity
from casework.auth.models import User
from casework.cases.models import Case, PartnerReferral, SatisfactionAnswer
from casework.extensions import db
from casework.reference.models import Partner, ReferenceItem
from casework.reports import annual
from casework.reports.models import AnnualReportText

PARIS = ZoneInfo("Europe/Paris")
YEAR = 2025
XLSX_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
HYPERLINK = '=HYPERLINK("http://example.org/x","Cliquez")'


def at(day, hour=10, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def field_activity(team, mediators, *, when, kind, mode="individual", people=0, minutes=60,
                   place="", territory=None):
    activity = FieldActivity(
        kind_id=kind.id, at=when, duration_minutes=minutes, team_id=team.id, place=place,
        territory_id=territory.id if territory else None, mode=mode, people_met=people,
        interventions=people if mode == "individual" and people else 1,
        note="Rencontré Mme Secret au pied de l'immeuble.", created_by_id=mediators[0].id,
        mediators=[db.session.get(User, m.id) for m in mediators])
    db.session.add(activity)
    db.session.flush()
    return activity


def referral(team, partner, *, on, stage="case", case=None, activity=None, reason=None,
             taken_up="unknown"):
    item = PartnerReferral(
        case_id=case.id if case else None, field_activity_id=activity.id if activity else None,
        team_id=team.id, partner_id=partner.id, reason_id=reason.id if reason else None,
        reason="Mme Secret préfère être appelée le soir", referred_on=on, stage=stage,
        taken_up=taken_up)
    db.session.add(item)
    return item


@pytest.fixture
def year(app, make, org, refs):
    """2025 in the north team, counted by hand:
    - case A (Mermoz, a resident, noise): received 3 February, first contact 5 February
      (2 days), round table held 10 March (35 days), closed 30 April, agreement respected
      (86 days); two interventions (one by two mediators); a resident and its referring
      partner answered the survey;
    - case B (no territory, a landlord, noise and animals): received 1 May, one intervention
      on 2 May, closed 15 June with no agreement (45 days);
    - a presence round (12 people met, 12 interventions) at a place typed as a formula, and a
      workshop (25 pupils, 1 intervention);
    - two referrals: one in case A (taken up), one during the presence round (unknown).
    The south team (not the north manager's) has a case, an intervention, an activity and a
    referral that must appear nowhere."""
    nina = make.user("nina.north", roles=["mediator"], teams=[org["north"]],
                     full_name="Nina Nord")
    a = make.case(org["north"], creator=org["manager"], status="mediation",
                  received_on=date(YEAR, 2, 3), lead=org["mediator"],
                  parties=[("Hélène", "Dupont"), ("Karim", "Benali")])
    b = make.case(org["north"], creator=org["manager"], status="mediation",
                  received_on=date(YEAR, 5, 1), lead=org["mediator"],
                  categories=("noise", "animals"), parties=[("Paul", "Martin")])
    south = make.case(org["south"], creator=org["manager"], status="mediation",
                      received_on=date(YEAR, 3, 1), lead=org["south_mediator"],
                      parties=[("Sophie", "Sudiste")])
    make.intervention(a, [org["mediator"]], at=at(date(YEAR, 2, 5)), minutes=20)
    make.intervention(a, [org["mediator"], nina], at=at(date(YEAR, 2, 20), 23, 30),
                      kind="home_visit", minutes=90)
    make.intervention(b, [org["mediator"]], at=at(date(YEAR, 5, 2)), minutes=30)
    make.intervention(south, [org["south_mediator"]], at=at(date(YEAR, 3, 2)))
    with app.app_context():
        presence = make_kind("presence_round", "Présence active de proximité",
                             "Public-space presence round")
        workshop = make_kind("workshop", "Atelier", "Workshop")
        justice = ReferenceItem(kind="referral_reason", code="justice", label_fr="Accès au droit",
                                label_en="Access to justice")
        db.session.add(justice)
        mermoz = db.session.get(ReferenceItem, refs["mermoz"].id)
        landlord = db.session.get(ReferenceItem, refs["landlord"].id)
        partner = db.session.get(Partner, refs["conciliator"].id)
        north, south_team = org["north"], org["south"]
        case_a, case_b = db.session.get(Case, a.id), db.session.get(Case, b.id)
        case_a.territory_id = mermoz.id
        case_a.referrer_organisation = "Bailleur Est Métropole"
        case_b.source_id = landlord.id
        from casework.meetings.models import RoundTable
        table = RoundTable(case=case_a, starts_at=at(date(YEAR, 3, 10), 14),
                           ends_at=at(date(YEAR, 3, 10), 15, 30), duration_minutes=90,
                           place_text="Centre social", status="held",
                           created_by_id=org["mediator"].id,
                           mediators=[db.session.get(User, org["mediator"].id)])
        db.session.add(table)
        round_ = field_activity(north, [org["mediator"], nina], kind=presence, people=12,
                                when=at(date(YEAR, 6, 1), 9), place=HYPERLINK,
                                territory=mermoz, minutes=120)
        field_activity(north, [nina], kind=workshop, mode="collective", people=25,
                       when=at(date(YEAR, 9, 18), 14), place="École Pasteur, CM2")
        south_round = field_activity(south_team, [org["south_mediator"]], kind=presence,
                                     people=7, when=at(date(YEAR, 6, 2)), place="Secret Sud")
        referral(north, partner, on=date(YEAR, 3, 1), case=case_a, reason=justice,
                 taken_up="yes")
        referral(north, partner, on=date(YEAR, 6, 1), stage="field", activity=round_)
        referral(south_team, partner, on=date(YEAR, 6, 2), stage="field", activity=south_round)
        for case, closed_on, outcome in ((case_a, date(YEAR, 4, 30), "agreement_respected"),
                                         (case_b, date(YEAR, 6, 15), "no_agreement")):
            case.status, case.outcome, case.closed_on = "closed", outcome, closed_on
        db.session.add(SatisfactionAnswer(case_id=case_a.id, party_id=case_a.parties[0].id,
                                          useful=4, satisfied=3, answered_on=date(YEAR, 5, 5)))
        db.session.add(SatisfactionAnswer(case_id=case_a.id, party_id=None, effect=3,
                                          answered_on=date(YEAR, 5, 6)))
        db.session.commit()
    return {"a": a, "b": b, "south": south}


def make_kind(code, label_fr, label_en):
    item = ReferenceItem(kind="activity", code=code, label_fr=label_fr, label_en=label_en)
    db.session.add(item)
    db.session.flush()
    return item


# --- Reading a spreadsheet back (openpyxl is not installed: the XML inside the zip) ----

class Workbook:
    def __init__(self, body):
        archive = zipfile.ZipFile(io.BytesIO(body))
        self.xml = {name: archive.read(name) for name in archive.namelist()}
        styles = ET.fromstring(self.xml["xl/styles.xml"])
        self.quoted = [xf.get("quotePrefix") == "1"
                       for xf in styles.find("m:cellXfs", XLSX_NS)]
        book = ET.fromstring(self.xml["xl/workbook.xml"])
        rels = ET.fromstring(self.xml["xl/_rels/workbook.xml.rels"])
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        self.sheets = {sheet.get("name"): "xl/" + targets[sheet.get(REL_NS)]
                       for sheet in book.find("m:sheets", XLSX_NS)}

    def cells(self, name):
        """{(row, column): Cell}, both from 0."""
        found = {}
        for cell in ET.fromstring(self.xml[self.sheets[name]]).iter(f"{{{XLSX_NS['m']}}}c"):
            letters, digits = re.match(r"([A-Z]+)(\d+)", cell.get("r")).groups()
            column = 0
            for letter in letters:
                column = column * 26 + ord(letter) - 64
            found[(int(digits) - 1, column - 1)] = cell
        return found

    def rows(self, name):
        """The sheet's values, row by row: text, numbers (float), None for empty."""
        cells = self.cells(name)
        if not cells:
            return []
        height = max(r for r, _c in cells) + 1
        width = max(c for _r, c in cells) + 1
        return [[value(cells.get((r, c))) for c in range(width)] for r in range(height)]

    def is_quoted(self, cell):
        return self.quoted[int(cell.get("s", 0))]


def value(cell):
    if cell is None:
        return None
    if cell.get("t") == "inlineStr":
        return "".join(cell.find("m:is", XLSX_NS).itertext())
    number = cell.find("m:v", XLSX_NS)
    return float(number.text) if number is not None else None


def serial(day: date) -> float:
    return float((day - date(1899, 12, 30)).days)


def xlsx(client, language="en", **args):
    args.setdefault("start", f"{YEAR}-01-01")
    args.setdefault("end", f"{YEAR}-12-31")
    response = client.get("/reports/figures.xlsx", query_string=args,
                          headers={"Accept-Language": language})
    return response


def by_label(rows):
    return {row[0]: row[1:] for row in rows[1:]}


# --- The spreadsheet ------------------------------------------------------------------

def test_the_spreadsheet_has_a_sheet_per_breakdown_and_the_rows(client, year):
    client.login("marc.manager")
    response = xlsx(client)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert f'filename=casework-{YEAR}-01-01-{YEAR}-12-31.xlsx' in \
        response.headers["Content-Disposition"]
    book = Workbook(response.data)
    assert list(book.sheets) == [
        "Summary", "Interventions by kind", "Interventions by team",
        "Interventions by territory", "Interventions by mediator", "Interventions by period",
        "Cases by source", "Cases by category", "Cases by territory", "Cases by team",
        "Open cases by age", "Open cases by team", "Outcomes", "Delays",
        "Referrals by partner", "Referrals by reason", "Referrals by stage",
        "Referrals by team", "Satisfaction", "Workload", "Interventions (rows)",
        "Field activities (rows)", "Referrals (rows)", "Closed cases (rows)"]
    for name in book.sheets:  # a frozen, bold header row on every sheet
        sheet = book.xml[book.sheets[name]].decode()
        assert '<pane ySplit="1" topLeftCell="A2"' in sheet, name


def test_the_summary_counts_the_year_by_hand(client, year):
    client.login("marc.manager")
    summary = by_label(Workbook(xlsx(client).data).rows("Summary"))
    assert summary["Interventions"][0] == 16          # 3 in cases + 12 + 1 in the field
    assert summary["Interventions in cases"][0] == 3
    assert summary["Interventions in the field"][0] == 13
    assert summary["Cases received"][0] == 2
    assert summary["Cases closed"][0] == 2
    assert summary["Closed with an agreement signed"] == [1, 2, 0.5]
    assert summary["Referrals to partners"][0] == 2    # the south team's is not counted
    assert summary["Residents finding mediation useful or necessary"] == [1, 1, 1]
    assert summary["Partners seeing an effect on their users' satisfaction"] == [1, 1, 1]
    assert summary["Teams"][0] == "Nord"


def test_breakdown_cells_under_five_are_shown_as_less_than_five(client, year):
    client.login("marc.manager")
    book = Workbook(xlsx(client).data)
    teams = by_label(book.rows("Interventions by team"))
    assert list(teams) == ["Nord", "Total"]
    # In cases 3 (< 5), in the field 13, together 16; people met 12 + 25 in the field
    # (the interventions in cases name no party met).
    assert teams["Nord"][:4] == ["< 5", 13, 16, 37]
    assert teams["Total"][:4] == [3, 13, 16, 37]
    outcomes = by_label(book.rows("Outcomes"))
    assert outcomes["Agreement respected"] == ["< 5", None]   # its share would tell the count
    assert outcomes["Withdrawn"] == [0, 0]
    assert outcomes["Total"][0] == 2
    kinds = by_label(book.rows("Interventions by kind"))
    assert kinds["Public-space presence round"][:5] == ["In the field", 0, 12, 12, 12]


def test_the_rows_name_no_resident_and_carry_no_note(client, year):
    client.login("marc.manager")
    body = xlsx(client).data
    text = b"".join(Workbook(body).xml.values()).decode("utf-8", "replace")
    for secret in ("Dupont", "Hélène", "Benali", "Martin", "Secret", "Sudiste",
                   "Garibaldi", "Appel de suivi", "Bruits de pas"):
        assert secret not in text, secret
    assert "Sam South" not in text and "Sud" not in text.replace("Sudo", "")


def test_the_interventions_rows(client, year):
    client.login("marc.manager")
    rows = Workbook(xlsx(client).data).rows("Interventions (rows)")
    assert rows[0] == ["Date", "Time", "Case", "Team", "Kind", "Duration (minutes)",
                       "Mediators"]
    assert len(rows) == 4
    second = rows[2]
    # 23:30 in Lyon on 20 February, written as a date and a time, not as text.
    assert second[0] == serial(date(YEAR, 2, 20))
    assert second[1] == pytest.approx((23 * 60 + 30) / (24 * 60))
    assert second[2:] == [year["a"].reference, "Nord", "Home visit", 90,
                          "Mona Mediator, Nina Nord"]


def test_a_place_typed_as_a_formula_stays_text(client, year):
    client.login("marc.manager")
    book = Workbook(xlsx(client).data)
    rows = book.rows("Field activities (rows)")
    assert rows[0] == ["Date", "Time", "Kind", "Team", "Territory", "Place", "Mode",
                       "People met", "Interventions", "Duration (minutes)", "Mediators"]
    assert rows[1][2:] == ["Public-space presence round", "Nord", "Mermoz", HYPERLINK,
                           "Individual contacts", 12, 12, 120, "Mona Mediator, Nina Nord"]
    assert rows[2][5:9] == ["École Pasteur, CM2", "Collective (workshop)", 25, 1]
    cell = book.cells("Field activities (rows)")[(1, 5)]
    assert cell.get("t") == "inlineStr" and cell.find("m:f", XLSX_NS) is None
    assert book.is_quoted(cell)
    assert not book.is_quoted(book.cells("Field activities (rows)")[(2, 5)])
    assert b"<f>" not in b"".join(book.xml[path] for path in book.sheets.values())


def test_every_formula_start_is_marked_as_text(app, client, org, year):
    places = ["=1+1", "+33 4 78 00 00 00", "-1 (sous-sol)", "@SUM(A1:A9)", "\tTab"]
    with app.app_context():
        kind = db.session.execute(db.select(ReferenceItem).filter_by(
            kind="activity", code="workshop")).scalar_one()
        for day, place in enumerate(places, start=1):
            field_activity(org["north"], [org["mediator"]], kind=kind, mode="collective",
                           people=3, when=at(date(YEAR, 11, day)), place=place)
        db.session.commit()
    client.login("marc.manager")
    book = Workbook(xlsx(client).data)
    cells = book.cells("Field activities (rows)")
    found = {value(cells[(row, 5)]): book.is_quoted(cells[(row, 5)])
             for row in range(1, 8) if (row, 5) in cells}
    for place in places[:4]:
        assert found[place] is True, place   # kept as typed, marked as text
    assert found[" Tab"] is False            # the tab is gone: nothing left to mark
    assert found["École Pasteur, CM2"] is False


def test_the_referrals_and_closed_cases_rows(client, year):
    client.login("marc.manager")
    book = Workbook(xlsx(client).data)
    referrals = book.rows("Referrals (rows)")
    assert referrals[0] == ["Date", "Stage", "Case", "Team", "Partner", "Reason", "Taken up"]
    assert referrals[1:] == [
        [serial(date(YEAR, 3, 1)), "During the case", year["a"].reference, "Nord",
         "Conciliateur de justice", "Access to justice", "Taken up"],
        [serial(date(YEAR, 6, 1)), "During a field activity", "Field activity", "Nord",
         "Conciliateur de justice", None, "Not known yet"]]
    closed = book.rows("Closed cases (rows)")
    assert closed[0][:8] == ["Case", "Team", "Territory", "Source", "Categories",
                             "Received on", "Closed on", "Outcome"]
    assert closed[1] == [year["a"].reference, "Nord", "Mermoz", "Resident", "Noise",
                         serial(date(YEAR, 2, 3)), serial(date(YEAR, 4, 30)),
                         "Agreement respected", 2, 35, 86]
    assert closed[2][0] == year["b"].reference
    assert closed[2][3:5] == ["Social landlord", "Noise, Animals"]   # the list's order
    assert closed[2][8:] == [1, None, 45]


def test_the_spreadsheet_in_french(client, org, year):
    with client.application.app_context():
        db.session.get(User, org["manager"].id).language = "fr"
        db.session.commit()
    client.login("marc.manager")
    book = Workbook(xlsx(client, language="fr").data)
    rows = book.rows(list(book.sheets)[-1])
    assert rows[1][7] != "Agreement respected"   # the outcome in the user's language
    referrals = book.rows(list(book.sheets)[-2])
    assert referrals[1][5] == "Accès au droit"
    summary = [value for row in book.rows(list(book.sheets)[0]) for value in row if value]
    assert f"Du 1er janvier au 31 décembre {YEAR}" in summary


def test_the_spreadsheet_prints_on_a4_landscape_one_page_wide(client, year):
    client.login("marc.manager")
    book = Workbook(xlsx(client).data)
    for name, path in book.sheets.items():
        sheet = ET.fromstring(book.xml[path])
        setup = sheet.find("m:pageSetup", XLSX_NS)
        assert setup.get("paperSize") == "9" and setup.get("orientation") == "landscape", name
        assert setup.get("fitToWidth") in (None, "1") and setup.get("fitToHeight") == "0"
        assert sheet.find("m:sheetPr/m:pageSetUpPr", XLSX_NS).get("fitToPage") == "1"
    assert b"Print_Titles" in book.xml["xl/workbook.xml"]


def test_the_spreadsheet_query_count_does_not_grow_with_the_rows(client, org, year, make,
                                                                 count_queries):
    client.login("marc.manager")
    xlsx(client)  # warm up
    with count_queries() as few:
        assert xlsx(client).status_code == 200
    for day in range(1, 20):
        make.intervention(year["b"], [org["mediator"]], at=at(date(YEAR, 7, day)))
    with count_queries() as many:
        assert xlsx(client).status_code == 200
    assert many.count == few.count


def test_a_bad_period_gives_the_form_back_not_a_file(client, year):
    client.login("marc.manager")
    for args in ({"start": "2025-12-31", "end": "2025-01-01"}, {"start": "x", "end": "y"},
                 {"start": "0001-01-01", "end": "9999-12-31"}):
        response = xlsx(client, **args)
        assert response.status_code == 302, args


def test_only_managers_download_the_spreadsheet(client, year):
    for username in ("mona.mediator", "alice.admin"):
        client.login(username)
        assert xlsx(client).status_code == 403
        client.logout()


def test_another_teams_manager_sees_only_their_team(client, make, org, year):
    make.user("sue.south", roles=["manager"], teams=[org["south"]])
    client.login("sue.south")
    book = Workbook(xlsx(client).data)
    assert by_label(book.rows("Summary"))["Interventions"][0] == 8   # 1 + 7
    assert len(book.rows("Interventions (rows)")) == 2
    text = b"".join(book.xml.values()).decode()
    assert year["a"].reference not in text and "Nina Nord" not in text


# --- The annual activity report -------------------------------------------------------

def report_text(body) -> str:
    """Every paragraph of the document, its tables included, spaces of every kind kept."""
    document = Document(io.BytesIO(body))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    for section in document.sections:
        lines += [p.text for p in section.header.paragraphs]
    return "\n".join(lines)


def test_the_annual_report_carries_the_key_figures_in_french(client, year):
    client.login("marc.manager")
    response = client.get(f"/reports/annual/{YEAR}.docx?lang=fr")
    assert response.status_code == 200
    assert "rapport-activite-2025.docx" in response.headers["Content-Disposition"]
    text = report_text(response.data)
    assert "Rapport d’activité 2025" in text
    assert "Du 1er janvier au 31 décembre 2025" in text
    assert "16 interventions de médiation sociale" in text
    assert "2 mises en relation avec des partenaires" in text
    assert ("100\u202f% des habitants estiment que la médiation sociale est utile ou "
            "nécessaire") in text
    assert "100\u202f% des partenaires constatent un effet sur la satisfaction" in text
    assert "1 réponse" in text
    assert "Association de médiation sociale" in text   # the letterhead
    # Small cells, and the south team nowhere.
    assert "<\u00a05" in text
    for secret in ("Dupont", "Secret", "Sud", "Sam South"):
        assert secret not in text, secret


def test_french_typography_in_the_report():
    assert annual.number(34444, "fr") == "34\u202f444"
    assert annual.number(34444, "en") == "34,444"
    assert annual.percent(0.87, "fr") == "87\u202f%"
    assert annual.percent(0.87, "en") == "87%"
    assert annual.day(date(2026, 1, 1), "fr") == "1er janvier 2026"
    assert annual.day(date(2026, 12, 3), "fr") == "3 décembre 2026"
    assert annual.day(date(2026, 12, 3), "en") == "3 December 2026"
    assert annual.french("L'équipe a dit : \"merci\" ! Et toi ? Oui; à 18:00 sur https://x.fr") \
        == ("L’équipe a dit\u00a0: «\u00a0merci\u00a0»\u202f! Et toi\u202f? "
            "Oui\u202f; à 18:00 sur https://x.fr")
    assert annual.english("The year's \"best\" work") == "The year’s “best” work"
    # Single quotes around a phrase are quotes, not an opening apostrophe.
    assert annual.french("Un climat 'détendu' et 'l'été' apaisé") == (
        "Un climat «\u00a0détendu\u00a0» et «\u00a0l’été\u00a0» apaisé")
    assert annual.english("A 'calmer' year, the tenants' hall") == (
        "A ‘calmer’ year, the tenants’ hall")


def test_the_annual_report_in_english(client, year):
    client.login("marc.manager")
    text = report_text(client.get(f"/reports/annual/{YEAR}.docx?lang=en").data)
    assert "Annual activity report 2025" in text
    assert "From 1 January to 31 December 2025" in text
    assert "16 social-mediation interventions" in text
    assert "2 referrals to partner organisations" in text
    assert "100% of residents find social mediation useful or necessary" in text
    assert "100% of partners see an effect on their users’ satisfaction" in text
    assert "Neighbour disputes" in text and "Médiation" not in text


def test_the_report_language_follows_the_user_without_lang(client, year):
    client.login("marc.manager")
    text = report_text(client.get(f"/reports/annual/{YEAR}.docx",
                                  headers={"Accept-Language": "en"}).data)
    assert "Annual activity report 2025" in text
    text = report_text(client.get(f"/reports/annual/{YEAR}.docx?lang=xx",
                                  headers={"Accept-Language": "fr"}).data)
    assert "Rapport d’activité 2025" in text


def images_of(body):
    archive = zipfile.ZipFile(io.BytesIO(body))
    return [archive.read(name) for name in archive.namelist() if name.startswith("word/media/")]


def test_no_chart_shows_what_the_tables_hide_under_five(client, year):
    client.login("marc.manager")
    # Every line of this year is under 5 cases (or a month under 5 interventions).
    assert images_of(client.get(f"/reports/annual/{YEAR}.docx?lang=fr").data) == []


def test_the_report_has_its_charts_as_images(app, client, org, refs, year):
    with app.app_context():
        partner = db.session.get(Partner, refs["conciliator"].id)
        reason = db.session.execute(db.select(ReferenceItem).filter_by(
            kind="referral_reason", code="justice")).scalar_one()
        for day in range(1, 6):
            referral(org["north"], partner, on=date(YEAR, 10, day),
                     case=db.session.get(Case, year["b"].id), reason=reason)
        db.session.commit()
    client.login("marc.manager")
    images = images_of(client.get(f"/reports/annual/{YEAR}.docx?lang=fr").data)
    assert len(images) == 1 and images[0].startswith(b"\x89PNG")   # referrals by reason


def save_texts(client, year_number, **texts):
    page = client.get(f"/reports/annual/{year_number}")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    versions = {name: re.search(rf'name="version_{name}" type="hidden" value="([^"]*)"',
                                page.text).group(1)
                for name in ("director_word", "projects", "perspectives")}
    data = {"csrf_token": token, **{f"version_{k}": v for k, v in versions.items()}}
    data.update(texts)
    return client.post(f"/reports/annual/{year_number}", data=data)


def test_the_directors_texts_are_saved_and_kept_across_downloads(client, year):
    client.login("marc.manager")
    response = save_texts(client, YEAR, director_word="L'année fut riche.\n\nMerci à tous !",
                          projects="Un atelier dans chaque école.", perspectives="")
    assert response.status_code == 302
    first = report_text(client.get(f"/reports/annual/{YEAR}.docx?lang=fr").data)
    second = report_text(client.get(f"/reports/annual/{YEAR}.docx?lang=fr").data)
    for text in (first, second):
        assert "Le mot de la direction" in text
        assert "L’année fut riche." in text and "Merci à tous\u202f!" in text
        assert "Un atelier dans chaque école." in text
        assert "Perspectives" not in text   # an empty section is left out
    page = client.get(f"/reports/annual/{YEAR}").text
    assert "Un atelier dans chaque école." in page
    # Another year has its own texts.
    assert "Un atelier" not in client.get(f"/reports/annual/{YEAR - 1}").text


def test_a_colleague_saving_first_is_a_conflict_not_a_loss(app, client, make, org, year):
    client.login("marc.manager")
    save_texts(client, YEAR, director_word="Premier jet.", projects="", perspectives="")
    page = client.get(f"/reports/annual/{YEAR}")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    opened = re.search(r'name="version_director_word" type="hidden" value="([^"]*)"',
                       page.text).group(1)
    with app.app_context():   # the director's deputy saves in the meantime
        record = db.session.execute(db.select(AnnualReportText).filter_by(
            year=YEAR, section="director_word")).scalar_one()
        record.text = "Version de la directrice adjointe."
        db.session.commit()
    response = client.post(f"/reports/annual/{YEAR}", data={
        "csrf_token": token, "version_director_word": opened, "version_projects": "",
        "version_perspectives": "", "director_word": "Ma version.", "projects": "",
        "perspectives": ""})
    assert response.status_code == 409
    assert "Quelqu’un d’autre a enregistré ces textes" in response.text
    assert "Version de la directrice adjointe." in response.text   # what is saved now
    assert "Ma version." in response.text                           # what was typed
    with app.app_context():
        assert db.session.execute(db.select(AnnualReportText.text).filter_by(
            year=YEAR, section="director_word")).scalar_one() == \
            "Version de la directrice adjointe."
    # Saving again, knowingly, goes through.
    version = re.search(r'name="version_director_word" type="hidden" value="([^"]*)"',
                        response.text).group(1)
    response = client.post(f"/reports/annual/{YEAR}", data={
        "csrf_token": token, "version_director_word": version, "version_projects": "",
        "version_perspectives": "", "director_word": "Ma version.", "projects": "",
        "perspectives": ""})
    assert response.status_code == 302


def test_a_text_too_long_is_refused_with_a_message(app, client, year):
    client.login("marc.manager")
    response = save_texts(client, YEAR, director_word="x" * 20_001, projects="",
                          perspectives="")
    assert response.status_code == 200
    assert "20000" in response.text.replace("\u202f", "").replace(",", "")
    with app.app_context():
        assert db.session.execute(db.select(AnnualReportText)).first() is None


@pytest.mark.parametrize("path", ["/reports/annual/0", "/reports/annual/99999",
                                  "/reports/annual/1999", "/reports/annual/2027",
                                  "/reports/annual/abc", "/reports/annual/-1",
                                  "/reports/annual/0.docx", "/reports/annual/99999.docx",
                                  "/reports/annual/abc.docx",
                                  "/reports/annual/99999999999999999999.docx"])
def test_a_year_that_makes_no_sense_is_not_found(client, org, path):
    client.login("marc.manager")
    assert client.get(path).status_code == 404


def test_only_managers_see_or_write_the_annual_report(client, org, year):
    for username in ("mona.mediator", "alice.admin"):
        client.login(username)
        assert client.get(f"/reports/annual/{YEAR}").status_code == 403
        assert client.get(f"/reports/annual/{YEAR}.docx").status_code == 403
        token = client.csrf_token("/account")
        assert client.post(f"/reports/annual/{YEAR}", data={
            "csrf_token": token, "director_word": "Piraté"}).status_code == 403
        client.logout()


def test_another_teams_figures_are_not_in_the_report(client, make, org, year):
    make.user("sue.south", roles=["manager"], teams=[org["south"]])
    client.login("sue.south")
    text = report_text(client.get(f"/reports/annual/{YEAR}.docx?lang=en").data)
    assert "8 social-mediation interventions" in text
    assert "Nord" not in text and year["a"].reference not in text


def test_the_operation_refuses_whoever_may_not_see_reports(app, org):
    from casework.reports.operations import save_annual_texts

    with app.app_context():
        mediator = db.session.get(User, org["mediator"].id)
        with pytest.raises(PermissionError):
            save_annual_texts(mediator, YEAR, {"director_word": "x"}, {})


def test_an_empty_year_still_gives_a_readable_report(client, org):
    client.login("marc.manager")
    response = client.get("/reports/annual/2003.docx?lang=fr")
    assert response.status_code == 200
    text = report_text(response.data)
    assert "0 intervention de médiation sociale" in text
    assert "Aucune réponse au questionnaire cette année." in text


def test_the_annual_page_points_at_last_year(client, org):
    client.login("marc.manager")
    response = client.get("/reports/annual")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reports/annual/{YEAR}")
    page = client.get(f"/reports/annual/{YEAR}").text
    assert f"/reports/annual/{YEAR}.docx?lang=fr" in page


def test_the_annual_reports_totals_give_no_small_count_away(client, year):
    """A total line goes out like its lines: the year's 3 interventions in cases are
    «< 5» on the total too, where a bare 3 would tell what the lines hide."""
    client.login("marc.manager")
    document = Document(io.BytesIO(client.get(f"/reports/annual/{YEAR}.docx?lang=en").data))
    totals = [[cell.text for cell in table.rows[-1].cells] for table in document.tables
              if table.rows[-1].cells[0].text == "Total"]
    assert totals, "the report has tables with a total line"
    for line in totals:
        assert not any(re.fullmatch(r"[1-4]", value.strip()) for value in line), line
    assert any(value.replace("\u00a0", " ") == "< 5" for line in totals for value in line)
