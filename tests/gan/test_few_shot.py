"""course_lib.gan.few_shot: the methods' flags, the new line's disjoint splits, the trainer each method builds,
D's overfitting probe (one measured run: tests/studies/test_few_shot_runs.py)."""

from types import SimpleNamespace

import pytest
import torch
from tiny_gan import tiny_base, tiny_images

from course_lib.data import to_float
from course_lib.gan.few_shot import (
    FINETUNE_METHODS,
    METHODS,
    STUDY_METHODS,
    DiscriminatorProbe,
    Method,
    finetune_trainer,
    new_line,
    report_split,
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
    assert FINETUNE_METHODS["FreezeD K=2"].flags() == "--freeze-d 2"


def test_new_line_is_seeded_and_validates_on_train_images_it_does_not_use():
    data = toy_data()
    train, validation = new_line(data, 1, 5, seed=0, validation=4)
    again, same_validation = new_line(data, 1, 5, seed=0, validation=4)
    other, _ = new_line(data, 1, 5, seed=1, validation=4)
    assert train.shape == (5, 28, 28) and torch.equal(train, again) and not torch.equal(train, other)
    pool = data.train_images[data.train_labels == 1]
    assert all(any(torch.equal(t, p) for p in pool) for t in train)
    assert torch.equal(validation, same_validation) and validation.shape == (4, 1, 28, 28)
    pool_float = to_float(pool)
    assert all(any(torch.equal(v, p) for p in pool_float) for v in validation)  # train images of the line ...
    assert not any(torch.equal(v, to_float(t[None])[0]) for v in validation for t in train)  # ... not trained on
    assert torch.equal(new_line(data, 1, 9, seed=0, validation=4)[1], validation)  # the same for every n
    test = to_float(data.test_images[data.test_labels == 1])
    assert torch.equal(report_split(data, 1), test) and torch.equal(report_split(data, 1, 3), test[:3])
    with pytest.raises(ValueError, match="n must be between 1 and 16 .*less 4 held out"):
        new_line(data, 1, 17, seed=0, validation=4)


def test_study_variants_set_what_their_names_say(base):
    images = tiny_images(6)
    assert STUDY_METHODS["full, warm-up 100"].flags() == "--warmup 100"
    assert STUDY_METHODS["full + DiffAugment 0.5"].flags() == "--augment translation,cutout --augment-strength 0.5"
    assert STUDY_METHODS["full, fresh D"].flags() == "--fresh-d" and set(METHODS) > set(FINETUNE_METHODS)
    slow, _, _ = finetune_trainer(base, images, STUDY_METHODS["full, lr x0.1"], seed=0, device="cpu")
    assert slow.opt_g.param_groups[0]["lr"] == pytest.approx(slow.cfg.lr_g) == pytest.approx(5e-5)
    weak, _, _ = finetune_trainer(base, images, STUDY_METHODS["full + DiffAugment 0.25"], seed=0, device="cpu")
    assert weak.augment.strength == {"translation": 0.25, "cutout": 0.25}
    fresh_d, _, _ = finetune_trainer(base, images, STUDY_METHODS["full, fresh D"], seed=0, device="cpu")
    ema = base["ema"]["module"]
    assert all(torch.equal(v, ema[k]) for k, v in fresh_d.generator.state_dict().items())
    assert any(not torch.equal(v, base["discriminator"][k]) for k, v in fresh_d.discriminator.state_dict().items())
    warm, _, _ = finetune_trainer(base, images, Method(warmup=4), seed=0, device="cpu")
    rates = []
    warm.add_callback("on_step_end", lambda t: rates.append(t.opt_d.param_groups[0]["lr"]))
    assert warm.opt_g.param_groups[0]["lr"] == pytest.approx(5e-4 / 4)  # the first step's
    warm.run(5, progress=False)
    assert rates == pytest.approx([5e-4 * f for f in (0.5, 0.75, 1.0, 1.0, 1.0)])  # set for the next step


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
    with pytest.raises(ValueError, match="no pretrained blocks to freeze"):
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
