"""The noise floors of lesson 08's stopping decisions (``data_scripts/finetune_floor.py``, docs/models.md).

- ``real_floor``: the validation and test FID of a perfect generator, i.e. other real photos of the new line
  (train images that neither the N photos nor the validation set use), at each count of held-out photos. No
  fine-tuned model can be expected below it.
- ``checkpoint_spread``: the validation FID of one generator over several sample seeds: how far apart two
  evaluations of the *same* weights land, the yardstick for ``min_delta``.
"""

from __future__ import annotations

import statistics

import torch

from ..data import to_float
from ..gan.few_shot import line_order
from ..gan.sampling import sample
from ..metrics.features import extract
from ..metrics.scorer import FidScorer


def other_photos(data, category: int, seed: int, skip: int, count: int, validation: int) -> torch.Tensor:
    """``count`` train images of ``category`` (M, 1, 28, 28) in [-1, 1] that ``new_line(..., seed, validation)``
    gives to no run of n <= ``skip``: positions skip .. skip + count of its permutation (before the tail it
    validates on)."""
    pool = line_order(data, category, seed)
    if skip + count > len(pool) - validation:
        raise ValueError(f"{skip} + {count} photos overlap the last {validation} of {len(pool)}, the validation set.")
    return to_float(pool[skip:skip + count])


def real_floor(photos: torch.Tensor, validation: torch.Tensor, test: torch.Tensor, sizes, draws: int,
               extractor) -> list[dict]:
    """Per held-out count n in ``sizes``: the FID of ``len(photos)`` real photos against n validation photos and
    against n test photos, over ``draws`` random subsets of n (seeded), as {'n', 'validation', 'test'} with
    (mean, std) each. photos, validation, test: (M, 1, 28, 28) in [-1, 1]."""
    features, _ = extract(photos, extractor, progress=False)
    refs = {name: extract(images, extractor, progress=False)[0] for name, images in
            (("validation", validation), ("test", test))}
    g = torch.Generator().manual_seed(0)
    rows = []
    for n in sizes:
        row = {"n": n}
        for name, ref in refs.items():
            values = []
            for _ in range(draws):
                subset = ref[torch.randperm(len(ref), generator=g)[:n]]
                values.append(FidScorer(reference_features=subset, extractor=extractor).score_features(features))
            row[name] = (statistics.fmean(values), statistics.stdev(values) if draws > 1 else 0.0)
        rows.append(row)
    return rows


def checkpoint_spread(generator, validation: torch.Tensor, samples: int, seeds, extractor) -> list[float]:
    """The validation FID of ``generator`` with ``samples`` samples drawn with each seed in ``seeds``."""
    scorer = FidScorer(validation, extractor=extractor)
    return [scorer(sample(generator, samples, seed=s)) for s in seeds]
