"""course_lib.commands.samplers: what `sample` runs for a GAN file and for a U-Net file, given the contents."""

import argparse
from pathlib import Path

import pytest
import torch

from course_lib.commands import UserError
from course_lib.commands.samplers import gan_sampler, label_batch, load_generator, unet_sampler
from course_lib.gan.sampling import sample
from course_lib.serialization import read_torch_file

SHIPPED = Path(__file__).resolve().parents[2] / "checkpoints"


def args(tmp_path, **changes):
    values = dict(n=4, out=str(tmp_path / "fakes.npz"), seed=3, nrow=None, device="cpu", no_ema=False, label=None,
                  data=None, prompt=None)
    return argparse.Namespace(**{**values, **changes})


def test_the_gan_sampler_draws_from_the_contents_it_is_given(tmp_path, capsys):
    path = SHIPPED / "cgan.pt"
    obj = read_torch_file(path)
    assert gan_sampler(path, obj, args(tmp_path, label="9")) == 0
    assert "4 samples of cgan, category 9 Ankle boot" in capsys.readouterr().out
    generator, step = load_generator(path, obj, True, "cpu")
    expected = sample(generator, 4, seed=3, labels=torch.full((4,), 9))
    import numpy as np

    saved = np.load(tmp_path / "fakes.npz")
    assert saved["labels"].tolist() == [9] * 4 and step == obj["extra"]["step"]
    want = ((expected.squeeze(1) + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).numpy()
    assert np.abs(saved["images"].astype(int) - want.astype(int)).max() <= 1


def test_misuse_is_refused_with_the_fix(tmp_path):
    dcgan = read_torch_file(SHIPPED / "dcgan.pt")
    with pytest.raises(UserError, match="--prompt needs a text-conditioned checkpoint"):
        gan_sampler(SHIPPED / "dcgan.pt", dcgan, args(tmp_path, prompt="a red dress"))
    with pytest.raises(UserError, match="--label needs a conditional checkpoint"):
        label_batch("3", 4, load_generator(SHIPPED / "dcgan.pt", dcgan, True, "cpu")[0], "dcgan")
    with pytest.raises(UserError, match="is an editing U-Net, which restores photos and draws none"):
        unet_sampler(SHIPPED / "unet.pt", {}, args(tmp_path))
