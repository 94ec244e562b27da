"""course_lib.widgets.critic_explorer: controls, caching, redraw for each constraint."""

import pytest
import torch

from course_lib.gan.toy_problems import eight_gaussians, gaussian_blob
from course_lib.widgets.critic_explorer import MODES, critic_explorer


def test_modes_fit_cache_and_draw():
    panel = critic_explorer(eight_gaussians(128), gaussian_blob(128), num_steps=50, hidden=8, batch_size=32)
    panel.update()
    first = panel.result
    assert panel.picture.value[:4] == b"\x89PNG" and first["norms"].shape == (128,)
    panel.update()
    assert panel.result is first  # same settings: cached, not refitted
    panel.mode.value = MODES[1]  # observers refit and redraw
    assert panel.result is not first and panel.settings() == (0.0, panel.clip.value, 50)
    limit = torch.tensor(panel.clip.value).item()  # the float32 the weights were clamped to
    assert max(p.abs().max().item() for p in panel.result["critic"].parameters()) <= limit
    panel.mode.value = MODES[2]
    assert panel.settings() == (0.0, None, 50)


def test_bad_input():
    with pytest.raises(ValueError, match=r"point clouds \(N, 2\)"):
        critic_explorer(torch.zeros(5, 3), torch.zeros(5, 2))
