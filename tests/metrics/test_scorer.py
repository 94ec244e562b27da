"""The one scorer: torch-fidelity's formula on statistics computed once, the test split's from the disk cache; and
no FID math anywhere else in the package or the lessons (exercises and lesson 06's FID-by-hand excepted)."""

import ast
from pathlib import Path

import pytest
import torch

from course_lib.metrics import features as features_module
from course_lib.metrics.frechet import fid_from_features, fid_torch_fidelity
from course_lib.metrics.scorer import FidScorer, fid_of_statistics, statistics

ROOT = Path(__file__).resolve().parents[2]
FID_MATH = {"fid_torch_fidelity", "fid_from_features", "frechet_distance", "feature_statistics",
            "fid_features_to_statistics", "fid_statistics_to_metric", "fid_of_statistics"}
ALLOWED = ("course_lib/metrics/", "course_lib/exercises/", "notebooks/_src/06_evaluation.py")


class Identity(torch.nn.Module):
    """A stand-in extractor: the flattened image as its features, and ten zero logits."""

    def __init__(self):
        super().__init__()
        self.anchor = torch.nn.Parameter(torch.zeros(1), requires_grad=False)

    def forward(self, x):
        flat = x.flatten(1)[:, :12]
        return flat, torch.zeros(x.shape[0], 10)


def images(n: int, seed: int, shift: float = 0.0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(n, 1, 28, 28, generator=g) * 1.6 - 0.8 + shift).clamp(-1, 1)


def test_the_scorer_is_torch_fidelitys_formula_and_agrees_with_the_math_by_hand():
    scorer = FidScorer(images(400, 0), extractor=Identity())
    fake = images(300, 1, shift=0.1)
    expected = fid_torch_fidelity(fake.flatten(1)[:, :12], images(400, 0).flatten(1)[:, :12])
    assert scorer(fake) == pytest.approx(expected, rel=1e-9)
    assert scorer(fake) == pytest.approx(fid_from_features(fake.flatten(1)[:, :12], images(400, 0).flatten(1)[:, :12]),
                                         rel=1e-6)
    assert scorer(images(400, 0)) == pytest.approx(0.0, abs=1e-6)  # a set against itself: distance 0
    assert scorer(images(300, 2)) < scorer(fake)  # the same distribution is nearer than a shifted one


def test_reference_features_give_the_same_scorer_as_reference_images():
    ref = images(200, 3)
    a = FidScorer(ref, extractor=Identity())
    b = FidScorer(reference_features=ref.flatten(1)[:, :12], extractor=Identity())
    fake = images(100, 4, shift=-0.2)
    assert a(fake) == b(fake) == fid_of_statistics(statistics(fake.flatten(1)[:, :12]), a.reference)


def test_a_single_image_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="N >= 2"):
        FidScorer(images(1, 0), extractor=Identity())


def test_the_feature_cache_carries_a_format_marker_and_an_unmarked_file_is_recomputed(tmp_path):
    g = torch.Generator().manual_seed(0)
    real = features_module.RealFeatures(torch.rand(50, 6, generator=g), torch.randn(50, 10, generator=g),
                                        torch.arange(50) % 10)
    path = tmp_path / "cache.pt"
    features_module.write_cache(path, real)
    saved = torch.load(path, weights_only=True)
    assert saved["format"] == "course_lib.real_features" and saved["version"] == 1
    back = features_module.read_cache(path, 50)
    assert torch.equal(back.features, real.features) and torch.equal(back.sigma, real.sigma)
    stats = statistics(real.features)
    assert torch.allclose(back.mu, torch.from_numpy(stats["mu"])) and back.sigma.dtype == torch.float64
    torch.save({"features": real.features, "logits": real.logits, "labels": real.labels}, path)  # an older cache
    assert features_module.read_cache(path, 50) is None
    assert features_module.read_cache(path, 49) is None and features_module.read_cache(tmp_path / "no.pt", 50) is None


def fid_math_users() -> list[str]:
    """Files outside metrics/, exercises/ and lesson 06 that import or call the FID math by name."""
    found = []
    for path in sorted([*(ROOT / "course_lib").rglob("*.py"), *(ROOT / "data_scripts").glob("*.py"),
                        *(ROOT / "notebooks" / "_src").glob("*.py")]):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(ALLOWED):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.ImportFrom)
                     else [node.attr] if isinstance(node, ast.Attribute) else [])
            if FID_MATH & set(names):
                found.append(f"{relative}:{node.lineno} {sorted(FID_MATH & set(names))}")
    return found


def test_no_fid_math_outside_the_scorer():
    """Every FID the course reports goes through metrics (the scorer, or evaluate_generator, which uses the same
    formula): no library module, data script or lesson computes one itself."""
    assert fid_math_users() == []
