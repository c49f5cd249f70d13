#!/usr/bin/env bash
# LibreOffice (Writer and Calc, without a desktop), poppler-utils and Carlito (the font
# metric-compatible with Calibri, which the documents use) for the document rendering tests
# (tests/test_document_rendering.py) and the gallery (docs/documents.py): installed when
# missing and when this machine lets us (root and apt-get). Otherwise those tests are
# skipped, with the reason. Never fails the build.
PACKAGES="libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-crosextra-carlito"
if command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 &&
        { ! command -v dpkg >/dev/null 2>&1 || dpkg -s $PACKAGES >/dev/null 2>&1; }; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing LibreOffice for the document tests (apt-get install $PACKAGES)"
    install() {
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PACKAGES >/dev/null 2>&1
    }
    # The package lists are often there already; on missing or stale ones, update and retry.
    install || { apt-get update -qq >/dev/null 2>&1 && install; } ||
        echo "!! LibreOffice could not be installed: documents will not be rendered"
else
    echo "!! LibreOffice is missing (apt-get install $PACKAGES as root):" \
         "documents will not be rendered"
fi
exit 0
