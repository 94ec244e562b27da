"""Training the text-conditioned GAN with the matching-aware discriminator loss (Reed et al. 2016, GAN-CLS).

The discriminator scores three kinds of pair, with s = D(x, e) its logit and BCE the binary cross-entropy:

    L_D = BCE(s(real image, its caption), 1) + 1/2 [ BCE(s(real image, another caption), 0)
                                                   + BCE(s(G(z, e), e), 0) ],
    L_G = BCE(s(G(z, e), e), 1)   (non-saturating).

Without the mismatched term D only learns "is this a product photo" plus whatever the projection picks up;
with it, a real photo under the wrong words is fake too, so D must read the caption, and G with it.
The text encoder is frozen: each step embeds a fresh caption per image (seen phrasings, either language).
The losses are ``gan.losses``' ``matching_aware`` pair; ``MatchingAwareStep`` is the step object that the
course's one loop (``gan.loop.Loop``) drives, so this GAN has the GANs' history, callbacks, non-finite check,
Ctrl-C and exact resume. Under torchrun (a process group joined, ``gan.distributed``) every process draws its own
batch and captions (seeded with seed + rank), rank 0's weights are broadcast, BatchNorm statistics are shared
and gradients are averaged, as for the GANs; the ``train text2img`` command itself runs in one process.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from tokenizers import Tokenizer

from ..gan.distributed import average_gradients, broadcast_module, share_batchnorm
from ..gan.ema import EMA
from ..gan.history import History
from ..gan.loop import Loop
from ..gan.losses import get_loss, matching_aware_d_loss
from ..gan.steps import grad_norm
from ..models.clip import Clip
from ..models.text_gan import TextGANConfig, build_text_gan
from ..runtime import autocast, eval_mode, is_distributed, resolve_device, world_size
from .catalog import Edition
from .encoder_training import caption_batch
from .streams import Streams
from .tokenizer import encode

__all__ = ["GANRun", "MatchingAwareStep", "caption_embeddings", "generate", "matching_aware_d_loss",
           "text_gan_loop", "train_text_gan"]


@dataclass(frozen=True)
class GANRun:
    """The settings of one training run (mismatch=False: D trained without the mismatched pairs)."""

    steps: int
    batch_size: int = 64
    lr: float = 2e-4
    seed: int = 0
    mismatch: bool = True
    precision: str = "fp32"


@torch.no_grad()
def caption_embeddings(clip: Clip, tokenizer: Tokenizer, texts: list[str]) -> torch.Tensor:
    """The frozen text encoder's (N, E) embeddings of ``texts``, on the encoder's device."""
    tokens = encode(tokenizer, texts, clip.cfg.max_tokens)
    device = next(clip.parameters()).device
    return clip.text(tokens.ids.to(device), tokens.mask.to(device))


class MatchingAwareStep:
    """One step of the text-conditioned GAN: a batch of images with fresh captions, one D update on the three
    kinds of pair, one G update, an EMA update. Networks on ``device``; noise and batches from CPU generators."""

    shown = ("d_loss", "g_loss")

    def __init__(self, generator, discriminator, clip: Clip, tokenizer: Tokenizer, data: Edition, run: GANRun,
                 device: torch.device):
        if is_distributed():  # before the EMA copy: one start for all processes, BatchNorm statistics shared
            for net in (generator, discriminator):
                broadcast_module(share_batchnorm(net))
        self.generator, self.discriminator, self.clip, self.tokenizer = generator, discriminator, clip, tokenizer
        self.data, self.run, self.device, self.images_seen = data, run, device, 0
        self.images = data.floats().to(device)  # (N, 3, 28, 28) in [-1, 1]
        self.loss = get_loss("matching_aware")
        self.opt_g = torch.optim.Adam(generator.parameters(), lr=run.lr, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(discriminator.parameters(), lr=run.lr, betas=(0.5, 0.999))
        self.ema = EMA(generator)
        self.streams = Streams(run.seed)  # each process its own batches, captions and noise
        self.captions, self.noise = self.streams.captions, self.streams.noise

    @property
    def images_per_step(self) -> int:
        return self.run.batch_size * world_size()

    @property
    def epoch(self) -> float:
        return self.images_seen / len(self.data)

    def begin(self) -> None:
        """Both networks train; the encoder stays frozen in eval mode."""
        self.generator.train()
        self.discriminator.train()
        self.clip.eval()

    def __call__(self) -> dict[str, torch.Tensor]:
        """One D and one G update; detached 0-dim stats."""
        n, index = self.run.batch_size, torch.randint(len(self.data), (self.run.batch_size,), generator=self.noise)
        e = caption_embeddings(self.clip, self.tokenizer, [c.text for c in caption_batch(self.data, index,
                                                                                          self.captions)])
        real = self.images[index.to(self.device)]
        z = torch.randn(n, self.generator.latent_dim, generator=self.noise).to(self.device)
        with autocast(self.device, self.run.precision):
            fake = self.generator(z, e)
            scores = self.discriminator(torch.cat([real, real, fake.detach()]), torch.cat([e, e.roll(1, 0), e]))
        s_real, s_mis, s_fake = scores.float().chunk(3)
        d_loss = (self.loss.mismatched_d_loss(s_real, s_mis, s_fake) if self.run.mismatch
                  else self.loss.d_loss(s_real, s_fake))
        self.opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        average_gradients(self.discriminator)
        stats = {"d_loss": d_loss.detach(), "d_real": torch.sigmoid(s_real.detach()).mean(),
                 "d_mismatched": torch.sigmoid(s_mis.detach()).mean(),
                 "d_fake": torch.sigmoid(s_fake.detach()).mean(), "d_grad_norm": grad_norm(self.discriminator)}
        self.opt_d.step()
        with autocast(self.device, self.run.precision):
            g_logits = self.discriminator(fake, e)
        g_loss = self.loss.g_loss(g_logits.float())
        self.opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        average_gradients(self.generator)
        stats.update(g_loss=g_loss.detach(), g_grad_norm=grad_norm(self.generator))
        self.opt_g.step()
        self.ema.update(self.generator)
        self.images_seen += n * world_size()
        return stats

    def state_dict(self) -> dict:
        """Networks, EMA, optimisers and the two random streams (torch noise and batches, Python captions)."""
        return {"generator": self.generator.state_dict(), "discriminator": self.discriminator.state_dict(),
                "ema": self.ema.state_dict(), "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(),
                "images_seen": self.images_seen, **self.streams.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        """Continue exactly where ``state_dict()`` was taken (CheckpointError for another number of processes)."""
        self.streams.load_state_dict(state, "text GAN")
        for name in ("generator", "discriminator", "ema", "opt_g", "opt_d"):
            getattr(self, name).load_state_dict(state[name])
        self.images_seen = int(state["images_seen"])


def text_gan_loop(data: Edition, clip: Clip, tokenizer: Tokenizer, run: GANRun, cfg: TextGANConfig | None = None,
                  device: str | torch.device = "auto", log_every: int = 25) -> Loop:
    """The loop that trains a fresh text GAN for ``run`` on ``device`` (the encoder is moved there too): seeded,
    so the same run on the same device gives the same weights. ``loop.update.ema.module`` is the EMA generator."""
    device = resolve_device(device)
    torch.manual_seed(run.seed)
    cfg = cfg or TextGANConfig(embed_dim=clip.cfg.embed_dim)
    generator, discriminator = (net.to(device) for net in build_text_gan(cfg))
    return Loop(MatchingAwareStep(generator, discriminator, clip.to(device), tokenizer, data, run, device),
                log_every, desc="text-to-image GAN")


def train_text_gan(data: Edition, clip: Clip, tokenizer: Tokenizer, run: GANRun, cfg: TextGANConfig | None = None,
                   progress: bool = True, device: str | torch.device = "auto") -> tuple[torch.nn.Module, History]:
    """(the EMA generator, the run's history), trained for ``run.steps`` steps by ``text_gan_loop``."""
    loop = text_gan_loop(data, clip, tokenizer, run, cfg, device)
    history = loop.run(run.steps, progress)
    return loop.update.ema.module, history


@torch.no_grad()
def generate(generator: torch.nn.Module, e: torch.Tensor, seed: int = 0) -> torch.Tensor:
    """Images (N, 3, 28, 28) in [-1, 1] on the CPU for embeddings e (N, E), with seeded noise (drawn on the CPU,
    so the same on every device), in eval mode; the generator's previous mode is restored."""
    device = next(generator.parameters()).device
    z = torch.randn(len(e), generator.latent_dim, generator=torch.Generator().manual_seed(seed))
    with eval_mode(generator), autocast(device):
        return generator(z.to(device), e.to(device)).float().cpu()
