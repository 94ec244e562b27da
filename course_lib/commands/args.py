"""Argument types for every numeric flag: a clear message for what argparse's ``int``/``float`` let through.

``float("inf")``, ``float("nan")``, ``0`` and negative numbers parse, and then crash deep inside training
(``--epochs inf``: "OverflowError: cannot convert float infinity to integer"). These types refuse them at the
command line, so the user reads ``error: argument --epochs: must be a positive, finite number, got 'inf'``.
"""

from __future__ import annotations

import argparse
import math


def count(minimum: int = 1):
    """A whole number >= ``minimum`` (batch sizes, steps, sample counts)."""
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, got {value!r}") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {number}")
        return number
    parse.__name__ = f"whole number >= {minimum}"
    return parse


def positive(value: str) -> float:
    """A positive, finite number (epochs, learning rates, seconds)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive, finite number, got {value!r}")
    return number


def fraction(value: str) -> float:
    """A finite number in (0, 1] (a strength as a fraction of a method's full setting)."""
    number = positive(value)
    if number > 1:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1] (1 is the full setting), got {value!r}")
    return number


seed = count(minimum=0)  # seeds are whole numbers >= 0


def guidance_scale(value: str) -> float:
    """A finite number >= 0 (a guidance scale: 1 is none, 0 ignores the words)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0 (1 = no guidance, e.g. 2), got {value!r}")
    return number
