"""Build the course's static site: every lesson with its outputs, the README as the front page, and the docs.

    python -m tools.build_site                  # from the lessons `pytest` ran (fast mode), into build/site/
    python -m tools.build_site --execute full   # run every lesson at full size first (the Pages workflow)

The outputs are never committed to the notebooks. A lesson page is made from an executed copy of the learner
notebook: ``build/lessons/full/`` (``--execute full``, a maintainer's run) when its cells match the notebook,
else ``build/lessons/fast/``, which every ``pytest`` run writes (conftest.py keeps what nbval executed). Each
page says which run made its outputs, when, and on which CPU. Pages are rendered with nbconvert's ``lab``
template, which needs nothing from the network at build time (the reader's browser loads MathJax).

Links are rewritten for the site: ``README.md`` becomes ``index.html``, ``docs/X.md`` ``docs/X.html``, a
learner notebook ``lessons/NAME.html``, and any other file of the repository its page on GitHub. The build then
checks every page: each lesson carries figures, and every internal link and anchor resolves. It exits 1 with
the list of what failed, 2 when a lesson has no executed copy yet.
"""

from __future__ import annotations

import argparse
import functools
import html
import os
import posixpath
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat

from . import build_notebooks
from .build_notebooks import ROOT, colab_url, repository

LESSONS, SITE = ROOT / "build" / "lessons", ROOT / "build" / "site"
LINK = re.compile(r'(href|src)="([^"]*)"')
HEADING = re.compile(r"<h([1-6])([^>]*)>(.*?)</h\1>", re.S)
EXTERNAL = ("http://", "https://", "mailto:", "data:", "javascript:")


def site_url(page: str = "") -> str:
    """The published site's address of ``page``: GitHub Pages of the repository in pyproject.toml."""
    owner, name = repository().removeprefix("https://github.com/").split("/")
    return f"https://{owner}.github.io/{name}/{page}"


@functools.lru_cache(maxsize=1)
def lessons() -> tuple[Path, ...]:
    """The learner copies, in lesson order (the site shows what a learner opens); listed once per process."""
    return tuple(out for _, copy, out in build_notebooks.targets() if copy == "learner")


def same_inputs(a, b) -> bool:
    return [(c.cell_type, c.source) for c in a.cells] == [(c.cell_type, c.source) for c in b.cells]


def executed_copy(notebook: Path) -> nbformat.NotebookNode | None:
    """The newest executed copy of ``notebook`` whose cells are today's: the full run's, else pytest's fast one."""
    current = nbformat.read(notebook, as_version=4)
    for mode in ("full", "fast"):
        path = LESSONS / mode / notebook.name
        if path.exists():
            executed = nbformat.read(path, as_version=4)
            if same_inputs(current, executed):
                return executed
    return None


def execute(mode: str) -> None:
    """Run every learner copy top to bottom (``COURSE_FAST=1`` for ``fast``) into ``build/lessons/MODE/``."""
    from nbclient import NotebookClient

    from course_lib.runtime import cpu_model

    os.environ["COURSE_FAST"] = "1" if mode == "fast" else "0"
    for notebook in lessons():
        start = time.perf_counter()
        nb = nbformat.read(notebook, as_version=4)
        NotebookClient(nb, timeout=None, kernel_name="python3",
                       resources={"metadata": {"path": str(notebook.parent)}}).execute()
        nb.metadata["course_run"] = {"mode": mode, "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                     "cpu": cpu_model(), "seconds": round(time.perf_counter() - start)}
        (LESSONS / mode).mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, LESSONS / mode / notebook.name)
        print(f"{notebook.name}: executed ({mode}) in {time.perf_counter() - start:.0f} s", flush=True)


def render(nb, title: str) -> str:
    """One notebook as a standalone HTML page (nbconvert's lab template; markdown-only pages without prompts)."""
    from nbconvert import HTMLExporter

    prose = all(cell.cell_type == "markdown" for cell in nb.cells)
    exporter = HTMLExporter(template_name="lab", exclude_input_prompt=prose, exclude_output_prompt=prose)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return github_anchors(body)


def slug(text: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def github_anchors(body: str) -> str:
    """Give every heading GitHub's anchor too, so that links written for GitHub (``page.md#a-heading``) land."""
    seen: dict[str, int] = {}

    def add(match):
        text = html.unescape(re.sub(r"<[^>]+>", "", match.group(3))).replace("¶", "")
        base = slug(text)
        n = seen.get(base, 0)
        seen[base] = n + 1
        anchor = base if n == 0 else f"{base}-{n}"
        return f'<a id="{html.escape(anchor)}"></a>{match.group(0)}'

    return HEADING.sub(add, body)


def site_path(repo_path: str) -> str | None:
    """Where a repository file lives on the site, or None when the site does not carry it."""
    lesson_names = {p.relative_to(ROOT).as_posix(): f"lessons/{p.stem}.html" for p in lessons()}
    if repo_path == "README.md":
        return "index.html"
    if repo_path in lesson_names:
        return lesson_names[repo_path]
    if repo_path.startswith("docs/") and repo_path.endswith(".md"):
        return repo_path[:-3] + ".html"
    if repo_path.startswith("docs/images/"):
        return repo_path
    return None


def rewrite_links(body: str, source: str, page: str) -> str:
    """Every relative link of a page made from repository file ``source``, pointed at the site or at GitHub."""

    def rewrite(match):
        attribute, url = match.groups()
        if url.startswith(EXTERNAL) or url.startswith("#") or not url:
            return match.group(0)
        path, _, fragment = html.unescape(url).partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        on_site = site_path(target)
        if on_site is None:
            kind = "tree" if (ROOT / target).is_dir() else "blob"
            new = f"{repository()}/{kind}/{build_notebooks.BRANCH}/{target}" if (ROOT / target).exists() else url
        else:
            new = posixpath.relpath(on_site, posixpath.dirname(page) or ".")
        return f'{attribute}="{html.escape(new + ("#" + fragment if fragment else ""))}"'

    return LINK.sub(rewrite, body)


def banner(nb, notebook: Path) -> str:
    """The line above a lesson: back to the index, Colab, and which run made the outputs."""
    run = nb.metadata.get("course_run", {})
    mode = {"fast": "a fast-mode run (COURSE_FAST=1: small data, few steps, so numbers are noisier)",
            "full": "a full-size run"}.get(run.get("mode"), "an unrecorded run")
    seconds = run.get("seconds", run.get("cells_seconds"))
    took = f" in {seconds:.0f} s" if seconds is not None else ""
    return (f'<p style="padding:0.6em 1em;background:#f3f3f3;font-size:90%"><a href="../index.html">All lessons</a>'
            f' · <a href="{colab_url(notebook)}">Open in Colab</a> · outputs from {mode}{took}, finished '
            f'{html.escape(run.get("finished", "?"))} on {html.escape(run.get("cpu", "?"))}</p>')


def build(out: Path = SITE) -> dict[str, str]:
    """Write the site into ``out``; returns {site page: its HTML}. SystemExit(2) names lessons not executed yet."""
    executed = {notebook: executed_copy(notebook) for notebook in lessons()}  # each notebook read once
    missing = [p.name for p, nb in executed.items() if nb is None]
    if missing:
        print(f"no executed copy of {', '.join(missing)} matches the notebook today: run `pytest` (fast mode) "
              "or `python -m tools.build_site --execute fast|full` first", file=sys.stderr)
        raise SystemExit(2)
    pages = {}
    for notebook, nb in executed.items():
        page = f"lessons/{notebook.stem}.html"
        body = render(nb, notebook.stem)
        body = body.replace("<main>", "<main>" + banner(nb, notebook), 1) if "<main>" in body else banner(
            nb, notebook) + body
        pages[page] = rewrite_links(body, notebook.relative_to(ROOT).as_posix(), page)
    for source in ["README.md", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md"))]:
        page = site_path(source)
        text = (ROOT / source).read_text(encoding="utf-8")
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
        pages[page] = rewrite_links(render(nb, Path(source).stem), source, page)
    if out.exists():
        shutil.rmtree(out)
    for page, body in pages.items():
        (out / page).parent.mkdir(parents=True, exist_ok=True)
        (out / page).write_text(body, encoding="utf-8")
    shutil.copytree(ROOT / "docs" / "images", out / "docs" / "images")
    (out / ".nojekyll").write_text("")  # GitHub Pages serves the files as they are
    return pages


def figures(body: str) -> int:
    """Pictures a page carries: embedded output images and image files."""
    return len(re.findall(r"<img[^>]+src=\"(?:data:image/|[^\"]+\.(?:png|jpg|svg))", body))


def problems(out: Path, pages: dict[str, str]) -> list[str]:
    """What is wrong with the written site: a lesson without figures, a link or anchor that does not resolve."""
    found = [f"{page}: no figure" for page in pages if page.startswith("lessons/") and figures(pages[page]) == 0]
    ids = {page: set(re.findall(r'\bid="([^"]*)"', body)) for page, body in pages.items()}
    for page, body in pages.items():
        for _, url in LINK.findall(body):
            if url.startswith(EXTERNAL) or not url:
                continue
            path, _, fragment = html.unescape(url).partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
            if not (out / target).is_file():
                found.append(f"{page}: link {url} leads to nothing")
            elif fragment and target in ids and fragment not in {html.unescape(i) for i in ids[target]}:
                found.append(f"{page}: link {url}: no anchor #{fragment} in {target}")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--execute", choices=["fast", "full"], help="run every lesson first, in this mode")
    parser.add_argument("--out", type=Path, default=SITE, help="the site's folder (default build/site)")
    args = parser.parse_args(argv)
    if args.execute:
        execute(args.execute)
    pages = build(args.out)
    found = problems(args.out, pages)
    for line in found:
        print(line, file=sys.stderr)
    lesson_figures = ", ".join(f"{Path(p).stem[:2]} {figures(b)}" for p, b in pages.items() if p.startswith("lessons/"))
    print(f"{args.out / 'index.html'}: {len(pages)} pages; figures per lesson: {lesson_figures}; "
          f"{'all internal links resolve' if not found else f'{len(found)} problem(s)'}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
