"""Per-step records of a training run, gathered on the device and read back in blocks.

Calling ``.item()`` on every step forces the CPU to wait for the GPU. ``History.push`` keeps each step's
numbers as a small device tensor; ``flush`` copies all pending steps to the host at once (every
``log_every`` steps), so every step is still recorded. ``record`` adds a value measured at some steps only
(the FID of ``train --eval-every``): a sparse column, kept apart from the per-step ones.
"""

from __future__ import annotations

import math

import torch

from ..serialization import save_json


class History:
    """Columns of per-step values: ``history['d_loss']`` is a list of floats, ``history.steps`` the steps."""

    def __init__(self):
        self.steps: list[int] = []
        self.values: dict[str, list[float]] = {}
        self.pending: list[tuple[int, torch.Tensor]] = []
        self.sparse: dict[str, dict[int, float]] = {}  # key -> {step: value}, e.g. an evaluation's FID

    def keys(self) -> list[str]:
        return list(self.values)

    def __getitem__(self, key: str) -> list[float]:
        return self.values[key]

    def __len__(self) -> int:
        return len(self.steps) + len(self.pending)

    def push(self, step: int, stats: dict[str, torch.Tensor]) -> None:
        """Record step ``step``: 0-dim tensors by name (no host sync). Names are fixed by the first push."""
        if not self.values:
            self.values = {key: [] for key in stats}
        elif list(stats) != list(self.values):
            raise ValueError(f"history holds {list(self.values)}, this step reported {list(stats)}.")
        self.pending.append((step, torch.stack([v.detach().float().reshape(()) for v in stats.values()])))

    def record(self, step: int, key: str, value: float) -> None:
        """Record ``key`` = ``value`` at ``step``, a value measured at some steps only (an evaluation's FID)."""
        if key in self.values:
            raise ValueError(f"{key!r} is a per-step column of this history; record takes sparse values only.")
        self.sparse.setdefault(key, {})[int(step)] = float(value)

    def flush(self) -> dict[str, list[float]]:
        """Copy pending steps to the host (one sync); returns just those rows, by name (with 'step')."""
        if not self.pending:
            return {"step": [], **{key: [] for key in self.values}}
        steps = [step for step, _ in self.pending]
        rows = torch.stack([row for _, row in self.pending]).cpu().double().T.tolist()
        self.pending = []
        self.steps.extend(steps)
        for key, column in zip(self.values, rows):
            self.values[key].extend(column)
        return {"step": steps, **dict(zip(self.values, rows))}

    def mean(self, key: str, last: int) -> float:
        """Mean of the last ``last`` flushed values of ``key`` (nan when there are none)."""
        column = self.values.get(key, [])[-last:]
        return sum(column) / len(column) if column else math.nan

    def state_dict(self) -> dict:
        """Everything as tensors (loads with ``torch.load(weights_only=True)``); flushes first."""
        self.flush()
        return {"steps": torch.tensor(self.steps, dtype=torch.int64),
                "values": {key: torch.tensor(column, dtype=torch.float64) for key, column in self.values.items()},
                "sparse": {key: {"steps": torch.tensor(list(points), dtype=torch.int64),
                                 "values": torch.tensor(list(points.values()), dtype=torch.float64)}
                           for key, points in self.sparse.items()}}

    def load_state_dict(self, state: dict) -> None:
        self.steps = state["steps"].tolist()
        self.values = {key: column.tolist() for key, column in state["values"].items()}
        self.pending = []
        self.sparse = {key: dict(zip(points["steps"].tolist(), points["values"].tolist()))
                       for key, points in state.get("sparse", {}).items()}  # absent in files before sparse columns

    def to_json(self) -> dict:
        """A JSON-safe dict (non-finite values become null); a sparse column is lined up with ``step``, null at
        the steps where it was not measured."""
        self.flush()
        columns = {**self.values, **{key: [points.get(step, math.nan) for step in self.steps]
                                     for key, points in self.sparse.items()}}
        clean = {key: [v if math.isfinite(v) else None for v in column] for key, column in columns.items()}
        return {"step": self.steps, **clean}

    def save_json(self, path) -> None:
        """``to_json()`` to ``path``, atomically (a full disk is a ``WriteError``; the previous file stays)."""
        save_json(self.to_json(), path)
