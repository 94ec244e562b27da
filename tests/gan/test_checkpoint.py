"""Checkpoints: exact resume, atomic writes, safe loading and clear errors for bad files."""

import dataclasses

import numpy as np
import pytest
import torch
from tiny_gan import MODEL_CFG, TRAIN_CFG, tiny_trainer

from course_lib.gan.checkpoint import (
    REQUIRED_KEYS,
    check_config,
    load_checkpoint,
    read_generator,
    restore_trainer,
    save_checkpoint,
)
from course_lib.gan.health import NonFiniteLossError
from course_lib.serialization import CheckpointError, atomic_save

AUGMENTED = dataclasses.replace(TRAIN_CFG, augment="color,translation,cutout")


def state_tensors(trainer):
    """Every tensor that defines the trainer's state, flattened in a fixed order."""
    out = []

    def walk(x):
        if isinstance(x, torch.Tensor):
            out.append(x)
        elif isinstance(x, dict):
            for key in sorted(x, key=str):
                walk(x[key])
        elif isinstance(x, (list, tuple)):
            for item in x:
                walk(item)

    walk(trainer.state_dict())
    return out


@pytest.mark.parametrize("cfg", [TRAIN_CFG, AUGMENTED], ids=["plain", "diffaugment"])
def test_resume_is_bit_for_bit(tmp_path, cfg):
    straight = tiny_trainer(cfg)
    straight.run(7)  # crosses an epoch boundary (5 batches per epoch) on both sides of the save
    straight.run(6)

    first = tiny_trainer(cfg)
    first.run(7)
    save_checkpoint(tmp_path / "ck.pt", first, "dcgan", MODEL_CFG)
    torch.manual_seed(999)  # the resumed run must not depend on the global RNG of this process
    resumed = tiny_trainer(cfg, init_seed=12345)
    restore_trainer(resumed, load_checkpoint(tmp_path / "ck.pt"))
    resumed.run(6)

    assert resumed.step == straight.step == 13
    assert resumed.history.values == straight.history.values
    a, b = state_tensors(straight), state_tensors(resumed)
    assert len(a) == len(b) and all(torch.equal(x, y) for x, y in zip(a, b))


def test_checkpoint_holds_configs_and_loads_safely(tmp_path):
    trainer = tiny_trainer()
    trainer.run(2)
    save_checkpoint(tmp_path / "ck.pt", trainer, "dcgan", MODEL_CFG, extra={"epochs": 3.0})
    ckpt = load_checkpoint(tmp_path / "ck.pt")
    assert set(REQUIRED_KEYS) <= set(ckpt)
    assert ckpt["kind"] == "dcgan" and ckpt["step"] == 2 and ckpt["extra"] == {"epochs": 3.0}
    assert ckpt["config"] == {"model": dataclasses.asdict(MODEL_CFG), "train": dataclasses.asdict(TRAIN_CFG)}
    torch.load(tmp_path / "ck.pt", weights_only=True)  # plain values only
    assert [p.name for p in tmp_path.iterdir()] == ["ck.pt"]  # no temporary file left behind


def test_load_generator_rebuilds_the_ema_generator_from_the_file_alone(tmp_path):
    trainer = tiny_trainer()
    trainer.run(3)
    save_checkpoint(tmp_path / "ck.pt", trainer, "dcgan", MODEL_CFG)
    generator, ckpt = read_generator(tmp_path / "ck.pt")
    assert not generator.training and generator.cfg == MODEL_CFG
    for p, q in zip(generator.state_dict().values(), trainer.ema.module.state_dict().values()):
        assert torch.equal(p, q)
    raw, _ = read_generator(tmp_path / "ck.pt", use_ema=False)
    assert torch.equal(next(raw.parameters()), next(trainer.generator.parameters()))


def test_non_finite_training_leaves_the_last_good_checkpoint_intact(tmp_path):
    poison = {"on": False}
    trainer = tiny_trainer(regularizer=lambda d, r, f, labels: torch.tensor(float("nan") if poison["on"] else 0.0))
    trainer.run(3)
    path = save_checkpoint(tmp_path / "ck.pt", trainer, "dcgan", MODEL_CFG)
    good = path.read_bytes()
    poison["on"] = True
    with pytest.raises(NonFiniteLossError, match="never saved"):
        trainer.run(4)
    with pytest.raises(NonFiniteLossError):
        save_checkpoint(path, trainer, "dcgan", MODEL_CFG)
    assert path.read_bytes() == good and load_checkpoint(path)["step"] == 3


def test_atomic_save_keeps_the_old_file_when_writing_fails(tmp_path):
    path = atomic_save({"a": torch.ones(2)}, tmp_path / "x.pt")
    with pytest.raises(Exception):  # noqa: B017 -- a lambda cannot be pickled; which error is torch's business
        atomic_save({"a": lambda: 0}, path)
    assert torch.equal(torch.load(path, weights_only=True)["a"], torch.ones(2))
    assert [p.name for p in tmp_path.iterdir()] == ["x.pt"]


def test_only_rank_zero_writes(tmp_path, monkeypatch):
    trainer = tiny_trainer()
    trainer.run(1)
    monkeypatch.setenv("RANK", "1")
    assert save_checkpoint(tmp_path / "ck.pt", trainer, "dcgan", MODEL_CFG) is None
    assert not (tmp_path / "ck.pt").exists()


@pytest.fixture
def good(tmp_path):
    trainer = tiny_trainer()
    trainer.run(1)
    save_checkpoint(tmp_path / "good.pt", trainer, "dcgan", MODEL_CFG)
    return torch.load(tmp_path / "good.pt", weights_only=True)


def test_clear_errors_for_bad_files(tmp_path, good):
    with pytest.raises(FileNotFoundError, match="does not exist.*train dcgan"):
        load_checkpoint(tmp_path / "nope.pt")
    (tmp_path / "junk.pt").write_bytes(b"this is not a checkpoint")
    with pytest.raises(CheckpointError, match="is not a checkpoint: torch.load failed"):
        load_checkpoint(tmp_path / "junk.pt")
    torch.save({"weights": torch.ones(1)}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="not a course_lib training checkpoint"):
        load_checkpoint(tmp_path / "other.pt")
    torch.save({k: v for k, v in good.items() if k not in ("ema", "opt_d")}, tmp_path / "cut.pt")
    with pytest.raises(CheckpointError, match=r"missing keys \['ema', 'opt_d'\]"):
        load_checkpoint(tmp_path / "cut.pt")
    torch.save({**good, "kind": "stylegan"}, tmp_path / "kind.pt")
    with pytest.raises(CheckpointError, match="unknown model kind 'stylegan'"):
        load_checkpoint(tmp_path / "kind.pt")
    torch.save({**good, "blob": np.zeros(2)}, tmp_path / "unsafe.pt")
    with pytest.raises(CheckpointError, match="weights_only=True"):
        load_checkpoint(tmp_path / "unsafe.pt")


def test_config_mismatch_names_the_fields(good):
    check_config(good, "dcgan", MODEL_CFG, TRAIN_CFG)
    with pytest.raises(CheckpointError, match="from a 'dcgan' model, not 'cgan'"):
        check_config(good, "cgan")
    other = dataclasses.replace(TRAIN_CFG, lr_d=5e-4, loss="hinge")
    with pytest.raises(CheckpointError, match=r"train.loss: checkpoint 'non_saturating', this run 'hinge'; "
                                              r"train.lr_d: checkpoint 0.001, this run 0.0005"):
        check_config(good, "dcgan", MODEL_CFG, other)
    with pytest.raises(CheckpointError, match=r"model.width: checkpoint 4, this run 8"):
        check_config(good, "dcgan", dataclasses.replace(MODEL_CFG, width=8))


def test_a_version_1_slim_file_and_its_version_2_copy_draw_the_same(tmp_path):
    """The shipped dcgan.pt spells its generator the old way (config.model + weights); written again by
    save_pretrained it is one entry, and both draw the same images."""
    from pathlib import Path

    from course_lib.gan.checkpoint import model_config_dict, save_pretrained
    from course_lib.models import model_config

    shipped = Path(__file__).resolve().parents[2] / "checkpoints" / "dcgan.pt"
    old, obj = read_generator(shipped, device="cpu")
    assert obj["version"] == 1 and "arch" not in obj["generator"]
    save_pretrained(tmp_path / "v2.pt", "dcgan", model_config("dcgan", model_config_dict(obj)), old)
    new, saved = read_generator(tmp_path / "v2.pt", device="cpu")
    assert saved["version"] == 2 and saved["generator"]["arch"] == "dcgan.generator"
    z = torch.randn(4, old.latent_dim)
    torch.testing.assert_close(new(z), old(z), rtol=0, atol=0)
