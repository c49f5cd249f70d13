"""The gallery of documents (docs/documents/): every kind Casework hands out, built through
the app from a realistic organisation (tests/documents.py: REALISTIC), rendered with
LibreOffice, its pages as small PNG images, and an index (docs/documents/README.md).

    .venv/bin/python docs/documents.py

Needs LibreOffice (``soffice``; Calc too for the spreadsheet) and poppler-utils
(``pdftoppm``): ``apt-get install libreoffice-writer-nogui libreoffice-calc-nogui
poppler-utils``. The clock is the tests' (Tuesday 10 March 2026): the same code gives the
same pages. Run it after changing a document, look at the pages, and commit them.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402  (installed with matplotlib)

from casework.extensions import db  # noqa: E402
from tests.conftest import build_app  # noqa: E402  (freezes the clock, as in the tests)
from tests.documents import KINDS, REALISTIC, Scene  # noqa: E402

OUT = ROOT / "docs" / "documents"
HEIGHT = 1100  # pixels of a page's height: text still readable, the folder small
MOST_PAGES = 4  # of one document (a spreadsheet prints dozens: its first page only)
SHOWN_WIDTH = 280  # pixels of a page in the index (a click shows it whole)
COLOURS = 32
LANGUAGES = {"fr": "French", "en": "English", "ar": "Arabic"}


def build(work: Path) -> dict:
    """{kind name: Produced}, in an organisation of its own on a SQLite file."""
    app = build_app("sqlite:///" + str(work / "gallery.sqlite"))
    with app.app_context():
        db.create_all()
    scene = Scene(app, REALISTIC)
    return {kind.name: kind.produce(scene) for kind in KINDS}


def render(work: Path, produced: dict) -> dict:
    """{kind name: [page PNG names]}: every file to PDF in one soffice call, then pages."""
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not (soffice and pdftoppm):
        sys.exit("LibreOffice (soffice) and poppler-utils (pdftoppm) are needed: "
                 "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui "
                 "poppler-utils")
    files = []
    for kind in KINDS:
        if kind.renders:
            path = work / f"{kind.name}.{kind.extension}"
            path.write_bytes(produced[kind.name].body)
            files.append(str(path))
    subprocess.run([soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(work / "pdf"),
                    *files], check=True, capture_output=True, timeout=600)
    for old in OUT.glob("*.png"):
        old.unlink()
    pages = {}
    for kind in KINDS:
        pdf = work / "pdf" / f"{kind.name}.pdf"
        if not kind.renders:
            continue
        if not pdf.exists():
            print(f"!! {kind.name}: LibreOffice could not convert it", file=sys.stderr)
            continue
        last = 1 if kind.extension == "xlsx" else MOST_PAGES
        subprocess.run([pdftoppm, "-png", "-l", str(last), "-scale-to-y", str(HEIGHT),
                        "-scale-to-x", "-1", str(pdf), str(work / kind.name)], check=True,
                       timeout=120)
        pages[kind.name] = []
        for page in sorted(work.glob(f"{kind.name}-*.png")):
            name = f"{kind.name}-{int(page.stem.rsplit('-', 1)[1])}.png"
            small = Image.open(page).convert("RGB").quantize(COLOURS, dither=Image.NONE)
            small.save(OUT / name, optimize=True)
            pages[kind.name].append(name)
    return pages


def total_pages(work: Path, kind) -> int:
    info = subprocess.run(["pdfinfo", str(work / "pdf" / f"{kind.name}.pdf")],
                          capture_output=True, text=True).stdout
    return int(next((line.split()[-1] for line in info.splitlines()
                     if line.startswith("Pages:")), "0"))


def plural(count, word):
    return f"{count} {word}" + ("s" if count > 1 else "")


def index(work: Path, produced: dict, pages: dict) -> str:
    lines = ["# The documents Casework hands out", "",
             "Every kind of document, as a user downloads it from the demo-like organisation "
             "of `tests/documents.py` (made-up residents: Untel, Tartempion, Quidam, Lambda, "
             "Yılmaz, Benali; a made-up referrer, Claire Martin), "
             "rendered with LibreOffice. Made by `.venv/bin/python docs/documents.py`; the "
             "tests render the same kinds, and a hostile cast too "
             "(`tests/test_document_rendering.py`).", ""]
    for kind in KINDS:
        language = LANGUAGES.get(kind.language, kind.language)
        lines += [f"## {kind.label} — {language}", ""]
        if kind.name in pages:
            count = total_pages(work, kind)
            shown = len(pages[kind.name])
            about = f"`{kind.name}.{kind.extension}`, " + plural(count, "page")
            if shown < count:
                about += " (the first shown)" if shown == 1 else f" (the first {shown} shown)"
            lines += [about + ".", ""]
            lines += [" ".join(f'<a href="{name}"><img src="{name}" width="{SHOWN_WIDTH}" '
                               f'alt="{kind.label}, page {n}"></a>'
                               for n, name in enumerate(pages[kind.name], 1)), ""]
        elif not kind.renders:
            text = produced[kind.name].body.decode("utf-8-sig").strip()
            lines += [f"`{kind.name}.{kind.extension}`, not a page document:", "",
                      "```", text, "```", ""]
        else:
            lines += ["Not rendered (LibreOffice could not convert it).", ""]
    return "\n".join(lines)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="casework-gallery-") as folder:
        work = Path(folder)
        produced = build(work)
        pages = render(work, produced)
        (OUT / "README.md").write_text(index(work, produced, pages), encoding="utf-8")
    size = sum(path.stat().st_size for path in OUT.iterdir())
    print(f"{sum(len(p) for p in pages.values())} pages in {OUT.relative_to(ROOT)} "
          f"({size / 1024:.0f} KiB)")


if __name__ == "__main__":
    os.environ.setdefault("CASEWORK_SECRET_KEY", "gallery")
    main()
