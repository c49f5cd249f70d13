"""What the access log records for each route: one table, so that a new route cannot slip
through unlogged (tests/test_access_log.py walks the URL map against it).

- ``READS``: a successful GET (200) of the route is a read of the named object (``read``) or
  an export (``export``); the case comes from ``cases.access.get_case_or_404``.
- ``RECORDED_BY_VIEW``: the view records its own entries (it knows more: the feed's owner,
  the confidential notes the case page showed, a person's export).
- ``NOT_RECORDED``: pages that show no resident's data (lists of references, the forms of
  one's own account, reference lists, counts) — each with its reason.
- Every successful write (a POST that changes the database) is a ``change``, written in the
  same transaction as the change itself (see ``tracking``), except for ``CHANGES_RECORDED_BY_VIEW``.
"""

READS = {
    # The case and what hangs on it.
    "casefile.show": ("read", "case"),
    "cases.edit": ("read", "case"),
    "cases.assign": ("read", "case"),
    "cases.step": ("read", "case"),
    "cases.new_party": ("read", "case"),
    "cases.edit_party": ("read", "party"),
    "cases.new_referral": ("read", "case"),
    "cases.partner_survey": ("read", "survey"),
    "audit.case_history": ("read", "access_history"),
    "meetings.new_intervention": ("read", "case"),
    "meetings.edit_intervention": ("read", "intervention_notes"),
    "meetings.new_round_table": ("read", "case"),
    "meetings.record_round_table": ("read", "minutes"),
    "meetings.reschedule_round_table": ("read", "round_table"),
    "meetings.cancel_round_table": ("read", "round_table"),
    "agreements.edit": ("read", "agreement"),
    "agreements.start": ("read", "agreement"),
    "agreements.sign": ("read", "agreement"),
    "agreements.prepare": ("read", "agreement"),
    "agreements.follow_up": ("read", "follow_up"),
    # Documents, generated or stored.
    "meetings.invitation": ("read", "invitation_letter"),
    "meetings.round_table_ics": ("read", "calendar_entry"),
    "agreements.download": ("read", "agreement_document"),
    "agreements.download_version": ("read", "agreement_version"),
    "agreements.signing_copy": ("read", "agreement_signing_copy"),
    "agreements.scan": ("read", "agreement_scan"),
    "agreements.scan_file": ("read", "agreement_scan"),
    # Files of many rows.
    "reports.interventions_csv": ("export", "interventions_csv"),
    "reports.figures_xlsx": ("export", "figures_xlsx"),
    "reports.annual_docx": ("export", "annual_report"),
    # The log itself: who read the log is in the log.
    "audit.log": ("read", "access_log"),
    "privacy.anonymise_case": ("read", "case"),
    "audit.log_csv": ("export", "access_log"),
}

RECORDED_BY_VIEW = {
    "meetings.feed": "the feed has no login: the view names the feed's owner",
    "auth.login": "logins, failures and second factors are recorded by the login views",
    "auth.logout": "recorded by the logout view",
    "auth.second_step": "the login's second step: recorded by the login views",
    "privacy.people_search": "the search is recorded with its number of rows, never its words",
    "privacy.people_export": "a person's data export, recorded by the view",
    "privacy.people_erase": "an erasure, recorded by the operation",
    "privacy.anonymise_by_reference": "an anonymisation, recorded by the operation",
    "letters.referrer": "the form reads the case; the letter produced (a POST) is recorded "
                        "by the view as a read of the document",
    "letters.attestation": "the form reads the case; the attestation produced (a POST) is "
                           "recorded by the view as a read of the document",
    "letters.party": "the form reads the case; the letter produced (a POST) is recorded by "
                     "the view as a read of the document",
}

NOT_RECORDED = {
    "static": "the app's own files",
    "bootstrap.static": "the app's own files",
    "main.health": "a health check",
    "main.home": "links only",
    "privacy.home": "links and the retention settings",
    "auth.second_factor_settings": "one's own second factor (changes are recorded)",
    "auth.start_second_factor": "POST only (recorded as a change of one's own account)",
    "auth.confirm_second_factor": "POST only (recorded as a change of one's own account)",
    "auth.disable_second_factor": "POST only (recorded as a change of one's own account)",
    "auth.new_recovery_codes": "POST only (recorded as a change of one's own account)",
    "auth.reset_second_factor": "POST only (recorded as an administrator's action)",
    "main.set_language": "the interface language, kept in the session",
    "auth.account": "one's own account (a change of password is recorded as a change)",
    "admin.index": "links only",
    "admin.users": "staff accounts, no resident's data (changes are recorded)",
    "admin.new_user": "a form (the creation is recorded)",
    "admin.edit_user": "a staff account (changes are recorded)",
    "admin.teams": "teams (changes are recorded)",
    "admin.edit_team": "a team (changes are recorded)",
    "admin.reset_password": "POST only (recorded as an administrator's action)",
    "admin.set_active": "POST only (recorded as an administrator's action)",
    "reference.index": "reference lists, no resident's data",
    "reference.items": "reference lists",
    "reference.edit_item": "reference lists (changes are recorded)",
    "reference.partners": "partner organisations",
    "reference.edit_partner": "partner organisations (changes are recorded)",
    "reference.places": "meeting places",
    "reference.edit_place": "meeting places (changes are recorded)",
    "reference.set_item_active": "POST only",
    "reference.set_partner_active": "POST only",
    "reference.set_place_active": "POST only",
    "agreements.clauses": "the clause library, no resident's data",
    "agreements.edit_clause": "the clause library (changes are recorded)",
    "agreements.set_clause_active": "POST only",
    "cases.index": "the list: references, categories and steps (each case opened is recorded)",
    "cases.new": "a blank referral form (the new case is recorded)",
    "cases.unassigned": "the queue: references (each case opened is recorded)",
    "cases.referrals_to_check": "referrals to partners: references and partners",
    "cases.check_referral": "one referral's take-up (changes are recorded)",
    "casefile.mine": "one's own cases: references and next steps",
    "casefile.agenda": "one's own round tables: references, times and places",
    "casefile.renew_feed": "POST only",
    "activity.index": "field activity holds counts of people, never names",
    "activity.new": "field activity holds counts of people, never names",
    "activity.show": "field activity holds counts of people, never names",
    "activity.delete": "POST only",
    "reports.dashboard": "figures computed over many cases, no resident's data",
    "reports.chart": "figures computed over many cases",
    "reports.interventions": "figures computed over many cases",
    "reports.annual_latest": "a redirect",
    "reports.annual_page": "the director's texts and the figures",
}

# POST routes whose writes are not a "change" of the log's sense: the login's own records
# (sessions, failures), the interface language, the letters produced.
# Producing a letter adds only its "letter produced" event to the timeline: the view's
# entry (the document read) stands for it.
CHANGES_RECORDED_BY_VIEW = {"auth.login", "auth.logout", "main.set_language",
                            "letters.referrer", "letters.attestation", "letters.party"}

# The objects a change is about, by route (the route's name otherwise).
CHANGE_OBJECTS = {
    "cases.new": "case",
    "cases.edit": "case",
    "cases.assign": "assignment",
    "cases.step": "workflow_step",
    "cases.new_party": "party",
    "cases.edit_party": "party",
    "cases.new_referral": "partner_referral",
    "cases.check_referral": "partner_referral",
    "cases.partner_survey": "survey",
    "meetings.new_intervention": "intervention",
    "meetings.edit_intervention": "intervention",
    "meetings.new_round_table": "round_table",
    "meetings.record_round_table": "round_table",
    "meetings.reschedule_round_table": "round_table",
    "meetings.cancel_round_table": "round_table",
    "agreements.edit": "agreement",
    "agreements.start": "agreement",
    "agreements.sign": "agreement",
    "agreements.prepare": "agreement",
    "agreements.scan": "agreement_scan",
    "agreements.follow_up": "follow_up",
    "activity.new": "field_activity",
    "activity.show": "field_activity",
    "activity.delete": "field_activity",
    "casefile.renew_feed": "calendar_link",
    "auth.account": "own_account",
    "reports.annual_page": "annual_report_texts",
}

# The URL's parts that say which object of the case (never a resident's data).
TARGET_ARGUMENTS = ("table_id", "party_id", "intervention_id", "number", "referral_id",
                    "activity_id", "year", "user_id", "team_id", "item_id", "partner_id",
                    "place_id", "clause_id", "scan_id")


def target_of(view_args) -> str:
    """"table 4, party 7" from the URL's arguments, ids only (the page translates the
    kinds: see web.labels.ACCESS_TARGET_LABELS)."""
    if not view_args:
        return ""
    return ", ".join(f"{name.removesuffix('_id')} {view_args[name]}"
                     for name in TARGET_ARGUMENTS if name in view_args)[:80]
