"""Fixtures of the browser tests: one JupyterLab server and one headless Chromium for the whole session,
and each lesson opened and run once (every test of a lesson looks at that run).

Chromium is Debian's (`apt-get install chromium`, at /usr/bin/chromium or $COURSE_CHROMIUM), driven by
Playwright from PyPI; `playwright install` is never needed. Without Chromium the tests skip, except under
CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import lab


def pytest_addoption(parser):
    parser.addoption("--screenshots", metavar="DIR", default=None,
                     help="browser tests: also write each lesson's main-widget screenshot into DIR "
                          "(data_scripts/screenshots.py passes docs/images)")
    parser.addoption("--full-size", action="store_true",
                     help="browser tests: run the lessons at full size (COURSE_FAST=0), e.g. for screenshots that "
                          "show what a learner's run shows (data_scripts/screenshots.py --full-size)")


def _missing(why: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{why} (CI must run the browser tests; .ci/run installs it)")
    pytest.skip(why)


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory, request):
    """JupyterLab on 127.0.0.1 (free port, no token, COURSE_FAST=1 unless --full-size) serving a temporary copy
    of notebooks/."""
    workdir = tmp_path_factory.mktemp("lab")
    pristine = workdir / "pristine"  # the notebooks as they were when the session started
    shutil.copytree(lab.NOTEBOOKS, pristine, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    server = lab.start_lab(workdir, fast=not request.config.getoption("--full-size"))
    server.pristine = pristine
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_context(lab_server):
    if not Path(lab.CHROMIUM).exists():
        _missing(f"no Chromium at {lab.CHROMIUM}: `sudo apt-get install chromium fonts-wqy-microhei` "
                 "(or set COURSE_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed: pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=lab.CHROMIUM, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, device_scale_factor=1)
        yield context
        context.close()
        browser.close()


@dataclass
class LessonRun:
    name: str  # the notebook's path under the served folder, e.g. "02_dcgan.ipynb"
    page: object
    console: list[str]
    state: dict  # lab.notebook_state right after Run All finished
    server: lab.LabServer

    @property
    def stem(self) -> str:
        return Path(self.name).stem


@pytest.fixture(scope="module", params=[p.name for p in lab.lessons()])
def lesson(request, lab_server, browser_context):
    """One lesson opened in JupyterLab and run with Run All; its kernel is shut down afterwards."""
    name = request.param
    page, console = lab.open_lesson(browser_context, lab_server, name)
    state = lab.run_all(page, lab_server, name)
    yield LessonRun(name, page, console, state, lab_server)
    lab.close_session(page, lab_server, name)
    page.close()


@pytest.fixture(scope="session")
def screenshot_dir(request, tmp_path_factory) -> Path:
    chosen = request.config.getoption("--screenshots")
    return Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
