"""Every user-visible text has its French translation."""
import os
import subprocess
import sys

from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRENCH = os.path.join(ROOT, "casework", "translations", "fr", "LC_MESSAGES", "messages.po")


def test_every_message_is_translated_into_french(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-c", "from babel.messages.frontend import main; main()",
                    "extract", "-F", "babel.cfg", "-k", "_l", "-k", "_lp:1c,2", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as handle:
        # With its context: "Status" of an account is not the "Status" of a case.
        wanted = {(message.id, message.context) for message in read_po(handle) if message.id}
    with open(FRENCH, "rb") as handle:
        catalogue = read_po(handle)
    missing = sorted(str(m) if context is None else f"{context}|{m}"
                     for m, context in wanted
                     if not catalogue.get(m, context) or not catalogue.get(m, context).string
                     or catalogue.get(m, context).fuzzy)
    assert missing == [], "untranslated (run make extract-messages):\n" + "\n".join(
        map(str, missing))
