"""``python -m course_lib lessons [DIR]``: copy the learner notebooks into a folder of your own to work in.

The tracked notebooks stay as they are, so ``git pull`` never meets your answers; ``my-lessons/`` (the default) is
ignored by git. A copy that is already there is kept, never overwritten: answers are not lost by running it again,
and a lesson added to the course later is copied the next time.
"""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path

from . import UserError

SOURCE_CHECKOUT = Path(__file__).resolve().parents[2]


def register(subparsers) -> None:
    """Add the ``lessons`` subcommand."""
    p = subparsers.add_parser("lessons", help="copy the lessons into a folder of your own (default my-lessons/)")
    p.add_argument("folder", nargs="?", default="my-lessons",
                   help="where the copies go (default my-lessons/, which git ignores); existing copies are kept")
    p.set_defaults(run=run)


def learner_copies(checkout: Path | None = None) -> list[Path]:
    """The learner notebooks of the source checkout (this package's own by default), in lesson order.

    UserError when there is no checkout, as after ``pip install`` of the wheel.
    """
    checkout = SOURCE_CHECKOUT if checkout is None else checkout
    found = sorted((checkout / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise UserError(f"no lessons next to this course_lib (looked in {checkout / 'notebooks'}): the lessons come "
                        f"with the repository. Clone it ({repository()}) and run this there, or open a lesson in "
                        "Colab from the README's table.")
    return found


def repository() -> str:
    """The repository's address from the installed package's metadata (pyproject.toml's [project.urls])."""
    urls = metadata.metadata("course-lib").get_all("Project-URL") or []
    return next((url.split(",", 1)[1].strip() for url in urls if url.lower().startswith("repository")),
                "the course's repository")


def copy_lessons(folder: Path, notebooks: list[Path]) -> tuple[list[Path], list[Path]]:
    """Copy each notebook into ``folder`` unless a file of that name is there; returns (copied, kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for notebook in notebooks:
        target = folder / notebook.name
        if target.exists():
            kept.append(target)
            continue
        shutil.copyfile(notebook, target)
        copied.append(target)
    return copied, kept


def run(args) -> int:
    folder = Path(args.folder)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file; name a folder for the lessons, e.g. my-lessons")
    copied, kept = copy_lessons(folder, learner_copies())
    for path in copied:
        print(f"copied  {path}")
    for path in kept:
        print(f"kept    {path} (already there: your work in it is untouched)")
    print(f"open them with: jupyter lab {folder}")
    return 0
