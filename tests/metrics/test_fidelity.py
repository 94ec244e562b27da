"""The course extractor inside torch-fidelity, and one test per torch-fidelity pitfall the wrapper handles."""

import importlib

import numpy as np
import pytest
import torch
import torch_fidelity
from torch.utils.data import TensorDataset
from torch_fidelity.feature_extractor_base import FeatureExtractorBase
from torch_fidelity.registry import FEATURE_EXTRACTORS_REGISTRY

import course_lib.metrics.fidelity as fidelity
from course_lib.models.classifier import ClassifierConfig, FashionClassifier, load_classifier

N = 300


def fake_images(seed: int, n: int = N) -> torch.Tensor:
    """Blobby images (n, 1, 28, 28) in [-1, 1]: smooth enough to give spread-out features."""
    g = torch.Generator().manual_seed(seed)
    small = torch.rand(n, 1, 7, 7, generator=g)
    return torch.nn.functional.interpolate(small, size=28, mode="bilinear").mul(2).sub(1)


@pytest.fixture(scope="module")
def sets():
    return fake_images(0), fake_images(1)


def test_features_and_layers_per_metric(sets):
    extractor = fidelity.FashionFeatureExtractor(fidelity.EXTRACTOR_NAME, ["logits", "features"])
    logits, features = extractor(sets[0][:5])
    assert logits.shape == (5, 10) and features.shape == (5, 128)
    get = fidelity.FashionFeatureExtractor.get_default_feature_layer_for_metric
    assert (get("isc"), get("fid"), get("kid"), get("prc")) == ("logits", "features", "features", "features")


def test_uint8_rgb_input_gives_the_float_features(sets):
    extractor = fidelity.FashionFeatureExtractor(fidelity.EXTRACTOR_NAME, ["features"])
    as_uint8 = ((sets[0][:8] + 1) * 127.5).round().to(torch.uint8)
    float_input = as_uint8.float() / 127.5 - 1
    torch.testing.assert_close(extractor(as_uint8.expand(-1, 3, -1, -1))[0], extractor(float_input)[0])


@pytest.mark.skipif(torch.cuda.is_available(), reason="the pitfall only shows on a machine without CUDA")
def test_cuda_default_follows_the_machine(sets):
    with pytest.raises((AssertionError, RuntimeError)):  # raw torch-fidelity defaults to cuda=True
        torch_fidelity.calculate_metrics(input1=fidelity.ImageDataset(sets[0]),
                                         input2=fidelity.ImageDataset(sets[1]),
                                         feature_extractor=fidelity.EXTRACTOR_NAME, fid=True, verbose=False,
                                         save_cpu_ram=True)
    assert fidelity.calculate_metrics(sets[0], sets[1], fid=True)["frechet_inception_distance"] > 0
    with pytest.raises(ValueError, match="no CUDA GPU"):
        fidelity.calculate_metrics(sets[0], sets[1], fid=True, cuda=True)


def test_tuple_datasets_are_unwrapped(sets):
    labelled = TensorDataset(sets[0], torch.zeros(N, dtype=torch.long))
    with pytest.raises(ValueError, match="should return torch.Tensor"):
        torch_fidelity.calculate_metrics(input1=labelled, input2=fidelity.ImageDataset(sets[1]), cuda=False,
                                         feature_extractor=fidelity.EXTRACTOR_NAME, fid=True, verbose=False,
                                         save_cpu_ram=True)
    from_dataset = fidelity.calculate_metrics(labelled, sets[1], fid=True)
    from_tensor = fidelity.calculate_metrics(sets[0], sets[1], fid=True)
    assert from_dataset == from_tensor


def test_registering_again_and_after_a_reload_is_safe():
    fidelity.register_extractor()  # explicit: importing the module registers nothing
    with pytest.raises(ValueError, match="already registered"):  # raw torch-fidelity refuses a second time
        torch_fidelity.register_feature_extractor(fidelity.EXTRACTOR_NAME, fidelity.FashionFeatureExtractor)
    assert fidelity.register_extractor() == fidelity.register_extractor() == fidelity.EXTRACTOR_NAME
    old_class = fidelity.FashionFeatureExtractor
    reloaded = importlib.reload(fidelity)  # what re-running a notebook's import cell can do
    assert reloaded.FashionFeatureExtractor is not old_class
    reloaded.register_extractor()  # replaces the stale class
    assert FEATURE_EXTRACTORS_REGISTRY[fidelity.EXTRACTOR_NAME] is reloaded.FashionFeatureExtractor


def test_kid_subset_size_adapts_when_unset_and_errors_when_too_large(sets):
    with pytest.raises(ValueError, match="KID subset size"):  # raw torch-fidelity: default 1000 > 300
        torch_fidelity.calculate_metrics(input1=fidelity.ImageDataset(sets[0]), input2=fidelity.ImageDataset(sets[1]),
                                         cuda=False, feature_extractor=fidelity.EXTRACTOR_NAME, kid=True,
                                         verbose=False, save_cpu_ram=True)
    adapted = fidelity.calculate_metrics(sets[0], sets[1], kid=True, kid_subsets=10)
    explicit = fidelity.calculate_metrics(sets[0], sets[1], kid=True, kid_subsets=10, kid_subset_size=N)
    assert adapted == explicit
    with pytest.raises(ValueError, match="kid_subset_size=1000 but an input has only 300"):
        fidelity.calculate_metrics(sets[0], sets[1], kid=True, kid_subset_size=1000)


class TinyConditionalGenerator(torch.nn.Module):
    """module(z, labels) -> (N, 1, 28, 28) in [-1, 1]: a class template plus a little z-noise."""

    def __init__(self, latent_dim: int = 8):
        super().__init__()
        torch.manual_seed(0)
        self.templates = torch.nn.Embedding(10, 49)
        self.mix = torch.nn.Linear(latent_dim, 49)

    def forward(self, z, labels):
        small = (self.templates(labels) + 0.1 * self.mix(z)).view(-1, 1, 7, 7)
        return torch.tanh(torch.nn.functional.interpolate(small, size=28, mode="bilinear"))


def test_conditional_generators_are_wrapped_not_given_num_classes(sets):
    module = TinyConditionalGenerator()
    if not hasattr(np, "int"):  # NumPy 2: torch-fidelity's own conditional path crashes
        wrapped = torch_fidelity.GenerativeModelModuleWrapper(module, 8, "normal", 10)
        with pytest.raises(AttributeError, match="int"):
            torch_fidelity.calculate_metrics(input1=wrapped, input1_model_num_samples=N,
                                             input2=fidelity.ImageDataset(sets[1]), cuda=False,
                                             feature_extractor=fidelity.EXTRACTOR_NAME, fid=True, verbose=False,
                                         save_cpu_ram=True)
    with pytest.raises(ValueError, match="LabelDrawingGenerator"):
        fidelity.calculate_metrics(torch_fidelity.GenerativeModelModuleWrapper(module, 8, "normal", 10), sets[1],
                                   input1_model_num_samples=N, input1_model_num_classes=10, fid=True)
    runs = [fidelity.calculate_metrics(fidelity.LabelDrawingGenerator(module, 8, seed=seed), sets[1], fid=True,
                                       kid=True, kid_subsets=5, input1_model_num_samples=N)
            for seed in (0, 0, 1)]
    assert runs[0] == runs[1] and runs[0] != runs[2]
    assert runs[0]["frechet_inception_distance"] > 0


def test_feature_cache_key_includes_the_weights_sha256(sets, tmp_path):
    other = tmp_path / "other_weights.pt"
    torch.manual_seed(1)
    torch.save(FashionClassifier(ClassifierConfig()).state_dict(), other)
    cached = dict(fid=True, cache=True, cache_root=str(tmp_path / "cache"), input2_cache_name="real-set")
    shipped = fidelity.calculate_metrics(sets[0], sets[1], **cached)
    swapped = fidelity.calculate_metrics(sets[0], sets[1], feature_extractor_weights_path=str(other), **cached)
    fresh = fidelity.calculate_metrics(sets[0], sets[1], feature_extractor_weights_path=str(other), fid=True,
                                       cache=False)
    assert swapped == fresh and swapped != shipped  # the second call did not reuse the shipped features
    names = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert len({name.split("-features-")[0] for name in names if "-features-" in name}) == 2, names


class DummyExtractor(FeatureExtractorBase):
    """Stands in for a third-party extractor that reads a weights file (e.g. Inception)."""

    def __init__(self, name, features_list, feature_extractor_weights_path=None, **kwargs):
        super().__init__(name, features_list)
        self.scale = torch.load(feature_extractor_weights_path, weights_only=True)

    @staticmethod
    def get_provided_features_list():
        return ("pooled",)

    @staticmethod
    def get_default_feature_layer_for_metric(metric):
        return "pooled"

    @staticmethod
    def can_be_compiled():
        return False

    @staticmethod
    def get_dummy_input_for_compile():
        return None

    def forward(self, x):
        return (torch.nn.functional.avg_pool2d(x, 4).flatten(1) * self.scale,)


def test_other_extractors_get_the_weights_sha256_in_their_cache_names(sets, tmp_path):
    if "course-test-dummy" not in FEATURE_EXTRACTORS_REGISTRY:
        torch_fidelity.register_feature_extractor("course-test-dummy", DummyExtractor)
    results = []
    for scale in (1.0, 2.0):
        weights = tmp_path / f"scale{scale}.pt"
        torch.save(torch.tensor(scale), weights)
        result = fidelity.calculate_metrics(
            sets[0], sets[1], fid=True, feature_extractor="course-test-dummy",
            feature_extractor_weights_path=str(weights), cache_root=str(tmp_path / "cache"),
            input2_cache_name="real-set")
        results.append(result["frechet_inception_distance"])
    assert results[1] == pytest.approx(4 * results[0], rel=1e-4)  # features x2 => FID x4: no stale cache


def test_extractor_is_rebuilt_with_the_same_weights_every_call(sets):
    first = fidelity.calculate_metrics(sets[0], sets[1], fid=True, isc=True)
    second = fidelity.calculate_metrics(sets[0], sets[1], fid=True, isc=True)
    assert first == second
    a = fidelity.FashionFeatureExtractor(fidelity.EXTRACTOR_NAME, ["features"])
    b = fidelity.FashionFeatureExtractor(fidelity.EXTRACTOR_NAME, ["features"])
    torch.testing.assert_close(a(sets[0])[0], b(sets[0])[0], rtol=0, atol=0)
    torch.testing.assert_close(a.classifier.state_dict(), load_classifier().state_dict(), rtol=0, atol=0)
