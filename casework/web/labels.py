"""Every label shown for a code lives here, once: roles, statuses, outcomes, transitions,
party roles… Templates and forms read these mappings; nothing repeats them. Only words:
formatting values for the reader is formatting.py's job."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "manager": _l("Manager"),
    "mediator": _l("Mediator"),
    "privacy_officer": _l("Privacy officer"),
}

STATUS_LABELS = {
    "referral": _l("Referral"),
    "assigned": _l("Assigned"),
    "mediation": _l("Mediation"),
    "agreement": _l("Agreement"),
    "follow_up": _l("Follow-up"),
    "closed": _l("Closed"),
}

STATUS_HELP = {
    "referral": _l("Received, not assigned yet."),
    "assigned": _l("A mediator is assigned; no contact logged yet."),
    "mediation": _l("Interviews and round tables under way."),
    "agreement": _l("Agreement protocol drafted, awaiting signatures."),
    "follow_up": _l("Signed; the mediators check that it is kept."),
    "closed": _l("Closed with an outcome."),
}

OUTCOME_LABELS = {
    "agreement_respected": _l("Agreement respected"),
    "agreement_breached": _l("Agreement breached"),
    "no_agreement": _l("No agreement"),
    "resolved_before_round_table": _l("Resolved before a round table"),
    "party_declined": _l("A party declined"),
    "unreachable": _l("Unreachable"),
    "referred_to_partner": _l("Referred to a partner"),
    "not_eligible": _l("Not eligible"),
    # A case withdrawn (« demande retirée »), not a consent withdrawn (« retiré »).
    "withdrawn": _lp("case outcome", "Withdrawn"),
}

TRANSITION_LABELS = {
    "assign": _l("Assign"),
    "start_mediation": _l("Start mediation"),
    "draft_agreement": _l("Draft the agreement"),
    "record_follow_up": _l("Record the follow-up"),
    "amend_agreement": _l("Amend the agreement"),
    "back_to_mediation": _l("Back to mediation"),
    "mark_signed": _l("Mark as signed"),
    "new_round_table": _l("Needs a new round table"),
    "close": _l("Close the case"),
    "reopen": _l("Reopen the case"),
}

URGENCY_LABELS = {
    "low": _l("Low"),
    "normal": _l("Normal"),
    "high": _l("Urgent"),
}

PARTY_ROLE_LABELS = {
    "complainant": _l("Complainant"),
    "respondent": _l("Other party (respondent)"),
    "other": _l("Other party"),
}

PARTY_KIND_LABELS = {
    "person": _l("Person"),
    "household": _l("Household"),
}

CIVILITY_LABELS = {
    "": _l("—"),
    "mme": _l("Mrs"),
    "m": _l("Mr"),
}

CONSENT_LABELS = {
    "unknown": _l("Not asked yet"),
    "given": _l("Given"),
    "refused": _l("Refused"),
    "withdrawn": _l("Withdrawn"),
}

CONSENT_METHOD_LABELS = {
    "": _l("—"),
    "phone": _l("By phone"),
    "in_person": _l("In person"),
    "letter": _l("By letter"),
    "email": _l("By e-mail"),
}

LANGUAGE_LABELS = {
    "fr": "Français",
    "en": "English",
    "ar": _l("العربية (Arabic)"),  # the name a resident knows, and one staff can read
    "es": "Español",
    "pt": "Português",
    "it": "Italiano",
    "tr": "Türkçe",
    "ro": "Română",
    "ru": "Русский",
    "other": _l("Other language"),
}

INTERVENTION_KIND_LABELS = {
    "phone": _l("Phone call"),
    "home_visit": _l("Home visit"),
    "office": _l("Office meeting"),
    "door_to_door": _l("Door-to-door"),
    "letter_email": _l("Letter or e-mail"),
    "partner_meeting": _l("Meeting with a partner"),
}

PERIOD_PRESET_LABELS = {
    "this_month": _l("This month"),
    "last_month": _l("Last month"),
    "this_quarter": _l("This quarter"),
    "last_quarter": _l("Last quarter"),
    "this_year": _l("This year"),
    "last_year": _l("Last year"),
}

ROUND_TABLE_STATUS_LABELS = {
    "scheduled": _l("Scheduled"),
    "held": _l("Held"),
    "postponed": _l("Postponed"),
    "cancelled": _l("Cancelled"),
}

# The letters to the parties about a round table (meetings/invitation.py).
LETTER_KIND_LABELS = {
    "invitation": _l("Invitation"),
    "new_date": _l("New-date letter"),
    "cancellation": _l("Cancellation letter"),
}

ROUND_TABLE_OUTCOME_LABELS = {
    "agreement": _l("Agreement reached"),
    "partial_agreement": _l("Partial agreement"),
    "no_agreement": _l("No agreement"),
    "another_session": _l("Another session needed"),
}

AGREEMENT_STATUS_LABELS = {
    "draft": _l("Draft"),
    "signed": _l("Signed"),
    "superseded": _l("Replaced by an amendment"),
}

NEXT_STEP_LABELS = {
    "referral": _l("assign a mediator"),
    "assigned": _l("contact each party"),
    "mediation": _l("meet the parties, hold the round table"),
    "agreement": _l("have the agreement signed"),
    "follow_up": _l("check that the agreement is kept"),
    "closed": _l("nothing: the case is closed"),
}

EVENT_LABELS = {
    "created": _l("Referral recorded"),
    "edited": _l("Case details edited"),
    "party_added": _l("Party added"),
    "party_edited": _l("Party edited"),
    "assigned": _l("Assigned"),
    "reassigned": _l("Reassigned"),
    "transition": _l("Status changed"),
    "closed": _l("Case closed"),
    "reopened": _l("Case reopened"),
    "intervention": _l("Intervention logged"),
    "intervention_edited": _l("Intervention corrected"),
    "round_table_scheduled": _l("Round table scheduled"),
    "round_table_recorded": _l("Round table recorded"),
    "round_table_rescheduled": _l("Round table changed"),
    "letter_produced": _l("Letter produced"),
    "agreement_drafted": _l("Agreement drafted"),
    "agreement_amended": _l("Amendment started"),
    "agreement_signed": _l("Agreement signed"),
    "scan_attached": _l("Signed scan attached"),
    "scan_replaced": _l("Signed scan replaced"),
    "letter_produced": _l("Letter produced"),
    "follow_up_recorded": _l("Follow-up recorded"),
    "referral_added": _l("Referred to a partner"),
    "take_up_recorded": _l("Take-up of a referral checked"),
    "survey_recorded": _l("Partner's survey recorded"),
    "consent_withdrawn": _l("Consent withdrawn"),
    "consent_overridden": _l("Went ahead without recorded consent"),
}

# The steps a manager may take without a party's recorded consent (cases/consent.py).
CONSENT_STEP_LABELS = {
    "round_table_scheduled": _l("Round table scheduled"),
    "round_table_held": _l("Round table held"),
    "agreement_signed": _l("Agreement signed"),
}

FIELD_LABELS = {
    "status": _l("Status"),
    "outcome": _l("Outcome"),
    "lead_mediator": _l("Lead mediator"),
    "co_mediator": _l("Co-mediator"),
    "received_on": _l("Received on"),
    "source": _l("Source"),
    "referrer_organisation": _l("Referring organisation"),
    "referrer_name": _l("Referring person"),
    "referrer_contact": _l("Referrer's contact"),
    "team": _l("Team"),
    "territory": _l("Territory"),
    "street": _l("Street"),
    "building": _l("Building"),
    "staircase": _l("Staircase"),
    "floor": _l("Floor"),
    "postcode": _l("Postcode"),
    "city": _l("City"),
    "categories": _l("Categories"),
    "description": _l("Description"),
    "urgency": _l("Urgency"),
    "violence_or_threats": _l("Violence or threats"),
    "legal_proceedings": _l("Legal proceedings under way"),
    "eligibility_note": _l("Eligibility note"),
    "referred_to": _l("Referred to"),
    "role": _l("Role"),
    "kind": _l("Person or household"),
    "civility": _l("Title"),
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "language": _l("Preferred language"),
    "consent": _l("Consent to mediation"),
    "consent_on": _l("Consent recorded on"),
    "consent_method": _l("Consent given how"),
    "party": _l("Party"),
    "intervention_kind": _l("Kind of contact"),
    "intervention_of": _l("Intervention of"),
    "duration_minutes": _l("Duration (minutes)"),
    "summary": _l("Summary"),
    "mediators_present": _l("Mediators present"),
    "parties_met": _l("Parties met"),
    "notes": _l("Confidential notes"),
    "at": _l("When"),
    "starts_at": _l("When"),
    "place": _l("Place"),
    "round_table_status": _l("Round table"),
    "round_table_outcome": _l("Outcome"),
    "letter_kind": _l("Letter"),
    "agreement_version": _l("Agreement version"),
    "follow_up_on": _l("Follow-up on"),
    "scan": _l("Scan"),
    "sha256": "SHA-256",
    "letter": _l("Letter"),
    "kept": _l("Kept"),
    "partly_kept": _l("Partly kept"),
    "not_kept": _l("Not kept"),
    "closing_summary": _l("Closing summary"),
    "partner": _l("Partner"),
    "referral_reason": _l("Reason"),
    "referral_stage": _l("Stage"),
    "referral_detail": _l("Detail"),
    "referred_on": _l("Referred on"),
    "taken_up": _l("Taken up"),
    "taken_up_on": _l("Checked on"),
    "useful": _l("Useful or necessary"),
    "satisfied": _l("Satisfied"),
    "recommend": _l("Would recommend"),
    "effect": _l("Effect on the partner's users"),
    "consent_step": _l("Step taken"),
}

# Referrals to partners (mises en relation): when they were made, whether taken up.
REFERRAL_STAGE_LABELS = {
    "intake": _l("At intake"),
    "case": _l("During the case"),
    "closure": _l("At closure"),
    "field": _l("During a field activity"),
}

# Field activity: people met one by one, or a collective activity's participants.
ACTIVITY_MODE_LABELS = {
    "individual": _l("Individual contacts"),
    "collective": _l("Collective (workshop)"),
}

TAKE_UP_LABELS = {
    "unknown": _l("Not known yet"),
    "yes": _l("Taken up"),
    "no": _l("Not taken up"),
}

# The satisfaction survey: each question and its four-point scale (3 and 4 count as yes).
SURVEY_QUESTION_LABELS = {
    "useful": _l("Is social mediation useful or necessary for you?"),
    "satisfied": _l("Are you satisfied with the mediation?"),
    "recommend": _l("Would you recommend it to someone else?"),
    "effect": _l("Did the mediation have an effect on your users' satisfaction?"),
}

SURVEY_SCALE_LABELS = {
    "useful": {1: _l("1 — not useful"), 2: _l("2 — hardly useful"), 3: _l("3 — useful"),
               4: _l("4 — necessary")},
    "satisfied": {1: _l("1 — not satisfied"), 2: _l("2 — a little"), 3: _l("3 — mostly"),
                  4: _l("4 — fully")},
    "recommend": {1: _l("1 — certainly not"), 2: _l("2 — probably not"),
                  3: _l("3 — probably"), 4: _l("4 — certainly")},
    "effect": {1: _l("1 — no effect"), 2: _l("2 — a slight effect"), 3: _l("3 — an effect"),
               4: _l("4 — a strong effect")},
}

# Which mapping names the values of a field, on the timeline.
# The letters and attestations a case's page produces (letters/).
LETTER_LABELS = {
    "referrer_taken_up": _l("Letter to the referrer: case taken up"),
    "referrer_closed": _l("Letter to the referrer: case closed"),
    "attestation": _l("Attestation of a mediation attempt"),
    "party_unreachable": _l("Letter to a party who could not be reached"),
    "party_declined": _l("Letter to a party who declined"),
}

VALUE_LABELS = {
    "letter": LETTER_LABELS,
    "status": STATUS_LABELS,
    "outcome": OUTCOME_LABELS,
    "urgency": URGENCY_LABELS,
    "role": PARTY_ROLE_LABELS,
    "kind": PARTY_KIND_LABELS,
    "civility": CIVILITY_LABELS,
    "consent": CONSENT_LABELS,
    "consent_method": CONSENT_METHOD_LABELS,
    "language": LANGUAGE_LABELS,
    "intervention_kind": INTERVENTION_KIND_LABELS,
    "round_table_status": ROUND_TABLE_STATUS_LABELS,
    "round_table_outcome": ROUND_TABLE_OUTCOME_LABELS,
    "letter_kind": LETTER_KIND_LABELS,
    "notes": {"changed": _l("changed (not shown on the timeline)")},
    "referral_stage": REFERRAL_STAGE_LABELS,
    "taken_up": TAKE_UP_LABELS,
    "consent_step": CONSENT_STEP_LABELS,
}

# The access log (audit): what was done, and to what.
ACCESS_ACTION_LABELS = {
    "read": _l("Read"),
    "export": _l("Export"),
    "change": _lp("access log action", "Change"),  # not the language switcher's verb
    "admin": _l("Administration"),
    "login": _l("Login"),
    "privacy": _l("Privacy"),
}
ACCESS_OBJECT_LABELS = {
    "case": _l("Case page"),
    "party": _l("Party"),
    "survey": _l("Survey answers"),
    "access_history": _l("Access history"),
    "intervention_notes": _l("Confidential notes"),
    "minutes": _l("Round-table minutes"),
    "agreement": _l("Agreement"),
    "follow_up": _l("Follow-up"),
    "invitation_letter": _l("Invitation letter"),
    "calendar_entry": _l("Calendar entry"),
    "calendar_feed": _l("Calendar feed"),
    "agreement_document": _l("Agreement document"),
    "agreement_version": _l("Agreement version"),
    "agreement_scan": _l("Signed scan"),
    "referrer_letter": _l("Letter to the referrer"),
    "attestation": _l("Attestation of a mediation attempt"),
    "party_letter": _l("Letter to a party"),
    "interventions_csv": _l("Interventions (CSV)"),
    "figures_xlsx": _l("Figures (XLSX)"),
    "annual_report": _l("Annual report"),
    "access_log": _l("Access log"),
    "account": _l("Account"),
    "own_account": _l("Own account"),
    "team": _l("Team"),
    "reference": _l("Reference list"),
    "assignment": _l("Assignment"),
    "workflow_step": _l("Workflow step"),
    "partner_referral": _l("Referral to a partner"),
    "intervention": _l("Intervention"),
    "round_table": _l("Round table"),
    "field_activity": _l("Field activity"),
    "calendar_link": _l("Calendar link"),
    "annual_report_texts": _l("Annual report texts"),
    "anonymisation": _l("Anonymisation"),
    "erasure": _l("Erasure on request"),
    "retention": _l("Retention run"),
    "subject_access": _l("A person’s data"),
    "subject_access_search": _l("Search for a person"),
    "session": _l("Session"),
    "second_factor": _l("Second factor"),
}
# Which one: the kinds of ids an entry names ("table 4, party 7").
ACCESS_TARGET_LABELS = {
    "table": _l("round table"),
    "party": _l("party"),
    "intervention": _l("intervention"),
    "number": _l("version"),
    "referral": _l("referral"),
    "activity": _l("activity"),
    "year": _l("year"),
    "user": _l("account"),
    "account": _l("account"),
    "team": _l("team"),
    "item": _l("item"),
    "reference_item": _l("item"),
    "partner": _l("partner"),
    "meeting_place": _l("place"),
    "place": _l("place"),
    "clause_template": _l("clause"),
    "clause": _l("clause"),
    "scan": _l("scan"),
}
