"""Training the text-conditioned GAN with the matching-aware discriminator loss (Reed et al. 2016, GAN-INT-CLS).

The discriminator scores three kinds of pair, with s = D(x, e) its logit and BCE the binary cross-entropy:

    L_D = BCE(s(real image, its caption), 1) + 1/2 [ BCE(s(real image, another caption), 0)
                                                   + BCE(s(G(z, e), e), 0) ],
    L_G = BCE(s(G(z, e), e), 1)   (non-saturating).

Without the mismatched term D only learns "is this a product photo" plus whatever the projection picks up;
with it, a real photo under the wrong words is fake too, so D must read the caption, and G with it.
The text encoder is frozen: each step embeds a fresh caption per image (seen phrasings, either language).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from tokenizers import Tokenizer
from tqdm.auto import tqdm

from ..gan.ema import EMA
from ..models.clip import Clip
from ..models.text_gan import TextGANConfig, build_text_gan
from ..runtime import autocast, eval_mode, resolve_device
from .catalog import Edition
from .encoder_training import caption_batch
from .tokenizer import encode


def matching_aware_d_loss(real: torch.Tensor, mismatched: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """L_D from the logits (N,) of real/matching, real/mismatched and generated/matching pairs."""
    ones, zeros = torch.ones_like(real), torch.zeros_like(real)
    return (F.binary_cross_entropy_with_logits(real.float(), ones)
            + 0.5 * (F.binary_cross_entropy_with_logits(mismatched.float(), zeros)
                     + F.binary_cross_entropy_with_logits(fake.float(), zeros)))


def plain_d_loss(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """The conditional GAN's L_D without the mismatched pairs (the comparison of ``mismatch=False``)."""
    return (F.binary_cross_entropy_with_logits(real.float(), torch.ones_like(real))
            + F.binary_cross_entropy_with_logits(fake.float(), torch.zeros_like(fake)))


def g_loss(fake: torch.Tensor) -> torch.Tensor:
    """Non-saturating L_G from the logits (N,) of generated/matching pairs."""
    return F.binary_cross_entropy_with_logits(fake.float(), torch.ones_like(fake))


@dataclass
class GANRun:
    """The settings of one training run and what it measured per step."""

    steps: int
    batch_size: int = 64
    lr: float = 2e-4
    seed: int = 0
    mismatch: bool = True
    precision: str = "fp32"
    history: dict = field(default_factory=lambda: {"d_loss": [], "g_loss": []})


@torch.no_grad()
def caption_embeddings(clip: Clip, tokenizer: Tokenizer, texts: list[str]) -> torch.Tensor:
    """The frozen text encoder's (N, E) embeddings of ``texts``, on the encoder's device."""
    tokens = encode(tokenizer, texts, clip.cfg.max_tokens)
    device = next(clip.parameters()).device
    return clip.text(tokens.ids.to(device), tokens.mask.to(device))


def train_text_gan(data: Edition, clip: Clip, tokenizer: Tokenizer, run: GANRun, cfg: TextGANConfig | None = None,
                   progress: bool = True, device: str | torch.device = "auto") -> tuple[torch.nn.Module, GANRun]:
    """(the EMA generator, the run with its history), trained on ``device`` (the encoder is moved there too).
    Seeded: the same run on the same device gives the same weights (noise and batches come from CPU generators)."""
    device = resolve_device(device)
    torch.manual_seed(run.seed)
    cfg = cfg or TextGANConfig(embed_dim=clip.cfg.embed_dim)
    generator, discriminator = (net.to(device) for net in build_text_gan(cfg))
    opt_g = torch.optim.Adam(generator.parameters(), lr=run.lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=run.lr, betas=(0.5, 0.999))
    ema, images = EMA(generator), data.floats().to(device)
    rng, g = random.Random(run.seed), torch.Generator().manual_seed(run.seed)
    clip.to(device).eval()
    for _ in tqdm(range(run.steps), desc="text-to-image GAN", disable=not progress):
        index = torch.randint(len(data), (run.batch_size,), generator=g)
        e = caption_embeddings(clip, tokenizer, [c.text for c in caption_batch(data, index, rng)])
        real = images[index.to(device)]
        z = torch.randn(run.batch_size, cfg.latent_dim, generator=g).to(device)
        with autocast(device, run.precision):
            fake = generator(z, e)
            scores = discriminator(torch.cat([real, real, fake.detach()]), torch.cat([e, e.roll(1, 0), e]))
        s_real, s_mis, s_fake = scores.chunk(3)
        d = matching_aware_d_loss(s_real, s_mis, s_fake) if run.mismatch else plain_d_loss(s_real, s_fake)
        opt_d.zero_grad(set_to_none=True)
        d.backward()
        opt_d.step()
        with autocast(device, run.precision):
            loss = g_loss(discriminator(fake, e))
        opt_g.zero_grad(set_to_none=True)
        loss.backward()
        opt_g.step()
        ema.update(generator)
        run.history["d_loss"].append(d.item())
        run.history["g_loss"].append(loss.item())
    return ema.module, run


@torch.no_grad()
def generate(generator: torch.nn.Module, e: torch.Tensor, seed: int = 0) -> torch.Tensor:
    """Images (N, 3, 28, 28) in [-1, 1] on the CPU for embeddings e (N, E), with seeded noise (drawn on the CPU,
    so the same on every device), in eval mode; the generator's previous mode is restored."""
    device = next(generator.parameters()).device
    z = torch.randn(len(e), generator.latent_dim, generator=torch.Generator().manual_seed(seed))
    with eval_mode(generator), autocast(device):
        return generator(z.to(device), e.to(device)).float().cpu()
