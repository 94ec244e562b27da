"""Few-shot fine-tuning runs, measured (lesson 08's table, ``data_scripts/finetune_table.py``).

``measure_run``: train to a step budget with a validation FID every E steps; note where early stopping with
patience P stops and score the best weights at that point (test FID, GAN-test, memorisation, forgetting), then
keep training to the budget to see what stopping saved. Selection uses the validation photos (train images the run
does not use); the reported FIDs use the test photos, which no decision saw. The run up to the stop is the same
run an early-stopped one would be (same seed, same steps), so one run measures both.
"""

from __future__ import annotations

import copy
import dataclasses
import time
from dataclasses import dataclass

import torch

from ..data import to_float
from ..gan.few_shot import METHODS, finetune_trainer
from ..gan.sampling import sample
from ..gan.scoring import EarlyStopping, validation_fid
from ..metrics.features import make_extractor
from ..metrics.memorisation import memorisation
from ..metrics.scorer import FidScorer
from ..runtime import resolve_device


@dataclass
class RunResult:
    """One measured run. curve: (step, validation FID, seconds since the start) per evaluation; ``stop_*``:
    where early stopping stopped (its best weights; ``stop_fid`` on the validation photos, ``stop_test_fid`` on
    the test photos); ``best_*``: the best validation FID over the whole budget; ``end_test_fid``: the test FID
    of the weights at the end of the budget; ``frozen_share``: the share of D's parameters kept frozen."""

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
    stop_test_fid: float
    end_test_fid: float
    frozen_share: float

    def row(self) -> dict:
        """The plain values (JSON-ready), without the curve."""
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "curve"}


def measure_run(base: dict, images: torch.Tensor, validation: torch.Tensor, method: str, *, category: int,
                old_features: torch.Tensor, test_features: torch.Tensor, max_steps: int, every: int, patience: int,
                seed: int, min_delta: float = 0.0, device="auto", samples: int = 1000, extractor=None
                ) -> tuple[RunResult, torch.nn.Module, EarlyStopping]:
    """Fine-tune with ``METHODS[method]`` and measure it; returns (result, EMA generator at the stop, stopper).

    images (N, 28, 28) uint8; validation (M, 1, 28, 28) in [-1, 1], the photos the stop is decided on;
    test_features (T, D): course features of the photos the scores are reported on; old_features (K, D): those of
    the categories the base knew, to measure forgetting. Scores use ``samples`` samples (seed 0). min_delta: the
    improvement early stopping counts. device: where the networks train and the extractor runs.
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

    trainer, _, frozen = finetune_trainer(base, images, METHODS[method], seed, device)
    stopper = EarlyStopping(metric, every, patience, min_delta)
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
    budget_seconds = time.perf_counter() - start
    test_scorer = FidScorer(reference_features=test_features, extractor=extractor)
    scores = stop_scores(at_stop, images, validation, category, old_features, test_scorer, samples)
    best = min(stopper.curve, key=lambda point: point[1])
    shares = frozen / sum(p.numel() for p in trainer.discriminator.parameters())
    result = RunResult(method, len(images), seed, [(s, v, seconds[s]) for s, v in stopper.curve], stop_step,
                       stop_fid, stop_seconds, stopped_at, best[0], best[1], trainer.step, budget_seconds, **scores,
                       end_test_fid=test_scorer(sample(trainer.ema.module, samples, seed=0)), frozen_share=shares)
    return result, at_stop.eval(), stopper


def stop_scores(generator, images: torch.Tensor, validation: torch.Tensor, category: int,
                old_features: torch.Tensor, test_scorer: FidScorer, samples: int) -> dict:
    """From one set of ``samples`` samples and their course features: the test FID (``test_scorer``'s reference),
    GAN-test accuracy (share of samples the course classifier files under ``category``), the memorised share
    against the N training images, and the FID against the old categories (forgetting)."""
    fake = sample(generator, samples, seed=0)
    features, logits = test_scorer.features(fake)
    share = memorisation(fake, to_float(images), validation).share
    old_scorer = FidScorer(reference_features=old_features, extractor=test_scorer.extractor)
    return {"gan_test": (logits.argmax(1) == category).float().mean().item(), "memorised": share,
            "old_fid": old_scorer.score_features(features), "stop_test_fid": test_scorer.score_features(features)}
