"""Regenerate docs/images/NN_name.png: a screenshot of each lesson's main widget in JupyterLab.

Runs the browser tests (every lesson opened in JupyterLab and run in fast mode in headless Chromium,
see tests/browser/) with ``--screenshots docs/images``; the tests pass only when every widget works,
so a screenshot is never taken of a broken lesson. Needs Debian's ``chromium`` and a CJK font.

    python data_scripts/screenshots.py              # every lesson
    python data_scripts/screenshots.py -k 03        # one lesson (extra arguments go to pytest)
    python data_scripts/screenshots.py -k "08 and screenshot" --full-size   # lesson 08 as a full-size run shows it

A fast-mode run trains for a few dozen steps; where that makes the widget show a model that has not learned
(lesson 08's fine-tuned boots), take the screenshot from a full-size run (``--full-size``, COURSE_FAST=0; up to
10 minutes per lesson).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    extra = sys.argv[1:] if argv is None else argv
    command = [sys.executable, "-m", "pytest", "-m", "browser", "tests/browser", "-q",
               "--screenshots", str(ROOT / "docs" / "images"), *extra]
    return subprocess.call(command, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
