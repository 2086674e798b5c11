"""The README's speed table from the benches' --json files: one line per goal row.

    python bench/table.py commands.json watch.json rebuild.json … > table.md

Per row: the work, the goal, the measured figure (the ratio of medians with both medians, or the
median or p95 of an absolute row), the same for the first (cold) runs, and whether the goal is met.
Rows without a goal (those "for scale") are left out; the bench's own table shows them.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def measured(row: dict[str, Any]) -> tuple[str, str]:
    """(the figure the goal is about, the same for the first runs)."""
    ours, base = row["ours"], row["baseline"]
    stat = row.get("goal_stat") or "median"
    if base is None or row.get("goal_seconds") is not None:
        mid, cold = f"{stat} **{seconds(ours[stat])}**", seconds(ours["first"])
        if base is not None:
            mid += f" ({row['ratio_of_medians']:.1f}× {base['label']})"
            cold += f" ({row['ratio_of_first_runs']:.1f}×)"
        return mid, cold
    mid = f"**{row['ratio_of_medians']:.2f}×** ({seconds(ours['median'])} / {seconds(base['median'])})"
    cold = f"{row['ratio_of_first_runs']:.2f}× ({seconds(ours['first'])} / {seconds(base['first'])})"
    if ours.get("peak_mb"):
        mid += f", peak {ours['peak_mb']:.0f} MB"
    return mid, cold


def lines(files: Sequence[Path]) -> list[str]:
    out = []
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        for row in data["rows"]:
            if row.get("goal_ratio") is None and row.get("goal_seconds") is None:
                continue  # "for scale": the bench's own table shows it
            mid, cold = measured(row)
            met = {True: "yes", False: "**no**", None: "–"}[row["goal_met"]]
            out.append(f"| {row['work']} | {row['goal']} | {mid} | {cold} | {met} |")
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", type=Path, nargs="+")
    args = parser.parse_args(argv)
    print("| work | goal | measured: ratio of medians (ours / baseline), or median / p95 | cold: first runs | met |")
    print("|---|---|---|---|---|")
    print("\n".join(lines(args.files)))


if __name__ == "__main__":
    main()
