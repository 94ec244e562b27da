"""Build both copies of every lesson from its one source ``notebooks/_src/NN_name.py``.

The sources are jupytext percent scripts (reviewable diffs, one cell per ``# %%``). Each exercise is a pair of
cells in the source: the skeleton, tagged ``exercise`` (signature, docstring, ``...`` where the learner writes),
and the worked answer, tagged ``solution``. The build writes

- ``notebooks/NN_name.ipynb``, the **learner copy** (what learners open): every ``solution`` cell left out;
- ``notebooks/solutions/NN_name.ipynb``, the **solutions copy** (for instructors): every ``exercise`` cell left out,

with no outputs and no execution counts (nbval runs them clean), stable cell ids, and the tags kept. Only the
solutions copy is paired with its source by jupytext (``notebooks/jupytext.toml``), so saving it in JupyterLab
writes the source; the learner copy is paired with nothing, so a learner's answers never reach the source.

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
COPIES = {"learner": (OUT, "solution"), "solutions": (OUT / "solutions", "exercise")}  # copy: (folder, tag left out)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def build(src: Path, copy: str = "learner") -> str:
    """The notebook JSON text of one copy ('learner' or 'solutions') of a percent-format source."""
    _, left_out = COPIES[copy]
    nb = jupytext.read(src)
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    cells = []
    for i, cell in enumerate(nb.cells):
        if left_out in cell.metadata.get("tags", []):
            continue
        cell.id = f"cell-{i:03d}"  # stable ids, the same in both copies: nbformat would draw random ones
        cell.metadata.pop("lines_to_next_cell", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    nb.cells = cells
    return nbformat.writes(nb) + "\n"


def targets() -> list[tuple[Path, str, Path]]:
    """(source, copy, notebook path) for every lesson and both copies."""
    return [(src, copy, folder / (src.stem + ".ipynb")) for src in sorted(SRC.glob("[0-9][0-9]_*.py"))
            for copy, (folder, _) in COPIES.items()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks that are out of date")
    args = parser.parse_args(argv)
    stale = []
    for src, copy, out in targets():
        text = build(src, copy)
        if out.exists() and out.read_text(encoding="utf-8") == text:
            continue
        stale.append(out)
        if not args.check:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
    expected = {out for _, _, out in targets()}
    orphans = sorted(p for folder, _ in COPIES.values() for p in folder.glob("[0-9][0-9]_*.ipynb") if p not in expected)
    verb = "out of date (run `python data_scripts/build_notebooks.py`)" if args.check else "written"
    for out in stale:
        print(f"{out.relative_to(ROOT)}: {verb}")
    for out in orphans:
        print(f"{out.relative_to(ROOT)}: has no source in notebooks/_src (delete it, or add its source)")
    return 1 if (args.check and stale) or orphans else 0


if __name__ == "__main__":
    sys.exit(main())
