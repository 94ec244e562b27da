"""The fine-tuning table: runs of ``few_shot_runs.measure_run`` (one JSON line each) summarised per N and method as
mean ± std over seeds (lesson 08, docs/models.md, data_scripts/finetune_table.py). "val." columns are on the
validation photos the stop was decided on, "test" columns on the test photos no decision saw."""

from __future__ import annotations

import importlib.resources
import json
import statistics
from pathlib import Path

COLUMNS = (  # (key in a run, header, format)
    ("stop_fid", "val. FID at the stop", "{:.2f}"),
    ("stop_test_fid", "test FID at the stop", "{:.2f}"),
    ("best_fid", "best val. FID in budget", "{:.2f}"),
    ("end_test_fid", "test FID at the budget", "{:.2f}"),
    ("gan_test", "GAN-test", "{:.2f}"),
    ("memorised", "memorised", "{:.2f}"),
    ("old_fid", "FID old lines", "{:.1f}"),
    ("frozen_share", "D frozen", "{:.0%}"),
    ("stop_step", "kept step", "{:.0f}"),
    ("stopped_at", "stopped at", "{:.0f}"),
    ("stop_seconds", "s to stop", "{:.0f}"),
    ("budget_seconds", "s budget", "{:.0f}"),
)


def shipped_runs(name: str = "finetune_runs.jsonl") -> Path:
    """A measured run file the package carries: ``course_lib/assets/results/NAME`` (in a checkout and after any
    install; ``data_scripts/finetune_table.py`` appends to it in a checkout)."""
    return Path(str(importlib.resources.files("course_lib") / "assets" / "results" / name))


def read_runs(path: Path | None = None) -> list[dict]:
    """The runs in a JSON-lines file, by default the shipped table's (an empty list for a missing file)."""
    path = shipped_runs() if path is None else Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def summarise(runs: list[dict]) -> list[dict]:
    """One row per (N, method), in first-seen order: {'n', 'method', 'seeds', key: (mean, std or None)}."""
    groups: dict[tuple[int, str], list[dict]] = {}
    for run in runs:
        groups.setdefault((run["n"], run["method"]), []).append(run)
    rows = []
    for (n, method), group in sorted(groups.items(), key=lambda item: item[0][0]):
        row = {"n": n, "method": method, "seeds": len(group)}
        for key, _, _ in COLUMNS:
            values = [float(r[key]) for r in group]
            row[key] = (statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else None)
        rows.append(row)
    return rows


def cell(value: tuple[float, float | None], fmt: str) -> str:
    mean, std = value
    return fmt.format(mean) if std is None else f"{fmt.format(mean)} ± {fmt.format(std)}"


def format_table(runs: list[dict]) -> str:
    """A markdown table of ``summarise(runs)``: mean ± std over the seeds of each row."""
    header = ["N", "method", "seeds"] + [title for _, title, _ in COLUMNS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in summarise(runs):
        cells = [str(row["n"]), row["method"], str(row["seeds"])] + [cell(row[k], f) for k, _, f in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
