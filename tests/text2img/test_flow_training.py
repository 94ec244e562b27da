"""course_lib.text2img.flow_training: a run on the course's loop, its file, exact resume after Ctrl-C, snapshots."""

import os
import signal

import pytest
import torch

from course_lib.models.registry import rebuild
from course_lib.serialization import read_torch_file
from course_lib.text2img import flow_training, training
from course_lib.text2img import model as model_file
from course_lib.text2img.flow import FlowGenerator
from course_lib.text2img.flow_training import FlowRecipe
from text2img.edition_files import tiny_flow, tiny_model


@pytest.fixture(scope="module")
def base_and_data():
    return tiny_model()


@pytest.fixture(scope="module")
def whole(base_and_data):
    base, data = base_and_data
    return tiny_flow(base, data, steps=10)


def test_a_run_gives_a_flow_file_that_draws(whole, base_and_data, tmp_path):
    assert isinstance(whole.generator, FlowGenerator) and whole.kind == "flow"
    assert (whole.generator.steps, whole.generator.guidance) == (4, 2.0)
    assert list(whole.extra["phases"]) == ["flow"] and whole.extra["phases"]["flow"]["final_loss"] > 0
    assert whole.clip is base_and_data[0].clip  # the base's encoder, frozen
    path = model_file.save(tmp_path / "flow.pt", whole)
    again = model_file.load(path, device="cpu")
    assert again.kind == "flow" and read_torch_file(path, "x")["generator"]["arch"] == "flow"
    first = whole.generate("a red dress", n=3, seed=1)[0]
    assert first.shape == (3, 3, 28, 28) and first.abs().max() <= 1
    torch.testing.assert_close(again.generate("a red dress", n=3, seed=1)[0], first)


def test_ctrl_c_saves_the_loop_and_resume_continues_bit_for_bit(whole, base_and_data, tmp_path, monkeypatch):
    base, data = base_and_data
    real_loop, path = flow_training.flow_loop, tmp_path / "checkpoint.pt"

    def loop_with_ctrl_c(*args, **kwargs):  # the user presses Ctrl-C after step 7
        loop = real_loop(*args, **kwargs)
        loop.add_callback("on_step_end", lambda loop: os.kill(os.getpid(), signal.SIGINT) if loop.step == 7 else None)
        return loop

    monkeypatch.setattr(training, "SAVE_EVERY", 3)
    with monkeypatch.context() as m:
        m.setattr(flow_training, "flow_loop", loop_with_ctrl_c)
        with pytest.raises(KeyboardInterrupt):
            tiny_flow(base, data, steps=10, save=lambda model: model_file.save(path, model))
    cut = model_file.load(path, finished=False, device="cpu")
    assert cut.generator is None and cut.kind == "flow" and cut.gan_state["loop"]["step"] == 7
    with pytest.raises(Exception, match="unfinished flow training file.*train flow"):
        model_file.load(path)
    recipe = flow_training.FAST_RECIPE.__class__(**{**flow_training.FAST_RECIPE.__dict__, "steps": 10})
    resumed = flow_training.train_flow(cut, data, recipe, 0, "fp32", lambda m: None, progress=False, device="cpu")
    for key, value in whole.generator.net.state_dict().items():
        assert torch.equal(value, resumed.generator.net.state_dict()[key]), key


def test_snapshots_hold_the_ema_network_and_its_seconds(base_and_data, tmp_path):
    base, data = base_and_data
    seen = []

    def on_step(loop, seconds):
        seen.append(seconds)
        writer(loop, seconds)

    writer = training.snapshots_to(tmp_path / "snap", 4, "flow")
    from course_lib.text2img.flow_training import flow_model, train_flow
    recipe = flow_training.FAST_RECIPE.__class__(**{**flow_training.FAST_RECIPE.__dict__, "steps": 8})
    model = train_flow(flow_model(base, {}), data, recipe, 0, "fp32", lambda m: None, False, "cpu", on_step)
    assert sorted(p.name for p in (tmp_path / "snap").iterdir()) == ["step_000004.pt", "step_000008.pt"]
    last = read_torch_file(tmp_path / "snap" / "step_000008.pt", "snapshot")
    assert last["step"] == 8 and last["seconds"] == pytest.approx(seen[-1], abs=0.01)
    rebuilt = rebuild(last["network"])
    for key, value in model.generator.net.state_dict().items():
        assert torch.equal(value, rebuilt.state_dict()[key]), key


@pytest.mark.parametrize("field,value", [("steps", 0), ("lr", -1.0), ("p_uncond", 1.0), ("p_uncond", -0.1)])
def test_bad_recipes_are_refused(field, value):
    with pytest.raises(ValueError, match=f"FlowRecipe.{field}"):
        FlowRecipe(**{field: value})
