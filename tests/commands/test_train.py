"""``python -m course_lib train`` and ``sample`` end to end (tiny synthetic data; one real-data run)."""

import json

import pytest
import torch
from tiny_gan import tiny_images

from course_lib.commands import train_gan
from course_lib.commands.cli import main
from course_lib.gan import recipes
from course_lib.gan.checkpoint import load_checkpoint


@pytest.fixture
def tiny_data(monkeypatch):
    """256 random images instead of Fashion-MNIST: 4 batches of 64 per epoch; the fast run is 30 steps."""
    monkeypatch.setattr(train_gan, "training_data", lambda fast, n: (tiny_images(256), torch.arange(256) % 10))


def test_fast_train_writes_every_artefact_then_resumes(tmp_path, tiny_data, capsys):
    out = tmp_path / "run"
    assert main(["train", "dcgan", "--fast", "--out", str(out), "--seed", "1"]) == 0
    names = {p.name for p in out.iterdir()}
    assert {"checkpoint.pt", "samples.png", "samples_epoch_001.png", "history.json", "losses.png"} <= names
    ckpt = load_checkpoint(out / "checkpoint.pt")
    assert ckpt["step"] == 30 and ckpt["kind"] == "dcgan" and ckpt["config"]["train"]["seed"] == 1
    history = json.loads((out / "history.json").read_text())
    assert history["step"] == list(range(1, 31))
    assert "done at step 30" in capsys.readouterr().out

    assert main(["train", "dcgan", "--fast", "--out", str(out)]) == 2  # never overwrite silently
    assert "already exists: add --resume" in capsys.readouterr().err

    assert main(["train", "dcgan", "--out", str(out), "--resume", "--epochs", "10"]) == 0  # 10 epochs = 40 steps
    assert load_checkpoint(out / "checkpoint.pt")["step"] == 40
    assert {f"samples_epoch_{e:03d}.png" for e in range(1, 11)} <= {p.name for p in out.iterdir()}

    assert main(["train", "dcgan", "--out", str(out), "--resume", "--lr", "0.1"]) == 2
    assert "train.lr_d: checkpoint 0.0005, this run 0.1" in capsys.readouterr().err


def test_ctrl_c_saves_a_checkpoint(tmp_path, tiny_data, monkeypatch, capsys):
    make = recipes.make_trainer

    def interrupted(*args, **kwargs):
        trainer = make(*args, **kwargs)
        trainer.add_callback("on_step_end", lambda t: setattr(t, "stop_requested", t.step == 7))
        return trainer

    monkeypatch.setattr(recipes, "make_trainer", interrupted)
    assert main(["train", "dcgan", "--fast", "--out", str(tmp_path)]) == 130
    assert load_checkpoint(tmp_path / "checkpoint.pt")["step"] == 7
    assert "interrupted at step 7" in capsys.readouterr().out


def test_sample_command(tmp_path, tiny_data, capsys):
    assert main(["train", "dcgan", "--fast", "--out", str(tmp_path)]) == 0
    grid = tmp_path / "grid.png"
    assert main(["sample", str(tmp_path / "checkpoint.pt"), "--n", "12", "--out", str(grid), "--seed", "4"]) == 0
    assert "12 samples of dcgan (step 30, EMA weights, seed 4)" in capsys.readouterr().out
    from PIL import Image

    assert Image.open(grid).size == (8 * 30 + 2, 2 * 30 + 2)  # 8 per row, 28 px + 2 px padding
    assert main(["sample", str(tmp_path / "missing.pt")]) == 2
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "junk.pt").write_text("junk")
    assert main(["sample", str(tmp_path / "junk.pt")]) == 2
    assert "is not a checkpoint" in capsys.readouterr().err


@pytest.mark.slow
def test_fast_train_on_the_real_data(tmp_path):
    try:
        recipes.training_data(True, 8)
    except FileNotFoundError as err:
        pytest.skip(f"Fashion-MNIST not installed: {err}")
    assert main(["train", "dcgan", "--fast", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "samples.png").stat().st_size > 1000


def test_global_batch_size_is_split_over_the_processes(monkeypatch):
    from course_lib.commands import UserError
    from course_lib.commands.train import per_process_batch_size

    assert per_process_batch_size(32, None) == 32 and per_process_batch_size(None, 64) == 64
    monkeypatch.setenv("WORLD_SIZE", "4")
    assert per_process_batch_size(None, 64) == 16 and per_process_batch_size(None, None) is None
    with pytest.raises(UserError, match="--global-batch-size 66 does not split evenly over 4 process"):
        per_process_batch_size(None, 66)
    with pytest.raises(UserError, match="not both"):
        per_process_batch_size(16, 64)


def test_global_batch_size_flag_in_one_process(tmp_path, tiny_data, capsys):
    out = tmp_path / "run"
    assert main(["train", "dcgan", "--fast", "--global-batch-size", "32", "--out", str(out)]) == 0
    assert "batch 32)" in capsys.readouterr().out
    assert load_checkpoint(out / "checkpoint.pt")["config"]["train"]["batch_size"] == 32


def test_exclude_category_trains_a_base_without_it(tmp_path, monkeypatch, capsys):
    """`--exclude-category` leaves one category out (a base for `finetune`), and resume keeps it out."""
    images, labels = tiny_images(300), torch.arange(300) % 10
    monkeypatch.setattr(train_gan, "training_data", lambda fast, n: (images, labels))
    assert main(["train", "dcgan", "--fast", "--exclude-category", "短靴", "--out", str(tmp_path)]) == 0
    assert "270 images" in capsys.readouterr().out  # 300 minus the 30 ankle boots
    assert load_checkpoint(tmp_path / "checkpoint.pt")["extra"]["exclude_category"] == 9
    assert main(["train", "dcgan", "--out", str(tmp_path), "--resume", "--exclude-category", "0"]) == 2
    assert "trained excluding 9" in capsys.readouterr().err
    assert main(["train", "unet", "--task", "denoise", "--exclude-category", "9", "--out", str(tmp_path / "u")]) == 2
    assert "--exclude-category is for the GAN kinds" in capsys.readouterr().err


def test_precision_is_recorded_and_resume_keeps_it(tmp_path, tiny_data, capsys):
    out = tmp_path / "run"
    assert main(["train", "dcgan", "--fast", "--precision", "bf16", "--out", str(out)]) == 0
    assert "in bf16 for 30 steps" in capsys.readouterr().out
    ckpt = load_checkpoint(out / "checkpoint.pt")
    assert ckpt["extra"]["precision"] == "bf16" and all(v.dtype != torch.bfloat16 for v in ckpt["generator"].values())
    assert main(["train", "dcgan", "--out", str(out), "--resume", "--epochs", "9", "--precision", "fp32"]) == 2
    assert "--precision bf16 to continue it exactly" in capsys.readouterr().err
    assert main(["train", "dcgan", "--out", str(out), "--resume", "--epochs", "9", "--precision", "bf16"]) == 0
    assert main(["train", "unet", "--task", "denoise", "--precision", "bf16", "--out", str(tmp_path / "u")]) == 2
    assert "--precision is for the GAN kinds" in capsys.readouterr().err
