"""course_lib.metrics.inception: the uint8 RGB conversion, and a missing weights file says how to get one."""

import pytest
import torch

from course_lib.metrics.inception import check_weights_path, to_uint8_rgb


def test_to_uint8_rgb_maps_the_range_and_repeats_the_channel():
    images = torch.tensor([-1.0, 0.0, 1.0, 2.0]).view(1, 1, 2, 2)
    rgb = to_uint8_rgb(images)
    assert rgb.shape == (1, 3, 2, 2) and rgb.dtype == torch.uint8
    assert rgb[0, 0].flatten().tolist() == [0, 128, 255, 255] and torch.equal(rgb[0, 0], rgb[0, 2])


def test_missing_weights_file_names_the_download_and_the_way_out(tmp_path):
    with pytest.raises(FileNotFoundError) as err:
        check_weights_path(tmp_path / "inception.pth")
    message = str(err.value)
    assert "Nothing is downloaded at run time" in message and "weights-inception-2015-12-05" in message
    (tmp_path / "inception.pth").write_bytes(b"x")  # not a torch file at all
    with pytest.raises(ValueError, match="not a plain weights file"):
        check_weights_path(tmp_path / "inception.pth")
    torch.save({"fc.weight": torch.zeros(2, 2)}, tmp_path / "inception.pth")
    assert check_weights_path(tmp_path / "inception.pth") == tmp_path / "inception.pth"
