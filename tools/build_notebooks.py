"""Build both copies of every lesson from its one source ``notebooks/_src/NN_name.py``.

The sources are jupytext percent scripts (reviewable diffs, one cell per ``# %%``). Each exercise is a pair of
cells in the source: the skeleton, tagged ``exercise`` (signature, docstring, ``...`` where the learner writes),
and the worked answer, tagged ``solution``. The build writes

- ``notebooks/NN_name.ipynb``, the **learner copy** (what learners open): every ``solution`` cell left out;
- ``notebooks/solutions/NN_name.ipynb``, the **solutions copy** (for instructors): every ``exercise`` cell left out,

with no outputs and no execution counts (nbval runs them clean), stable cell ids, and the tags kept. Each copy
opens with two generated cells: an "Open in Colab" link for that copy, and a setup cell that installs
``course_lib`` from the repository when it is not importable (Colab, a fresh Python) and does nothing where it is
(a checkout, CI). Both take the repository's address from ``pyproject.toml``'s ``[project.urls]``. Only the
solutions copy is paired with its source by jupytext (``notebooks/jupytext.toml``), so saving it in JupyterLab
writes the source; the learner copy is paired with nothing, so a learner's answers never reach the source.

    python -m tools.build_notebooks          # write every notebook
    python -m tools.build_notebooks --check  # exit 1 if a notebook is out of date (CI)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
SRC, OUT = ROOT / "notebooks" / "_src", ROOT / "notebooks"
COPIES = {"learner": (OUT, "solution"), "solutions": (OUT / "solutions", "exercise")}  # copy: (folder, tag left out)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
BRANCH = "main"  # the branch the Colab links and the Pages workflow publish from
INSTALL_ENV = "COURSE_INSTALL_FROM"  # the setup cell's pip source, when set (a local path in the tests)
SETUP_CELL = """\
# Setup for Colab or a fresh Python: installs the course library when it is missing (a checkout or CI already
# has it, and then nothing happens). Fashion-MNIST downloads on first use (about 30 MB).
import importlib, importlib.util, os, subprocess, sys
if importlib.util.find_spec("course_lib") is None:
    source = os.environ.get("{env}", "git+{repository}")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", source], check=True)
    importlib.invalidate_caches()
if "google.colab" in sys.modules:  # ipywidgets 8 needs Colab's own widget manager
    from google.colab import output
    output.enable_custom_widget_manager()"""


def repository() -> str:
    """The repository's address, from ``[project.urls] Repository`` in pyproject.toml (kept only there)."""
    found = re.search(r'^Repository = "(https://github\.com/[\w.-]+/[\w.-]+)"$',
                      (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    if not found:
        raise SystemExit("pyproject.toml: [project.urls] needs a line Repository = \"https://github.com/OWNER/NAME\"")
    return found.group(1)


def colab_url(notebook: Path) -> str:
    """Colab's address for a notebook of the repository (``notebook`` relative to the root, or absolute)."""
    path = notebook.relative_to(ROOT) if notebook.is_absolute() else notebook
    return f"https://colab.research.google.com/github/{repository().removeprefix('https://github.com/')}" \
           f"/blob/{BRANCH}/{path.as_posix()}"


def opening_cells(notebook: Path) -> list:
    """The two generated cells every copy opens with: its Colab link, and the setup cell."""
    # a text link, not Colab's badge image: offline (the tests, a learner on a train) an image fetch would fail
    link = f"**[Open in Colab]({colab_url(notebook)})** (in Colab, run the setup cell below first)"
    code = SETUP_CELL.format(env=INSTALL_ENV, repository=repository())
    return [nbformat.v4.new_markdown_cell(link, id="colab-link"),
            nbformat.v4.new_code_cell(code, id="colab-setup", metadata={"tags": ["setup"]})]


def build(src: Path, copy: str = "learner") -> str:
    """The notebook JSON text of one copy ('learner' or 'solutions') of a percent-format source."""
    folder, left_out = COPIES[copy]
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
    nb.cells = opening_cells(folder / (src.stem + ".ipynb")) + cells
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
    verb = "out of date (run `python -m tools.build_notebooks`)" if args.check else "written"
    for out in stale:
        print(f"{out.relative_to(ROOT)}: {verb}")
    for out in orphans:
        print(f"{out.relative_to(ROOT)}: has no source in notebooks/_src (delete it, or add its source)")
    return 1 if (args.check and stale) or orphans else 0


if __name__ == "__main__":
    sys.exit(main())
