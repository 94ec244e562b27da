"""TensorBoardLogger: every history column as a scalar at its steps, the sparse FID, the sample grid; a resumed run
does not write its old rows again; without tensorboard, a clear error with the install line."""

import sys

import pytest
import torch
from tiny_gan import tiny_trainer

from course_lib.gan.tensorboard import INSTALL_HINT, TensorBoardLogger, TrackingUnavailable, summary_writer_class


def events(log_dir):
    """The event files of ``log_dir``, read back (tensorboard comes with the dev extra)."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(log_dir), size_guidance={"scalars": 0, "images": 0})
    accumulator.Reload()
    return accumulator


def test_every_column_at_its_steps_the_fid_and_the_grid(tmp_path):
    trainer = tiny_trainer(log_every=4)
    logger = TensorBoardLogger(tmp_path, n=8)
    trainer.add_callback("on_log", logger)
    trainer.add_callback("on_step_end", lambda t: t.history.record(t.step, "fid", 100.0 / t.step)
                         if t.step % 3 == 0 else None)
    trainer.run(10, progress=False)  # logs at 4 and 8; steps 9-10 and the fid at 9 come with the grid
    logger.write_samples(trainer)
    logger.write_samples(trainer)  # once per step
    read = events(tmp_path)
    columns = trainer.history.keys()
    assert {"d_loss", "g_loss", "d_real", "d_fake", "d_grad_norm", "g_grad_norm"} <= set(columns)
    assert set(read.Tags()["scalars"]) == {f"train/{key}" for key in columns} | {"eval/fid"}
    for key in columns:
        points = read.Scalars(f"train/{key}")
        assert [p.step for p in points] == list(range(1, 11))
        torch.testing.assert_close(torch.tensor([p.value for p in points]),
                                   torch.tensor(trainer.history[key], dtype=torch.float32))
    assert [(p.step, round(p.value, 4)) for p in read.Scalars("eval/fid")] == [(3, 33.3333), (6, 16.6667),
                                                                                 (9, 11.1111)]
    grids = read.Images("samples")
    assert [g.step for g in grids] == [10] and grids[0].width == 8 * 30 + 2 and grids[0].height == 30 + 2


def test_a_resumed_run_writes_only_its_new_rows(tmp_path):
    trainer = tiny_trainer(log_every=2)
    trainer.run(4, progress=False)
    logger = TensorBoardLogger(tmp_path, start_step=trainer.step)
    trainer.add_callback("on_log", logger)
    trainer.run(4, progress=False)
    assert [p.step for p in events(tmp_path).Scalars("train/d_loss")] == [5, 6, 7, 8]


def test_without_tensorboard_the_error_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "tensorboard", None)  # `import tensorboard` raises ImportError
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)
    with pytest.raises(TrackingUnavailable, match="tensorboard package") as caught:
        TensorBoardLogger(tmp_path)
    assert INSTALL_HINT in str(caught.value) and INSTALL_HINT == 'pip install -e ".[tracking]"'
    with pytest.raises(ImportError):
        summary_writer_class()
    assert not list(tmp_path.iterdir())
