"""Build the lesson notebooks ``notebooks/*.ipynb`` from their sources ``notebooks/_src/*.py``.

The sources are jupytext percent scripts (reviewable diffs, one cell per ``# %%``); the notebooks are
what learners open. Built notebooks carry no outputs and no execution counts (nbval runs them clean).

    python data_scripts/build_notebooks.py          # write every notebook
    python data_scripts/build_notebooks.py --check  # exit 1 if a notebook is out of date (CI)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
SRC, OUT = ROOT / "notebooks" / "_src", ROOT / "notebooks"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def build(src: Path) -> str:
    """The notebook JSON text for one percent-format source."""
    nb = jupytext.read(src)
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"},
                   "jupytext": {"formats": "ipynb,_src//py:percent"}}
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:03d}"  # stable ids: nbformat would draw random ones on every build
        cell.metadata.pop("lines_to_next_cell", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nbformat.writes(nb) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks that are out of date")
    args = parser.parse_args(argv)
    stale = []
    for src in sorted(SRC.glob("[0-9][0-9]_*.py")):
        out = OUT / (src.stem + ".ipynb")
        text = build(src)
        if out.exists() and out.read_text(encoding="utf-8") == text:
            continue
        stale.append(out)
        if not args.check:
            out.write_text(text, encoding="utf-8")
    verb = "out of date (run `python data_scripts/build_notebooks.py`)" if args.check else "written"
    for out in stale:
        print(f"{out.relative_to(ROOT)}: {verb}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
