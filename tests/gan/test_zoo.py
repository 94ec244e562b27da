"""course_lib.gan.zoo: load when present, None when absent, clear errors for bad files."""

import dataclasses

import pytest
import torch

from course_lib.gan.checkpoint import export_checkpoint, read_generator, save_checkpoint, save_pretrained
from course_lib.gan.recipes import RECIPES, make_trainer
from course_lib.gan.trainer import TrainConfig
from course_lib.gan.zoo import load_pretrained, pretrained_or, pretrained_path
from course_lib.models.cgan import CGANConfig, build_cgan
from course_lib.serialization import CheckpointError

CFG = CGANConfig(latent_dim=4, width=4)


def test_path_names():
    assert pretrained_path("dcgan", "/x").as_posix() == "/x/dcgan.pt"
    assert pretrained_path("cgan").name == "cgan.pt" and pretrained_path("cgan").parent.name == "checkpoints"
    with pytest.raises(ValueError, match="unknown model kind"):
        pretrained_path("stylegan")


def test_absent_file_gives_none_and_pretrained_or_keeps_the_trained_one(tmp_path, capsys):
    assert load_pretrained("cgan", tmp_path) is None
    generator, _ = build_cgan(CFG)
    assert pretrained_or(generator, "cgan", tmp_path) is generator
    assert "no pretrained cgan generator" in capsys.readouterr().out


def test_save_then_load_gives_the_same_images(tmp_path, capsys):
    torch.manual_seed(2)
    generator, _ = build_cgan(CFG)
    generator.train()
    generator(torch.randn(8, 4), torch.arange(8))  # non-trivial BatchNorm running statistics
    save_pretrained(tmp_path / "cgan.pt", "cgan", CFG, generator)
    loaded = load_pretrained("cgan", tmp_path)
    assert not loaded.training and loaded.num_classes == 10
    z, labels = torch.randn(3, 4), torch.tensor([1, 5, 9])
    torch.testing.assert_close(loaded(z, labels), generator.eval()(z, labels), rtol=0, atol=0)
    other, _ = build_cgan(CFG)
    assert pretrained_or(other, "cgan", tmp_path) is not other
    assert "using the pretrained generator" in capsys.readouterr().out


def test_a_training_checkpoint_works_too_and_exports_its_ema(tmp_path):
    images = torch.randint(0, 256, (16, 28, 28), dtype=torch.uint8)
    trainer = make_trainer("cgan", CFG, TrainConfig(batch_size=4), images, torch.arange(16) % 10, "cpu")
    trainer.run(2)
    save_checkpoint(tmp_path / "run.pt", trainer, "cgan", CFG)
    from_ckpt, _ = read_generator(tmp_path / "run.pt")
    export_checkpoint(tmp_path / "run.pt", tmp_path / "cgan.pt")
    slim = load_pretrained("cgan", tmp_path)
    z, labels = torch.randn(2, 4), torch.tensor([0, 3])
    expected = trainer.ema.module.eval()(z, labels)
    torch.testing.assert_close(from_ckpt(z, labels), expected, rtol=0, atol=0)
    torch.testing.assert_close(slim(z, labels), expected, rtol=0, atol=0)


def test_clear_errors(tmp_path):
    (tmp_path / "cgan.pt").write_text("version https://git-lfs.github.com/spec/v1")
    with pytest.raises(CheckpointError, match="Git LFS pointer.*git lfs pull"):
        load_pretrained("cgan", tmp_path)
    (tmp_path / "cgan.pt").write_bytes(b"\x00" * 100)
    with pytest.raises(CheckpointError, match="is not a checkpoint or generator file"):
        load_pretrained("cgan", tmp_path)
    torch.save({"weights": torch.zeros(2)}, tmp_path / "cgan.pt")
    with pytest.raises(CheckpointError, match="neither a pretrained generator"):
        load_pretrained("cgan", tmp_path)
    generator, _ = build_cgan(CFG)
    save_pretrained(tmp_path / "dcgan.pt", "cgan", CFG, generator)
    with pytest.raises(CheckpointError, match="holds a 'cgan' generator, not 'dcgan'"):
        load_pretrained("dcgan", tmp_path)
    bigger, _ = build_cgan(CGANConfig(latent_dim=4, width=8))
    save_pretrained(tmp_path / "cgan.pt", "cgan", CFG, bigger)
    with pytest.raises(CheckpointError, match="do not fit the 'cgan' model"):
        load_pretrained("cgan", tmp_path)


def test_load_or_train_says_which_model_it_returns(tmp_path, monkeypatch):
    from tiny_gan import tiny_images

    from course_lib.gan import zoo

    generator, source = zoo.load_or_train("dcgan")  # the repository ships checkpoints/dcgan.pt
    assert not generator.training and source.startswith("dcgan: the shipped generator") and "dcgan.pt" in source
    monkeypatch.setattr(zoo, "training_data", lambda fast, n: (tiny_images(64), torch.arange(64) % 10))
    monkeypatch.setattr(zoo, "get_recipe", lambda kind: dataclasses.replace(RECIPES[kind], fast_steps=2))
    generator, source = zoo.load_or_train("dcgan", root=tmp_path)  # nothing there: a fast-mode run
    assert not generator.training and "no " in source and "a 2-step fast-mode model" in source
