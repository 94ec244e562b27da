"""The site build (tools/build_site.py): links rewritten for the site, GitHub's anchors, the checks that
fail a build, and the form of every Colab and site link. The README's quickstart builds the real site in CI."""

import re
from pathlib import Path

import nbformat
import pytest

from tools import build_notebooks, build_site

ROOT = Path(__file__).resolve().parents[1]

COLAB = re.compile(r"https://colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/blob/([\w.-]+)/([^)\s\"]+)")


def test_headings_get_githubs_anchors_and_repeats_are_numbered():
    body = '<h2 id="The-README\'s-commands">The README\'s commands ¶</h2><h3 id="x">Precision</h3><h3>Precision</h3>'
    out = build_site.github_anchors(body)
    assert '<a id="the-readmes-commands"></a>' in out
    assert '<a id="precision"></a>' in out and '<a id="precision-1"></a>' in out


@pytest.mark.parametrize(("url", "expected"), [
    ("models.md#precision", "models.html#precision"),
    ("../README.md", "../index.html"),
    ("../notebooks/02_dcgan.ipynb", "../lessons/02_dcgan.html"),
    ("images/02_dcgan.png", "images/02_dcgan.png"),
    ("../course_lib/runtime.py", "https://github.com/{}/blob/main/course_lib/runtime.py"),
    ("../course_lib/gan", "https://github.com/{}/tree/main/course_lib/gan"),
    ("../notebooks/solutions/02_dcgan.ipynb", "https://github.com/{}/blob/main/notebooks/solutions/02_dcgan.ipynb"),
    ("nowhere.md", "nowhere.html"),  # a docs page that does not exist: the checks report it
    ("https://arxiv.org/abs/1511.06434", "https://arxiv.org/abs/1511.06434"),
])
def test_links_of_a_docs_page_point_at_the_site_or_at_github(url, expected):
    repo = build_notebooks.repository().removeprefix("https://github.com/")
    out = build_site.rewrite_links(f'<a href="{url}">x</a>', "docs/performance.md", "docs/performance.html")
    assert out == f'<a href="{expected.format(repo)}">x</a>'


def write_site(folder: Path, pages: dict[str, str]) -> None:
    for page, body in pages.items():
        (folder / page).parent.mkdir(parents=True, exist_ok=True)
        (folder / page).write_text(body)


def test_the_checks_find_a_lesson_without_figures_a_dead_link_and_a_missing_anchor(tmp_path):
    pages = {"index.html": '<a href="lessons/01_a.html#goals">1</a> <a href="docs/gone.html">x</a>',
             "lessons/01_a.html": '<h1 id="title">A</h1><a href="../index.html#nothing">back</a>',
             "lessons/02_b.html": '<img src="data:image/png;base64,AAAA"> <a href="#b">b</a> <p id="b"></p>'}
    write_site(tmp_path, pages)
    assert sorted(build_site.problems(tmp_path, pages)) == sorted([
        "lessons/01_a.html: no figure",
        "index.html: link docs/gone.html leads to nothing",
        "index.html: link lessons/01_a.html#goals: no anchor #goals in lessons/01_a.html",
        "lessons/01_a.html: link ../index.html#nothing: no anchor #nothing in index.html"])
    pages["lessons/01_a.html"] = ('<h1 id="goals">A</h1><img src="data:image/png;base64,AAAA">'
                                  '<a href="../index.html">b</a>')
    pages["index.html"] = '<a href="lessons/01_a.html#goals">1</a> <a href="https://example.org/x">x</a>'
    write_site(tmp_path, pages)
    assert build_site.problems(tmp_path, pages) == []


def test_an_executed_copy_whose_cells_are_not_todays_is_not_used(tmp_path, monkeypatch):
    notebook = build_site.lessons()[0]
    monkeypatch.setattr(build_site, "LESSONS", tmp_path)
    (tmp_path / "fast").mkdir()
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[-1].source += "\n# an older version of the lesson"
    nbformat.write(nb, tmp_path / "fast" / notebook.name)
    assert build_site.executed_copy(notebook) is None
    nbformat.write(nbformat.read(notebook, as_version=4), tmp_path / "fast" / notebook.name)
    assert build_site.executed_copy(notebook) is not None
    with pytest.raises(SystemExit) as stop:
        build_site.build(tmp_path / "site")  # the other lessons have no executed copy here
    assert stop.value.code == 2


def colab_links(text: str) -> list[tuple[str, str, str]]:
    return COLAB.findall(text)


def test_every_colab_link_names_the_repository_the_branch_and_a_notebook_that_exists():
    repo = build_notebooks.repository().removeprefix("https://github.com/")
    for _, _, notebook in build_notebooks.targets():
        first = nbformat.read(notebook, as_version=4).cells[0].source
        assert colab_links(first) == [(repo, build_notebooks.BRANCH, notebook.relative_to(ROOT).as_posix())]
    readme = (ROOT / "README.md").read_text()
    linked = colab_links(readme)
    assert {path for _, _, path in linked} == {p.relative_to(ROOT).as_posix() for p in build_site.lessons()}
    assert all(r == repo and branch == build_notebooks.BRANCH for r, branch, _ in linked)


def test_the_readme_links_the_site_and_each_lessons_page():
    readme = (ROOT / "README.md").read_text()
    assert build_site.site_url() in readme
    for notebook in build_site.lessons():
        assert build_site.site_url(f"lessons/{notebook.stem}.html") in readme


def test_the_pages_workflow_builds_the_site_at_full_size_and_publishes_build_site():
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text()
    assert "python -m tools.build_site --execute full" in workflow
    assert "path: build/site" in workflow and "actions/deploy-pages" in workflow
    assert f"branches: [{build_notebooks.BRANCH}]" in workflow


def test_a_lesson_page_says_which_run_made_its_outputs():
    notebook = build_site.lessons()[0]
    nb = nbformat.v4.new_notebook()
    nb.metadata["course_run"] = {"mode": "fast", "finished": "2026-12-07 15:32 UTC", "cpu": "AMD EPYC (family 25, "
                                 "model 17)", "cells_seconds": 15.1}
    line = build_site.banner(nb, notebook)
    assert "a fast-mode run (COURSE_FAST=1" in line and "in 15 s, finished 2026-12-07 15:32 UTC on AMD EPYC" in line
    assert build_notebooks.colab_url(notebook) in line and 'href="../index.html"' in line
