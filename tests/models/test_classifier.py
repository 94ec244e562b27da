"""The frozen Fashion-MNIST classifier: shapes, input checks, the shipped weights and their checksum."""

import dataclasses
import shutil

import pytest
import torch

from course_lib.data import load_fashion_mnist, to_float
from course_lib.models.classifier import (
    WEIGHTS_PATH,
    WEIGHTS_SHA256,
    ClassifierConfig,
    FashionClassifier,
    WeightsChecksumError,
    load_classifier,
)
from course_lib.serialization import file_sha256

TINY = ClassifierConfig(width=4, feature_dim=8)


def test_shapes_and_nonnegative_features():
    torch.manual_seed(0)
    model = FashionClassifier(TINY).eval()
    features, logits = model.forward_features(torch.rand(3, 1, 28, 28) * 2 - 1)
    assert features.shape == (3, 8) and logits.shape == (3, 10)
    assert features.min() >= 0  # post-ReLU, like Inception's pool features
    torch.testing.assert_close(model(torch.zeros(2, 1, 28, 28)), model.forward_features(torch.zeros(2, 1, 28, 28))[1])


def test_config_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        TINY.width = 8






def test_shipped_file_is_small_plain_and_matches_its_checksum():
    assert WEIGHTS_PATH.stat().st_size <= 2 * 1024 * 1024
    state = torch.load(WEIGHTS_PATH, map_location="cpu", weights_only=True)
    assert set(state) == set(FashionClassifier().state_dict())
    assert all(isinstance(v, torch.Tensor) for v in state.values())
    assert file_sha256(WEIGHTS_PATH) == WEIGHTS_SHA256


def test_loaded_classifier_is_frozen_and_in_eval_mode():
    model = load_classifier()
    assert not model.training
    assert not any(p.requires_grad for p in model.parameters())


def test_tampered_weights_fail_their_checksum(tmp_path):
    copy = tmp_path / "tampered.pt"
    shutil.copy(WEIGHTS_PATH, copy)
    raw = bytearray(copy.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    copy.write_bytes(bytes(raw))
    with pytest.raises(WeightsChecksumError) as err:
        load_classifier(copy)
    message = str(err.value)
    assert WEIGHTS_SHA256 in message and file_sha256(copy) in message
    assert "train_feature_extractor.py" in message and "reinstall" in message


def test_missing_weights_say_how_to_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="train_feature_extractor.py"):
        load_classifier(tmp_path / "absent.pt")


@pytest.mark.slow
def test_shipped_classifier_test_accuracy():
    data = load_fashion_mnist()
    model = load_classifier()
    with torch.no_grad():
        predicted = torch.cat([model(x).argmax(dim=1) for x in to_float(data.test_images).split(1000)])
    accuracy = (predicted == data.test_labels).float().mean().item()
    assert 0.92 <= accuracy <= 0.96, accuracy  # upper bound: more would mean test data leaked into training
