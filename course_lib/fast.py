"""Fast mode: ``COURSE_FAST=1`` shrinks data and steps so every lesson runs in CI in seconds.

pytest sets it (see ``conftest.py``), so the kernels nbval starts inherit it; JupyterLab runs full size.
"""

import os


def fast_mode() -> bool:
    """True when ``COURSE_FAST`` is set to 1/true/yes (read at call time, so tests can toggle it)."""
    value = os.environ.get("COURSE_FAST", "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise ValueError(f"COURSE_FAST must be 1 or 0, got {value!r}.")


def pick(full, fast):
    """``fast`` in fast mode, else ``full``: ``num_steps = pick(2000, 20)``."""
    return fast if fast_mode() else full
