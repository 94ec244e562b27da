"""Training lesson 10's flow-matching model on the course's loop, on lesson 07's frozen text encoder.

A flow model is a ``TextToImage`` whose generator is a ``flow.FlowGenerator``: the tokenizer, encoder, tagger and
attribute thresholds come from a lesson-07 file (the base, ``checkpoints/text2img.pt``), so both models read the
same captions through the same encoder and are judged by the same evaluation. One phase, ``flow``, trains the
velocity network: each step draws a batch of images with fresh captions (seen phrasings, either language), noise,
times t ~ U(0, 1) and the captions to drop (probability ``p_uncond``), and takes one Adam step on
``flow.flow_matching_loss``, then updates the EMA. ``FlowStep`` is the step object the one loop drives
(``gan.loop.Loop``): history, callbacks, the non-finite check, Ctrl-C, exact resume (through
``training.run_resumable``) and torchrun (gradients averaged, one start broadcast) come with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from ..gan.distributed import average_gradients, broadcast_module
from ..gan.ema import EMA
from ..gan.loop import Loop
from ..gan.steps import grad_norm
from ..gan.zoo import shipped_or
from ..models.flow import FlowConfig, VelocityNet
from ..runtime import autocast, is_distributed, resolve_device, world_size
from .catalog import Edition, edition
from .encoder_training import caption_batch
from .flow import FlowGenerator, flow_matching_loss
from .model import TextToImage, load
from .streams import Streams
from .text_gan import caption_embeddings
from .training import FAST_IMAGES, require_positive_numbers, run_resumable


@dataclass(frozen=True)
class FlowRecipe:
    """steps and batch of training, Adam's lr, p_uncond (captions dropped for guidance), width of the U-Net, the
    EMA's decay, and the sampler the file is written with (sample_steps Euler steps at guidance)."""

    steps: int = 4000
    batch: int = 64
    lr: float = 5e-4
    p_uncond: float = 0.1
    width: int = 16
    ema: float = 0.999
    sample_steps: int = 16
    guidance: float = 2.0

    def __post_init__(self):
        require_positive_numbers(self, skip=("p_uncond",))
        if not 0 <= self.p_uncond < 1:
            raise ValueError(f"FlowRecipe.p_uncond must be in [0, 1), got {self.p_uncond}.")


RECIPE = FlowRecipe()
FAST_RECIPE = FlowRecipe(steps=30, batch=32, width=8, sample_steps=4)


class FlowStep:
    """One step of flow matching on captioned images; the network on ``device``, noise and batches drawn from
    CPU generators (the same on every device)."""

    shown = ("loss", "grad_norm")

    def __init__(self, net: VelocityNet, clip, tokenizer, data: Edition, recipe: FlowRecipe, seed: int,
                 precision: str, device: torch.device):
        if is_distributed():  # before the EMA copy: one start for all processes
            broadcast_module(net)
        self.net, self.clip, self.tokenizer, self.data = net, clip, tokenizer, data
        self.recipe, self.precision, self.device, self.images_seen = recipe, precision, device, 0
        self.images = data.floats().to(device)  # (N, 3, 28, 28) in [-1, 1]
        self.opt = torch.optim.Adam(net.parameters(), lr=recipe.lr)
        self.ema = EMA(net, recipe.ema)
        self.streams = Streams(seed)

    @property
    def images_per_step(self) -> int:
        return self.recipe.batch * world_size()

    @property
    def epoch(self) -> float:
        return self.images_seen / len(self.data)

    def begin(self) -> None:
        self.net.train()
        self.clip.eval()

    def __call__(self) -> dict[str, torch.Tensor]:
        """One Adam step on the flow-matching loss; detached 0-dim stats."""
        n, noise = self.recipe.batch, self.streams.noise
        index = torch.randint(len(self.data), (n,), generator=noise)
        e = caption_embeddings(self.clip, self.tokenizer,
                               [c.text for c in caption_batch(self.data, index, self.streams.captions)])
        x1 = self.images[index.to(self.device)]  # (n, 3, 28, 28)
        x0 = torch.randn(x1.shape, generator=noise).to(self.device)
        t = torch.rand(n, generator=noise).to(self.device)
        drop = (torch.rand(n, generator=noise) < self.recipe.p_uncond).to(self.device)
        with autocast(self.device, self.precision):
            loss = flow_matching_loss(self.net, x1, e, t, x0, drop)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        average_gradients(self.net)
        stats = {"loss": loss.detach(), "grad_norm": grad_norm(self.net)}
        self.opt.step()
        self.ema.update(self.net)
        self.images_seen += n * world_size()
        return stats

    def state_dict(self) -> dict:
        return {"net": self.net.state_dict(), "ema": self.ema.state_dict(), "opt": self.opt.state_dict(),
                "images_seen": self.images_seen, **self.streams.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        self.streams.load_state_dict(state, "flow")
        for name in ("net", "ema", "opt"):
            getattr(self, name).load_state_dict(state[name])
        self.images_seen = int(state["images_seen"])


def flow_loop(base: TextToImage, data: Edition, recipe: FlowRecipe, seed: int, precision: str = "fp32",
              device="auto", log_every: int = 25) -> Loop:
    """The loop that trains a fresh velocity network (seeded) on ``base``'s frozen encoder, on ``device``."""
    device = resolve_device(device)
    torch.manual_seed(seed)
    net = VelocityNet(FlowConfig(text_dim=base.clip.cfg.embed_dim, width=recipe.width)).to(device)
    return Loop(FlowStep(net, base.clip.to(device), base.tokenizer, data, recipe, seed, precision, device),
                log_every, desc="flow matching")


def flow_model(base: TextToImage, extra: dict) -> TextToImage:
    """An untrained flow model: ``base``'s tokenizer, encoder, tagger and thresholds, no generator yet."""
    return TextToImage(base.tokenizer, base.clip, None, base.tagger, base.thresholds, extra, kind="flow")


def train_flow(model: TextToImage, data: Edition, recipe: FlowRecipe, seed: int, precision: str,
               save: Callable[[TextToImage], None], progress: bool = True, device="auto",
               on_step: Callable[[Loop, float], None] | None = None,
               on_log: Callable[[Loop], None] | None = None) -> TextToImage:
    """Train (or continue, from ``model.gan_state``) the flow phase of ``model`` (``flow_model``'s contents); at the
    end its generator is the EMA network behind a ``FlowGenerator`` with the recipe's sampler. ``save(model)`` every
    SAVE_EVERY steps, on Ctrl-C and at the end; a finished model comes back as it is. on_step(loop, seconds): after
    every step (``training.run_resumable``); on_log(loop): after every flush of the statistics (a
    ``gan.tensorboard.TensorBoardLogger``). Returns the finished model."""
    if model.generator is not None and "flow" in model.extra.get("phases", {}):
        return model  # a finished run: resuming it has nothing left to do
    loop = flow_loop(model, data, recipe, seed, precision, device)
    if on_log is not None:
        loop.add_callback("on_log", on_log)
    history, seconds = run_resumable(model, loop, recipe.steps, save, progress, on_step)
    model.generator = FlowGenerator(loop.update.ema.module, recipe.sample_steps, recipe.guidance)
    model.gan_state = None
    model.extra["sampler"] = {"steps": recipe.sample_steps, "guidance": recipe.guidance, "method": "euler"}
    model.extra["phases"] = {"flow": {"seconds": round(seconds, 1), "final_loss": round(history["loss"][-1], 4)}}
    save(model)
    return model


def load_or_train_flow(base: TextToImage, device="auto", root=None) -> tuple[TextToImage, str]:
    """(lesson 10's flow model on ``device``, where it came from): the shipped ``flow.pt`` (``gan.zoo.shipped_or``),
    else a fast-mode model trained here on ``base``'s encoder and 2048 images (seconds; its samples are noise-like
    and its numbers say nothing about the recipe). The text says which."""
    def train() -> TextToImage:
        data = edition("train", base.thresholds, FAST_IMAGES)
        return train_flow(flow_model(base, {"seed": 0}), data, FAST_RECIPE, 0, "fp32", lambda m: None,
                          progress=False, device=device)

    model, source = shipped_or("flow.pt", lambda folder: load(folder / "flow.pt", device=device), train, root)
    return model, ("the shipped model " + source.removeprefix("shipped ") if source.startswith("shipped")
                   else "no shipped flow.pt, so a fast-mode model trained here on 2048 images")
