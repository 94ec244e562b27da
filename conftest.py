"""Test configuration shared by the unit tests and nbval: fast mode everywhere, nothing downloads.

Set here, before any kernel starts, so the notebook kernels that nbval launches inherit them.
"""

import getpass
import os
import tempfile
import time
from pathlib import Path

import matplotlib
import nbformat
import pytest

os.environ["COURSE_FAST"] = "1"
if os.environ.get("ATEN_CPU_CAPABILITY"):
    # torch 2.14.1's inductor cache does not tell a kernel built for one ATEN_CPU_CAPABILITY from another's: a
    # graph compiled by a native (AVX512) run and reused under ATEN_CPU_CAPABILITY=avx2 gave wrong outputs
    # (docs/performance.md, "The tests on both CPU kinds' kernels"). A run that caps the kernels gets its own cache.
    os.environ.setdefault("TORCHINDUCTOR_CACHE_DIR", os.path.join(
        tempfile.gettempdir(), f"torchinductor_{getpass.getuser()}_{os.environ['ATEN_CPU_CAPABILITY'].lower()}"))
os.environ["COURSE_OFFLINE"] = "1"  # nothing downloads in the tests (a test that serves files unsets it)
# No MPLBACKEND here: the kernels nbval starts keep ipykernel's inline backend, so their figures are outputs that
# the site build reads (tools/build_site.py); this process draws off screen.
matplotlib.use("Agg")
os.environ.setdefault("TQDM_DISABLE", "1")  # progress bars are for people; CI logs stay readable

# The lessons nbval ran, with their outputs: each notebook whose every code cell passed is written, outputs filled
# in, to build/lessons/fast/ (solutions copies under solutions/), where tools/build_site.py reads them. A
# notebook that failed loses its stale copy there. nbval keeps each cell's outputs on its test item.
LESSON_OUTPUTS = Path(__file__).resolve().parent / "build" / "lessons" / "fast"
_cell_outputs: dict[Path, dict[int, list | None]] = {}
_cell_seconds: dict[Path, float] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if call.when == "call" and hasattr(item, "cell_num") and hasattr(item, "test_outputs"):
        report, path = outcome.get_result(), Path(str(item.fspath))
        _cell_outputs.setdefault(path, {})[item.cell_num] = item.test_outputs if report.passed else None
        _cell_seconds[path] = _cell_seconds.get(path, 0.0) + report.duration


def pytest_sessionfinish(session):
    from course_lib.runtime import cpu_model  # here, not at the top: torch loads after the settings above

    notebooks = Path(__file__).resolve().parent / "notebooks"
    for path, outputs in _cell_outputs.items():
        if not path.is_relative_to(notebooks):
            continue
        target = LESSON_OUTPUTS / path.relative_to(notebooks)
        nb = nbformat.read(path, as_version=4)
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        if len(outputs) != len(code) or any(out is None for out in outputs.values()):
            target.unlink(missing_ok=True)
            continue
        for number, cell in enumerate(code):
            cell.outputs, cell.execution_count = outputs[number], number + 1
            for output in cell.outputs:
                if output.output_type == "execute_result":
                    output.execution_count = number + 1
        nb.metadata["course_run"] = {"mode": "fast", "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                     "cpu": cpu_model(), "cells_seconds": round(_cell_seconds[path], 1)}
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)

