"""course_lib.metrics.features: the disk cache round-trips, and a damaged or wrong-sized file is recomputed."""

import torch

from course_lib.metrics.features import RealFeatures, read_cache, write_cache


def features(n=5):
    g = torch.Generator().manual_seed(0)
    return RealFeatures(torch.rand(n, 8, generator=g), torch.randn(n, 10, generator=g), torch.arange(n) % 10)


def test_cache_round_trips_bit_for_bit(tmp_path):
    real, path = features(), tmp_path / "cache" / "test.pt"
    write_cache(path, real)
    back = read_cache(path, 5)
    assert torch.equal(back.features, real.features) and torch.equal(back.logits, real.logits)
    assert torch.equal(back.labels, real.labels) and [p.name for p in path.parent.iterdir()] == ["test.pt"]


def test_bad_cache_files_are_never_trusted(tmp_path):
    path = tmp_path / "test.pt"
    assert read_cache(path, 5) is None  # missing
    path.write_bytes(b"not a torch file")
    assert read_cache(path, 5) is None
    write_cache(path, features(4))
    assert read_cache(path, 5) is None  # another split size
    broken = features()
    broken.features[0, 0] = float("nan")
    write_cache(path, broken)
    assert read_cache(path, 5) is None
