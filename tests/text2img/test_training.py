"""course_lib.text2img.training: three phases, a file after each, and a resumed run equal to an unbroken one."""

import dataclasses
import os
import signal

import pytest
import torch

from course_lib.text2img.training import PHASES
from text2img.edition_files import tiny_model


@pytest.fixture(scope="module")
def trained():
    """The tiny model of seed 4, trained without interruption, and the phases it saved after."""
    saved = []
    model, data = tiny_model(seed=4, save=lambda m: saved.append(dict(m.extra["phases"])))
    return model, data, saved


@pytest.fixture(scope="module")
def whole(trained):
    """The uninterrupted run's generator weights."""
    return {k: v.clone() for k, v in trained[0].generator.state_dict().items()}


def test_phases_and_exact_resume(trained, whole):
    model, data, saved = trained
    assert list(model.extra["phases"]) == list(PHASES) and [list(s) for s in saved] == [
        ["encoder"], ["encoder", "tagger"], ["encoder", "tagger", "gan"]]
    from course_lib.text2img.training import FAST_RECIPE, train_phases

    interrupted = dataclasses.replace(model, extra={**model.extra, "phases": {
        k: v for k, v in model.extra["phases"].items() if k != "gan"}})
    resumed = train_phases(data, model.thresholds, FAST_RECIPE, 4, model=interrupted, progress=False)
    for key, value in resumed.generator.state_dict().items():
        torch.testing.assert_close(value, whole[key], msg=key)


def test_ctrl_c_in_the_gan_phase_saves_its_loop_and_resume_continues_it_bit_for_bit(tmp_path, monkeypatch, whole):
    from course_lib.text2img import model as model_file
    from course_lib.text2img import training
    from course_lib.text2img.attributes import fit_thresholds
    from text2img.edition_files import constructed_edition

    data = constructed_edition(320, categories=10)  # tiny_model's: its run of seed 4 is the uninterrupted one
    thresholds = fit_thresholds(data.images, data.labels)

    real_loop, path = training.text_gan_loop, tmp_path / "checkpoint.pt"

    def loop_with_ctrl_c(*args, **kwargs):  # the user presses Ctrl-C after GAN step 12
        loop = real_loop(*args, **kwargs)
        loop.add_callback("on_step_end", lambda loop: os.kill(os.getpid(), signal.SIGINT) if loop.step == 12 else None)
        return loop

    monkeypatch.setattr(training, "SAVE_EVERY", 5)
    with monkeypatch.context() as m:
        m.setattr(training, "text_gan_loop", loop_with_ctrl_c)
        with pytest.raises(KeyboardInterrupt):
            training.train_phases(data, thresholds, training.FAST_RECIPE, 4, progress=False,
                                  save=lambda model: model_file.save(path, model))
    cut = model_file.load(path, finished=False, device="cpu")
    assert cut.generator is None and cut.gan_state["loop"]["step"] == 12 and list(cut.extra["phases"]) == [
        "encoder", "tagger"]
    resumed = training.train_phases(data, thresholds, training.FAST_RECIPE, 4, model=cut, progress=False,
                                    save=lambda model: model_file.save(path, model))
    for key, value in whole.items():
        assert torch.equal(value, resumed.generator.state_dict()[key]), key
    assert model_file.read(path).get("gan_state") is None  # a finished file keeps no training state
