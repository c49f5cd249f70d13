"""The letters and attestations of a case, under /cases/<reference>/letters: each page
says what the document will contain, offers its language, and produces the .docx (POST:
the timeline records it, the access log records the document as read)."""
from flask import Blueprint, Response, abort, current_app, render_template
from flask_login import current_user

from ..audit import operations as audit
from ..auth.models import MANAGER
from ..cases.access import CASE_PAGE_OPTIONS, get_case_or_404, get_on_case_or_404
from ..cases.models import Party
from ..core.clock import today, utcnow
from ..core.documents import Organisation
from ..core.errors import OperationError
from . import documents, operations
from .forms import AttestationForm, PartyLetterForm, ReferrerLetterForm

bp = Blueprint("letters", __name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def service() -> Organisation:
    return Organisation.from_config(current_app.config)


def contact(case) -> documents.Contact:
    """The case's lead mediator (else the one producing the letter), reached through the
    service's phone and e-mail."""
    config = current_app.config
    person = case.lead_mediator or current_user
    return documents.Contact(person.full_name, config["ORGANISATION_PHONE"],
                             config["ORGANISATION_EMAIL"])


def docx(body: bytes, filename: str) -> Response:
    return Response(body, mimetype=DOCX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def produced(case, kind, language, body, filename, obj, party=None):
    """Record the letter (timeline, access log) and send it."""
    operations.record_letter(current_user, case, kind, language, party)
    audit.record("read", obj, case=case,
                 target=f"party {party.id}" if party is not None else "",
                 detail=f"{kind} {language}")
    return docx(body, filename)


@bp.route("/cases/<reference>/letters/referrer", methods=["GET", "POST"])
def referrer(reference):
    """The letter to the partner (or resident) who referred the case: taken up, closed."""
    case = get_case_or_404(reference, "write_letters", options=CASE_PAGE_OPTIONS)
    kinds = operations.referrer_letters(case)
    form = ReferrerLetterForm(kinds)
    addressee, known_language, resident, has_address = operations.referrer(case, "fr")
    if not form.is_submitted():
        form.language.data = known_language if known_language in documents.LANGUAGES \
            else "fr"
        form.kind.data = kinds[-1] if kinds else None
    if kinds and addressee.name and form.validate_on_submit():
        language = form.language.data
        try:
            data = operations.referrer_letter_data(case, form.kind.data, language,
                                                   contact(case))
        except OperationError as error:
            error.show_on(form)
        else:
            body = documents.referrer_letter(service(), data, today(), utcnow())
            return produced(case, f"referrer_{data.kind}", language, body,
                            f"courrier-signalant-{case.reference}-{data.kind}.docx",
                            "referrer_letter")
    audit.record("read", "case", case=case)
    return render_template("letters/referrer.html", case=case, form=form, kinds=kinds,
                           addressee=addressee, resident=resident, has_address=has_address,
                           known_language=known_language, contact=contact(case))


@bp.route("/cases/<reference>/letters/attestation/<int:party_id>", methods=["GET", "POST"])
def attestation(reference, party_id):
    """The attestation of a mediation attempt for one party (article 750-1 CPC)."""
    case = get_case_or_404(reference, "write_letters", options=CASE_PAGE_OPTIONS)
    party = get_on_case_or_404(Party, case, party_id)
    if party.anonymised_at is not None:
        abort(404)
    form = AttestationForm()
    if not form.is_submitted():
        # French by default: the attestation is for a French court.
        form.language.data = "fr"
        form.signer_title.data = "manager" if MANAGER in current_user.roles \
            else "mediatrice"
    if form.validate_on_submit():
        language = form.language.data
        try:
            data = operations.attestation_data(
                case, party, language, current_user.full_name,
                documents.SIGNER_TITLES[language][form.signer_title.data])
        except OperationError as error:
            error.show_on(form)
        else:
            body = documents.attestation(service(), data, today(), utcnow())
            return produced(case, "attestation", language, body,
                            f"attestation-mediation-{case.reference}-{party.id}.docx",
                            "attestation", party)
    audit.record("read", "case", case=case, target=f"party {party.id}")
    facts = operations.attestation_data(case, party, "fr", current_user.full_name, "")
    return render_template("letters/attestation.html", case=case, party=party, form=form,
                           facts=facts)


@bp.route("/cases/<reference>/letters/party/<int:party_id>", methods=["GET", "POST"])
def party(reference, party_id):
    """A letter to a party who cannot be reached, or who declined mediation."""
    case = get_case_or_404(reference, "write_letters", options=CASE_PAGE_OPTIONS)
    addressee = get_on_case_or_404(Party, case, party_id)
    if addressee.anonymised_at is not None:
        abort(404)
    form = PartyLetterForm()
    if not form.is_submitted():
        form.language.data = addressee.language if addressee.language in \
            documents.LANGUAGES else "fr"
        form.kind.data = "declined" if addressee.consent in ("refused", "withdrawn") \
            else "unreachable"
    if form.validate_on_submit():
        language = form.language.data
        try:
            data = operations.party_letter_data(case, addressee, form.kind.data, language,
                                                contact(case))
        except OperationError as error:
            error.show_on(form)
        else:
            body = documents.party_letter(service(), data, today(), utcnow())
            return produced(case, f"party_{data.kind}", language, body,
                            f"courrier-{case.reference}-{addressee.id}-{data.kind}.docx",
                            "party_letter", addressee)
    audit.record("read", "case", case=case, target=f"party {addressee.id}")
    return render_template("letters/party.html", case=case, party=addressee, form=form,
                           contact=contact(case))
