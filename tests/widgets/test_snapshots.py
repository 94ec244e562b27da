"""course_lib.widgets.snapshots: frames on a fixed z at the right steps, and the slider over them."""

import pytest
import torch
from tiny_gan import tiny_trainer

from course_lib.gan.sampling import sample
from course_lib.widgets.snapshots import SnapshotRecorder, snapshot_slider


def test_recorder_captures_every_n_steps_on_a_fixed_z():
    trainer = tiny_trainer(log_every=2)
    recorder = SnapshotRecorder(n=4, seed=7, every=4)
    recorder.capture(trainer)
    trainer.add_callback("on_log", recorder)
    trainer.run(8)
    assert [step for step, _, _ in recorder.frames] == [0, 4, 8]
    torch.testing.assert_close(recorder.frames[-1][2], sample(trainer.ema.module, 4, seed=7))
    assert not torch.equal(recorder.frames[0][2], recorder.frames[-1][2])


def test_slider_shows_the_chosen_frame():
    trainer = tiny_trainer()
    recorder = SnapshotRecorder(n=3, seed=0, every=1, use_ema=False)
    with pytest.raises(ValueError, match="no frames"):
        snapshot_slider(recorder)
    recorder.capture(trainer)
    trainer.run(2)
    recorder.capture(trainer)
    slider = snapshot_slider(recorder, nrow=3)
    assert slider.frame.max == 1 and slider.frame.value == 1
    slider.update()
    first = slider.picture.value
    slider.frame.value = 0
    assert slider.picture.value[:8] == b"\x89PNG\r\n\x1a\n" and slider.picture.value != first


def test_bad_arguments():
    with pytest.raises(ValueError, match="at least 1"):
        SnapshotRecorder(n=0)
