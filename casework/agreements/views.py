"""Agreement pages, under /cases/<reference>/agreement: draft with standard clauses and a
preview, download the .docx, mark as signed (frozen), attach the scan, amend, follow up;
and the library of standard clauses that managers keep (/clauses)."""
import os

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, url_for)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import defer

from ..cases import workflow
from ..cases.access import CASE_PAGE_OPTIONS, get_case_or_404
from ..cases.consent import lacking
from ..cases.forms import closing_record
from ..cases.views import active_partners, referral_reasons
from ..core.clock import today
from ..core.errors import EditConflict, OperationError
from ..core.forms import choices
from ..extensions import db
from ..meetings.models import RoundTable
from ..permissions import can, requires
from ..reference.models import CATEGORY, ReferenceItem
from ..web.formatting import address
from ..web.labels import LANGUAGE_LABELS
from . import document as agreement_document
from . import operations, scans
from .forms import (ClauseForm, PrepareForm, ScanForm, SignForm, agreement_form,
                    commitment_lines, follow_up_form, translation_lines)
from .models import Agreement, AgreementScan, ClauseTemplate

bp = Blueprint("agreements", __name__)
# The document's words, for the preview (globals: imported macros see them too).
bp.record_once(lambda state: state.app.jinja_env.globals.update(
    {"texts": agreement_document.TEXT}))

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def party_name(party, language):
    civility = {"mme": "Mme", "m": "M."} if language == "fr" else {"mme": "Mrs", "m": "Mr"}
    return " ".join(x for x in (civility.get(party.civility, ""), party.first_name,
                                party.last_name) if x)


def organisation_files():
    """The organisation's logo and base .docx, set in the configuration (optional)."""
    config = current_app.config
    files = {}
    for key, setting in (("logo", "ORGANISATION_LOGO"), ("template", "AGREEMENT_TEMPLATE")):
        path = config.get(setting)
        files[key] = open(path, "rb").read() if path and os.path.exists(path) else None
    return files


def round_table_mediators(case):
    """The mediators of the last round table held (every one signs), else the case's."""
    table = db.session.execute(
        select(RoundTable).where(RoundTable.case_id == case.id, RoundTable.status == "held")
        .order_by(RoundTable.starts_at.desc()).limit(1)).scalar_one_or_none()
    people = list(table.mediators) if table is not None and table.mediators else []
    return people or [m for m in (case.lead_mediator, case.co_mediator) if m]


def document_data(agreement, *, signing=False) -> agreement_document.AgreementData:
    """The agreement's data, from the case as it is now. ``signing``: the signing copy
    (place, date, follow-up date, every signatory; no « PROJET » mark)."""
    case, language = agreement.case, agreement.language
    # A bilingual agreement names the parties as its authoritative (French) text does.
    langs = agreement_document.languages_of(language)
    bilingual = len(langs) > 1
    by_party, by_party_en = {}, {}
    for commitment in agreement.commitments:
        by_party.setdefault(commitment.party_id, []).append(commitment.text)
        by_party_en.setdefault(commitment.party_id, []).append(
            commitment.text_en if bilingual else "")
    mediators = [agreement_document.Mediator(m.full_name, m.title or "")
                 for m in round_table_mediators(case)]
    names = {p.id: party_name(p, langs[0]) for p in case.parties}
    roles = [agreement_document.TEXT[code] for code in langs]
    signatories = [(names[p.id], " / ".join(dict.fromkeys(t["party"] for t in roles)))
                   for p in case.parties] + [
        (m.name, " / ".join(dict.fromkeys(t["mediator"][m.title] for t in roles)))
        for m in mediators]

    def worded(c):
        # What an amendment compares: the French and the English of a bilingual text.
        return (c.text, c.text_en) if bilingual else c.text
    config = current_app.config
    codes = [c.code for c in case.categories]
    amends_on, changes = None, None
    if agreement.number > 1:
        previous = operations.previous_signed(agreement)
        if previous is not None:
            amends_on = previous.signed_on
            found = operations.commitment_changes(
                [(c.party_id, worded(c)) for c in previous.commitments],
                [(c.party_id, worded(c)) for c in agreement.commitments])
            changes = agreement_document.Changes(**{
                key: [(names.get(row[0], "") if row[0] else "",) + tuple(row[1:])
                      for row in rows] for key, rows in found.items()})
    return agreement_document.AgreementData(
        organisation_name=config["ORGANISATION_NAME"],
        organisation_address=config["ORGANISATION_ADDRESS"],
        organisation_phone=config["ORGANISATION_PHONE"],
        reference=case.reference, language=language, meeting_date=agreement.meeting_date,
        meeting_place=agreement.meeting_place,
        subject=agreement_document.neutral_subject(codes, langs[0]),
        subject_en=agreement_document.neutral_subject(codes, "en") if bilingual else "",
        account=agreement.account, account_en=agreement.account_en if bilingual else "",
        parties=[agreement_document.PartyBlock(names[p.id], address(p),
                                               by_party.get(p.id, []),
                                               by_party_en.get(p.id, []) if bilingual else [])
                 for p in case.parties],
        mediators=mediators, joint_commitments=by_party.get(None, []),
        joint_commitments_en=by_party_en.get(None, []) if bilingual else [],
        follow_up_on=agreement.follow_up_on if signing else None,
        signed_on=agreement.signed_on if signing else None,
        signed_place=agreement.signed_place if signing else "",
        version_number=agreement.number, signatories=signatories if signing else [],
        draft=not signing, amends_on=amends_on, changes=changes, **organisation_files())


def signing_snapshot(agreement) -> dict:
    """The signing copy's data as it would be built now (compared with the one prepared)."""
    data = document_data(agreement, signing=True)
    snapshot = agreement_document.to_json(data)
    kinds = ["party"] * len(data.parties) + ["mediator"] * len(data.mediators)
    snapshot["signatory_kinds"] = [{"name": name, "role": role, "kind": kind} for
                                   (name, role), kind in zip(data.signatories, kinds)]
    return snapshot


def build_signing_copy(agreement):
    data = document_data(agreement, signing=True)
    return signing_snapshot(agreement), agreement_document.build(data)


def build_document(agreement) -> bytes:
    return agreement_document.build(document_data(agreement))


def shown(agreement):
    """What the page shows: a signed version (or a prepared copy) as it was frozen, never
    the case as it is now; a draft as it is."""
    if agreement.snapshot and (agreement.status != "draft" or agreement.signing_copy):
        return agreement_document.from_json(agreement.snapshot)
    return document_data(agreement, signing=agreement.status != "draft")


def preview_context(data):
    data = agreement_document.prepared(data)
    langs = agreement_document.languages_of(data.language)
    return {"preview": data, "said": agreement_document.sentences(data, langs[0]),
            # A bilingual agreement: the sentences of its translation (else None).
            "said_en": agreement_document.sentences(data, langs[1]) if len(langs) > 1
            else None}


def offered_clauses(case):
    category_ids = [c.id for c in case.categories]
    rows = db.session.execute(
        select(ClauseTemplate).where(ClauseTemplate.active.is_(True),
                                     (ClauseTemplate.category_id.in_(category_ids))
                                     | ClauseTemplate.category_id.is_(None))
        .order_by(ClauseTemplate.position, ClauseTemplate.id)).scalars().all()
    return {"party": [c for c in rows if not c.joint], "joint": [c for c in rows if c.joint]}


@bp.route("/cases/<reference>/agreement/start", methods=["GET", "POST"])
def start(reference):
    case = get_case_or_404(reference, "change", options=CASE_PAGE_OPTIONS)
    draft = operations.current_agreement(case)
    if draft is not None and draft.status == "draft":
        return redirect(url_for("agreements.edit", reference=reference))
    if request.method == "POST":
        try:
            operations.start_draft(current_user, case)
        except workflow.TransitionRefused:
            flash(_("This step is not possible from the case's current status."), "warning")
            return redirect(url_for("casefile.show", reference=reference))
        return redirect(url_for("agreements.edit", reference=reference))
    return render_template("agreements/start.html", case=case, previous=draft)


@bp.route("/cases/<reference>/agreement", methods=["GET", "POST"])
def edit(reference):
    case = get_case_or_404(reference, "read", options=CASE_PAGE_OPTIONS)
    agreement = operations.current_agreement(case)
    if agreement is None:
        if can(current_user, "change", case) and case.status == workflow.MEDIATION:
            return redirect(url_for("agreements.start", reference=reference))
        abort(404)
    if agreement.status != "draft" or not can(current_user, "change", case):
        return show_page(case, agreement, ScanForm())
    clauses = offered_clauses(case)
    form = agreement_form(case.parties, clauses)
    if request.method == "GET":
        form.version.data = agreement.version
        form.language.data = agreement.language
        form.meeting_date.data = agreement.meeting_date
        form.meeting_place.data = agreement.meeting_place
        form.account.data = agreement.account
        form.account_en.data = agreement.account_en
        form.follow_up_weeks.data = agreement.follow_up_weeks
        for party_id in [p.id for p in case.parties] + [None]:
            key = party_id or "joint"
            mine = [c for c in agreement.commitments if c.party_id == party_id]
            form[f"commitments_{key}"].data = "\n".join(c.text for c in mine)
            form[f"commitments_en_{key}"].data = "\n".join(c.text_en for c in mine).rstrip()
        show_missing_english(form, agreement)
    if form.validate_on_submit():
        by_id = {c.id: c for c in clauses["party"] + clauses["joint"]}
        bilingual = form.language.data == agreement_document.BILINGUAL
        commitments = []
        for party_id in [p.id for p in case.parties] + [None]:
            key = party_id or "joint"
            lines = commitment_lines(form[f"commitments_{key}"].data)
            # Kept when the language changes back and forth (the fields are then hidden).
            english = translation_lines(form[f"commitments_en_{key}"].data)
            for clause_id in form[f"clauses_{key}"].data or []:
                # A clause from the library fills both texts of a bilingual agreement.
                clause = by_id[clause_id]
                text = clause.text(form.language.data)
                if text not in lines:
                    if bilingual:
                        english += [""] * (len(lines) - len(english)) + [clause.text_en]
                    lines.append(text)
            commitments += [(party_id, line, english[i] if i < len(english) else "")
                            for i, line in enumerate(lines)]
        try:
            operations.save_draft(
                current_user, agreement, form.version.data, language=form.language.data,
                meeting_date=form.meeting_date.data, meeting_place=form.meeting_place.data,
                account=form.account.data, follow_up_weeks=form.follow_up_weeks.data,
                commitments=commitments,
                account_en=form.account_en.data)
        except EditConflict as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            return render_template("agreements/edit.html", case=case, agreement=agreement,
                                   form=form, clauses=clauses,
                                   **editor_context(case, agreement)), 409
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("Draft saved. Check the preview, then prepare the signing copy."),
                  "success")
            return redirect(url_for("agreements.edit", reference=reference) + "#preview")
    return render_template("agreements/edit.html", case=case, agreement=agreement, form=form,
                           clauses=clauses, **editor_context(case, agreement))


def show_missing_english(form, agreement):
    """Next to each English field, what a bilingual draft still lacks in English: the
    signing copy cannot be prepared until it is written."""
    for key, numbers in operations.missing_english(agreement).items():
        if key == "account":
            field, message = form.account_en, _(
                "Write the English of the account: the signing copy cannot be prepared "
                "without it.")
        else:
            field = form[f"commitments_en_{key or 'joint'}"]
            message = ngettext(
                "Missing in English: commitment %(numbers)s. The signing copy cannot be "
                "prepared without it.",
                "Missing in English: commitments %(numbers)s. The signing copy cannot be "
                "prepared without them.", len(numbers),
                numbers=", ".join(str(n) for n in numbers))
        field.errors = list(field.errors) + [message]


def editor_context(case, agreement):
    """The preview, the words that take sides, the parties' languages."""
    data = document_data(agreement)
    texts = [agreement.account, agreement.account_en] + [
        text for c in agreement.commitments for text in (c.text, c.text_en)]
    return {**preview_context(data),
            "partial_words": agreement_document.partial_words(*texts),
            "parties_language": operations.parties_language(case.parties),
            "party_languages": [str(LANGUAGE_LABELS.get(code, code)) for code in
                                sorted({p.language for p in case.parties})]}


def docx_response(body, case, agreement):
    filename = f"protocole-{case.reference}-v{agreement.number}.docx"
    return Response(body, mimetype=DOCX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/cases/<reference>/agreement.docx")
def download(reference):
    # A signed copy needs the case only for the permission and the file's name; a draft,
    # built now, reads the parties and the rest as it goes.
    case = get_case_or_404(reference, "read")
    agreement = operations.current_agreement(
        case, defer(Agreement.signing_copy), defer(Agreement.snapshot))
    if agreement is None:
        abort(404)
    return version_response(case, agreement)


@bp.route("/cases/<reference>/agreement/v<int:number>.docx")
def download_version(reference, number):
    case = get_case_or_404(reference, "read")
    agreement = db.session.execute(select(Agreement).where(
        Agreement.case_id == case.id, Agreement.number == number).options(
        defer(Agreement.signing_copy), defer(Agreement.snapshot))).scalar_one_or_none()
    if agreement is None:
        abort(404)
    return version_response(case, agreement)


def version_response(case, agreement):
    """A signed version downloads byte for byte as it was signed; a draft is built now."""
    body = agreement.document if agreement.status != "draft" else build_document(agreement)
    return docx_response(body, case, agreement)


def draft_or_back(case, reference):
    agreement = operations.current_agreement(case)
    if agreement is None or agreement.status != "draft":
        flash(_("There is no draft agreement to sign."), "warning")
        return None, redirect(url_for("casefile.show", reference=reference))
    return agreement, None


@bp.route("/cases/<reference>/agreement/prepare", methods=["GET", "POST"])
def prepare(reference):
    """Prepare the signing copy: place, date, follow-up date; every signatory."""
    case = get_case_or_404(reference, "change", options=CASE_PAGE_OPTIONS)
    agreement, back = draft_or_back(case, reference)
    if back:
        return back
    if operations.missing_english(agreement):
        flash(_("The English text is not complete: write it in the editor, beside the "
                "French, before preparing the signing copy."), "warning")
        return redirect(url_for("agreements.edit", reference=reference))
    form = PrepareForm()
    if request.method == "GET":
        form.version.data = agreement.version
        form.signed_on.data = agreement.signed_on or today()
        form.signed_place.data = agreement.signed_place or current_app.config[
            "ORGANISATION_ADDRESS"].split(",")[-1].strip().lstrip("0123456789 ")
        form.follow_up_on.data = agreement.follow_up_on or \
            operations.default_follow_up_date(agreement, form.signed_on.data)
    if form.validate_on_submit():
        try:
            operations.prepare_signing_copy(
                current_user, agreement, form.version.data, signed_on=form.signed_on.data,
                signed_place=form.signed_place.data, follow_up_on=form.follow_up_on.data,
                build=build_signing_copy)
        except EditConflict as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("Signing copy prepared: download it, print it and have it signed."),
                  "success")
            return redirect(url_for("agreements.sign", reference=reference))
    data = document_data(agreement, signing=True)
    return render_template("agreements/prepare.html", case=case, agreement=agreement,
                           form=form, signatories=data.signatories,
                           lacking=lacking(case.parties))


@bp.route("/cases/<reference>/agreement/signing-copy.docx")
def signing_copy(reference):
    """The signing copy, byte for byte as prepared: what is printed is what is kept."""
    case = get_case_or_404(reference, "read", options=CASE_PAGE_OPTIONS)
    agreement = operations.current_agreement(case)
    if agreement is None or agreement.signing_copy is None:
        flash(_("Prepare the signing copy first."), "info")
        return redirect(url_for("agreements.edit", reference=reference))
    filename = f"protocole-{case.reference}-v{agreement.number}-a-signer.docx"
    return Response(agreement.signing_copy, mimetype=DOCX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/cases/<reference>/agreement/sign", methods=["GET", "POST"])
def sign(reference):
    case = get_case_or_404(reference, "change", options=CASE_PAGE_OPTIONS)
    agreement, back = draft_or_back(case, reference)
    if back:
        return back
    if agreement.signing_copy is None:
        flash(_("Prepare the signing copy first: it is the document that is printed, signed "
                "and kept."), "info")
        return redirect(url_for("agreements.prepare", reference=reference))
    form = SignForm()
    if request.method == "GET":
        form.version.data = agreement.version
        form.sha256.data = agreement.signing_sha256
    stale = signing_snapshot(agreement) != agreement.snapshot
    if form.validate_on_submit():
        try:
            operations.sign(current_user, agreement, form.version.data,
                            sha256=form.sha256.data, current=signing_snapshot,
                            consent_override=form.consent_override.data
                            if can(current_user, "override_consent", case) else "")
        except EditConflict as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("Agreement signed and frozen. Attach the scanned copy when you have it."),
                  "success")
            return redirect(url_for("agreements.edit", reference=reference))
    return render_template("agreements/sign.html", case=case, agreement=agreement, form=form,
                           lacking=lacking(case.parties), stale=stale,
                           **preview_context(agreement_document.from_json(agreement.snapshot)))


def show_page(case, agreement, scan_form):
    """The page of a signed version (or of a draft, to those who may not change it), with
    the scans of every version and the form to attach one."""
    versions = operations.all_versions(case)
    return render_template("agreements/show.html", case=case, agreement=agreement,
                           versions=versions, scan_form=scan_form,
                           scans=scans.scans_by_version(versions),
                           may_change=can(current_user, "change", case),
                           **preview_context(shown(agreement)))


def _version_or_404(case, number):
    agreement = db.session.execute(select(Agreement).where(
        Agreement.case_id == case.id, Agreement.number == number)).scalar_one_or_none()
    if agreement is None:
        abort(404)
    return agreement


def scan_response(case, agreement, scan):
    if scan is None or scan.data is None:
        abort(404)
    filename = (f"protocole-signe-{case.reference}-v{agreement.number}-{scan.number}."
                f"{scans.EXTENSIONS[scan.content_type]}")
    return Response(scan.data, mimetype=scan.content_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/cases/<reference>/agreement/v<int:number>/scan", methods=["GET", "POST"])
def scan(reference, number):
    """GET: the version's current scan. POST: attach a scan (a replacement says why)."""
    case = get_case_or_404(reference, "read" if request.method == "GET" else "change",
                           options=CASE_PAGE_OPTIONS)
    agreement = _version_or_404(case, number)
    if request.method == "GET":
        return scan_response(case, agreement, scans.current_scan(agreement))
    form = ScanForm()
    if form.validate_on_submit():
        upload = form.scan.data
        data = upload.read(scans.SCAN_MAX_BYTES + 1) if upload else b""
        try:
            scans.attach_scan(current_user, agreement, data, form.reason.data)
        except EditConflict:
            db.session.rollback()
            flash(_("Someone else saved this agreement at the same moment: check the page, "
                    "then send the file again."), "warning")
        except OperationError as error:
            db.session.rollback()
            error.show_on(form)
            return show_page(case, agreement, form)
        else:
            flash(_("Scanned copy attached."), "success")
            return redirect(url_for("agreements.edit", reference=reference) + "#scans")
    elif form.errors:
        return show_page(case, agreement, form)
    return redirect(url_for("agreements.edit", reference=reference) + "#scans")


@bp.route("/cases/<reference>/agreement/v<int:number>/scans/<int:scan_id>")
def scan_file(reference, number, scan_id):
    """Any stored scan of a version, the current one or one it replaced."""
    case = get_case_or_404(reference, "read", options=CASE_PAGE_OPTIONS)
    agreement = _version_or_404(case, number)
    scan = db.session.get(AgreementScan, scan_id)
    if scan is None or scan.agreement_id != agreement.id:
        abort(404)
    return scan_response(case, agreement, scan)


@bp.route("/cases/<reference>/follow-up", methods=["GET", "POST"])
def follow_up(reference):
    case = get_case_or_404(reference, "change", options=CASE_PAGE_OPTIONS)
    check = operations.due_follow_up(case)
    if check is None:
        flash(_("No follow-up check is pending on this case."), "info")
        return redirect(url_for("casefile.show", reference=reference))
    commitments = check.agreement.commitments
    form = follow_up_form(commitments, case.parties, active_partners(), referral_reasons())
    if form.validate_on_submit():
        results = {c.id: (form[f"result_{c.id}"].data, form[f"note_{c.id}"].data)
                   for c in commitments}
        try:
            operations.record_follow_up(
                current_user, check, results=results, note=form.note.data,
                decision=form.decision.data, reason=form.reason.data,
                next_check_on=form.next_check_on.data,
                closing=closing_record(form, case.parties))
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("Follow-up recorded."), "success")
            return redirect(url_for("casefile.show", reference=reference))
    names = {p.id: p.display_name for p in case.parties}
    return render_template("agreements/follow_up.html", case=case, check=check, form=form,
                           commitments=commitments, names=names)


# — The clause library ————————————————————————————————————————————————————————

def categories():
    return db.session.execute(select(ReferenceItem).where(ReferenceItem.kind == CATEGORY)
                              .order_by(ReferenceItem.position)).scalars().all()


@bp.route("/clauses/")
@requires("manage_clauses")
def clauses():
    rows = db.session.execute(select(ClauseTemplate).order_by(
        ClauseTemplate.category_id, ClauseTemplate.joint, ClauseTemplate.position,
        ClauseTemplate.id)).scalars().all()
    grouped = {}
    for clause in rows:
        grouped.setdefault(clause.category, []).append(clause)
    return render_template("agreements/clauses.html", grouped=grouped)


@bp.route("/clauses/new", methods=["GET", "POST"])
@bp.route("/clauses/<int:clause_id>", methods=["GET", "POST"])
@requires("manage_clauses")
def edit_clause(clause_id=None):
    clause = db.get_or_404(ClauseTemplate, clause_id) if clause_id is not None else None
    form = ClauseForm(obj=clause)
    form.category.choices = choices([(0, _("Every category"))] +
                                    [(c.id, c.label) for c in categories()])
    if request.method == "GET" and clause is not None:
        form.category.data = clause.category_id or 0
    if form.validate_on_submit():
        operations.save_clause(current_user, clause, category_id=form.category.data,
                               joint=form.joint.data, text_fr=form.text_fr.data,
                               text_en=form.text_en.data, position=form.position.data)
        flash(_("Clause saved."), "success")
        return redirect(url_for("agreements.clauses"))
    return render_template("agreements/clause_form.html", form=form, clause=clause)


@bp.route("/clauses/<int:clause_id>/active", methods=["POST"])
@requires("manage_clauses")
def set_clause_active(clause_id):
    clause = db.get_or_404(ClauseTemplate, clause_id)
    operations.set_clause_active(current_user, clause, request.form.get("active") == "1")
    flash(_("Clause saved."), "success")
    return redirect(url_for("agreements.clauses"))
