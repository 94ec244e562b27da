"""``python -m course_lib train wgan-gp --fast`` end to end on tiny synthetic data, then ``sample`` and resume."""

import dataclasses
import json

import pytest
import torch
from tiny_gan import tiny_images

from course_lib.commands import train_gan
from course_lib.commands.cli import main
from course_lib.gan import recipes
from course_lib.gan.checkpoint import load_checkpoint
from course_lib.models.wgan import WGANConfig


@pytest.fixture
def tiny_wgan(monkeypatch):
    """2048 random images (32 batches of 64) and a tiny critic/generator; the rest of the recipe unchanged."""
    monkeypatch.setattr(train_gan, "training_data", lambda fast, n: (tiny_images(2048), torch.arange(2048) % 10))
    recipe = dataclasses.replace(recipes.RECIPES["wgan-gp"], model=WGANConfig(latent_dim=8, width=4))
    monkeypatch.setitem(recipes.RECIPES, "wgan-gp", recipe)


def test_fast_train_sample_and_resume(tmp_path, tiny_wgan, capsys):
    out = tmp_path / "run"
    assert main(["train", "wgan-gp", "--fast", "--out", str(out)]) == 0
    assert {"checkpoint.pt", "samples.png", "history.json", "losses.png"} <= {p.name for p in out.iterdir()}
    ckpt = load_checkpoint(out / "checkpoint.pt")
    train = ckpt["config"]["train"]
    assert ckpt["kind"] == "wgan-gp" and ckpt["step"] == 30
    assert (train["loss"], train["n_critic"], train["regularizer"], train["regularizer_weight"]) == \
        ("wasserstein", 5, "gp", 10.0)
    assert tuple(train["betas"]) == (0.0, 0.9) and train["lr_d"] == 3e-4
    history = json.loads((out / "history.json").read_text())
    assert len(history["d_penalty"]) == 30 and all(p >= 0 for p in history["d_penalty"])
    assert "done at step 30" in capsys.readouterr().out

    grid = tmp_path / "grid.png"
    assert main(["sample", str(out / "checkpoint.pt"), "--n", "8", "--out", str(grid)]) == 0
    assert "8 samples of wgan-gp (step 30" in capsys.readouterr().out and grid.stat().st_size > 100

    # 6 epochs of 32 batches at 5 batches per generator step: ceil(192 / 5) = 39 steps in total
    assert main(["train", "wgan-gp", "--out", str(out), "--resume", "--epochs", "6"]) == 0
    assert load_checkpoint(out / "checkpoint.pt")["step"] == 39


@pytest.mark.slow
def test_compile_trains_the_generator_compiled_and_keeps_the_checkpoint_format(tmp_path, tiny_wgan, capsys):
    """`--compile` on a gradient-penalty critic: the generator is compiled, the critic stays eager (double
    backward), and the checkpoint has the same keys as an eager run's."""
    # 8-12 s on a 2-core CPU: torch.compile builds the generator's kernels (less when inductor's cache has them)
    assert main(["train", "wgan-gp", "--fast", "--compile", "--out", str(tmp_path / "compiled")]) == 0
    assert "--compile: generator compiled" in capsys.readouterr().out
    assert main(["train", "wgan-gp", "--fast", "--out", str(tmp_path / "eager")]) == 0
    compiled, eager = (load_checkpoint(tmp_path / name / "checkpoint.pt") for name in ("compiled", "eager"))
    for key in ("generator", "discriminator"):
        assert list(compiled[key]) == list(eager[key])
    assert compiled["step"] == eager["step"] == 30
    assert main(["train", "unet", "--fast", "--compile", "--out", str(tmp_path / "u")]) == 2
    assert "--compile is for the GAN kinds" in capsys.readouterr().err
