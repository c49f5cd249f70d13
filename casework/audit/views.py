"""The access log's pages: the whole log for the privacy officer (filters, a page at a time,
a streamed CSV), and one case's access history for its managers."""
import csv
import io

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_babel import gettext as _

from ..cases.access import get_case_or_404
from ..core.clock import to_local
from ..core.text import spreadsheet_cell
from ..permissions import requires
from ..web.i18n import current_language
from ..web.labels import ACCESS_ACTION_LABELS, ACCESS_OBJECT_LABELS, ACCESS_TARGET_LABELS
from . import lists
from .models import ACTIONS, AccessEntry

bp = Blueprint("audit", __name__)


def target_words(target: str) -> str:
    """"table 4, party 7" in the reader's words ("table ronde 4, partie 7")."""
    words = []
    for part in target.split(", "):
        kind, _space, rest = part.partition(" ")
        label = ACCESS_TARGET_LABELS.get(kind)
        words.append(f"{label} {rest}" if label is not None and rest else part)
    return ", ".join(words)


@bp.app_template_filter("access_target")
def access_target_filter(target):
    return target_words(target or "")


@bp.route("/privacy/log")
@requires("read_access_log")
def log():
    query = lists.LogQuery(request.args)
    return render_template("audit/log.html", query=query, actions=ACTIONS,
                           page=lists.page(query.conditions(), query.before))


def _rows(conditions, delimiter, header, actions, objects):
    """The export's lines, a batch of entries at a time: a CSV a spreadsheet opens. The
    query runs as the body streams (after the log's own entry is written); the words are
    translated before, while the request still knows its reader."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    out.write("\ufeff")  # spreadsheets then read the file as UTF-8
    writer.writerow(header)
    for number, entry in enumerate(lists.every(conditions), 1):
        writer.writerow([
            entry.id, to_local(entry.at).isoformat(timespec="seconds"),
            spreadsheet_cell(entry.username), actions.get(entry.action, entry.action),
            objects.get(entry.object, entry.object), entry.case_reference,
            spreadsheet_cell(target_words(entry.target)), spreadsheet_cell(entry.detail), entry.address,
            entry.endpoint])
        if number % 500 == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


@bp.route("/privacy/log.csv")
@requires("read_access_log")
def log_csv():
    query = lists.LogQuery(request.args)
    header = [_("Entry"), _("Date and time"), _("User"), _("Action"), _("Object"),
              _("Case"), _("Which"), _("Detail"), _("Address"), _("Route")]
    rows = _rows(query.conditions(), ";" if current_language() == "fr" else ",", header,
                 {k: str(v) for k, v in ACCESS_ACTION_LABELS.items()},
                 {k: str(v) for k, v in ACCESS_OBJECT_LABELS.items()})
    return Response(stream_with_context(rows), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="access-log.csv"'})


@bp.route("/cases/<reference>/access-history")
def case_history(reference):
    """Who read and changed this case, newest first (its managers)."""
    case = get_case_or_404(reference, "read_access_history")
    before = request.args.get("before", type=int)
    page = lists.page([AccessEntry.case_id == case.id], before)
    return render_template("audit/case_history.html", case=case, page=page)
