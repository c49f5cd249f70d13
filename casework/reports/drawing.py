"""The charts' drawing, with matplotlib: run in the chart process (see charts.py), never
in an app worker. Plain data in (labels, numbers, colours, words already translated),
image bytes out."""
import io

import matplotlib
from matplotlib.figure import Figure

INK, GRID = "#212529", "#DEE2E6"
FORMATS = ("svg", "png")
HALF = 6.0
_RC = {"svg.fonttype": "path", "svg.hashsalt": "casework", "font.family": "DejaVu Sans",
       "font.size": 12, "axes.edgecolor": GRID, "axes.labelcolor": INK,
       "xtick.color": INK, "ytick.color": INK, "text.color": INK}


def bars(labels, series, *, fmt, stacked=False, horizontal=True, percent=False,
         xlabel="", ylabel="", width=HALF) -> bytes:
    """Bars for ``labels``, one group per ``(name, values, colour)`` of ``series``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    count = max(len(labels), 1)
    height = (0.5 * count * (1 if stacked else len(series)) + 1.4) if horizontal else 4.0
    with matplotlib.rc_context(_RC):
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
                drawn = axes.barh(offsets, values, height=thickness, left=bottoms if stacked
                                 else None, label=name, color=colour)
            else:
                drawn = axes.bar(offsets, values, width=thickness, bottom=bottoms if stacked
                                else None, label=name, color=colour)
            if not stacked:
                axes.bar_label(drawn, labels=[_number(v, percent) for v in values],
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


def _number(value, percent=False) -> str:
    if percent:
        return f"{value:.0f} %"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return f"{int(value):,}".replace(",", "\u202f")
