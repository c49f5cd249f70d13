"""Round tables as iCalendar: one event per session, or a user's whole feed.

Pure: data in, bytes out. The events carry no resident's name: only the case reference
and the place, so that a phone's calendar leaks nothing about the parties."""
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from ..core.clock import utcnow

PRODID = "-//Casework//Round tables//FR"


@dataclass
class Session:
    uid: str
    reference: str
    starts_at: datetime  # aware
    ends_at: datetime
    place: str
    status: str  # scheduled, held, postponed, cancelled
    url: str = ""
    sequence: int = 0  # raised at each change of date, place, mediators or status


# RFC 5545, 3.8.1.11: a cancelled session is CANCELLED, so that calendars strike it out; a
# postponed one, waiting for its new date, is TENTATIVE.
STATUSES = {"cancelled": "CANCELLED", "postponed": "TENTATIVE"}


def _title(session, language):
    title = (f"Table ronde — dossier {session.reference}" if language == "fr"
             else f"Round table — case {session.reference}")
    if session.status in ("cancelled", "postponed"):
        title += {("fr", "cancelled"): " (annulée)", ("fr", "postponed"): " (reportée)",
                  ("en", "cancelled"): " (cancelled)", ("en", "postponed"): " (postponed)"
                  }[("fr" if language == "fr" else "en", session.status)]
    return title


def calendar(sessions, *, zone="Europe/Paris", language="fr", name="Casework") -> bytes:
    tz = ZoneInfo(zone)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone)
    for session in sessions:
        event = Event()
        event.add("uid", session.uid)
        event.add("sequence", session.sequence)
        event.add("dtstamp", utcnow().replace(microsecond=0))
        event.add("dtstart", session.starts_at.astimezone(tz))
        event.add("dtend", session.ends_at.astimezone(tz))
        event.add("summary", _title(session, language))
        event.add("location", session.place)
        event.add("status", STATUSES.get(session.status, "CONFIRMED"))
        if session.url:
            event.add("url", session.url)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
