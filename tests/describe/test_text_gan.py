"""course_lib.describe.text_gan: the matching-aware loss against its formula, a seeded run that trains."""

import torch
import torch.nn.functional as F

from course_lib.describe.captions import training_corpus
from course_lib.describe.encoder_training import train_clip
from course_lib.describe.text_gan import GANRun, g_loss, generate, matching_aware_d_loss, plain_d_loss, train_text_gan
from course_lib.describe.tokenizer import train_tokenizer
from course_lib.models.clip import ClipConfig
from course_lib.models.text_gan import TextGANConfig
from describe.edition_files import constructed_edition


def test_losses_follow_their_formulas():
    real, mis, fake = torch.tensor([2.0, -1.0]), torch.tensor([0.5, 0.0]), torch.tensor([-3.0, 1.0])
    expected = -F.logsigmoid(real).mean() + 0.5 * (-F.logsigmoid(-mis).mean() - F.logsigmoid(-fake).mean())
    torch.testing.assert_close(matching_aware_d_loss(real, mis, fake), expected)
    torch.testing.assert_close(plain_d_loss(real, fake), -F.logsigmoid(real).mean() - F.logsigmoid(-fake).mean())
    torch.testing.assert_close(g_loss(fake), -F.logsigmoid(fake).mean())
    # a D that reads the caption (mismatched pairs scored low) has the lower loss
    assert matching_aware_d_loss(real, mis - 5, fake) < matching_aware_d_loss(real, mis + 5, fake)


def test_a_seeded_run_is_repeatable():
    data, tokenizer = constructed_edition(), train_tokenizer(training_corpus())
    clip, _ = train_clip(data, tokenizer, steps=3, batch_size=16, progress=False,
                         cfg=ClipConfig(vocab_size=tokenizer.get_vocab_size(), dim=16, layers=1, heads=2,
                                        embed_dim=8, image_width=4))
    cfg = TextGANConfig(embed_dim=8, latent_dim=8, width=8)
    g1, run = train_text_gan(data, clip, tokenizer, GANRun(steps=6, batch_size=8, seed=3), cfg, progress=False)
    g2, _ = train_text_gan(data, clip, tokenizer, GANRun(steps=6, batch_size=8, seed=3), cfg, progress=False)
    assert len(run.history["d_loss"]) == 6 and all(map(torch.isfinite, map(torch.tensor, run.history["g_loss"])))
    e = torch.nn.functional.normalize(torch.randn(4, 8), dim=1)
    torch.testing.assert_close(generate(g1, e, seed=1), generate(g2, e, seed=1))
    assert generate(g1, e).shape == (4, 3, 28, 28)


def test_generate_draws_in_eval_mode_and_restores_the_mode():
    from course_lib.models.text_gan import build_text_gan

    generator, _ = build_text_gan(TextGANConfig(embed_dim=8, latent_dim=8, width=8))
    e = torch.nn.functional.normalize(torch.randn(4, 8), dim=1)
    drawn_in_eval = generate(generator.eval(), e, seed=2)
    generator.train()
    torch.testing.assert_close(generate(generator, e, seed=2), drawn_in_eval)  # BatchNorm used its running stats
    assert generator.training and generate(generator.eval(), e).device.type == "cpu" and not generator.training
