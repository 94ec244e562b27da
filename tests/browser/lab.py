"""Driving JupyterLab 4 and ipywidgets 8 from Playwright: the server, the page helpers, the in-page checks.

Used by the browser tests (``pytest -m browser``) and by ``data_scripts/screenshots.py``. Facts this relies on,
checked with JupyterLab 4.6 and ipywidgets 8.1: Run All is the command ``runmenu:run-all`` (a menu item
with that ``data-command``); a lesson opened without ``?reset`` reopens the previous tab and starts a
second kernel; ipywidgets puts every new picture under a new blob URL, so pictures are compared by a
hash of their bytes taken in the page; ``innerText`` of off-screen cells is empty, so text is read
through ``textContent``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
LESSON_GLOB = "[0-9][0-9]_*.ipynb"  # every lesson, including ones added later

# JupyterLab settings for the session: no news or update check (they call out to the internet and ask a
# question in a toast), and the notebook's windowing mode "none". JupyterLab 4.6's default,
# "contentVisibility", loses widget pictures in Chromium 156 (headless and headed alike): in lessons
# 04-06 the explorers' <img> elements get no layout box at all (0x0, offsetParent null, even after
# scrolling to them and after a redraw) while a copy of the same element shows the picture. Everything
# else is JupyterLab's default, as a learner has it.
LAB_SETTINGS = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings":
                {"fetchNews": "false", "checkForUpdates": False},
                "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"}}

SERVER_START_TIMEOUT_S = 60
KERNEL_RUN_TIMEOUT_S = 300  # a whole lesson in fast mode; the slowest took 26 s under nbval
FULL_RUN_TIMEOUT_S = 900  # a whole lesson at full size (--full-size, for screenshots): at most 10 min on 2 cores
# A widget redraw is one small matplotlib figure (the slowest, lesson 04's critic refit, is a few seconds
# on 2 cores); the bound only keeps a dead widget from hanging the suite.
REDRAW_TIMEOUT_S = 30
TEXT_INPUTS = ("ankle boot", "sneaker")  # the course's text boxes take a product description


def lessons() -> list[Path]:
    return sorted(NOTEBOOKS.glob(LESSON_GLOB))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """PIDs of every process below ``pid`` (read from /proc), children first."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@dataclass
class LabServer:
    """A JupyterLab server on 127.0.0.1 serving a temporary copy of ``notebooks/``."""

    process: subprocess.Popen
    url: str
    root: Path  # the served folder (the copy of notebooks/)
    log: Path
    pristine: Path | None = None  # a copy of notebooks/ as it was when the session started
    fast: bool = True  # COURSE_FAST=1 for the kernels it starts

    def api(self, path: str):
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.loads(response.read())

    def kernel_state(self, notebook: str) -> str | None:
        """The execution state of the kernel of the session of ``notebook`` (a path under the root)."""
        for session in self.api("/api/sessions"):
            if session.get("path") == notebook and session.get("kernel"):
                return session["kernel"]["execution_state"]
        return None

    def stop(self) -> None:
        """Stop the server, then kill whatever it left (its kernels) by PID."""
        pids = descendants(self.process.pid)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # jupyter's own clean stop: it shuts its kernels down
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _stop_with_parent() -> None:
    """In the server's child process (Linux): get SIGTERM when the test process dies, even killed, so a
    killed test run leaves no server or kernel behind (the server stops its kernels on SIGTERM)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def copy_course(dest: Path) -> Path:
    """Copy what the lessons need into ``dest``: notebooks/ (with _src and the jupytext config), and a
    link to checkpoints/ so a ``../checkpoints`` path works as in the repository. Returns dest/notebooks."""
    shutil.copytree(NOTEBOOKS, dest / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    if (ROOT / "checkpoints").is_dir():
        (dest / "checkpoints").symlink_to(ROOT / "checkpoints")
    return dest / "notebooks"


def start_lab(workdir: Path, fast: bool = True) -> LabServer:
    """Start ``jupyter lab`` on a free 127.0.0.1 port, no token, on a copy of the notebooks, in fast mode unless
    ``fast`` is False (the lessons then run at full size, as a learner's plain ``jupyter lab``)."""
    served = copy_course(workdir)
    settings = workdir / "lab-settings"
    for name, values in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    env = dict(os.environ, COURSE_FAST="1" if fast else "0", JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(workdir / "lab-workspaces"), JUPYTER_RUNTIME_DIR=str(workdir / "runtime"))
    # As a learner's `COURSE_FAST=1 jupyter lab notebooks/`: pytest's conftest sets these for nbval, but
    # MPLBACKEND=Agg would hide every inline figure in JupyterLab and TQDM_DISABLE its progress bars.
    for name in ("MPLBACKEND", "TQDM_DISABLE"):
        env.pop(name, None)
    port = free_port()
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
               "--ServerApp.password=", f"--ServerApp.root_dir={served}"]
    if os.geteuid() == 0:
        command.append("--allow-root")  # jupyter refuses to run as root without it (containers, CI)
    log = workdir / "jupyter.log"
    process = subprocess.Popen(command, env=env, cwd=served, stdin=subprocess.DEVNULL, stdout=log.open("w"),
                               stderr=subprocess.STDOUT,
                               preexec_fn=_stop_with_parent if sys.platform == "linux" else None)
    server = LabServer(process, f"http://127.0.0.1:{port}", served, log, fast=fast)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with code {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            server.api("/api/status")
            return server
        except OSError:
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"jupyter lab did not answer /api/status in {SERVER_START_TIMEOUT_S} s:\n"
                                   f"{log.read_text()[-3000:]}") from None
            time.sleep(0.25)


# ---- in-page scripts -------------------------------------------------------------------------------------

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"

# State of the open notebook: prompts of code cells, error outputs, widget placeholders and errors.
NOTEBOOK_STATE_JS = """(sel) => {
  const nb = document.querySelector(sel);
  if (!nb) return null;
  const prompts = [...nb.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent.trim());
  const errors = [...nb.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')]
    .map(e => e.textContent.slice(0, 2000));
  const text = nb.textContent;
  return {prompts, errors,
          loading: (text.match(/Loading widget(\\.\\.\\.|\u2026)/g) || []).length,
          widgetErrors: (text.match(/Error displaying widget[^\\n]{0,80}/g) || [])};
}"""

# Tag every widget output (one displayed widget) and its controls with data attributes; describe them.
WIDGETS_JS = """(sel) => {
  const nb = document.querySelector(sel);
  const outputs = [...nb.querySelectorAll('.jp-OutputArea-output')]
    .filter(o => o.querySelector('.jupyter-widgets'));
  return outputs.map((out, i) => {
    out.dataset.courseWidget = String(i);
    const controls = [];
    const add = (el, kind, usable) => {
      el.dataset.courseControl = `${i}-${controls.length}`;
      controls.push({id: el.dataset.courseControl, kind, usable,
                     label: (el.closest('.widget-inline-hbox, .widget-toggle-buttons')
                             ?.querySelector('.widget-label')?.textContent || '').trim()});
    };
    out.querySelectorAll('.widget-slider').forEach(s => {
      const handle = s.querySelector('.noUi-handle');
      const target = s.querySelector('.noUi-target');
      const fixed = handle && handle.getAttribute('aria-valuemin') === handle.getAttribute('aria-valuemax');
      if (handle) add(handle, 'slider', !fixed && !(target && target.hasAttribute('disabled')));
    });
    out.querySelectorAll('.widget-dropdown select')
      .forEach(s => add(s, 'dropdown', !s.disabled && s.options.length > 1));
    out.querySelectorAll('.widget-toggle-buttons').forEach(g => add(g, 'toggle',
      [...g.querySelectorAll('button')].some(b => !b.disabled && !b.classList.contains('mod-active'))));
    out.querySelectorAll('button.widget-toggle-button').forEach(b => {
      if (!b.closest('.widget-toggle-buttons')) add(b, 'toggle', !b.disabled);
    });
    out.querySelectorAll('.widget-checkbox input[type=checkbox]').forEach(c => add(c, 'toggle', !c.disabled));
    out.querySelectorAll('.widget-text input[type=text], .widget-textarea textarea')
      .forEach(t => add(t, 'text', !t.disabled));
    const pictures = [...out.querySelectorAll('img.widget-image')];
    return {index: i, controls, pictures: pictures.length,
            rendered: pictures.filter(p => p.src.startsWith('blob:') && p.complete && p.naturalWidth > 0
                                      && p.getBoundingClientRect().width > 0 && p.getBoundingClientRect().height > 0)
                              .length};  // drawn on the page: a layout box, not only decoded bytes
  });
}"""

# SHA-256 of the bytes of every picture of one widget, joined; null while one cannot be read yet.
PICTURES_HASH_JS = """async (sel) => {
  const out = document.querySelector(sel);
  const hashes = [];
  for (const img of out.querySelectorAll('img.widget-image')) {
    if (!img.src.startsWith('blob:')) return null;
    try {
      const bytes = await (await fetch(img.src)).arrayBuffer();
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      hashes.push([...digest].map(b => b.toString(16).padStart(2, '0')).join(''));
    } catch (e) { return null; }  // the blob was revoked by a newer picture: read again
  }
  return hashes.join(',');
}"""

# Han characters in the page, each drawn on a canvas in the font of an element that shows it, compared
# with the same font's glyph for a code point no font has (the empty box a missing CJK font gives).
CJK_GLYPHS_JS = """(sel) => {
  const nb = document.querySelector(sel);
  const han = /[\\u3400-\\u4dbf\\u4e00-\\u9fff]/g;
  const byFont = new Map();
  const walker = document.createTreeWalker(nb, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const chars = node.textContent.match(han);
    if (!chars || !node.parentElement) continue;
    const style = getComputedStyle(node.parentElement);
    const font = `${style.fontStyle} ${style.fontWeight} 32px ${style.fontFamily}`;
    if (!byFont.has(font)) byFont.set(font, new Set());
    chars.forEach(c => byFont.get(font).add(c));
  }
  const canvas = document.createElement('canvas');
  canvas.width = 48; canvas.height = 48;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (font, ch) => {
    ctx.clearRect(0, 0, 48, 48); ctx.font = font; ctx.fillStyle = '#000'; ctx.textBaseline = 'top';
    ctx.fillText(ch, 4, 4);
    return {pixels: ctx.getImageData(0, 0, 48, 48).data.join(','), width: ctx.measureText(ch).width};
  };
  const boxes = [], fonts = [];
  let checked = 0;
  for (const [font, chars] of byFont) {
    const tofu = draw(font, '\\u0378');  // unassigned: every font draws its missing-glyph box
    fonts.push(font);
    for (const ch of chars) {
      checked += 1;
      const glyph = draw(font, ch);
      if (glyph.pixels === tofu.pixels) boxes.push(ch);
    }
  }
  return {checked, boxes: [...new Set(boxes)].join(''), fonts};
}"""


# An in-page call of the Jupyter REST API with the XSRF cookie JupyterLab uses: [method, path, JSON body or null].
API_JS = """async ([method, path, body]) => {
  const xsrf = (document.cookie.match(/(?:^|; )_xsrf=([^;]*)/) || [])[1] || '';
  const r = await fetch(path, {method, headers: {'Content-Type': 'application/json',
                                                 'X-XSRFToken': decodeURIComponent(xsrf)},
                               body: body === null ? undefined : JSON.stringify(body)});
  return {status: r.status, body: r.status === 204 ? null : await r.json()};
}"""


# ---- page actions ----------------------------------------------------------------------------------------

def open_lesson(context, server: LabServer, name: str):
    """A new page with ``name`` open in JupyterLab (``?reset``: no tab of an earlier run comes back).

    Returns (page, console): ``console`` collects the browser's console errors and uncaught exceptions."""
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(f"uncaught: {e}"))
    page.goto(f"{server.url}/lab/tree/{name}?reset")
    page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=60_000)
    wait_for(lambda: server.kernel_state(name) == "idle", 60, f"the kernel of {name} to start")
    return page, console


def wait_for(condition, timeout_s: float, what: str, every_s: float = 0.25):
    """Poll ``condition`` until it returns something truthy; fail with ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(every_s)


def command(page, menu: str, command_id: str) -> None:
    """Run a JupyterLab command through its menu item (``data-command``), as a learner clicks it."""
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(f'.lm-Menu-item[data-command="{command_id}"]').first.click()


def notebook_state(page) -> dict:
    return page.evaluate(NOTEBOOK_STATE_JS, NOTEBOOK)


def run_all(page, server: LabServer, name: str) -> dict:
    """Run All, then wait until no cell is queued or running and the kernel is idle. Returns the state."""
    command(page, "Run", "runmenu:run-all")

    def finished():
        state = notebook_state(page)
        busy = any("*" in p for p in state["prompts"])
        return None if busy or server.kernel_state(name) != "idle" else state

    wait_for(lambda: any("*" in p for p in notebook_state(page)["prompts"]) or None, 30, "Run All to start")
    wait_for(finished, KERNEL_RUN_TIMEOUT_S if server.fast else FULL_RUN_TIMEOUT_S, f"{name} to finish running")
    return wait_for(finished, 10, "the kernel to stay idle")  # a second look: nothing was still queued


def widgets(page) -> list[dict]:
    return page.evaluate(WIDGETS_JS, NOTEBOOK)


def pictures_hash(page, widget: int) -> str:
    selector = f'[data-course-widget="{widget}"]'
    return wait_for(lambda: page.evaluate(PICTURES_HASH_JS, selector), 10, f"the pictures of widget {widget}")


def settle(page, server: LabServer, name: str, widget: int) -> str:
    """Wait until the kernel is idle and the widget's pictures stop changing; return their hash."""
    wait_for(lambda: server.kernel_state(name) == "idle", REDRAW_TIMEOUT_S, "the kernel to be idle")
    last = pictures_hash(page, widget)
    while True:
        time.sleep(0.3)
        now = pictures_hash(page, widget)
        if now == last and server.kernel_state(name) == "idle":
            return now
        last = now


def change(page, control: dict) -> str:
    """Change one control once as a learner would; return what was done."""
    element = page.locator(f'[data-course-control="{control["id"]}"]')
    element.scroll_into_view_if_needed()
    kind = control["kind"]
    if kind == "slider":
        at_max = element.get_attribute("aria-valuenow") == element.get_attribute("aria-valuemax")
        key = "ArrowLeft" if at_max else "ArrowRight"
        element.focus()
        element.press(key)
        return f"pressed {key} on the slider"
    if kind == "dropdown":
        count, current = element.evaluate("s => [s.options.length, s.selectedIndex]")
        element.select_option(index=(current + 1) % count)
        return f"chose option {(current + 1) % count} of {count}"
    if kind == "toggle":
        tag = element.evaluate("e => e.tagName")
        if tag == "DIV":  # ToggleButtons: click a button that is not the active one
            element.locator("button:not(.mod-active):not([disabled])").first.click()
            return "clicked another toggle button"
        element.click()
        return "clicked the toggle"
    if kind == "text":
        current = element.input_value()
        text = next(t for t in TEXT_INPUTS if t != current)
        element.fill(text)
        element.press("Enter")
        return f"typed {text!r} and Enter"
    raise ValueError(f"unknown control kind {kind}")


def save(page, name: str) -> dict:
    """Save the open notebook through JupyterLab (File > Save: a PUT to the contents API); return the reply."""
    with page.expect_response(lambda r: r.request.method == "PUT" and f"/api/contents/{name}" in r.url,
                              timeout=60_000) as response:
        command(page, "File", "docmanager:save")
    reply = response.value
    assert reply.ok, f"saving {name} answered {reply.status}: {reply.text()[:2000]}"
    return reply.json()


def close_session(page, server: LabServer, name: str) -> None:
    """Shut the lesson's kernel down (a DELETE of its session), so lessons do not pile up kernels."""
    for session in server.api("/api/sessions"):
        if session.get("path") == name:
            reply = page.evaluate(API_JS, ["DELETE", f"/api/sessions/{session['id']}", None])
            assert reply["status"] == 204, reply


# ---- saving and the build ----------------------------------------------------------------------------------

def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (JupyterLab's .ipynb_checkpoints aside) by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts}


def sync_check(notebooks: Path, scratch: Path) -> subprocess.CompletedProcess:
    """``tools/build_notebooks.py --check`` on a scratch tree holding ``notebooks`` as notebooks/ (and the
    pyproject.toml the build reads the repository's address from)."""
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(notebooks, scratch / "notebooks")
    build = ROOT / "tools" / "build_notebooks.py"
    (scratch / "tools").mkdir()
    shutil.copy2(build, scratch / "tools" / build.name)
    shutil.copy2(ROOT / "pyproject.toml", scratch / "pyproject.toml")
    return subprocess.run([sys.executable, str(scratch / "tools" / build.name), "--check"],
                          capture_output=True, text=True)


def check_sources_kept(server: LabServer, scratch: Path, what: str) -> None:
    """After ``what`` was saved in JupyterLab: notebooks/_src is byte for byte as it was, no file was added
    or removed, and the sync check on the saved sources says what it says on the sources as they were."""
    before, after = files(server.pristine), files(server.root)
    rewritten = sorted(k for k, v in before.items() if k.startswith("_src/") and after.get(k) != v)
    assert not rewritten, f"saving {what} in JupyterLab rewrote {rewritten}"
    added, removed = sorted(set(after) - set(before)), sorted(set(before) - set(after))
    assert not added and not removed, f"saving {what} in JupyterLab added {added} and removed {removed}"
    saved = scratch / "saved"
    shutil.copytree(server.pristine, saved, ignore=shutil.ignore_patterns("_src"))
    shutil.copytree(server.root / "_src", saved / "_src")
    was, now = sync_check(server.pristine, scratch / "was"), sync_check(saved, scratch / "now")
    assert (now.returncode, now.stdout) == (was.returncode, was.stdout), (
        f"the sync check after saving {what}:\n{now.stdout}{now.stderr}\nbefore:\n{was.stdout}{was.stderr}")
