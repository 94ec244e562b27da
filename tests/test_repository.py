"""Repository hygiene that CI must enforce: built notebooks in sync and stripped, lint clean."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_notebooks_match_their_sources():
    result = subprocess.run([sys.executable, "tools/build_notebooks.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_notebooks_have_no_outputs():
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        dirty = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and (c["outputs"] or c["execution_count"])]
        assert not dirty, f"{path.name}: cells {dirty} have outputs; run tools/build_notebooks.py"


@pytest.mark.skipif(shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff").exists(),
                    reason="ruff is installed with the dev extra")
def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    paths = [p for p in ("course_lib", "tests", "data_scripts", "notebooks/_src") if (ROOT / p).is_dir()]
    result = subprocess.run([ruff, "check", *paths], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


SCRIPTS_SMOKE = """
import runpy, sys
for path in sys.argv[1:]:
    if "argparse" in open(path, encoding="utf-8").read():
        sys.argv = [path, "--help"]
        try:
            runpy.run_path(path, run_name="__main__")
        except SystemExit as stop:
            assert stop.code in (0, None), (path, stop.code)
    else:
        runpy.run_path(path, run_name="imported")  # its imports and definitions, not its main
    print("ok", path, flush=True)
"""


def test_every_data_script_imports_and_its_help_runs():
    """The studies' front ends and the asset scripts import what the library has today (a rename or a move that
    left a script behind fails here), and each argparse script prints its --help: one process for all of them."""
    # about 6 s on a 2-core CPU: one interpreter imports torch once, then runs every script's top level
    scripts = sorted(str(p) for p in (ROOT / "data_scripts").glob("*.py"))
    done = subprocess.run([sys.executable, "-c", SCRIPTS_SMOKE, *scripts], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("\nok ") + done.stdout.startswith("ok ") == len(scripts) >= 14
