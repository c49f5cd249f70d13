"""The dashboard's charts: pure functions from the dashboard's dataclasses to image bytes,
SVG for the pages (``fmt="svg"``) and PNG for the annual report (``fmt="png"``).

Drawn by matplotlib on its own Figure objects (no pyplot, no global figure state), with
the Agg renderer. Text is drawn as paths (SVG) or rasterised (PNG): no external font is
needed to read them. Colours from the Okabe–Ito palette, told apart by colour-blind
readers, each at least 3:1 against white; values are written on the bars, so nothing
rests on colour alone. Every chart has its data table beside it on the page.
"""
import io
import threading

import matplotlib
from flask_babel import gettext as _
from matplotlib.figure import Figure

from .dashboard import Delay, InterventionLine, Outcomes, ReferralLine

BLUE, VERMILLION, GREEN, PURPLE = "#0072B2", "#D55E00", "#007A5E", "#A1527F"
INK, GRID = "#212529", "#DEE2E6"
FORMATS = ("svg", "png")
_RC = {"svg.fonttype": "path", "svg.hashsalt": "casework", "font.family": "DejaVu Sans",
       "font.size": 12, "axes.edgecolor": GRID, "axes.labelcolor": INK,
       "xtick.color": INK, "ytick.color": INK, "text.color": INK}
# rc_context touches matplotlib's process-wide settings: one chart at a time.
_LOCK = threading.Lock()


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
    """Bars for ``labels``, one group per ``(name, values, colour)`` of ``series``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    count = max(len(labels), 1)
    labels = [_wrap(label, 22 if width <= NARROW else 30) for label in labels]
    height = (0.5 * count * (1 if stacked else len(series)) + 1.4) if horizontal else 4.0
    with _LOCK, matplotlib.rc_context(_RC):
        figure = Figure(figsize=(width, max(height, 2.4)), layout="constrained")
        axes = figure.add_subplot()
        axes.spines[["top", "right"]].set_visible(False)
        positions = list(range(len(labels)))
        thickness = 0.8 if stacked else 0.8 / len(series)
        bottoms = [0.0] * len(labels)
        for index, (name, values, colour) in enumerate(series):
            offsets = positions if stacked else [
                p - 0.4 + thickness * (index + 0.5) for p in positions]
            if horizontal:
                bars = axes.barh(offsets, values, height=thickness, left=bottoms if stacked
                                 else None, label=name, color=colour)
            else:
                bars = axes.bar(offsets, values, width=thickness, bottom=bottoms if stacked
                                else None, label=name, color=colour)
            if not stacked:
                axes.bar_label(bars, labels=[_number(v, percent) for v in values],
                               padding=3, fontsize=11)
            bottoms = [b + v for b, v in zip(bottoms, values)]
        if stacked:
            totals = bottoms
            for position, total in zip(positions, totals):
                if horizontal:
                    axes.annotate(_number(total), (total, position), xytext=(3, 0),
                                  textcoords="offset points", va="center", fontsize=11)
                else:
                    axes.annotate(_number(total), (position, total), xytext=(0, 3),
                                  textcoords="offset points", ha="center", fontsize=11)
        if horizontal:
            axes.set_yticks(positions, labels)
            axes.invert_yaxis()
            axes.grid(axis="x", color=GRID)
            axes.margins(x=0.15)
        else:
            axes.set_xticks(positions, labels, rotation=45 if len(labels) > 6 else 0,
                            ha="right" if len(labels) > 6 else "center")
            axes.grid(axis="y", color=GRID)
            axes.margins(y=0.15)
        axes.set_axisbelow(True)
        if xlabel:
            axes.set_xlabel(xlabel)
        if ylabel:
            axes.set_ylabel(ylabel)
        if percent:
            axes.set_xlim(0, 100)
        if len(series) > 1:
            axes.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0),
                        ncols=len(series))
        out = io.BytesIO()
        figure.savefig(out, format=fmt, dpi=150 if fmt == "png" else 72,
                       metadata={"Date": None} if fmt == "svg" else None)
    return out.getvalue()


def _wrap(label: str, width: int) -> str:
    """A long label on two lines or more, at spaces."""
    import textwrap

    return "\n".join(textwrap.wrap(label, width)) or label


def _number(value, percent=False) -> str:
    if percent:
        return f"{value:.0f} %"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return f"{int(value):,}".replace(",", "\u202f")
