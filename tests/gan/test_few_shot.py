"""course_lib.gan.few_shot: the methods' flags, the new line's disjoint splits, the trainer each method builds,
D's overfitting probe (one measured run: tests/studies/test_few_shot_runs.py)."""

from types import SimpleNamespace

import pytest
import torch
from tiny_gan import tiny_base, tiny_images

from course_lib.data import to_float
from course_lib.gan.few_shot import (
    FINETUNE_METHODS,
    DiscriminatorProbe,
    Method,
    finetune_trainer,
    new_line,
)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return tiny_base(tmp_path_factory.mktemp("base"))


def toy_data():
    """The four tensors of a FashionMNIST, three categories."""
    return SimpleNamespace(train_images=tiny_images(60, seed=1), train_labels=torch.arange(60) % 3,
                           test_images=tiny_images(30, seed=2), test_labels=torch.arange(30) % 3)


def test_method_flags_match_the_command_line():
    assert Method().flags() == "(none)"
    assert FINETUNE_METHODS["FreezeD + DiffAugment"].flags() == "--freeze-d 1 --augment translation,cutout"
    assert FINETUNE_METHODS["from scratch"].flags() == "--from-scratch"


def test_new_line_is_seeded_and_keeps_train_and_validation_apart():
    data = toy_data()
    train, validation = new_line(data, 1, 5, seed=0, validation=4)
    again, _ = new_line(data, 1, 5, seed=0, validation=4)
    other, _ = new_line(data, 1, 5, seed=1, validation=4)
    assert train.shape == (5, 28, 28) and torch.equal(train, again) and not torch.equal(train, other)
    pool = data.train_images[data.train_labels == 1]
    assert all(any(torch.equal(t, p) for p in pool) for t in train)
    assert torch.equal(validation, to_float(data.test_images[data.test_labels == 1][:4]))
    with pytest.raises(ValueError, match="n must be between 1 and 20"):
        new_line(data, 1, 21, seed=0)


def test_finetune_trainer_starts_from_the_base_or_from_scratch(base):
    images = tiny_images(6)
    tuned, _, frozen = finetune_trainer(base, images, FINETUNE_METHODS["FreezeD"], seed=0, device="cpu")
    ema = base["ema"]["module"]
    assert all(torch.equal(v, ema[k]) for k, v in tuned.generator.state_dict().items())
    assert frozen > 0 and tuned.batches.batch_size == 6 and tuned.augment is None
    first = next(tuned.discriminator.parameters())
    assert not first.requires_grad and torch.equal(first, base["discriminator"][next(iter(base["discriminator"]))])
    fresh, _, frozen = finetune_trainer(base, images, FINETUNE_METHODS["from scratch + DiffAugment"], seed=0,
                                        device="cpu")
    assert frozen == 0 and fresh.augment is not None
    assert not torch.equal(next(fresh.generator.parameters()), next(tuned.generator.parameters()))
    with pytest.raises(ValueError, match="no pretrained discriminator blocks"):
        finetune_trainer(base, images, Method(freeze_d=1, from_scratch=True), seed=0, device="cpu")


def test_discriminator_probe_reads_d_in_eval_mode_and_changes_nothing(base):
    trainer, _, _ = finetune_trainer(base, tiny_images(8), FINETUNE_METHODS["full fine-tune"], seed=0, device="cpu")
    probe = DiscriminatorProbe(to_float(tiny_images(8)), to_float(tiny_images(5, seed=9)), every=2)
    trainer.add_callback("on_step_end", probe)
    trainer.run(4)
    assert [step for step, _, _ in probe.curve] == [2, 4]
    assert all(0 <= a <= 1 and 0 <= b <= 1 for _, a, b in probe.curve) and trainer.discriminator.training
    before = {k: v.clone() for k, v in trainer.discriminator.state_dict().items()}
    probe(trainer)  # step 4 again: a probe, no training
    assert all(torch.equal(v, trainer.discriminator.state_dict()[k]) for k, v in before.items())
