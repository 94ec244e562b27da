"""Class-conditional quality by classification (Shmelkov et al. 2018, "How good is my GAN?").

GAN-test: the frozen extractor classifies conditional samples; accuracy = how often it agrees with the
label asked for (high = samples look like their class; says nothing about diversity).
GAN-train: a small fresh classifier learns only from generated (image, label) pairs and is tested on the
real test set (high = samples are right *and* varied enough to teach a classifier). The same recipe
trained on real images sets the ceiling to compare with (docs/models.md).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..models.classifier import ClassifierConfig, FashionClassifier

SMALL_CLASSIFIER = ClassifierConfig(width=16, feature_dim=64, dropout=0.3)


def gan_test_accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """logits (N, 10) of the frozen extractor on conditional samples, labels (N,) asked for -> accuracy."""
    if logits.shape[0] != labels.shape[0]:
        raise ValueError(f"{logits.shape[0]} logits for {labels.shape[0]} labels.")
    return (logits.argmax(dim=1) == labels).float().mean().item()


def train_small_classifier(images: torch.Tensor, labels: torch.Tensor, steps: int = 300, batch_size: int = 128,
                           lr: float = 2e-3, seed: int = 0, cfg: ClassifierConfig = SMALL_CLASSIFIER
                           ) -> FashionClassifier:
    """Train a fresh ``FashionClassifier(cfg)`` with Adam for ``steps`` batches of (images, labels).

    images: (N, 1, 28, 28) in [-1, 1], labels: (N,) int64. Steps, not epochs, so a small N still gets
    enough updates; the data is reshuffled each pass.
    """
    if images.shape[0] < 2:
        raise ValueError(f"GAN-train needs at least 2 generated images, got {images.shape[0]}.")
    with torch.random.fork_rng(devices=[]):  # seed init and dropout without touching the caller's RNG
        torch.manual_seed(seed)
        model = FashionClassifier(cfg)
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        model.train()
        step = 0
        while step < steps:
            for index in torch.randperm(images.shape[0]).split(batch_size):
                if step == steps:
                    break
                if index.numel() < 2:  # BatchNorm needs two samples
                    continue
                loss = F.cross_entropy(model(images[index]), labels[index])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                step += 1
    return model.eval()


def accuracy(model: FashionClassifier, images: torch.Tensor, labels: torch.Tensor, batch_size: int = 1000) -> float:
    """Top-1 accuracy of ``model`` on images (N, 1, 28, 28) in [-1, 1] with labels (N,)."""
    with torch.no_grad():
        correct = sum((model(x).argmax(dim=1) == y).sum().item()
                      for x, y in zip(images.split(batch_size), labels.split(batch_size)))
    return correct / images.shape[0]


def gan_train_accuracy(images: torch.Tensor, labels: torch.Tensor, test_images: torch.Tensor,
                       test_labels: torch.Tensor, steps: int = 300, seed: int = 0) -> float:
    """Accuracy on the real (test_images, test_labels) of a small classifier trained on (images, labels) only."""
    model = train_small_classifier(images, labels, steps=steps, seed=seed)
    return accuracy(model, test_images, test_labels)
