"""Few-shot fine-tuning, measured: the methods, the new line's data, one run scored at its early stop and at
its budget, the discriminator's overfitting and the memorisation check (lesson 08, ``finetune``, the table).

- ``FINETUNE_METHODS``: from scratch, full fine-tune, FreezeD (Mo et al. 2020), each with and without DiffAugment
  (Zhao et al. 2020) on real and fake in both D and G steps.
- ``new_line``: N seeded train images of one category, and that category's test images to validate on.
- ``finetune_trainer``: a Trainer that starts from a base GAN file with one method's settings.
- ``measure_run``: train to a step budget with a validation FID every E steps; note where early stopping
  with patience P stops and score the best weights at that point (FID, GAN-test, memorisation, forgetting),
  then keep training to the budget to see what stopping saved. The run up to the stop is the same run an
  early-stopped one would be (same seed, same steps), so one run measures both.
- ``DiscriminatorProbe``: D's accuracy on its N training images against held-out images of the same line:
  the gap is discriminator overfitting, the reason few-shot GANs fail.
- ``memorisation``: the share of samples closer to a training image than held-out real images usually are.
"""

from __future__ import annotations

import copy
import dataclasses
import time
from dataclasses import dataclass

import torch

from ..categories import CLASS_NAMES
from ..data import FashionMNIST, to_float
from ..metrics.features import extract, make_extractor
from ..metrics.nearest import nearest_neighbours
from ..metrics.scorer import FidScorer
from ..runtime import eval_mode, resolve_device
from . import recipes
from .finetune import EarlyStopping, base_models, freeze_first_blocks, validation_fid
from .sampling import sample

POLICY = "translation,cutout"  # DiffAugment's policy here: colour jitter means little on grey thumbnails
FREEZE_K = 1  # FreezeD keeps the first of the DCGAN discriminator's three blocks (conv; conv+BN; linear)


@dataclass(frozen=True)
class Method:
    """One way to adapt a base GAN: what is kept from it, and the augmentation."""

    freeze_d: int = 0  # D's first blocks kept frozen (FreezeD)
    augment: str = ""  # DiffAugment policy on real and fake, '' = none
    from_scratch: bool = False  # the base's architecture with fresh weights

    def flags(self) -> str:
        """The ``finetune`` command-line flags for this method."""
        parts = ["--from-scratch"] * self.from_scratch + [f"--freeze-d {self.freeze_d}"] * bool(self.freeze_d)
        return " ".join(parts + [f"--augment {self.augment}"] * bool(self.augment)) or "(none)"


FINETUNE_METHODS = {
    "from scratch": Method(from_scratch=True),
    "from scratch + DiffAugment": Method(from_scratch=True, augment=POLICY),
    "full fine-tune": Method(),
    "full + DiffAugment": Method(augment=POLICY),
    "FreezeD": Method(freeze_d=FREEZE_K),
    "FreezeD + DiffAugment": Method(freeze_d=FREEZE_K, augment=POLICY),
}


def new_line(data: FashionMNIST, category: int, n: int, seed: int, validation: int = 1000
             ) -> tuple[torch.Tensor, torch.Tensor]:
    """(N seeded train images (n, 28, 28) uint8, the first ``validation`` test images of ``category`` as
    (M, 1, 28, 28) in [-1, 1]). The two splits never share an image."""
    pool = data.train_images[data.train_labels == category]
    if not 1 <= n <= len(pool):
        raise ValueError(f"n must be between 1 and {len(pool)} (the train images of {CLASS_NAMES[category]}), got {n}.")
    chosen = pool[torch.randperm(len(pool), generator=torch.Generator().manual_seed(seed))[:n]]
    return chosen, to_float(data.test_images[data.test_labels == category][:validation])


def finetune_trainer(base: dict, images: torch.Tensor, method: Method, seed: int, device, log_every: int = 10,
                     precision: str | None = None):
    """(Trainer, model config, parameters frozen) for fine-tuning ``base`` (a loaded GAN file) on ``images``
    (N, 28, 28) uint8 with ``method``: the base recipe's losses and learning rates, a batch of at most N.
    precision: see ``Trainer`` (None: bf16 on CUDA, fp32 elsewhere). device: a torch.device or a name ('auto')."""
    device = resolve_device(device)
    recipe = recipes.get_recipe(base["kind"])
    train_cfg = dataclasses.replace(recipe.train, batch_size=min(recipe.train.batch_size, len(images)),
                                    augment=method.augment, seed=seed)
    torch.manual_seed(seed)
    generator, discriminator, model_cfg = base_models(base)
    if method.from_scratch:
        if method.freeze_d:
            raise ValueError("from scratch there are no pretrained discriminator blocks to freeze: use freeze_d=0.")
        from ..models import build_models

        generator, discriminator = build_models(base["kind"], model_cfg)  # fresh, seeded above
    frozen = freeze_first_blocks(discriminator, method.freeze_d)
    trainer = recipes.trainer_for(generator.to(device), discriminator.to(device), train_cfg, images, None, device,
                                  conditional=False, log_every=log_every, precision=precision)
    return trainer, model_cfg, frozen


class DiscriminatorProbe:
    """Callback ``fn(trainer)``: every ``every`` steps, the share of D's training images and of held-out real
    images of the same line that D calls real (logit > 0). ``curve``: (step, train accuracy, held-out accuracy).

    train, held_out: (N, 1, 28, 28) in [-1, 1]. D runs in eval mode, so the probe changes nothing.
    """

    def __init__(self, train: torch.Tensor, held_out: torch.Tensor, every: int):
        self.train, self.held_out, self.every = train, held_out, every
        self.curve: list[tuple[int, float, float]] = []

    def accuracy(self, discriminator, images: torch.Tensor) -> float:
        device = next(discriminator.parameters()).device
        with torch.no_grad(), eval_mode(discriminator):
            return (discriminator(images.to(device)) > 0).float().mean().item()

    def __call__(self, trainer) -> None:
        if trainer.step % self.every == 0:
            d = trainer.discriminator
            self.curve.append((trainer.step, self.accuracy(d, self.train), self.accuracy(d, self.held_out)))


@dataclass(frozen=True)
class Memorisation:
    """share: samples whose nearest training image is closer than ``threshold``; threshold: the ``quantile``
    of held-out real images' nearest-training-image distances; distances, indices: (S,) per sample."""

    share: float
    threshold: float
    quantile: float
    distances: torch.Tensor
    indices: torch.Tensor


def copy_threshold(train: torch.Tensor, held_out: torch.Tensor, quantile: float = 0.05) -> float:
    """The ``quantile`` of held-out images' pixel distances to their nearest ``train`` image (both (N, 1, 28, 28))."""
    reference, _ = nearest_neighbours(held_out, train)
    return torch.quantile(reference, quantile).item()


def memorisation(samples: torch.Tensor, train: torch.Tensor, held_out: torch.Tensor, quantile: float = 0.05,
                 threshold: float | None = None) -> Memorisation:
    """How many samples sit closer to one of the ``train`` images than real images of the same line do.

    samples (S, 1, 28, 28), train (N, 1, 28, 28), held_out (M, 1, 28, 28), all in [-1, 1]; pixel distances.
    Held-out images are new photos, not copies, so at most ``quantile`` of them fall under the threshold: a
    generator that generalises shows about ``quantile``, one that copies its N images far more. ``threshold``:
    ``copy_threshold(train, held_out, quantile)`` computed before, to reuse it for several sample sets.
    """
    threshold = copy_threshold(train, held_out, quantile) if threshold is None else threshold
    distances, indices = nearest_neighbours(samples, train)
    return Memorisation((distances < threshold).float().mean().item(), threshold, quantile, distances, indices)


@dataclass
class RunResult:
    """One measured run. curve: (step, validation FID, seconds since the start) per evaluation; ``stop_*``:
    where early stopping stopped (its best weights); ``best_*``: the best evaluation over the whole budget."""

    method: str
    n: int
    seed: int
    curve: list[tuple[int, float, float]]
    stop_step: int
    stop_fid: float
    stop_seconds: float
    stopped_at: int
    best_step: int
    best_fid: float
    budget_steps: int
    budget_seconds: float
    gan_test: float
    memorised: float
    old_fid: float

    def row(self) -> dict:
        """The plain values (JSON-ready), without the curve."""
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "curve"}


def measure_run(base: dict, images: torch.Tensor, validation: torch.Tensor, method: str, *, category: int,
                old_features: torch.Tensor, max_steps: int, every: int, patience: int, seed: int, device="auto",
                samples: int = 1000, extractor=None) -> tuple[RunResult, torch.nn.Module, EarlyStopping]:
    """Fine-tune with ``FINETUNE_METHODS[method]`` and measure it; returns (result, EMA generator at the stop, stopper).

    images (N, 28, 28) uint8; validation (M, 1, 28, 28) in [-1, 1]; old_features (K, D): course features of
    the categories the base knew, to measure forgetting. Scores at the stop use ``samples`` samples (seed 0).
    device: where the networks train and the extractor runs (a torch.device or a name, 'auto' by default).
    """
    device = resolve_device(device)
    extractor = extractor or make_extractor(device=device)
    fid = validation_fid(validation, n=samples, seed=0, extractor=extractor)
    start = time.perf_counter()
    seconds: dict[int, float] = {}

    def metric(trainer) -> float:  # the validation FID, noting when each evaluation ran
        value = fid(trainer)
        seconds[trainer.step] = time.perf_counter() - start
        return value

    trainer, _, _ = finetune_trainer(base, images, FINETUNE_METHODS[method], seed, device)
    stopper = EarlyStopping(metric, every, patience)
    trainer.add_callback("on_step_end", stopper)
    trainer.run(max_steps)
    stopped_at, stop_fid, stop_step = trainer.step, stopper.best, stopper.best_step
    stop_seconds = time.perf_counter() - start
    at_stop = copy.deepcopy(trainer.ema.module)
    if stopper.best_state is not None:
        at_stop.load_state_dict(stopper.best_state)
    if trainer.step < max_steps:  # keep going to the budget, to see what stopping saved
        stopper.patience, trainer.stop_reason = max_steps, None
        trainer.run(max_steps - trainer.step)
    scores = stop_scores(at_stop, images, validation, category, old_features, extractor, samples)
    best = min(stopper.curve, key=lambda point: point[1])
    result = RunResult(method, len(images), seed, [(s, v, seconds[s]) for s, v in stopper.curve], stop_step,
                       stop_fid, stop_seconds, stopped_at, best[0], best[1], trainer.step,
                       time.perf_counter() - start, **scores)
    return result, at_stop.eval(), stopper


def stop_scores(generator, images: torch.Tensor, validation: torch.Tensor, category: int,
                old_features: torch.Tensor, extractor, samples: int) -> dict:
    """GAN-test accuracy (share of samples the course classifier files under ``category``), the memorised
    share against the N training images, and the FID against the old categories (forgetting)."""
    fake = sample(generator, samples, seed=0)
    features, logits = extract(fake, extractor, progress=False)
    share = memorisation(fake, to_float(images), validation).share
    return {"gan_test": (logits.argmax(1) == category).float().mean().item(), "memorised": share,
            "old_fid": FidScorer(reference_features=old_features, extractor=extractor).score_features(features)}
