"""Every lesson in real JupyterLab + Chromium, as a learner runs it: Run All, then the widgets.

One lesson is opened and run once (the ``lesson`` fixture); the tests below look at that run in order:
the cells ran, the widgets rendered, the main widget's screenshot, each kind of control redraws its
widget's picture, Chinese renders with real glyphs, saving keeps the source, and the console stayed clean.
"""

from __future__ import annotations

import time

import pytest

from . import lab

pytestmark = pytest.mark.browser

RENDER_TIMEOUT_S = 30  # widgets render in the browser after the kernel has finished


def widget_report(lesson) -> list[dict]:
    """The lesson's widgets once every picture has been drawn (or after RENDER_TIMEOUT_S)."""
    deadline = time.monotonic() + RENDER_TIMEOUT_S
    while True:
        state, found = lab.notebook_state(lesson.page), lab.widgets(lesson.page)
        done = not state["loading"] and all(w["rendered"] == w["pictures"] for w in found)
        if done or time.monotonic() > deadline:
            return found
        time.sleep(0.25)


def test_every_cell_runs(lesson):
    state = lesson.state
    assert not state["errors"], f"{lesson.name}: error outputs after Run All:\n" + "\n---\n".join(state["errors"])
    unrun = [i for i, prompt in enumerate(state["prompts"]) if not any(c.isdigit() for c in prompt)]
    assert not unrun, f"{lesson.name}: code cells {unrun} have no execution count after Run All"


def test_widgets_render(lesson):
    found = widget_report(lesson)
    state = lab.notebook_state(lesson.page)
    assert found, f"{lesson.name} shows no widget"
    assert not state["widgetErrors"], f"{lesson.name}: {state['widgetErrors']}"
    assert not state["loading"], f"{lesson.name}: {state['loading']} widget(s) still 'Loading widget...'"
    for widget in found:
        assert widget["rendered"] == widget["pictures"], (
            f"{lesson.name}: widget {widget['index']} drew {widget['rendered']} of its {widget['pictures']} pictures")
        if any(c["usable"] for c in widget["controls"]):
            assert widget["pictures"], (f"{lesson.name}: widget {widget['index']} has controls but no picture "
                                        "(the course's widgets draw into an ipywidgets.Image)")


def main_widget(found: list[dict]) -> dict:
    """The widget with the most usable controls (the first of those on a tie): the lesson's explorer."""
    return max((w for w in found if w["pictures"]), key=lambda w: sum(c["usable"] for c in w["controls"]))


def test_screenshot_of_the_main_widget(lesson, screenshot_dir):
    widget = main_widget(widget_report(lesson))
    element = lesson.page.locator(f'[data-course-widget="{widget["index"]}"]')
    element.scroll_into_view_if_needed()
    lesson.page.mouse.move(0, 0)  # no hover highlight in the picture
    path = screenshot_dir / f"{lesson.stem}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    element.screenshot(path=path)
    box = element.bounding_box()
    assert box["width"] > 300 and box["height"] > 100, f"{lesson.name}: main widget is only {box}"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_each_kind_of_control_redraws_its_picture(lesson):
    changed = []
    for widget in widget_report(lesson):
        if not widget["pictures"]:
            continue
        kinds: dict[str, dict] = {}
        for control in widget["controls"]:
            if control["usable"]:
                kinds.setdefault(control["kind"], control)  # the first usable control of each kind
        for kind, control in kinds.items():
            before = lab.settle(lesson.page, lesson.server, lesson.name, widget["index"])
            action = lab.change(lesson.page, control)
            what = f"widget {widget['index']}, {kind} {control['label']!r}: {action}"
            try:
                lab.wait_for(lambda i=widget["index"], old=before: lab.pictures_hash(lesson.page, i) != old,
                             lab.REDRAW_TIMEOUT_S, "its picture to change")
            except AssertionError as error:
                raise AssertionError(f"{lesson.name}, {what}: the picture did not change ({error})") from None
            changed.append(what)
    assert changed, f"{lesson.name}: no widget with a picture and a usable control"
    print("\n".join(changed))  # shown with `pytest -rP`


def test_chinese_renders_with_real_glyphs(lesson):
    result = lesson.page.evaluate(lab.CJK_GLYPHS_JS, lab.NOTEBOOK)
    print(f"{result['checked']} Han characters checked in fonts {result['fonts']}")
    if not result["checked"]:
        pytest.skip(f"{lesson.name} shows no Chinese text")
    assert not result["boxes"], (
        f"{lesson.name}: these characters render as empty boxes: {result['boxes']} (fonts {result['fonts']}); "
        "install a CJK font: `sudo apt-get install fonts-wqy-microhei` (or fonts-noto-cjk)")


def test_saving_keeps_the_source(lesson, tmp_path):
    """File > Save after the run (outputs, kernel metadata and all) changes nothing the build reads."""
    lab.save(lesson.page, lesson.name)
    lab.check_sources_kept(lesson.server, tmp_path, lesson.name)


def test_no_console_errors(lesson):
    assert not lesson.console, f"{lesson.name}: browser console errors:\n" + "\n".join(lesson.console)
