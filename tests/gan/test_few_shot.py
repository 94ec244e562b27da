"""course_lib.gan.few_shot: the methods' flags, the new line's disjoint splits, the trainer each method builds,
D's overfitting probe, the memorisation check, and one measured run from a tiny base."""

from types import SimpleNamespace

import pytest
import torch
from tiny_gan import MODEL_CFG, tiny_images, tiny_trainer

from course_lib.data import to_float
from course_lib.gan.checkpoint import load_checkpoint, save_checkpoint
from course_lib.gan.few_shot import (
    FINETUNE_METHODS,
    DiscriminatorProbe,
    Method,
    copy_threshold,
    finetune_trainer,
    measure_run,
    memorisation,
    new_line,
)
from course_lib.metrics.scorer import FidScorer


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A tiny dcgan training checkpoint (generator, EMA and discriminator), loaded as `finetune` loads it."""
    trainer = tiny_trainer()
    trainer.run(4)
    path = tmp_path_factory.mktemp("base") / "checkpoint.pt"
    save_checkpoint(path, trainer, "dcgan", MODEL_CFG)
    return load_checkpoint(path)


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


def test_memorisation_flags_copies_and_not_new_images():
    train = to_float(tiny_images(10, seed=3))
    held_out = to_float(tiny_images(40, seed=4))
    copies = memorisation(train[torch.arange(20) % 10], train, held_out)
    assert copies.share == 1.0 and copies.distances.max() == 0 and torch.equal(copies.indices, torch.arange(20) % 10)
    reused = memorisation(train[:4], train, held_out, threshold=copies.threshold)
    assert reused.share == 1.0 and reused.threshold == copies.threshold == copy_threshold(train, held_out)
    new = memorisation(to_float(tiny_images(200, seed=5)), train, held_out)
    assert new.share < 0.2 and new.threshold > 0 and new.quantile == 0.05


def test_measure_run_scores_the_stop_and_trains_on_to_the_budget(base, monkeypatch):
    images, validation = tiny_images(8), to_float(tiny_images(12, seed=6))
    values = iter([5.0, 4.0, 4.5, 4.6, 4.7, 4.8])
    real_score = FidScorer.score_features
    calls = []

    def scripted_score(scorer, features):  # the validation curve is scripted; the other FIDs are real
        if scorer.reference_count == len(validation) and len(features) == 16:
            calls.append(1)
            return next(values)
        return real_score(scorer, features)

    monkeypatch.setattr(FidScorer, "score_features", scripted_score)
    result, at_stop, stopper = measure_run(base, images, validation, "full fine-tune", category=1,
                                           old_features=torch.randn(20, 128), max_steps=12, every=2,
                                           patience=2, seed=0, samples=16)
    assert result.stop_step == 4 and result.stop_fid == 4.0 and result.stopped_at == 8
    assert result.budget_steps == 12 and [s for s, _, _ in result.curve] == [2, 4, 6, 8, 10, 12]
    assert result.best_fid == 4.0 and result.best_step == 4 and 0 < result.stop_seconds <= result.budget_seconds
    assert 0 <= result.gan_test <= 1 and 0 <= result.memorised <= 1 and result.old_fid > 0
    assert "curve" not in result.row() and result.row()["method"] == "full fine-tune"
    assert all(torch.equal(v, stopper.best_state[k]) for k, v in at_stop.state_dict().items())
