"""``python -m course_lib train unet`` end to end on tiny data: artefacts, errors, Ctrl-C, exact resume."""

import dataclasses
import json

import pytest
import torch

from course_lib.commands import UserError, train_unet
from course_lib.commands.cli import main
from course_lib.commands.train_unet import parse_strength, parse_tasks
from course_lib.editing import training
from course_lib.editing.checkpoint import load_unets, load_unets_file
from course_lib.editing.degrade import TASKS
from course_lib.models.unet import UNetConfig


def product_images(n=64, seed=0):
    """uint8 (n, 28, 28) 'products': bright rectangles on black."""
    g = torch.Generator().manual_seed(seed)
    images = torch.zeros(n, 28, 28, dtype=torch.uint8)
    for i in range(n):
        top, left = torch.randint(2, 10, (2,), generator=g).tolist()
        images[i, top: top + 14, left: left + 12] = int(torch.randint(100, 256, (), generator=g))
    return images


@pytest.fixture
def tiny_unet(monkeypatch):
    """64 images instead of Fashion-MNIST, a width-8 U-Net and a 6-step fast run."""
    monkeypatch.setattr(train_unet, "training_data", lambda fast, n: (product_images(), torch.arange(64) % 10))
    recipe = dataclasses.replace(train_unet.UNET_RECIPE, model=UNetConfig(cond_channels=1, width=8, groups=4),
                                 fast_steps=6)
    monkeypatch.setattr(train_unet, "UNET_RECIPE", recipe)


def weights(path):
    return {task: entry["network"]["state"] for task, entry in load_unets_file(path)["tasks"].items()}


def test_fast_run_writes_every_artefact_and_the_file_loads(tmp_path, tiny_unet, capsys):
    out = tmp_path / "run"
    assert main(["train", "unet", "--task", "denoise", "--fast", "--batch-size", "8", "--out", str(out)]) == 0
    assert {"checkpoint.pt", "samples.png", "history.json", "losses.png"} <= {p.name for p in out.iterdir()}
    obj = load_unets_file(out / "checkpoint.pt")
    entry = obj["tasks"]["denoise"]
    assert list(obj["tasks"]) == ["denoise"] and entry["step"] == 6 and entry["fit"]["tasks"] == ("denoise",)
    assert obj["run"]["batch_size"] == 8 and obj["run"]["num_images"] == 64 and not obj["run"]["adversarial"]
    config = entry["network"]["config"]
    assert config["width"] == 8 and not config["residual"]  # denoise: plain output
    unet = load_unets(out / "checkpoint.pt")["denoise"]
    assert not unet.training and unet(torch.zeros(2, 1, 28, 28), torch.zeros(2, 1, 28, 28)).shape == (2, 1, 28, 28)
    history = json.loads((out / "history.json").read_text())
    assert history["denoise"]["step"] == [1, 2, 3, 4, 5, 6] and len(history["denoise"]["l1"]) == 6
    from PIL import Image

    assert Image.open(out / "samples.png").size == (8 * 30 + 2, 3 * 30 + 2)  # degraded / restored / clean
    assert "done:" in capsys.readouterr().out
    assert main(["train", "unet", "--task", "denoise", "--fast", "--out", str(out)]) == 2  # never overwrite
    assert "already exists: add --resume" in capsys.readouterr().err


def test_steps_adversarial_and_residual_per_task(tmp_path, tiny_unet):
    out = tmp_path / "run"
    args = ["train", "unet", "--task", "deblur", "--steps", "3", "--adversarial", "--strength", "0.5",
            "--batch-size", "8", "--seed", "4", "--lr", "0.002", "--out", str(out)]
    assert main(args) == 0
    obj = load_unets_file(out / "checkpoint.pt")
    entry = obj["tasks"]["deblur"]
    assert entry["step"] == 3 and entry["network"]["config"]["residual"] and obj["run"]["adversarial"]
    assert entry["fit"]["strength"] == (0.5, 0.5) and entry["fit"]["seed"] == 4 and entry["fit"]["lr"] == 0.002
    assert {"d_loss", "adv", "l1"} <= set(entry["history"])
    assert main(["train", "unet", "--task", "enhance", "--epochs", "0.5", "--batch-size", "8",
                 "--out", str(tmp_path / "epochs")]) == 0  # 64 images = 8 batches: half an epoch is 4 steps
    assert load_unets_file(tmp_path / "epochs" / "checkpoint.pt")["tasks"]["enhance"]["step"] == 4


@pytest.mark.parametrize("args, message", [
    (["train", "unet", "--fast"], "train unet needs --task"),
    (["train", "unet", "--task", "sharpen"], "--task 'sharpen': expected one of denoise"),
    (["train", "unet", "--task", "denoise,denoise"], "expected one of denoise"),
    (["train", "unet", "--task", "denoise", "--strength", "1.5"], "--strength '1.5': expected LOW,HIGH"),
    (["train", "unet", "--task", "denoise", "--strength", "0.8,0.2"], "0 <= LOW <= HIGH <= 1"),
    (["train", "unet", "--task", "denoise", "--strength", "a"], "expected LOW,HIGH"),
    (["train", "unet", "--task", "denoise", "--steps", "0"], "argument --steps: must be at least 1, got 0"),
    (["train", "unet", "--task", "denoise", "--steps", "5", "--epochs", "1"], "give --steps or --epochs"),
    (["train", "dcgan", "--task", "denoise"], "--task is for `train unet` only; dcgan is a GAN"),
    (["train", "cgan", "--steps", "5"], "--steps is for `train unet` only; cgan is a GAN"),
    (["train", "cgan", "--adversarial"], "argument --adversarial: --adversarial is for `train unet` only"),
])
def test_clear_errors_exit_2(tmp_path, tiny_unet, capsys, args, message):
    assert main([*args, "--out", str(tmp_path / "run")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "run" / "checkpoint.pt").exists()


def interrupt_at(monkeypatch, task, step):
    """Ask the U-Net's loop to stop after ``step`` steps of ``task``, as a first Ctrl-C does."""
    real = training.pix2pix_loop

    def loop_with_ctrl_c(unet, batches, cfg, *args, **kwargs):
        loop = real(unet, batches, cfg, *args, **kwargs)
        if cfg.tasks == (task,):
            loop.add_callback("on_step_end", lambda loop: setattr(loop, "stop_requested", loop.step == step))
        return loop

    monkeypatch.setattr(training, "pix2pix_loop", loop_with_ctrl_c)


def test_ctrl_c_saves_and_resume_ends_bit_for_bit_where_an_uninterrupted_run_ends(tmp_path, tiny_unet,
                                                                                   monkeypatch, capsys):
    args = ["train", "unet", "--task", "denoise,inpaint", "--fast", "--batch-size", "8"]
    assert main([*args, "--out", str(tmp_path / "whole")]) == 0

    monkeypatch.setattr(training, "SAVE_EVERY", 2)
    with monkeypatch.context() as m:
        interrupt_at(m, "inpaint", 3)
        assert main([*args, "--out", str(tmp_path / "cut")]) == 130
    assert "interrupted: saved" in capsys.readouterr().out
    cut = load_unets_file(tmp_path / "cut" / "checkpoint.pt")["tasks"]
    assert cut["denoise"]["step"] == 6 and cut["inpaint"]["step"] == 3  # steps 0, 1, 2 of inpaint were done
    assert cut["inpaint"]["state"]["step"] == 3 and "state" not in cut["denoise"]  # the loop's, to go on from
    assert list(load_unets(tmp_path / "cut" / "checkpoint.pt")) == ["denoise"]  # unfinished models are left out
    assert (tmp_path / "cut" / "samples.png").exists()

    assert main(["train", "unet", "--out", str(tmp_path / "cut"), "--resume", "--lr", "0.1"]) == 2
    assert "fit.lr: checkpoint 0.001, this run 0.1" in capsys.readouterr().err
    assert main(["train", "unet", "--out", str(tmp_path / "cut"), "--resume"]) == 0
    whole, resumed = weights(tmp_path / "whole" / "checkpoint.pt"), weights(tmp_path / "cut" / "checkpoint.pt")
    assert list(resumed) == ["denoise", "inpaint"]
    for task in whole:
        for name, tensor in whole[task].items():
            assert torch.equal(tensor, resumed[task][name]), (task, name)


def test_parse_tasks():
    assert parse_tasks("denoise") == ("denoise",)
    assert parse_tasks("all") == TASKS
    assert parse_tasks("inpaint, deblur") == ("inpaint", "deblur")
    for bad in (None, "sharpen", "denoise,denoise", ""):
        with pytest.raises(UserError, match="--task"):
            parse_tasks(bad)


def test_parse_strength():
    assert parse_strength("0,1") == (0.0, 1.0)
    assert parse_strength("0.5") == (0.5, 0.5)
    assert parse_strength("0.2,0.8") == (0.2, 0.8)
    for bad in ("1.5", "-0.1", "0.8,0.2", "0,0.5,1", "x", "nan"):
        with pytest.raises(UserError, match="expected LOW,HIGH"):
            parse_strength(bad)
