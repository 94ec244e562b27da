"""``evaluate_generator`` on real data with the shipped extractor: floors, agreement with torch-fidelity,
caching, errors."""

import pytest
import torch
from torch_fidelity.metric_kid import kid_features_to_metric

import course_lib.metrics.features as features_module
from course_lib.data import load_fashion_mnist, to_float
from course_lib.metrics import EvaluationConfig, evaluate_generator, fidelity

pytestmark = pytest.mark.slow  # loads the data set and extracts the test split's features once
OPTS = {"progress": False, "device": "cpu", "kid_subsets": 20}


def options(**changes) -> EvaluationConfig:
    """The tests' EvaluationConfig: quiet, on the CPU, 20 KID subsets, plus ``changes``."""
    return EvaluationConfig(**{**OPTS, **changes})


@pytest.fixture(scope="module")
def data():
    return load_fashion_mnist()


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("features")


@pytest.fixture(scope="module")
def train_subset(data):
    return to_float(data.train_images[:1000]), data.train_labels[:1000]


def test_test_split_against_itself_is_zero(data, cache_dir):
    result = evaluate_generator(to_float(data.test_images), options(cache_dir=cache_dir))
    assert -1e-3 < result.fid < 1e-3
    # KID compares random subsets, so even a set against itself only averages to 0: within 3 standard errors
    bound = 3 * result.kid_std / OPTS["kid_subsets"] ** 0.5
    assert -bound < result.kid_mean < bound
    assert result.precision == 1.0 and result.recall == 1.0
    assert result.num_generated == result.num_real == 10_000
    assert result.gan_test_accuracy is None and result.per_class_by == "predicted class"


def test_kid_of_two_halves_of_one_set_is_near_zero(cache_dir):
    real = features_module.real_features(features_module.make_extractor(), cache_dir=cache_dir, progress=False)
    halves = kid_features_to_metric(real.features[:5000], real.features[5000:], kid_subsets=50, verbose=False)
    assert -2e-3 < halves["kernel_inception_distance_mean"] < 2e-3  # ~4 standard errors at 50 subsets
    scaled = kid_features_to_metric(real.features[:5000], real.features[5000:] * 1.2, kid_subsets=50, verbose=False)
    assert scaled["kernel_inception_distance_mean"] > 2e-2  # a real difference lies far outside that band


def test_matches_the_full_torch_fidelity_pipeline(data, train_subset, cache_dir):
    images = train_subset[0]
    ours = evaluate_generator(images, options(seed=0, cache_dir=cache_dir))
    real_index = torch.randperm(10_000, generator=torch.Generator().manual_seed(0))[:1000]
    theirs = fidelity.calculate_metrics(images, to_float(data.test_images[real_index]), fid=True, kid=True,
                                        isc=True, prc=True, kid_subsets=20, rng_seed=0)
    assert ours.fid == pytest.approx(theirs["frechet_inception_distance"], rel=1e-4)
    assert ours.kid_mean == pytest.approx(theirs["kernel_inception_distance_mean"], rel=1e-3, abs=1e-6)
    assert ours.is_mean == pytest.approx(theirs["inception_score_mean"], rel=1e-4)
    assert ours.precision == pytest.approx(theirs["precision"], abs=2e-3)
    assert ours.recall == pytest.approx(theirs["recall"], abs=2e-3)


def test_results_do_not_depend_on_batch_size(train_subset, cache_dir):
    small = evaluate_generator(train_subset[0], options(batch_size=64, cache_dir=cache_dir))
    large = evaluate_generator(train_subset[0], options(batch_size=1000, cache_dir=cache_dir))
    assert small.fid == pytest.approx(large.fid, rel=1e-4)
    assert small.kid_mean == pytest.approx(large.kid_mean, rel=1e-3, abs=1e-6)
    assert small.precision == pytest.approx(large.precision, abs=2e-3)
    assert small.recall == pytest.approx(large.recall, abs=2e-3)


def test_padded_32_pixel_images_score_like_28(data, cache_dir):
    raw = data.train_images[:500]
    at32 = evaluate_generator(to_float(raw, 32), options(cache_dir=cache_dir))
    at28 = evaluate_generator(to_float(raw, 28), options(cache_dir=cache_dir))
    assert at32.fid == at28.fid and at32.precision == at28.precision


def test_sample_fn_is_seeded(data, cache_dir):
    pool = to_float(data.train_images[:5000])

    def sample_fn(n, seed):
        return pool[torch.randint(0, pool.shape[0], (n,), generator=torch.Generator().manual_seed(seed))]

    runs = [evaluate_generator(sample_fn, options(n=600, seed=seed, cache_dir=cache_dir)) for seed in (0, 0, 1)]
    assert runs[0].fid == runs[1].fid and runs[0].fid != runs[2].fid
    assert runs[0].num_generated == 600


def test_conditional_sample_fn_gets_balanced_labels_and_gan_scores(data, cache_dir):
    train = to_float(data.train_images)
    by_class = [train[data.train_labels == c] for c in range(10)]
    asked = []

    def sample_fn(n, seed, labels):
        asked.append(labels.clone())
        g = torch.Generator().manual_seed(seed)
        return torch.stack([by_class[c][torch.randint(0, 6000, (1,), generator=g)][0] for c in labels.tolist()])

    result = evaluate_generator(sample_fn, options(n=1000, cache_dir=cache_dir))
    assert torch.bincount(torch.cat(asked), minlength=10).tolist() == [100] * 10
    assert result.per_class_by == "conditioning label" and result.per_class_count == (100,) * 10
    assert 0.9 <= result.gan_test_accuracy <= 1.0  # real images of the asked class: the extractor agrees
    assert 0.5 <= result.gan_train_accuracy <= 1.0

    def ignores_labels(n, seed, labels):
        return sample_fn(n, seed, labels[torch.randperm(n, generator=torch.Generator().manual_seed(seed))])

    shuffled = evaluate_generator(ignores_labels, options(n=1000, gan_train=False, cache_dir=cache_dir))
    assert 0.03 <= shuffled.gan_test_accuracy <= 0.2 and shuffled.gan_train_accuracy is None


def test_labels_with_a_tensor_make_it_conditional(train_subset, cache_dir):
    images, labels = train_subset
    result = evaluate_generator(images, options(gan_train=False, cache_dir=cache_dir, **OPTS), labels=labels)
    assert result.per_class_count == tuple(torch.bincount(labels, minlength=10).tolist())
    assert result.gan_test_accuracy > 0.9


@pytest.mark.parametrize("bad, words", [
    (torch.zeros(10, 1, 28, 28, dtype=torch.uint8), "dtype"),
    (torch.zeros(10, 28, 28), "shape"),
    (torch.full((10, 1, 28, 28), 3.0), "[-1, 1]"),
    ("images.png", "callable"),
])
def test_bad_inputs_give_a_clear_value_error(bad, words, cache_dir):
    with pytest.raises(ValueError) as err:
        evaluate_generator(bad, options(n=10, cache_dir=cache_dir))
    assert words in str(err.value)


def test_bad_labels_and_samplers_give_a_clear_value_error(train_subset, cache_dir):
    images, labels = train_subset
    with pytest.raises(ValueError, match="matching the images"):
        evaluate_generator(images, options(cache_dir=cache_dir, **OPTS), labels=labels[:10])
    with pytest.raises(ValueError, match="exactly as many"):
        evaluate_generator(lambda n, seed: images[:3], options(n=20, cache_dir=cache_dir))
    with pytest.raises(ValueError, match="kid_subset_size=5000"):
        evaluate_generator(images, options(kid_subset_size=5000, cache_dir=cache_dir))


def test_images_in_zero_one_trigger_a_warning(train_subset, cache_dir):
    with pytest.warns(UserWarning, match=r"\[0, 1\]"):
        evaluate_generator((train_subset[0][:200] + 1) / 2, options(cache_dir=cache_dir))


def test_real_features_are_cached_on_disk_and_damaged_files_recomputed(train_subset, tmp_path, monkeypatch):
    monkeypatch.setattr(features_module, "_MEMORY", {})
    first = evaluate_generator(train_subset[0], options(cache_dir=tmp_path))
    files = list(tmp_path.glob("fashion-mnist-test-*.pt"))
    assert [f.name for f in files] == [f"fashion-mnist-test-{first.extractor_sha256[:16]}.pt"]
    monkeypatch.setattr(features_module, "_MEMORY", {})
    assert evaluate_generator(train_subset[0], options(cache_dir=tmp_path)).fid == first.fid  # read back from disk
    files[0].write_bytes(b"not a torch file")
    monkeypatch.setattr(features_module, "_MEMORY", {})
    assert evaluate_generator(train_subset[0], options(cache_dir=tmp_path)).fid == first.fid  # recomputed
    assert features_module.read_cache(files[0], 10_000) is not None  # and rewritten


def test_missing_inception_weights_fail_before_any_work(tmp_path, cache_dir):
    calls = []

    def sample_fn(n, seed):
        calls.append(n)
        return torch.zeros(n, 1, 28, 28)

    with pytest.raises(FileNotFoundError) as err:
        evaluate_generator(sample_fn, options(n=100, inception_weights_path=tmp_path / "weights-inception.pth",
                                              cache_dir=cache_dir))
    assert "weights-inception-2015-12-05-6726825d.pth" in str(err.value) and calls == []


def test_result_reads_as_a_table_and_a_dict(train_subset, cache_dir):
    result = evaluate_generator(train_subset[0][:300], options(cache_dir=cache_dir))
    assert result.kid_subset_size == 300  # adapted: fewer samples than the default 1000
    assert set(result.to_dict()) >= {"fid", "kid_mean", "precision", "recall", "per_class_fid"}
    assert "FID" in result.summary() and "Sneaker" in result.summary()


def test_inception_fid_plumbing_with_a_stand_in(train_subset, tmp_path, cache_dir, monkeypatch):
    """The real Inception weights cannot be fetched offline, so check what would be sent to torch-fidelity."""
    import course_lib.metrics.inception as inception_module

    weights = tmp_path / "weights-inception.pth"
    torch.save({"stand-in": torch.zeros(1)}, weights)  # only tensors: passes the weights_only check
    calls = []

    def fake_calculate_metrics(input1, input2, **kwargs):
        calls.append((input1, input2, kwargs))
        return {"frechet_inception_distance": 12.5}

    monkeypatch.setattr(inception_module, "calculate_metrics", fake_calculate_metrics)
    result = evaluate_generator(train_subset[0][:200], options(inception_weights_path=weights, cache_dir=cache_dir))
    assert result.fid_inception == 12.5
    (generated, real, kwargs), = calls
    assert generated.dtype == real.dtype == torch.uint8 and generated.shape == real.shape == (200, 3, 28, 28)
    assert kwargs["feature_extractor"] == "inception-v3-compat"
    assert kwargs["feature_extractor_weights_path"] == str(weights)
    assert kwargs["fid"] and kwargs["input2_cache_name"] == "fashion-mnist-test-200-seed0"
