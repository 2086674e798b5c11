"""Charts for the plan as PNG pictures (matplotlib, Agg). Same data, same bytes: fixed size, fonts
and no metadata that changes per run; so a chart is drawn once per set of figures and remembered
(schools with the same figures, a watcher making a school's plan again)."""

from __future__ import annotations

import getpass
import io
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automation.forms import FORMS, figure_forms
from automation.schoolyear import MONTHS, months

HOUSE = "#1F4E79"
GROUP_COLORS = {"leerlingen": HOUSE, "ouders": "#C65911", "personeel": "#70AD47"}


@dataclass(frozen=True)
class Chart:
    """A picture for the template; the renderer turns it into an inline image."""

    png: bytes
    width_mm: float
    description: str


# Charts already drawn, by what they show (the last KEPT).
_DRAWN: dict[Hashable, Chart | None] = {}
KEPT = 64
_LOCK = threading.Lock()  # also: matplotlib draws one figure at a time


def _remembered(key: Hashable, draw: Callable[[], Chart | None]) -> Chart | None:
    with _LOCK:
        if key not in _DRAWN:
            if len(_DRAWN) >= KEPT:
                del _DRAWN[next(iter(_DRAWN))]
            _DRAWN[key] = draw()
        return _DRAWN[key]


def forget_drawn() -> None:
    """Start without remembered charts, as a new process does (for the benchmark)."""
    with _LOCK:
        _DRAWN.clear()


def _pyplot() -> Any:
    _cache_folder()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "veiligheid",
        }
    )
    return plt


def _cache_folder() -> None:
    """A service account often has no (writable) home: matplotlib would then warn in English on every
    start. Its font cache goes to a folder of our own in the temporary folder instead."""
    if "MPLCONFIGDIR" in os.environ:
        return
    try:
        home = Path.home()
        if home.is_dir() and os.access(home, os.W_OK):
            return
    except (OSError, RuntimeError):  # no home known at all
        pass
    folder = Path(tempfile.gettempdir()) / f"veiligheid-matplotlib-{getpass.getuser()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return
    os.environ["MPLCONFIGDIR"] = str(folder)


def _save(fig: Any, plt: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def registrations_per_month(per_month: Mapping[str, Counter[str]], *, year: str) -> Chart | None:
    """Stacked bars per month of the school year (August to July), one colour per form."""
    figures = tuple(sorted((month, tuple(sorted(counts.items()))) for month, counts in per_month.items()))
    return _remembered(("per maand", year, figures), lambda: _per_month(per_month, year=year))


def _per_month(per_month: Mapping[str, Counter[str]], *, year: str) -> Chart | None:
    shown = figure_forms()  # events only: not the measures
    if not any(c[f] for c in per_month.values() for f in shown):
        return None
    plt = _pyplot()
    slots = months(year)
    keys = [f"{y}-{m:02d}" for y, m in slots]
    fig, ax = plt.subplots(figsize=(6.3, 2.6))
    bottom = [0] * len(keys)
    for form_id in shown:
        register = FORMS[form_id].counts
        values = [per_month.get(k, Counter())[form_id] for k in keys]
        colour = register.colour if register else HOUSE
        ax.bar(range(len(keys)), values, bottom=bottom, color=colour, label=FORMS[form_id].register, width=0.7)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(range(len(keys)), [MONTHS[m - 1][:3] for _, m in slots])
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("aantal")
    ax.legend(frameon=False, ncols=min(3, len(shown)), loc="upper center", bbox_to_anchor=(0.5, 1.18))
    ax.grid(axis="y", color="#D9D9D9", linewidth=0.6)
    ax.set_axisbelow(True)
    fig.tight_layout()
    return Chart(_save(fig, plt), 160, f"Registraties per maand, schooljaar {year}")


def monitor_themes(results: Sequence[tuple[str, str, float | None]]) -> Chart | None:
    """Horizontal bars: share of positive answers per theme and respondent group."""
    return _remembered(("monitor", tuple(tuple(r) for r in results)), lambda: _themes(results))


def _themes(results: Sequence[tuple[str, str, float | None]]) -> Chart | None:
    rows = [(theme, group, share) for theme, group, share in results if share is not None]
    if not rows:
        return None
    plt = _pyplot()
    themes = list(dict.fromkeys(theme for theme, _, _ in rows))
    groups = [g for g in GROUP_COLORS if any(g == group for _, group, _ in rows)]
    height = 0.8 / max(1, len(groups))
    legend = 0.3 if len(groups) > 1 else 0.0
    fig, ax = plt.subplots(figsize=(6.3, 0.45 * len(themes) * max(1, len(groups)) ** 0.5 + 0.9 + legend))
    for n, group in enumerate(groups):
        shares = {theme: share for theme, g, share in rows if g == group}
        ys = [i + n * height for i in range(len(themes))]
        ax.barh(ys, [100 * (shares.get(t) or 0) for t in themes], height=height, color=GROUP_COLORS[group], label=group)
    ax.set_yticks([i + height * (len(groups) - 1) / 2 for i in range(len(themes))], themes)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% gunstige antwoorden")
    ax.grid(axis="x", color="#D9D9D9", linewidth=0.6)
    ax.set_axisbelow(True)
    if len(groups) > 1:  # above the bars, never over them
        ax.legend(frameon=False, ncols=len(groups), loc="lower center", bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout()
    return Chart(_save(fig, plt), 160, "Monitor: % gunstige antwoorden per thema")


# --- the yearly report (documents.jaarverslag): only the counts it may show are given ------------


def compared_per_register(rows: Sequence[tuple[str, int | None, int | None]], *, this: str, last: str) -> Chart | None:
    """Bars per register, this school year beside last: (label, this, last); None is a bar left out
    (a small count, or none known). The caller leaves out what the report may not show exactly."""
    key = ("per register", this, last, tuple(rows))
    return _remembered(key, lambda: _compared(rows, this=this, last=last))


def _compared(rows: Sequence[tuple[str, int | None, int | None]], *, this: str, last: str) -> Chart | None:
    if not any(n for _, a, b in rows for n in (a, b)):
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.3, 2.6))
    xs = range(len(rows))
    for offset, label, colour, values in (
        (-0.2, this, HOUSE, [a for _, a, _ in rows]),
        (0.2, last, "#A6A6A6", [b for _, _, b in rows]),
    ):
        shown = [(x + offset, v) for x, v in zip(xs, values, strict=True) if v]
        if shown:  # a year with no bar shown gets no key either
            ax.bar([x for x, _ in shown], [v for _, v in shown], width=0.38, color=colour, label=label)
    ax.set_xticks(list(xs), [label for label, _, _ in rows])
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("aantal")
    ax.legend(frameon=False, ncols=2, loc="upper center", bbox_to_anchor=(0.5, 1.18))
    ax.grid(axis="y", color="#D9D9D9", linewidth=0.6)
    ax.set_axisbelow(True)
    fig.tight_layout()
    return Chart(_save(fig, plt), 160, f"Registraties per soort formulier, {this} en {last}")


def per_school(rows: Sequence[tuple[str, int]], *, year: str) -> Chart | None:
    """Horizontal bars: each school's registrations in the school year (label, count); only the
    schools the caller may show."""
    return _remembered(("per school", year, tuple(rows)), lambda: _per_school(rows, year=year))


def _per_school(rows: Sequence[tuple[str, int]], *, year: str) -> Chart | None:
    if not any(n for _, n in rows):  # no school with a bar: no chart
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.3, 0.24 * len(rows) + 0.9))
    ax.barh(range(len(rows)), [n for _, n in rows], height=0.7, color=HOUSE)
    ax.set_yticks(range(len(rows)), [label for label, _ in rows])
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(f"registraties in {year}")
    ax.grid(axis="x", color="#D9D9D9", linewidth=0.6)
    ax.set_axisbelow(True)
    fig.tight_layout()
    return Chart(_save(fig, plt), 160, f"Registraties per school, schooljaar {year}")
