"""The check every model config shares: the named size fields are positive integers, with the config named."""

from __future__ import annotations


def require_positive(config, names: tuple[str, ...], what: str) -> None:
    """ValueError naming ``what`` and the field when any of ``config``'s fields ``names`` is below 1."""
    for name in names:
        value = getattr(config, name)
        if int(value) < 1:
            raise ValueError(f"{what} {name} must be a positive integer, got {value}.")
