#!/usr/bin/env bash
# Debian's Chromium for the browser tests, installed when missing and when this machine
# lets us (root and apt-get). Otherwise the browser tests are skipped, with the reason.
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Chromium for the browser tests (apt-get install chromium)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
        >/dev/null) || echo "!! Chromium could not be installed: browser tests will be skipped"
else
    echo "!! Chromium is missing (apt-get install chromium as root): browser tests will be skipped"
fi
exit 0
