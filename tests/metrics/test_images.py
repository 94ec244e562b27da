"""course_lib.metrics.images: 32 px is cropped back to 28, and bad inputs get a clear error."""

import pytest
import torch

from course_lib.data import to_float
from course_lib.metrics.images import prepare_images


def test_padded_32_is_cropped_back_to_the_28_image():
    images = torch.randint(0, 256, (5, 28, 28), dtype=torch.uint8)
    torch.testing.assert_close(prepare_images(to_float(images, 32)), to_float(images, 28), rtol=0, atol=0)


@pytest.mark.parametrize("bad, words", [
    (torch.zeros(2, 1, 28, 28, dtype=torch.uint8), "to_float"),
    (torch.zeros(2, 28, 28), "unsqueeze"),
    (torch.zeros(2, 3, 28, 28), "(N, 1, 28, 28)"),
    (torch.zeros(2, 1, 64, 64), "(N, 1, 28, 28)"),
    (torch.full((2, 1, 28, 28), 255.0), "[0, 255]"),
    (torch.full((2, 1, 28, 28), -1.5), "[-1, 1]"),
    (torch.full((2, 1, 28, 28), float("nan")), "NaN"),
    (torch.zeros(0, 1, 28, 28), "empty"),
    ([[0.0]], "torch.Tensor"),
])
def test_bad_images_give_a_clear_value_error(bad, words):
    with pytest.raises(ValueError) as err:
        prepare_images(bad)
    assert words in str(err.value)
