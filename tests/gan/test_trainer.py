"""The Trainer: records every step, fires callbacks, repeats exactly, stops cleanly and on NaN."""

import dataclasses
import signal

import pytest
import torch
from tiny_gan import TRAIN_CFG, tiny_images, tiny_trainer

from course_lib.data.batches import BatchSource
from course_lib.gan.callbacks import EVENTS
from course_lib.gan.health import NonFiniteLossError
from course_lib.gan.trainer import TrainConfig, Trainer
from course_lib.models.dcgan import DCGANConfig, build_dcgan

CFG = TRAIN_CFG


def make(cfg=CFG, **kwargs):
    return tiny_trainer(cfg, **kwargs)


def test_history_records_every_step():
    trainer = make()
    history = trainer.run(6)
    assert trainer.step == 6 and history.steps == [1, 2, 3, 4, 5, 6]
    assert history.keys() == ["d_loss", "d_real", "d_fake", "d_acc", "d_grad_norm", "g_loss", "g_grad_norm"]
    assert all(len(history[key]) == 6 for key in history.keys())
    assert all(0 <= v <= 1 for v in history["d_real"] + history["d_fake"] + history["d_acc"])
    assert trainer.images_per_second > 0


def test_callbacks_fire_on_steps_logs_and_epochs():
    trainer = make()  # 40 images / batch 8 = 5 batches per epoch
    seen = {event: [] for event in EVENTS}
    for event in EVENTS:
        trainer.add_callback(event, lambda t, e=event: seen[e].append(t.step))
    trainer.run(11)
    assert seen["on_step_end"] == list(range(1, 12))
    assert seen["on_log"] == [4, 8]
    assert seen["on_epoch_end"] == [5, 10]
    assert trainer.epoch == pytest.approx(2.2)
    with pytest.raises(ValueError, match="unknown event 'on_batch_end'; events: on_step_end"):
        trainer.add_callback("on_batch_end", print)


def test_n_critic_uses_n_batches_per_step():
    trainer = make(dataclasses.replace(CFG, n_critic=5))
    trainer.run(2)
    assert trainer.epoch == 2.0 and len(trainer.history) == 2


def test_same_seed_same_run():
    a, b = make(), make()
    a.run(5)
    b.run(5)
    assert a.history.values == b.history.values
    for p, q in zip(a.ema.module.parameters(), b.ema.module.parameters()):
        assert torch.equal(p, q)


def test_ema_follows_the_generator():
    trainer = make()
    trainer.run(3)
    assert trainer.ema.num_updates == 3
    first = next(trainer.ema.module.parameters())
    assert not torch.equal(first, next(make().generator.parameters()))


def test_non_finite_loss_stops_with_a_clear_message():
    poison = {"on": False}
    trainer = make(regularizer=lambda d, real, fake, labels: torch.tensor(float("nan") if poison["on"] else 0.0))
    trainer.run(4)
    poison["on"] = True
    with pytest.raises(NonFiniteLossError, match=r"(?s)d_penalty became nan at step 5.*lower the learning rate"):
        trainer.run(8)
    assert trainer.step == 5  # found at the next flush: here the end of epoch 1 (40 images, batch 8)
    with pytest.raises(NonFiniteLossError):  # and the trainer stays failed: no bad state can be saved
        trainer.state_dict()


def test_first_ctrl_c_stops_after_the_current_step():
    # raise_signal, not os.kill(os.getpid(), ...): a process-directed signal may be taken by another thread
    # (torch's or tqdm's), whose C handler then flags it a moment later, after the loop checked for a stop,
    # so the run stopped after step 4 about once in three full runs. raise_signal sends it to this thread.
    # The handler is compared with the one before the run: a shell starts background jobs (`pytest &`, nohup)
    # with SIGINT ignored, and the trainer must give back that, not Python's default.
    before = signal.getsignal(signal.SIGINT)
    trainer = make()
    trainer.add_callback("on_step_end", lambda t: t.step == 3 and signal.raise_signal(signal.SIGINT))
    with pytest.raises(KeyboardInterrupt, match="after step 3"):
        trainer.run(10)
    assert trainer.step == 3 and len(trainer.history.steps) == 3
    assert signal.getsignal(signal.SIGINT) is before
    trainer.run(2)  # and it can go on
    assert trainer.step == 5


def test_config_and_batches_are_checked():
    with pytest.raises(ValueError, match="unknown GAN loss"):
        TrainConfig(loss="bce")
    with pytest.raises(ValueError, match="n_critic must be at least 1"):
        TrainConfig(n_critic=0)
    with pytest.raises(ValueError, match="learning rates must be positive"):
        TrainConfig(lr_d=0)
    generator, discriminator = build_dcgan(DCGANConfig(latent_dim=4, width=4))
    with pytest.raises(ValueError, match="batch_size=4 but cfg.batch_size=8"):
        Trainer(generator, discriminator, BatchSource(tiny_images(), None, 4), CFG)


def test_augment_from_the_config_is_diffaugment():
    trainer = make(dataclasses.replace(CFG, augment="translation,cutout"))
    assert trainer.augment.ops == ("translation", "cutout")
    trainer.run(2)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_path_keeps_data_on_the_gpu_and_uses_bf16_autocast():
    torch.manual_seed(0)
    generator, discriminator = build_dcgan(DCGANConfig(latent_dim=4, width=8))
    batches = BatchSource(tiny_images(), None, 8, 28, "cuda", seed=0)
    trainer = Trainer(generator.cuda(), discriminator.cuda(), batches, CFG, log_every=2)
    dtypes = []
    discriminator.classify.register_forward_hook(lambda m, i, o: dtypes.append(o.dtype))
    trainer.run(4)
    assert batches.images.is_cuda and batches.next_batch()[0].is_cuda
    assert torch.bfloat16 in dtypes
    assert all(torch.isfinite(torch.tensor(trainer.history[k])).all() for k in trainer.history.keys())


def test_bf16_on_cpu_trains_repeats_and_runs_the_gradient_penalty():
    a, b = make(precision="bf16"), make(precision="bf16")
    a.run(4)
    b.run(4)
    assert a.precision == "bf16" and make().precision == "fp32"  # None keeps fp32 on the CPU
    assert a.history.values == b.history.values  # same machine, same run
    assert all(p.dtype == torch.float32 for p in a.generator.parameters())  # weights stay fp32 under autocast
    from course_lib.models.wgan import WGANConfig, build_wgan

    torch.manual_seed(0)
    generator, critic = build_wgan(WGANConfig(latent_dim=4, width=4))
    cfg = TrainConfig(loss="wasserstein", batch_size=8, n_critic=2, regularizer="gp", seed=0)
    batches = BatchSource(tiny_images(32), None, 8, 28, "cpu", seed=0)
    trainer = Trainer(generator, critic, batches, cfg, precision="bf16", log_every=2)
    trainer.run(2)  # the penalty's double backward runs under bf16 autocast
    penalties = trainer.history.values["d_penalty"]
    assert len(penalties) == 2 and all(torch.isfinite(torch.tensor(penalties)))
