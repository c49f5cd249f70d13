"""Related cases: other cases at the same address or with the same people, each saying
why — repeat conflicts are common."""
from dataclasses import dataclass

from sqlalchemy import String, literal, select, union

from ..extensions import db
from .models import Case, Party

# What the case page shows of a related case.
RELATED_COLUMNS = (Case.reference, Case.status, Case.received_on, Case.street, Case.building,
                   Case.staircase, Case.floor, Case.postcode, Case.city)

# Why a case is related, strongest first: one of these people (same name at the same
# address), the same address, or only a person of the same name elsewhere (who may have
# moved, or may be somebody else: the mediator judges).
SAME_PERSON, SAME_ADDRESS, SAME_NAME = "same_person", "same_address", "same_name"


@dataclass
class RelatedCase:
    case: object  # a row of RELATED_COLUMNS (and the id): reference, status, address…
    reason: str
    names: list[str]  # this case's parties found there, for SAME_PERSON and SAME_NAME


def related_cases(case, team_ids, limit=20, mediator_id=None) -> list[RelatedCase]:
    """Other cases, in the teams ``team_ids`` (and, given ``mediator_id``, only those that
    mediator works on: see permissions.case_scope), at the same address or with one of the
    same people (name and address, accents and case ignored), newest first, each with why
    it is related: repeat conflicts.

    Two indexed steps: the matching ids with their keys, then those cases' rows."""
    names = {p.name_key for p in case.parties if p.name_key}
    addresses = ({case.address_key} | {p.address_key for p in case.parties}) - {"", None}
    if not team_ids or not (names or addresses):
        return []
    # Only the cases the user may read, in the lookups themselves: cut at 200 rows first,
    # the other teams' cases of a common name or a big block of flats (among a million
    # cases, thousands) would push the user's own out of the 200.
    readable = Case.team_id.in_(team_ids)
    if mediator_id is not None:
        readable = readable & ((Case.lead_mediator_id == mediator_id)
                               | (Case.co_mediator_id == mediator_id))
    parties = select(Party.case_id, Party.name_key, Party.address_key).join(
        Case, Case.id == Party.case_id).where(readable)
    lookups = []
    if addresses:
        lookups.append(select(Case.id, literal(None, String).label("name_key"),
                              Case.address_key).where(Case.address_key.in_(addresses),
                                                      readable))
        lookups.append(parties.where(Party.address_key.in_(addresses)))
    if names:
        lookups.append(parties.where(Party.name_key.in_(names)))
    # case id → (names found there, and of those at the same address: "" for the address
    # alone). At most 200 rows: enough for any real address or person.
    matches: dict[int, tuple[set, set]] = {}
    for case_id, name_key, address_key in db.session.execute(union(*lookups).limit(200)):
        found = matches.get(case_id)
        if found is None:
            found = matches[case_id] = (set(), set())
        named = name_key in names
        if named:
            found[0].add(name_key)
        if address_key in addresses:
            found[1].add(name_key if named else "")
    matches.pop(case.id, None)
    if not matches:
        return []
    # The visible ones, newest first, chosen from the found ids by primary key (left to
    # itself, a planner without statistics may walk the whole team instead), with what
    # the card shows of them: one query of plain rows, at most 200.
    found = db.session.execute(select(Case.id, Case.team_id, Case.lead_mediator_id,
                                      Case.co_mediator_id, *RELATED_COLUMNS)
                               .where(Case.id.in_(matches))).all()
    teams = set(team_ids)

    def visible(row):
        return row.team_id in teams and (
            mediator_id is None or mediator_id in (row.lead_mediator_id, row.co_mediator_id))

    newest = sorted((row for row in found if visible(row)),
                    key=lambda row: (row.received_on, row.id), reverse=True)[:limit]
    if not newest:
        return []
    shown = {p.name_key: p.display_name for p in case.parties}
    related = []
    for row in newest:
        found_names, found_address = matches[row.id]
        people = found_address - {""}
        if people:
            reason, keys = SAME_PERSON, people
        elif found_address:
            reason, keys = SAME_ADDRESS, set()
        else:
            reason, keys = SAME_NAME, found_names
        related.append(RelatedCase(row, reason, sorted(shown[k] for k in keys)))
    return related
