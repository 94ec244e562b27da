"""course_lib.describe.training: three phases, a file after each, and a resumed run equal to an unbroken one."""

import torch

from course_lib.describe.training import PHASES
from describe.edition_files import tiny_model


def test_phases_and_exact_resume():
    saved = []
    model, data = tiny_model(seed=4, save=lambda m: saved.append(dict(m.extra["phases"])))
    assert list(model.extra["phases"]) == list(PHASES) and [list(s) for s in saved] == [
        ["encoder"], ["encoder", "tagger"], ["encoder", "tagger", "gan"]]
    from course_lib.describe.training import FAST_RECIPE, train_phases

    interrupted = model
    interrupted_state = {k: v.clone() for k, v in model.generator.state_dict().items()}
    interrupted.extra["phases"] = {k: v for k, v in model.extra["phases"].items() if k != "gan"}
    resumed = train_phases(data, model.thresholds, FAST_RECIPE, 4, model=interrupted, progress=False)
    for key, value in resumed.generator.state_dict().items():
        torch.testing.assert_close(value, interrupted_state[key], msg=key)
