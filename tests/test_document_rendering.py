"""Every kind of document (tests/documents.py) builds from any text a user can type, opens,
keeps that text, and renders with LibreOffice to the pages it should fill.

Two organisations type in two casts: a realistic one (the gallery's), and a hostile one —
quotes « " ' », emoji with skin tones and ZWJ sequences, Arabic and Hebrew, names as long
as the forms take, control characters, 8 parties, 3 mediators, 40 commitments. Each
downloads every kind through the app. The build checks run everywhere (python-docx reads
the files back); the rendering checks need LibreOffice (``soffice``) and poppler
(``pdfinfo``, ``pdftotext``): skipped, with the reason, where they are missing. Every file
is converted in one ``soffice`` call (a second or two for all of them).
"""
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document

from casework.extensions import db
from tests.office import to_pdf

from .conftest import empty_all_tables, pop_leftover_contexts, reset_limiter
from .documents import (DOCX, HOSTILE, KINDS, REALISTIC, XLSX, Scene, file_text, missing,
                        missing_words)

CASTS = {"realistic": REALISTIC, "hostile": HOSTILE}
MIMETYPES = {"docx": DOCX, "xlsx": XLSX, "csv": "text/csv"}
# The hostile cast's long lists push documents to more pages; never this many more.
HOSTILE_EXTRA_PAGES = 4


@pytest.fixture(scope="module")
def produced(shared_app):
    """{cast: {kind name: Produced or the exception}}: each cast in an organisation of its
    own, emptied afterwards as after any test."""
    result = {}
    for name, cast in CASTS.items():
        scene, result[name] = Scene(shared_app, cast), {}
        try:
            for kind in KINDS:
                try:
                    result[name][kind.name] = kind.produce(scene)
                except Exception as error:  # shown by the kind's own test
                    result[name][kind.name] = error
        finally:
            pop_leftover_contexts()
            with shared_app.app_context():
                db.session.remove()
                empty_all_tables()
            reset_limiter(shared_app)
    return result


def got(produced, cast, kind):
    value = produced[cast][kind.name]
    if isinstance(value, Exception):
        raise value
    return value


def calc_installed(soffice) -> bool:
    program = os.path.dirname(os.path.realpath(soffice))
    return os.path.exists(os.path.join(program, "libsclo.so"))


@pytest.fixture(scope="module")
def rendered(produced, tmp_path_factory):
    """{(cast, kind name): (pages, text)} of every file LibreOffice converted to PDF."""
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed: documents not rendered "
                    "(apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)")
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils (pdfinfo, pdftotext) is not installed: rendered "
                    "documents not read")
    folder = tmp_path_factory.mktemp("rendered")
    files = []
    for cast in CASTS:
        for kind in KINDS:
            value = produced[cast][kind.name]
            if kind.renders and not isinstance(value, Exception):
                path = folder / f"{cast}-{kind.name}.{kind.extension}"
                path.write_bytes(value.body)
                files.append(str(path))
    to_pdf(files, folder / "pdf", check=False)
    result = {}
    for cast in CASTS:
        for kind in KINDS:
            pdf = folder / "pdf" / f"{cast}-{kind.name}.pdf"
            if pdf.exists():
                info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                      timeout=60).stdout
                pages = int(next(line.split()[-1] for line in info.splitlines()
                                 if line.startswith("Pages:")))
                text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                                      capture_output=True, text=True, timeout=60).stdout
                result[(cast, kind.name)] = (pages, text)
    result["calc"] = calc_installed(soffice)
    return result


def opens(extension, body):
    """The file opens as what it claims to be."""
    if extension == "docx":
        Document(io.BytesIO(body))
    elif extension == "xlsx":
        assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(body)).namelist()
    else:
        body.decode("utf-8-sig")


@pytest.mark.parametrize("cast", CASTS)
@pytest.mark.parametrize("kind", KINDS, ids=[kind.name for kind in KINDS])
def test_every_kind_builds_and_keeps_what_was_typed(produced, cast, kind):
    document = got(produced, cast, kind)
    assert document.mimetype == MIMETYPES[kind.extension]
    opens(kind.extension, document.body)
    assert document.texts, "a kind names the texts a reader must find"
    assert missing(document.texts, file_text(kind.extension, document.body)) == []


def rendering_cases():
    """(cast, kind) of every page document; a defect reported and not fixed yet is
    expected to fail (strictly: the fix makes it pass and drops the entry)."""
    for kind in KINDS:
        for cast in CASTS:
            if kind.renders:
                marks = [pytest.mark.xfail(strict=True, reason=kind.defects[cast])] \
                    if cast in kind.defects else []
                yield pytest.param(cast, kind, marks=marks, id=f"{kind.name}-{cast}")


@pytest.mark.parametrize("cast, kind", list(rendering_cases()))
def test_every_kind_renders_to_its_pages_without_losing_text(produced, rendered, cast, kind):
    document = got(produced, cast, kind)
    if (cast, kind.name) not in rendered and kind.extension == "xlsx" and \
            not rendered["calc"]:
        pytest.skip("LibreOffice Calc is not installed: spreadsheets not rendered "
                    "(apt-get install libreoffice-calc-nogui)")
    assert (cast, kind.name) in rendered, "LibreOffice could not convert it"
    pages, text = rendered[(cast, kind.name)]
    fewest, most = kind.pages
    if cast == "hostile":
        most += HOSTILE_EXTRA_PAGES
    assert fewest <= pages <= most
    # The realistic documents read as typed; the hostile ones, word for word (a PDF
    # reorders right-to-left runs and draws no emoji its fonts lack).
    if cast == "realistic":
        assert missing([t.replace("-", "") for t in document.texts],
                       text.replace("-", "")) == []
    assert missing_words(document.texts, text) == []


def test_the_checks_see_a_lost_text():
    assert missing(["Mme Sylvie Untel"], "Mme Sylvie\nUn-\ntel") == ["Mme Sylvie Untel"]
    assert missing(["« c’est fini »"], '"c\'est\nfini"') == []
    assert missing_words(["M. David כהן-לוי"], "M. David לוי-כהן") == []
    assert missing_words(["M. David כהן-לוי"], "M. David לוי") == ["כהן"]


GALLERY = Path(__file__).resolve().parent.parent / "docs" / "documents"


def test_the_gallery_shows_every_kind_and_stays_small():
    """docs/documents/ (made by docs/documents.py) has a page of every kind: a new kind
    comes with its pages, drawn again by the script."""
    index = (GALLERY / "README.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"`{kind.name}.{kind.extension}`" in index, f"run docs/documents.py ({kind.name})"
        if kind.renders:
            assert (GALLERY / f"{kind.name}-1.png").exists(), kind.name
    assert sum(path.stat().st_size for path in GALLERY.iterdir()) < 2_000_000


def test_right_to_left_text_is_isolated_in_documents():
    """Arabic or Hebrew typed in a field keeps its own direction and leaves the rest of
    the line in order: « قاعة الحي, 3 rue Genton », not « 3 ,قاعة الحي rue Genton »."""
    from casework.core.documents import word_safe
    assert word_safe("قاعة الحي") == "\u2068قاعة الحي\u2069"
    assert word_safe("Mme Aïcha Benali\nقاعة") == "Mme Aïcha Benali\n\u2068قاعة\u2069"
    assert word_safe("Salle Mermoz") == "Salle Mermoz"
    assert word_safe(word_safe("כהן")) == "\u2068כהן\u2069"
