"""Lists of cases: all cases (filters, search, sort, pages) and the referrals to assign.
Each list makes the same number of queries whatever the number of rows it shows."""
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import MEDIATOR, Team, User, UserRole
from ..core.forms import id_or_none
from ..core.text import like_pattern, search_words
from ..extensions import db
from ..reference.models import CATEGORY, TERRITORY, ReferenceItem
from . import workflow
from .models import Case, PartnerReferral, case_categories, cases_search

PAGE_SIZE = 25
# A search counts its cases up to this: beyond, the list says "more than 1,000 cases"
# rather than count a million rows.
SEARCH_COUNT_CAP = 1000

SORTS = {
    "reference": (Case.year, Case.number),
    "received": (Case.received_on, Case.id),
    "status": (Case.status, Case.id),
    "urgency": (Case.urgency, Case.id),
    "city": (Case.city, Case.street, Case.id),
    "team": (Team.name, Case.id),
    "mediator": (User.full_name, Case.id),
}
LIST_OPTIONS = (joinedload(Case.team), joinedload(Case.lead_mediator),
                joinedload(Case.co_mediator), selectinload(Case.parties),
                selectinload(Case.categories))


@dataclass
class Page:
    cases: list
    total: int
    number: int
    pages: int
    capped: bool = False  # more than ``total`` cases match: they were not all counted


def readable(team_ids, mediator_id=None):
    """The condition on Case of what a user may read, as permissions.case_scope gives it:
    the cases of ``team_ids`` — only those ``mediator_id`` works on (lead or co-mediator)
    when the organisation has mediators read their own cases only."""
    condition = Case.team_id.in_(team_ids)
    if mediator_id is not None:
        condition = and_(condition, or_(Case.lead_mediator_id == mediator_id,
                                        Case.co_mediator_id == mediator_id))
    return condition


# Search terms (residents' names, addresses) never travel in a URL, where web-server
# logs, browser history and Referer headers would keep them: the search form is posted,
# the terms kept in the user's session under an opaque key, and the list's URL carries
# only that key (?s=…) — so pages, sorting and the back button keep working.
SEARCHES = "case_searches"
SEARCHES_KEPT = 10
SEARCH_MAX = 100
_SEARCH_KEY = re.compile(r"[A-Za-z0-9_-]{1,16}")


def remember_search(store, terms: str):
    """Keep ``terms`` in ``store`` (the session) and return their key, or None for no
    terms. The same terms keep their key; the oldest are forgotten past SEARCHES_KEPT."""
    terms = (terms or "").strip()[:SEARCH_MAX]
    if not terms:
        return None
    kept = dict(store.get(SEARCHES) or {})
    key = next((k for k, v in kept.items() if v == terms), None)
    if key is None:
        key = secrets.token_urlsafe(6)
        kept[key] = terms
        while len(kept) > SEARCHES_KEPT:
            kept.pop(next(iter(kept)))
        store[SEARCHES] = kept
    return key


def recalled_search(store, key):
    """The terms kept under ``key``; None when the key names nothing (another browser, an
    expired session, a made-up key)."""
    if not isinstance(key, str) or not _SEARCH_KEY.fullmatch(key):
        return None
    return (store.get(SEARCHES) or {}).get(key)


def _date(value):
    try:
        return datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None


class CaseQuery:
    """The list's filters, read from the query string (bad values are ignored); the
    search terms from ``searches`` (the session), by the key ``s`` of the query string."""

    def __init__(self, args, searches=None):
        self.status = args.get("status") if args.get("status") in workflow.STATUSES + (
            "open",) else None
        self.team = id_or_none(args.get("team"))
        self.mediator = id_or_none(args.get("mediator"))
        self.category = id_or_none(args.get("category"))
        self.territory = id_or_none(args.get("territory"))
        self.date_from = _date(args.get("from"))
        self.date_to = _date(args.get("to"))
        self.search_key = args.get("s") or None
        found = recalled_search(searches or {}, self.search_key)
        self.search_lost = self.search_key is not None and found is None
        if found is None:
            self.search_key = None
        self.q = found or ""
        self.sort = args.get("sort") if args.get("sort") in SORTS else "received"
        self.direction = "asc" if args.get("dir") == "asc" else "desc"
        self.page = id_or_none(args.get("page")) or 1

    def statement(self, team_ids, mediator_id=None):
        query = select(Case).where(readable(team_ids, mediator_id))
        if self.status == "open":
            query = query.where(Case.status != workflow.CLOSED)
        elif self.status:
            query = query.where(Case.status == self.status)
        if self.team:
            query = query.where(Case.team_id == self.team)
        if self.mediator:
            query = query.where(or_(Case.lead_mediator_id == self.mediator,
                                    Case.co_mediator_id == self.mediator))
        if self.category:
            query = query.where(Case.id.in_(select(case_categories.c.case_id).where(
                case_categories.c.category_id == self.category)))
        if self.territory:
            query = query.where(Case.territory_id == self.territory)
        if self.date_from:
            query = query.where(Case.received_on >= self.date_from)
        if self.date_to:
            query = query.where(Case.received_on <= self.date_to)
        if self.q:
            query = query.where(matching(self.q))
        return query

    def args(self, **changes):
        """The query string of this list, with ``changes`` (for sort links and pages)."""
        values = {"status": self.status, "team": self.team, "mediator": self.mediator,
                  "category": self.category, "territory": self.territory,
                  "from": self.date_from.isoformat() if self.date_from else None,
                  "to": self.date_to.isoformat() if self.date_to else None,
                  "s": self.search_key, "sort": self.sort, "dir": self.direction,
                  "page": self.page}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "", 1) or k == "sort"}


# A word shorter than a trigram is looked for at the start of a word: found inside words,
# one or two letters would match nearly every case (and no trigram index could help).
SHORT_WORD = 3


def word_pattern(word: str) -> str:
    """The LIKE pattern of a typed word in the search text: anywhere in a word, or at the
    start of one (after a space: the text starts with the reference) for a short word."""
    pattern = like_pattern(word)
    return pattern if len(word) >= SHORT_WORD else "% " + pattern[1:]


def matching(terms: str):
    """The condition on Case of a search: every word typed is in the case's search text
    (parties' names, addresses, reference), in any order, anywhere in a word (a word of
    one or two characters: at the start of one); accents, case and punctuation ignored,
    % and _ taken literally. Typed words of punctuation alone match nothing.

    Served by an index: on PostgreSQL the trigram index answers each LIKE (a word start
    too: " ab" is a trigram); on SQLite the FTS5 table cases_search answers every word
    of two characters or more as a phrase of trigrams (a substring), a one-letter word
    by LIKE among the cases the others found."""
    words = search_words(terms)
    if not words:
        return false()
    if db.session.get_bind().dialect.name != "sqlite":
        return and_(*[Case.search_text.like(word_pattern(word), escape="\\")
                      for word in words])
    conditions = [Case.search_text.like(word_pattern(word), escape="\\")
                  for word in words if len(word) == 1]
    # Each word a quoted phrase (the words hold letters, digits, _ and spaces only: no
    # FTS5 syntax); a short one with the space before it.
    phrases = " AND ".join(f'"{word}"' if len(word) >= SHORT_WORD else f'" {word}"'
                           for word in words if len(word) > 1)
    if phrases:
        conditions.append(Case.id.in_(select(cases_search.c.rowid).where(
            cases_search.c.search_text.match(phrases))))
    return and_(*conditions)


def _pages(total):
    return max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)


def case_page(filters, team_ids, mediator_id=None) -> Page:
    """The page of the list that ``filters`` ask for, within the teams ``team_ids`` (and
    the cases of ``mediator_id`` alone, if given: see readable)."""
    base = filters.statement(team_ids, mediator_id)
    counted = base
    if filters.q:
        # A search counts no further than the cap: "more than 1,000" is all one reads.
        counted = base.with_only_columns(Case.id).limit(SEARCH_COUNT_CAP + 1)
    total = db.session.execute(select(func.count()).select_from(counted.subquery())
                               ).scalar_one()
    capped = bool(filters.q) and total > SEARCH_COUNT_CAP
    if capped:
        total = SEARCH_COUNT_CAP
    pages = _pages(total)
    number = min(filters.page, pages)
    return Page(page_of(filters, base, number), total, number, pages, capped)


def page_of(filters, base, page):
    """One page of the list, sorted, with what each row shows loaded in constant queries.

    Two steps: the page's ids, sorted, from the indexes alone; then those rows. Sorting
    100,000 whole rows to keep 25 would be the slow way."""
    columns = SORTS[filters.sort]
    ordered = base
    if filters.sort == "team":
        ordered = ordered.join(Team, Team.id == Case.team_id)
    elif filters.sort == "mediator":
        ordered = ordered.outerjoin(User, User.id == Case.lead_mediator_id)
    ordering = [c.asc() if filters.direction == "asc" else c.desc() for c in columns]
    ids = db.session.execute(
        ordered.with_only_columns(Case.id).order_by(*ordering)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars().all()
    if not ids:
        return []
    rows = db.session.execute(select(Case).where(Case.id.in_(ids)).options(*LIST_OPTIONS)
                              ).scalars().unique().all()
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids]


def page_window(page, pages, around=2):
    """The page numbers a pager shows: the first, the last, and those around ``page``
    (not a loop over thousands of pages)."""
    near = range(max(page - around, 1), min(page + around, pages) + 1)
    return sorted({1, pages, *near})


def filter_options(user, team_ids):
    teams = [t for t in user.teams if t.id in team_ids]
    mediators = db.session.execute(
        select(User).join(User.teams).join(UserRole, UserRole.user_id == User.id)
        .where(Team.id.in_(team_ids), UserRole.role == MEDIATOR)
        .order_by(User.full_name)).scalars().unique().all()
    items = db.session.execute(
        select(ReferenceItem).where(ReferenceItem.kind.in_((CATEGORY, TERRITORY)))
        .order_by(ReferenceItem.position, ReferenceItem.label_fr)).scalars().all()
    return {
        "teams": teams,
        "mediators": mediators,
        "categories": [i for i in items if i.kind == CATEGORY],
        "territories": [i for i in items if i.kind == TERRITORY],
    }


def waiting_page(team_ids, number) -> Page:
    """Referrals of these teams waiting for a mediator, oldest first."""
    waiting = select(Case).where(Case.status == workflow.REFERRAL, Case.team_id.in_(team_ids))
    total = db.session.execute(select(func.count()).select_from(waiting.subquery())
                               ).scalar_one()
    pages = _pages(total)
    number = min(max(number, 1), pages)
    cases = db.session.execute(
        waiting.order_by(Case.received_on, Case.id).options(*LIST_OPTIONS)
        .limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)).scalars().unique().all()
    return Page(cases, total, number, pages)


def referrals_to_check_page(team_ids, number, mediator_id=None) -> Page:
    """Referrals to partners of these teams whose take-up is not known yet, oldest first:
    (referral, its case's reference or None for a field activity's), in two queries.
    Given ``mediator_id`` (see readable), a case's referrals only if they work on it."""
    condition = and_(PartnerReferral.taken_up == "unknown",
                     PartnerReferral.team_id.in_(team_ids))
    if mediator_id is not None:
        condition = and_(condition, or_(
            PartnerReferral.case_id.is_(None),
            PartnerReferral.case_id.in_(select(Case.id).where(readable(team_ids,
                                                                       mediator_id)))))
    waiting = select(PartnerReferral).where(condition)
    total = db.session.execute(select(func.count()).select_from(waiting.subquery())
                               ).scalar_one()
    pages = _pages(total)
    number = min(max(number, 1), pages)
    rows = db.session.execute(
        select(PartnerReferral, Case.reference)
        .outerjoin(Case, Case.id == PartnerReferral.case_id)
        .where(condition)
        .options(joinedload(PartnerReferral.partner), joinedload(PartnerReferral.reason_item),
                 joinedload(PartnerReferral.team), joinedload(PartnerReferral.made_by))
        .order_by(PartnerReferral.referred_on, PartnerReferral.id)
        .limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)).all()
    return Page(rows, total, number, pages)
