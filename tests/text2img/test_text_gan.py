"""course_lib.text2img.text_gan: the matching-aware loss against its formula, a seeded run on the course's loop."""

import pytest
import torch
import torch.nn.functional as F

from course_lib.gan.losses import get_loss
from course_lib.text2img.text_gan import GANRun, generate, matching_aware_d_loss, text_gan_loop, train_text_gan
from text2img.edition_files import tiny_text_gan_setup


def test_losses_follow_their_formulas():
    real, mis, fake = torch.tensor([2.0, -1.0]), torch.tensor([0.5, 0.0]), torch.tensor([-3.0, 1.0])
    expected = -F.logsigmoid(real).mean() + 0.5 * (-F.logsigmoid(-mis).mean() - F.logsigmoid(-fake).mean())
    torch.testing.assert_close(matching_aware_d_loss(real, mis, fake), expected)
    loss = get_loss("matching_aware")  # the registry's entry: the same function, and the GANs' plain pair
    assert loss.mismatched_d_loss is matching_aware_d_loss
    torch.testing.assert_close(loss.d_loss(real, fake), -F.logsigmoid(real).mean() - F.logsigmoid(-fake).mean())
    torch.testing.assert_close(loss.g_loss(fake), -F.logsigmoid(fake).mean())
    # a D that reads the caption (mismatched pairs scored low) has the lower loss
    assert matching_aware_d_loss(real, mis - 5, fake) < matching_aware_d_loss(real, mis + 5, fake)


def test_a_seeded_run_is_repeatable():
    data, tokenizer, clip, cfg = tiny_text_gan_setup()
    g1, history = train_text_gan(data, clip, tokenizer, GANRun(steps=6, batch_size=8, seed=3), cfg, progress=False)
    g2, _ = train_text_gan(data, clip, tokenizer, GANRun(steps=6, batch_size=8, seed=3), cfg, progress=False)
    assert history.steps == list(range(1, 7)) and all(map(torch.isfinite, torch.tensor(history["g_loss"])))
    assert {"d_loss", "d_real", "d_mismatched", "d_fake", "d_grad_norm", "g_loss", "g_grad_norm"} <= set(history.keys())
    e = torch.nn.functional.normalize(torch.randn(4, 8), dim=1)
    torch.testing.assert_close(generate(g1, e, seed=1), generate(g2, e, seed=1))
    assert generate(g1, e).shape == (4, 3, 28, 28)


def test_each_d_loss_is_the_registry_s_on_the_three_kinds_of_pair():
    data, tokenizer, clip, cfg = tiny_text_gan_setup()
    plain = lambda r, m, f: get_loss("minimax").d_loss(r, f)  # noqa: E731
    for mismatch, expected in ((True, matching_aware_d_loss), (False, plain)):
        loop = text_gan_loop(data, clip, tokenizer, GANRun(steps=1, batch_size=8, mismatch=mismatch), cfg, "cpu")
        scores = []  # D's first call scores (real, real with the next image's caption, fake) pairs
        loop.update.discriminator.register_forward_hook(lambda m, args, out, kept=scores: kept.append(out.detach()))
        history = loop.run(1, progress=False)
        real, mismatched, fake = scores[0].float().chunk(3)
        assert history["d_loss"][0] == pytest.approx(expected(real, mismatched, fake).item(), rel=1e-5)
        assert history["d_mismatched"][0] == pytest.approx(torch.sigmoid(mismatched).mean().item(), rel=1e-5)


def test_generate_draws_in_eval_mode_and_restores_the_mode():
    from course_lib.models.text_gan import TextGANConfig, build_text_gan

    generator, _ = build_text_gan(TextGANConfig(embed_dim=8, latent_dim=8, width=8))
    e = torch.nn.functional.normalize(torch.randn(4, 8), dim=1)
    drawn_in_eval = generate(generator.eval(), e, seed=2)
    generator.train()
    torch.testing.assert_close(generate(generator, e, seed=2), drawn_in_eval)  # BatchNorm used its running stats
    assert generator.training and generate(generator.eval(), e).device.type == "cpu" and not generator.training
