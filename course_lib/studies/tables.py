"""The studies' one "mean ± std" formatter, for the tables the docs quote."""

from __future__ import annotations

import statistics


def mean_std(values, fmt: str = "{:.3f}") -> str:
    """'mean ± sample std' of ``values`` (a sequence of numbers) in ``fmt``; a single value prints alone."""
    values = [float(v) for v in values]
    if not values:
        raise ValueError("mean_std needs at least one value")
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(statistics.fmean(values))} ± {fmt.format(statistics.stdev(values))}"
