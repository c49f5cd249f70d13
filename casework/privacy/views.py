"""The privacy pages: the privacy officer's home (retention periods, the command, links),
anonymising a closed case by reference, a person's data (find, export, erase); and the
manager's "Anonymise…" of one closed case of their team, from its page.

The privacy officer reads no case: they name a case by its reference, and see of a person
only the rows that are that person. Search terms are posted, never in a URL (web servers
log URLs)."""
import json

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, url_for)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..audit import operations as audit
from ..cases.access import CASE_PAGE_OPTIONS, get_case_or_404
from ..core.clock import utcnow
from ..core.errors import OperationError
from ..permissions import can, requires
from ..web.i18n import current_language
from . import document, operations, people
from .forms import (AnonymiseByReferenceForm, AnonymiseForm, EraseForm, PeopleSearchForm,
                    SelectionForm)

# No url_prefix: the privacy officer's pages are under /privacy/, and the manager's
# anonymisation sits with the case's other pages, under /cases/<reference>/.
bp = Blueprint("privacy", __name__)

OFFICER_ACTIONS = ("run_retention", "answer_data_requests", "read_access_log")


@bp.route("/privacy/")
@login_required
def home():
    """What the privacy officer can do, and the retention periods in force."""
    if not any(can(current_user, action) for action in OFFICER_ACTIONS):
        abort(403)
    return render_template("privacy/home.html", settings=operations.retention_settings())


@bp.route("/privacy/anonymise", methods=["GET", "POST"])
@requires("run_retention")
def anonymise_by_reference():
    """Anonymise a closed case at once, named by its reference, without opening it."""
    form = AnonymiseByReferenceForm()
    if form.validate_on_submit():
        try:
            case = operations.anonymise_by_reference(
                form.reference.data, user=current_user, reason=form.reason.data,
                note=form.note.data)
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("Case %(reference)s is anonymised.", reference=case.reference),
                  "success")
            return redirect(url_for("privacy.home"))
    return render_template("privacy/anonymise_by_reference.html", form=form)


@bp.route("/cases/<reference>/anonymise", methods=["GET", "POST"])
def anonymise_case(reference):
    """A manager anonymises a closed case of their team at once, with a reason."""
    case = get_case_or_404(reference, "anonymise", options=CASE_PAGE_OPTIONS)
    form = AnonymiseForm()
    if form.validate_on_submit():
        try:
            operations.anonymise_case(case, user=current_user, reason=form.reason.data,
                                      note=form.note.data)
        except OperationError as error:
            error.show_on(form)
        else:
            flash(_("The case is anonymised."), "success")
            return redirect(url_for("casefile.show", reference=case.reference))
    return render_template("privacy/anonymise_case.html", form=form, case=case)


# — A person's own data ———————————————————————————————————————————————————————

@bp.route("/privacy/people", methods=["GET", "POST"])
@requires("answer_data_requests")
def people_search():
    """Find a person: the search is posted; the results are the rows to choose from."""
    form = PeopleSearchForm()
    results = None
    if form.validate_on_submit():
        results = people.search(**form.terms())
        audit.record("read", "subject_access_search", detail=f"{len(results)} rows")
    return render_template("privacy/people.html", form=form, results=results)


def _chosen_or_back(form):
    """The ticked rows, or None after a message (the view then goes back to the search)."""
    if not form.validate_on_submit():
        flash(_("Tick the rows that are this person."), "warning")
        return None
    chosen = people.chosen_parties(form.party.data)
    if not chosen:
        flash(_("Tick the rows that are this person."), "warning")
        return None
    return chosen


@bp.route("/privacy/people/export", methods=["POST"])
@requires("answer_data_requests")
def people_export():
    """Everything held on the ticked rows, as a Word document or a JSON file."""
    chosen = _chosen_or_back(SelectionForm())
    if chosen is None:
        return redirect(url_for("privacy.people_search"))
    kind = "json" if request.form.get("format") == "json" else "docx"
    records = people.gather(chosen)
    now = utcnow()
    stamp = now.strftime("%Y%m%d-%H%M")
    if kind == "json":
        body = json.dumps({"organisation": current_app.config["ORGANISATION_NAME"],
                           "generated_at": now.isoformat(), **people.as_json(records)},
                          ensure_ascii=False, indent=2).encode("utf-8")
        mimetype = "application/json"
    else:
        body = document.subject_access_docx(
            records, organisation=current_app.config["ORGANISATION_NAME"],
            generated_at=now, language=current_language())
        mimetype = ("application/vnd.openxmlformats-officedocument."
                    "wordprocessingml.document")
    audit.record("export", "subject_access",
                 target="parties " + ",".join(str(p.id) for p in chosen), detail=kind)
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="personal-data-{stamp}.{kind}"',
        "Cache-Control": "no-store"})


@bp.route("/privacy/people/erase", methods=["POST"])
@requires("answer_data_requests")
def people_erase():
    """Erasure at the person's request: first the ticked rows to confirm, with a reason;
    then the erasure, refused while one of their cases is open."""
    if request.form.get("step") != "confirm":
        chosen = _chosen_or_back(SelectionForm())
        if chosen is None:
            return redirect(url_for("privacy.people_search"))
        form = EraseForm(formdata=None, party=[p.id for p in chosen])
        return render_template("privacy/erase.html", form=form, chosen=chosen)
    form = EraseForm()
    chosen = people.chosen_parties(form.party.data or [])
    if form.validate_on_submit() and chosen:
        try:
            count = operations.erase_people(chosen, user=current_user,
                                            reason=form.reason.data, note=form.note.data)
        except OperationError as error:
            error.show_on(form)
        else:
            flash(ngettext("The person's data is erased from %(num)d row.",
                           "The person's data is erased from %(num)d rows.", count), "success")
            return redirect(url_for("privacy.people_search"))
    if not chosen:
        return redirect(url_for("privacy.people_search"))
    return render_template("privacy/erase.html", form=form, chosen=chosen)
