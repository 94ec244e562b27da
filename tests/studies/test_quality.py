"""course_lib.studies.quality: the FID-against-seconds loop (with a fake clock), the tutorial's recipe, the
calibration lines, and the plot."""

import pytest
import torch

from course_lib.metrics.scorer import FidScorer
from course_lib.models.dcgan import DCGANConfig
from course_lib.studies import quality as bench_quality


def fake_clock(seconds_per_chunk):
    """A stand-in for timing.timed: runs fn and says it took ``seconds_per_chunk``."""
    def timed(fn, *args, device=None):
        fn(*args)
        return seconds_per_chunk
    return timed


def test_fid_curve_scores_once_per_mark_and_skips_marks_a_slow_chunk_passed(monkeypatch):
    ran, scores = [], iter(range(100))
    monkeypatch.setattr(bench_quality, "timed", fake_clock(0.3))
    curve = bench_quality.fid_curve(ran.append, lambda: None, lambda _: float(next(scores)), marks=(2.0, 0.5, 1.0, 9),
                                    budget=2.0, chunk=5, device="cpu")
    assert [p["train_seconds"] for p in curve] == [0.6, 1.2, 2.1] and [p["steps"] for p in curve] == [10, 20, 35]
    assert [p["fid"] for p in curve] == [0.0, 1.0, 2.0] and set(ran) == {5}
    monkeypatch.setattr(bench_quality, "timed", fake_clock(1.5))
    slow = bench_quality.fid_curve(ran.append, lambda: None, lambda _: 7.0, (0.5, 1.0, 2.0), 2.0, 5, "cpu")
    assert [(p["train_seconds"], p["steps"]) for p in slow] == [(1.5, 5), (3.0, 10)]  # mark 1.0 was passed by 0.5's


def test_reading_a_curve():
    curve = [{"train_seconds": 30.2, "steps": 10, "fid": 50.0}, {"train_seconds": 90.4, "steps": 30, "fid": 9.0},
             {"train_seconds": 120.1, "steps": 40, "fid": 8.0}]
    assert bench_quality.at(curve, 90) == 9.0 and bench_quality.at(curve, 300) is None
    assert bench_quality.first_below(curve, 9.5)["steps"] == 30 and bench_quality.first_below(curve, 1) is None


def test_tutorial_recipe_is_the_tutorials_network_and_optimiser():
    images, labels = torch.randint(0, 256, (256, 28, 28), dtype=torch.uint8), torch.zeros(256, dtype=torch.long)
    loop = bench_quality.tutorial_recipe(images, labels, "cpu")
    assert loop.generator.cfg == DCGANConfig(image_size=32, latent_dim=100, width=64, channels=1)
    layers = [m for m in loop.generator.modules() if isinstance(m, (torch.nn.Linear, torch.nn.ConvTranspose2d))]
    assert [getattr(m, "out_features", None) or m.out_channels for m in layers] == [256 * 16, 128, 64, 1]
    group = loop.opt_g.param_groups[0]
    assert group["lr"] == 2e-4 and group["betas"] == (0.5, 0.999) and isinstance(loop.criterion, torch.nn.BCELoss)
    assert next(loop.batches)[0].shape == (128, 1, 32, 32)
    before = {k: v.clone() for k, v in loop.generator.state_dict().items()}
    samples = bench_quality.tutorial_samples(loop.generator, 6, seed=1, device="cpu")
    assert samples.shape == (6, 1, 28, 28) and samples.min() >= -1 and samples.max() <= 1
    after = loop.generator.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)  # drawing left BatchNorm's statistics alone
    torch.testing.assert_close(bench_quality.tutorial_samples(loop.generator, 6, 1, "cpu"), samples)


def test_to_28():
    x = torch.rand(2, 1, 32, 32) * 2 - 1
    assert bench_quality.to_28(x).shape == (2, 1, 28, 28)
    y = torch.rand(2, 1, 28, 28)
    assert bench_quality.to_28(y) is y


@pytest.fixture(scope="module")
def scorer():
    return FidScorer()


def test_calibration_lines_order_the_known_damages(scorer):
    from course_lib.data import load_fashion_mnist

    train, _ = load_fashion_mnist().split("train")
    lines = bench_quality.calibration(scorer, train, n=500, seed=0)
    floor = lines["real (floor)"]
    assert 0 < floor < lines["real, resized to 32 and back"] < lines["real + noise sigma=0.1"]
    assert floor < lines["real + 3x3 blur"]


def test_plot_writes_both_curves(tmp_path):
    curve = [{"train_seconds": 10.0, "steps": 5, "fid": 40.0}, {"train_seconds": 20.0, "steps": 9, "fid": 20.0}]
    result = {"n": 100, "precision": "fp32", "calibration": {"real (floor)": 2.0, "real + noise sigma=0.1": 9.0},
              "course_lib": {"curve": curve}, "tutorial": {"curve": curve[:1]}}
    bench_quality.plot(result, tmp_path / "q.png")
    assert (tmp_path / "q.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
