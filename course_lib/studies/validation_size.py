"""How many held-out photos can early stopping decide on? FID and KID ordering two generators of known quality.

A perfect generator (1000 real training images of a category) and a slightly worse one (1000 other training
images with Gaussian pixel noise of sigma, on the [0, 1] scale) are scored against ``n`` held-out test images of
the same category, drawn ``draws`` times; the share of draws in which a metric ranks the perfect one first is how
often early stopping would keep the better checkpoint at that validation size. The gap is reported as the FID
difference against all the category's test images, the scale of the decisions near the end of a fine-tuning run.
"""

from __future__ import annotations

import torch

from ..data import load_fashion_mnist, to_float
from ..data.corrupt import add_noise
from ..metrics.features import extract, make_extractor
from ..metrics.kid import kid
from ..metrics.scorer import FidScorer


def ordering(category: int = 9, sigmas=(0.02, 0.03, 0.05), sizes=(8, 16, 25, 50, 100, 200), draws: int = 40,
             seed: int = 0) -> list[dict]:
    """One row per (sigma, n): {'sigma', 'fid_gap' (against every test image), 'n', 'fid_right', 'kid_right'}."""
    data = load_fashion_mnist()
    train = to_float(data.train_images[data.train_labels == category])
    test = to_float(data.test_images[data.test_labels == category])
    extractor = make_extractor()
    good = extract(train[:1000], extractor, 500, False)[0]
    pool = extract(test, extractor, 500, False)[0]
    rows = []
    for sigma in sigmas:
        worse = extract(add_noise(train[1000:2000], sigma, seed=1), extractor, 500, False)[0]
        everything = FidScorer(reference_features=pool, extractor=extractor)  # the course's one FID scorer
        gap = everything.score_features(worse) - everything.score_features(good)
        g = torch.Generator().manual_seed(seed)
        for n in sizes:
            fid_right = kid_right = 0
            for r in range(draws):
                held = pool[torch.randperm(len(pool), generator=g)[:n]]
                scorer = FidScorer(reference_features=held, extractor=extractor)
                fid_right += scorer.score_features(good) < scorer.score_features(worse)
                kid_right += kid(good, held, 50, n, seed + r)[0] < kid(worse, held, 50, n, seed + r)[0]
            rows.append({"sigma": sigma, "fid_gap": round(gap, 3), "n": n, "fid_right": fid_right / draws,
                         "kid_right": kid_right / draws})
    return rows
