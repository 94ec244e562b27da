"""The PyTorch DCGAN tutorial's training loop, kept as the benchmark's reference (``bench``).

It follows the tutorial at the architecture and batch size it is given: a Sigmoid after the discriminator with
``BCELoss``, a ``DataLoader`` over a torchvision-style dataset that turns each uint8 array into a PIL image and
applies ``ToTensor`` + ``Normalize`` per sample, and ``.item()`` on every step. The course's own loop avoids
each of these (house rules 2-3 in docs/STYLE.md); the benchmark measures what that buys.
"""

from __future__ import annotations

import torch
from PIL import Image
from torch import nn
from torchvision import transforms
from torchvision.datasets import VisionDataset

from ..runtime import resolve_device


class ArrayImageDataset(VisionDataset):
    """torchvision's MNIST-style dataset over in-memory arrays: each item a PIL image through ``transform``."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, transform=None):
        super().__init__(root=None, transform=transform)
        self.images, self.labels = images, labels

    def __len__(self) -> int:
        return self.images.shape[0]

    def __getitem__(self, index: int):
        image = Image.fromarray(self.images[index].numpy(), mode="L")  # as torchvision's FashionMNIST does
        return (self.transform(image) if self.transform else image), int(self.labels[index])


def tutorial_loader(images: torch.Tensor, labels: torch.Tensor, batch_size: int, seed: int = 0,
                    image_size: int = 28):
    """A shuffling DataLoader with the tutorial's per-sample pipeline -> (B, 1, S, S) in [-1, 1], S = image_size.

    images: (N, 28, 28) uint8. At another size each PIL image first goes through ``Resize(S)`` and
    ``CenterCrop(S)``, as the tutorial does; then ``ToTensor`` + ``Normalize((0.5,), (0.5,))``.
    """
    same = image_size == images.shape[-1]
    resize = [] if same else [transforms.Resize(image_size), transforms.CenterCrop(image_size)]
    pipeline = transforms.Compose([*resize, transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    return torch.utils.data.DataLoader(ArrayImageDataset(images, labels, pipeline), batch_size=batch_size,
                                       shuffle=True, drop_last=True, num_workers=0,
                                       generator=torch.Generator().manual_seed(seed))


def endless(loader):
    """Batches of ``loader`` forever (a new shuffled epoch each time)."""
    while True:
        yield from loader


class TutorialLoop:
    """The PyTorch DCGAN tutorial's loop around (generator, discriminator + Sigmoid), BCELoss, Adam."""

    def __init__(self, generator, discriminator, batches, lr_g: float, lr_d: float, betas,
                 device: torch.device | str = "auto"):
        self.device = resolve_device(device)
        self.generator, self.batches = generator.to(self.device), batches
        self.discriminator = nn.Sequential(discriminator, nn.Sigmoid()).to(self.device)
        self.criterion = nn.BCELoss()
        self.opt_g = torch.optim.Adam(generator.parameters(), lr=lr_g, betas=betas)
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=lr_d, betas=betas)

    def train_step(self) -> tuple[float, float]:
        """One D update (real, then the detached fake) and one G update on the same fake; (d_loss, g_loss)."""
        real = next(self.batches)[0].to(self.device)  # the tutorial's `data[0].to(device)`
        b = real.size(0)
        self.discriminator.zero_grad()
        label = torch.full((b,), 1.0, device=self.device)
        err_real = self.criterion(self.discriminator(real).view(-1), label)
        err_real.backward()
        fake = self.generator(torch.randn(b, self.generator.latent_dim, device=self.device))
        label.fill_(0.0)
        err_fake = self.criterion(self.discriminator(fake.detach()).view(-1), label)
        err_fake.backward()
        self.opt_d.step()
        self.generator.zero_grad()
        label.fill_(1.0)
        err_g = self.criterion(self.discriminator(fake).view(-1), label)
        err_g.backward()
        self.opt_g.step()
        return err_real.item() + err_fake.item(), err_g.item()  # the tutorial logs every step

    def run(self, num_steps: int) -> None:
        for _ in range(num_steps):
            self.train_step()
