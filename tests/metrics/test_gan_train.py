"""course_lib.metrics.gan_train: GAN-test counts agreements exactly; GAN-train learns a separable toy set."""

import pytest
import torch

from course_lib.metrics.gan_train import gan_test_accuracy, gan_train_accuracy


def test_gan_test_accuracy_counts_argmax_agreements():
    logits = torch.tensor([[5.0, 0.0], [0.0, 5.0], [5.0, 0.0], [1.0, 2.0]])
    assert gan_test_accuracy(logits, torch.tensor([0, 1, 1, 1])) == 0.75
    with pytest.raises(ValueError, match="3 logits for 4 labels"):
        gan_test_accuracy(logits[:3], torch.tensor([0, 1, 1, 1]))


def striped(n, seed):
    """Two classes a small CNN separates at once: bright left half (0) or bright right half (1)."""
    labels = torch.arange(n) % 2
    images = torch.full((n, 1, 28, 28), -1.0)
    noise = torch.rand(n, 1, 28, 14, generator=torch.Generator().manual_seed(seed)) * 0.2
    images[labels == 0, :, :, :14] = 0.8 + noise[labels == 0]
    images[labels == 1, :, :, 14:] = 0.8 + noise[labels == 1]
    return images, labels


def test_gan_train_accuracy_learns_from_samples_and_is_seeded():
    train, train_labels = striped(128, 0)
    test, test_labels = striped(64, 1)
    runs = [gan_train_accuracy(train, train_labels, test, test_labels, steps=30, seed=3) for _ in range(2)]
    assert runs[0] == runs[1] and 0.95 <= runs[0] <= 1.0
