"""pix2pix steps: the reported losses, which parameters each step moves, loss going down, seeded fits."""

import dataclasses
import math

import pytest
import torch
import torch.nn.functional as F

from course_lib.data.batches import BatchSource
from course_lib.editing.degrade import TASKS, degrade
from course_lib.editing.pix2pix import FitConfig, fit_unet, patch_d_step, pix2pix_loop, unet_step
from course_lib.editing.restoring import conditioning, patch_cond, unet_config
from course_lib.gan.losses import minimax_d_loss, non_saturating_g_loss
from course_lib.models.patchgan import PatchGAN, PatchGANConfig
from course_lib.models.unet import UNet, UNetConfig

TINY_UNET = UNetConfig(width=8, depth=2, groups=4)
TINY_D = PatchGANConfig(width=8)


def tiny_images(n=64, size=28):
    """uint8 'products': bright rectangles of random size on black."""
    g = torch.Generator().manual_seed(0)
    images = torch.zeros(n, size, size, dtype=torch.uint8)
    for i in range(n):
        top, left = torch.randint(2, 10, (2,), generator=g).tolist()
        h, w = torch.randint(8, 16, (2,), generator=g).tolist()
        images[i, top: top + h, left: left + w] = int(torch.randint(120, 256, (), generator=g))
    return images


def params(module):
    return [p.detach().clone() for p in module.parameters()]


def test_the_steps_report_halved_minimax_and_non_saturating_losses_on_the_logit_maps():
    """pix2pix's losses are course_lib.gan.losses' on the PatchGAN's logit maps (L_D halved as in the paper)."""
    torch.manual_seed(0)
    unet, patch_d = UNet(TINY_UNET), PatchGAN(TINY_D)
    clean = torch.rand(4, 1, 28, 28) * 2 - 1
    degraded, _ = degrade(clean, "denoise", 0.5, seed=0)
    cond = conditioning(None, "denoise", 1, clean)
    d_cond = patch_cond(cond, patch_d)
    with torch.no_grad():
        fake = unet(degraded, cond)
        real_logits, fake_logits = patch_d(degraded, clean, d_cond), patch_d(degraded, fake, d_cond)
    stats = patch_d_step(unet, patch_d, torch.optim.SGD(patch_d.parameters(), lr=0.0), degraded, clean, cond)
    torch.testing.assert_close(stats["d_loss"], 0.5 * minimax_d_loss(real_logits, fake_logits))
    with torch.no_grad():
        adv = non_saturating_g_loss(patch_d(degraded, unet(degraded, cond), d_cond))
    stats = unet_step(unet, patch_d, torch.optim.SGD(unet.parameters(), lr=0.0), degraded, clean, cond)
    torch.testing.assert_close(stats["adv"], adv)
    assert math.isfinite(stats["g_loss"].item())


def test_unet_config_per_task_and_for_all_tasks():
    assert unet_config("deblur") == UNetConfig(cond_channels=1, residual=True)
    assert unet_config("denoise", width=8, groups=4) == UNetConfig(cond_channels=1, residual=False, width=8,
                                                                   groups=4)
    assert unet_config(None).cond_channels == 1 + len(TASKS)
    with pytest.raises(ValueError, match="valid tasks"):
        unet_config("sharpen")


def test_patch_d_step_moves_only_the_discriminator_and_unet_step_only_the_unet():
    unet, patch_d = UNet(TINY_UNET), PatchGAN(TINY_D)
    opt_g = torch.optim.Adam(unet.parameters(), lr=1e-3)
    opt_d = torch.optim.Adam(patch_d.parameters(), lr=1e-3)
    clean = torch.rand(4, 1, 28, 28) * 2 - 1
    degraded, mask = degrade(clean, "inpaint", 0.5, seed=0)
    cond = conditioning(mask, "inpaint", 1, clean)
    g0, d0 = params(unet), params(patch_d)
    stats = patch_d_step(unet, patch_d, opt_d, degraded, clean, cond, mask)
    assert set(stats) == {"d_loss", "d_real", "d_fake"} and 0 < stats["d_real"] < 1
    assert all(torch.equal(a, b) for a, b in zip(g0, params(unet)))
    assert any(not torch.equal(a, b) for a, b in zip(d0, params(patch_d)))
    d1, d_grads = params(patch_d), [p.grad.clone() for p in patch_d.parameters()]
    with torch.no_grad():  # only the hole counts: known pixels are pasted back from the input
        hole_l1 = ((unet(degraded, cond) - clean).abs() * mask).sum() / clean.numel()
    stats = unet_step(unet, patch_d, opt_g, degraded, clean, cond, mask, lambda_l1=100.0)
    stats = {k: v.item() for k, v in stats.items()}  # 0-dim tensors: History reads them back in blocks
    assert stats["l1"] == pytest.approx(hole_l1.item(), rel=1e-5)
    assert stats["g_loss"] == pytest.approx(stats["adv"] + 100.0 * stats["l1"], rel=1e-5)
    assert all(torch.equal(a, b) for a, b in zip(d1, params(patch_d)))
    assert any(not torch.equal(a, b) for a, b in zip(g0, params(unet)))
    assert all(torch.equal(g, p.grad) for g, p in zip(d_grads, patch_d.parameters()))  # none added by G


def test_a_few_l1_steps_reduce_the_loss_on_a_tiny_batch():
    unet = UNet(TINY_UNET)
    opt_g = torch.optim.Adam(unet.parameters(), lr=2e-3)
    clean = (tiny_images(8).float() / 127.5 - 1).unsqueeze(1)
    degraded, _ = degrade(clean, "denoise", 0.5, seed=0)
    cond = conditioning(None, "denoise", 1, clean)
    with torch.no_grad():
        first = F.l1_loss(unet(degraded, cond), clean).item()
    losses = [unet_step(unet, None, opt_g, degraded, clean, cond)["l1"].item() for _ in range(30)]
    assert losses[0] == pytest.approx(first, abs=1e-6)  # the step reports the loss before its update
    assert losses[-1] < 0.6 * losses[0]


def test_fit_unet_is_seeded_and_follows_its_config():
    def run():
        torch.manual_seed(0)
        unet, patch_d = UNet(dataclasses.replace(TINY_UNET, cond_channels=5)), PatchGAN(TINY_D)
        batches = BatchSource(tiny_images(), None, batch_size=8, seed=1)
        cfg = FitConfig(tasks=("denoise", "inpaint", "enhance"), strength=(0.2, 0.8), num_steps=6, seed=3)
        seen = []
        history = fit_unet(unet, batches, cfg, patch_d=patch_d, callback=lambda trainer: seen.append(trainer.step))
        return history.to_json(), params(unet), seen

    (h1, p1, seen), (h2, p2, _) = run(), run()
    assert h1 == h2 and all(torch.equal(a, b) for a, b in zip(p1, p2))
    assert seen == list(range(1, 7)) and h1["step"] == list(range(1, 7))
    assert all(0.2 <= s <= 0.8 for s in h1["strength"]) and {"d_loss", "g_loss", "l1", "adv"} <= set(h1)
    # decay_from=0.5: constant for 3 steps, then linearly towards 0 (the lr a step used is recorded)
    torch.testing.assert_close(torch.tensor(h1["lr"]), 1e-3 * torch.tensor([1, 1, 1, 1, 2 / 3, 1 / 3]),
                               atol=1e-7, rtol=0)


def test_the_loop_takes_tasks_in_turn_and_fires_callbacks_like_the_gan_trainer():
    unet = UNet(dataclasses.replace(TINY_UNET, cond_channels=5))
    batches = BatchSource(tiny_images(), None, batch_size=8, seed=1)
    cfg = FitConfig(tasks=("denoise", "inpaint", "enhance"), num_steps=4)
    loop, logged = pix2pix_loop(unet, batches, cfg, log_every=2), []
    loop.add_callback("on_log", lambda t: logged.append((t.step, len(t.history.steps))))
    with pytest.raises(ValueError, match="unknown event"):
        loop.add_callback("on_batch", print)
    loop.run(cfg.num_steps - loop.step, progress=False)
    assert logged == [(2, 2), (4, 4)] and loop.step == 4 and loop.update.steps_done == 4


def test_constant_learning_rate_without_decay():
    unet = UNet(TINY_UNET)
    batches = BatchSource(tiny_images(), None, batch_size=8, seed=1)
    history = fit_unet(unet, batches, FitConfig(num_steps=3, lr=5e-4, decay_from=1.0))
    assert history["lr"] == pytest.approx([5e-4] * 3, rel=1e-6)  # History keeps float32


def test_fit_config_errors_are_explained():
    with pytest.raises(ValueError, match="valid tasks"):
        FitConfig(tasks=("sharpen",))
    with pytest.raises(ValueError, match="low <= high"):
        FitConfig(strength=(0.8, 0.2))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        FitConfig(strength=(0.0, 2.0))
    with pytest.raises(ValueError, match="valid: rectangle, strokes"):
        FitConfig(hole="blob")
    with pytest.raises(ValueError, match="decay_from"):
        FitConfig(decay_from=1.5)


