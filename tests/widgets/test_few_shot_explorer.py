"""course_lib.widgets.few_shot_explorer: one panel per (N, method) run, nearest training images found, redraw."""

import pytest
import torch
from tiny_gan import MODEL_CFG, tiny_images

from course_lib.data import to_float
from course_lib.models.dcgan import build_dcgan
from course_lib.studies.few_shot_runs import RunResult
from course_lib.widgets.few_shot_explorer import ExplorerRun, few_shot_explorer


def explorer_run(n, method):
    torch.manual_seed(n)
    generator = build_dcgan(MODEL_CFG)[0].eval()
    result = RunResult(method, n, 0, [(2, 9.0, 0.1), (4, 7.0, 0.2)], 4, 7.0, 0.2, 4, 4, 7.0, 4, 0.2, 0.5, 0.0, 3.0,
                       7.5, 7.4, 0.0)
    return ExplorerRun(result, generator, tiny_images(n, seed=n))


def test_panel_draws_each_run_and_says_when_one_is_missing():
    runs = {(n, m): explorer_run(n, m) for n in (3, 5) for m in ("full", "FreezeD")}
    del runs[5, "FreezeD"]
    panel = few_shot_explorer(runs, to_float(tiny_images(10, seed=7)), count=4)
    assert list(panel.n.options) == [3, 5] and list(panel.method.options) == ["full", "FreezeD"]
    panel.update()
    shown = panel.shown
    assert panel.picture.value[:4] == b"\x89PNG" and shown["samples"].shape == (4, 1, 28, 28)
    train = to_float(runs[panel.n.value, panel.method.value].train)
    distances = torch.cdist(shown["samples"].flatten(1), train.flatten(1)).min(1).values
    assert torch.allclose(shown["distances"], distances, atol=1e-3)
    assert any(torch.equal(shown["neighbours"][0], t) for t in train)
    panel.n.value, panel.method.value = 3, "FreezeD"
    assert panel.picture.value[:4] == b"\x89PNG" and panel.shown["neighbours"].shape == (4, 1, 28, 28)
    before = panel.shown
    panel.n.value = 5  # (5, FreezeD) was not run: a message, not an error
    assert panel.shown is before and panel.picture.value[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="at least one fine-tuning run"):
        few_shot_explorer({}, to_float(tiny_images(4)))


def test_the_curve_shows_the_real_photos_floor_when_given():
    from matplotlib.figure import Figure

    from course_lib.widgets.few_shot_explorer import FewShotExplorer

    run = explorer_run(3, "full")
    plain, floored = Figure().subplots(), Figure().subplots()
    FewShotExplorer.draw_curve(plain, run.result)
    FewShotExplorer.draw_curve(floored, run.result, floor=0.6)
    assert len(floored.lines) == len(plain.lines) + 1
    assert list(floored.lines[-1].get_ydata()) == [0.6, 0.6]
    panel = few_shot_explorer({(3, "full"): run}, to_float(tiny_images(10, seed=7)), count=4, floor=0.6)
    panel.update()
    assert panel.floor == 0.6 and panel.picture.value[:4] == b"\x89PNG"
