"""course_lib.studies.tutorial: the tutorial data path gives the same tensors, the tutorial loop trains the same
architecture."""

import pytest
import torch
from torch import nn

from course_lib.data import to_float
from course_lib.models.dcgan import DCGANConfig, build_dcgan
from course_lib.studies import tutorial


def uint8_images(n=16, seed=0):
    return torch.randint(0, 256, (n, 28, 28), dtype=torch.uint8, generator=torch.Generator().manual_seed(seed))


def test_tutorial_data_path_matches_to_float():
    images, labels = uint8_images(), torch.arange(16) % 10
    dataset = tutorial.ArrayImageDataset(images, labels, tutorial.tutorial_loader(images, labels, 4).dataset.transform)
    x, y = dataset[3]
    torch.testing.assert_close(x, to_float(images[3:4])[0], atol=1e-6, rtol=0)
    assert y == 3 and len(dataset) == 16
    real, batch_labels = next(iter(tutorial.tutorial_loader(images, labels, 4)))
    assert real.shape == (4, 1, 28, 28) and batch_labels.shape == (4,)
    assert real.min() >= -1 and real.max() <= 1


def test_tutorial_loop_trains_the_same_architecture():
    torch.manual_seed(0)
    generator, discriminator = build_dcgan(DCGANConfig(latent_dim=4, width=4))
    images, labels = uint8_images(), torch.zeros(16, dtype=torch.int64)
    before = [p.detach().clone() for p in discriminator.parameters()]
    batches = tutorial.endless(tutorial.tutorial_loader(images, labels, 8))
    loop = tutorial.TutorialLoop(generator, discriminator, batches,
                                 1e-3, 1e-3, (0.5, 0.999))
    assert isinstance(loop.discriminator[-1], nn.Sigmoid) and loop.discriminator[0] is discriminator
    d_loss, g_loss = loop.train_step()
    assert isinstance(d_loss, float) and 0 < d_loss < 10 and 0 < g_loss < 10
    assert any(not torch.equal(a, b) for a, b in zip(before, discriminator.parameters()))
    loop.run(3)  # three more steps: the endless loader wraps around the 2-batch epoch


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_tutorial_loop_moves_each_batch_to_the_device():
    torch.manual_seed(0)
    generator, discriminator = build_dcgan(DCGANConfig(latent_dim=4, width=4))
    batches = tutorial.endless(tutorial.tutorial_loader(uint8_images(), torch.zeros(16, dtype=torch.int64), 8))
    loop = tutorial.TutorialLoop(generator, discriminator, batches, 1e-3, 1e-3, (0.5, 0.999), device="cuda")
    d_loss, _ = loop.train_step()
    assert 0 < d_loss < 10 and next(generator.parameters()).is_cuda


def test_tutorial_loader_at_32_px_resizes_each_image_as_the_tutorial_does():
    from PIL import Image
    from torchvision import transforms

    images, labels = uint8_images(8), torch.arange(8)
    real, _ = next(iter(tutorial.tutorial_loader(images, labels, 8, image_size=32)))
    assert real.shape == (8, 1, 32, 32) and real.min() >= -1 and real.max() <= 1
    expected = transforms.ToTensor()(transforms.Resize(32)(Image.fromarray(images[0].numpy(), mode="L"))) * 2 - 1
    assert any(torch.allclose(row, expected, atol=1e-6) for row in real)  # shuffled: one of them is image 0
