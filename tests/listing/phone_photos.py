"""Phone-style photos of catalog products: a tinted Fashion-MNIST product, upscaled, off-centre on a white page
with sensor noise, saved as a JPEG (what a shop owner's phone gives), and the damaged variants."""

import numpy as np
import torch
from PIL import Image

from course_lib.data import load_fashion_mnist
from course_lib.text2img.colour import COLOURS, tint


def phone_photo(path, index: int = 0, colour: str = "blue", noise: float = 4.0, size=(640, 480), quality=80,
                background=(250, 250, 248)):
    """Test image ``index`` drawn in ``colour``, 300 px tall, at (200, 90) on a ``size`` page; returns the path."""
    data = load_fashion_mnist()
    product = tint(data.test_images[index:index + 1], torch.tensor([COLOURS.index(colour)]))[0]  # (3, 28, 28)
    picture = Image.fromarray(product.permute(1, 2, 0).numpy()).resize((300, 300), Image.LANCZOS)
    page = np.empty((size[1], size[0], 3), np.float32)
    page[:] = background
    page[90:390, 200:500] = np.asarray(picture, np.float32) * np.asarray(background, np.float32) / 255.0
    page += np.random.default_rng(index).normal(0, noise, page.shape)
    Image.fromarray(page.clip(0, 255).astype(np.uint8)).save(path, quality=quality)
    return path
