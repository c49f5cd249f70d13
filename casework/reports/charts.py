"""The dashboard's charts: pure functions from the dashboard's dataclasses to image bytes,
SVG for the pages (``fmt="svg"``) and PNG for the annual report (``fmt="png"``).

Drawn by matplotlib (``drawing.py``) in a process of its own, so that the app's workers
never load it; on its own Figure objects (no pyplot, no global figure state), with the
Agg renderer. Text is drawn as paths (SVG) or rasterised (PNG): no external font is
needed to read them. Colours from the Okabe–Ito palette, told apart by colour-blind
readers, each at least 3:1 against white; values are written on the bars, so nothing
rests on colour alone. Every chart has its data table beside it on the page.
"""
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from flask_babel import gettext as _

from .dashboard import Delay, InterventionLine, Outcomes, ReferralLine

BLUE, VERMILLION, GREEN, PURPLE = "#0072B2", "#D55E00", "#007A5E", "#A1527F"
INK, GRID = "#212529", "#DEE2E6"
FORMATS = ("svg", "png")


# Widths in inches: a chart as wide as the page, one in half of it, one for a phone.
WIDE, HALF, NARROW = 9.0, 6.0, 4.2


def interventions_by_month(lines: list[InterventionLine], fmt: str = "svg",
                           narrow: bool = False) -> bytes:
    """Stacked bars, one per month (or year): interventions in cases and in the field.
    ``narrow`` (a phone): the months down the side, the bars across."""
    labels = [line.label for line in lines]
    series = [(_("In cases"), [line.case for line in lines], BLUE),
              (_("In the field"), [line.field for line in lines], VERMILLION)]
    if narrow:
        return _bars(labels, series, fmt=fmt, stacked=True, width=NARROW,
                     xlabel=_("Interventions"))
    return _bars(labels, series, fmt=fmt, stacked=True, horizontal=False, width=WIDE,
                 ylabel=_("Interventions"))


def outcome_shares(outcomes: Outcomes, fmt: str = "svg", narrow: bool = False) -> bytes:
    """Horizontal bars: each closing outcome's share of the cases closed, in %."""
    lines = [line for line in outcomes.by_outcome if line.count]
    return _bars([line.label for line in lines],
                 [(_("Share of the cases closed"), [100 * (line.share or 0) for line in lines],
                   BLUE)], fmt=fmt, percent=True, width=NARROW if narrow else HALF,
                 xlabel=_("Share of the closed cases, in %"))


def delays(lines: list[Delay], fmt: str = "svg", narrow: bool = False) -> bytes:
    """Horizontal bars: median and 90th percentile of each delay, in days."""
    return _bars([line.label for line in lines],
                 [(_("Median"), [line.median or 0 for line in lines], BLUE),
                  (_("90th percentile"), [line.p90 or 0 for line in lines], VERMILLION)],
                 fmt=fmt, xlabel=_("Days"), width=NARROW if narrow else HALF)


def referrals_by_reason(lines: list[ReferralLine], fmt: str = "svg",
                        narrow: bool = False) -> bytes:
    """Horizontal bars: referrals to partners by reason."""
    return _bars([line.label for line in lines],
                 [(_("Referrals"), [line.count for line in lines], GREEN)], fmt=fmt,
                 width=NARROW if narrow else HALF)


def _bars(labels, series, *, fmt, stacked=False, horizontal=True, percent=False,
          xlabel="", ylabel="", width=HALF) -> bytes:
    """Bars for ``labels``, one group per ``(name, values, colour)`` of ``series``: the
    words and numbers are settled here, the drawing is done by ``drawing.bars`` in the
    chart process."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    labels = [_wrap(label, 22 if width <= NARROW else 30) for label in labels]
    series = [(str(name), list(values), colour) for name, values, colour in series]
    return draw("bars", labels, series, fmt=fmt, stacked=stacked, horizontal=horizontal,
                percent=percent, xlabel=str(xlabel), ylabel=str(ylabel), width=width)


# — The chart process ————————————————————————————————————————————————————————————————
# matplotlib and numpy weigh about 55 MB in a process. They are imported only in one
# child process per app process, started at the first chart and kept: an app server's
# workers stay light, whatever pages they serve.

_POOL = None
_POOL_PID = None
_POOL_LOCK = threading.Lock()
CHART_TIMEOUT = 120  # seconds


def _pool():
    global _POOL, _POOL_PID
    with _POOL_LOCK:
        if _POOL is None or _POOL_PID != os.getpid():  # none yet, or inherited by a fork
            _POOL = ProcessPoolExecutor(max_workers=1,
                                        mp_context=multiprocessing.get_context("spawn"))
            _POOL_PID = os.getpid()
        return _POOL


def _forget_pool(pool):
    global _POOL
    with _POOL_LOCK:
        if _POOL is pool:
            _POOL = None
    pool.shutdown(wait=False, cancel_futures=True)


def _in_chart_process(name, *args, **kwargs):
    """Runs in the chart process: the only place that imports the drawing module (and
    with it matplotlib), hence an import here rather than at the top."""
    from . import drawing

    return getattr(drawing, name)(*args, **kwargs)


def draw(name, *args, **kwargs) -> bytes:
    """``drawing.<name>(*args, **kwargs)`` in the chart process; started again once if
    it died (killed, out of memory)."""
    for attempt in (1, 2):
        pool = _pool()
        try:
            return pool.submit(_in_chart_process, name, *args, **kwargs).result(
                timeout=CHART_TIMEOUT)
        except BrokenProcessPool:
            _forget_pool(pool)
            if attempt == 2:
                raise


def _wrap(label: str, width: int) -> str:
    """A long label on two lines or more, at spaces."""
    import textwrap

    return "\n".join(textwrap.wrap(label, width)) or label
