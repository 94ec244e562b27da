"""course_lib.metrics.photo_metrics: where the Inception weights come from (a file, the hub cache, an explicit
download, else a message), the folder images' RGB layout, and what is handed to torch-fidelity."""

import pytest
import torch

from course_lib.metrics import photo_metrics
from course_lib.metrics.photo_metrics import WEIGHTS_NAME, folder_rgb, resolve_weights
from course_lib.metrics.photo_metrics import photo_metrics as score


def test_weights_come_from_a_file_the_hub_cache_or_an_explicit_download(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    with pytest.raises(FileNotFoundError, match="--inception-weights download"):
        resolve_weights(None)
    assert resolve_weights("download") is None  # torch-fidelity fetches it: only when asked
    hub = tmp_path / "torch" / "hub" / "checkpoints" / WEIGHTS_NAME
    hub.parent.mkdir(parents=True)
    torch.save({"fc.weight": torch.zeros(1)}, hub)
    assert resolve_weights(None) == str(hub)
    local = tmp_path / "mine.pth"
    torch.save({"fc.weight": torch.zeros(1)}, local)
    assert resolve_weights(str(local)) == str(local)
    with pytest.raises(FileNotFoundError, match="not found"):
        resolve_weights(str(tmp_path / "missing.pth"))


def test_folder_images_become_uint8_rgb_and_both_sides_reach_torch_fidelity(monkeypatch):
    grey = torch.arange(2 * 4 * 4, dtype=torch.uint8).view(2, 4, 4)
    assert folder_rgb(grey).shape == (2, 3, 4, 4) and torch.equal(folder_rgb(grey)[:, 2], grey)
    colour = torch.zeros(2, 4, 4, 3, dtype=torch.uint8)
    colour[..., 1] = 7
    assert torch.equal(folder_rgb(colour)[:, 1], torch.full((2, 4, 4), 7, dtype=torch.uint8))
    calls = []

    def fake(fake_images, real_images, **kwargs):
        calls.append((fake_images, real_images, kwargs))
        return {"frechet_inception_distance": 3.0, "kernel_inception_distance_mean": 0.1,
                "kernel_inception_distance_std": 0.01}

    monkeypatch.setattr(photo_metrics, "calculate_metrics", fake)
    result = score(torch.zeros(3, 3, 4, 4), colour, "w.pth")
    assert result == {"fid_inception": 3.0, "kid_inception_mean": 0.1, "kid_inception_std": 0.01}
    (fake_images, real_images, kwargs), = calls
    assert fake_images.dtype == real_images.dtype == torch.uint8 and fake_images.shape == (3, 3, 4, 4)
    assert kwargs["feature_extractor"] == "inception-v3-compat" and kwargs["feature_extractor_weights_path"] == "w.pth"
    assert kwargs["fid"] and kwargs["kid"]
