"""course_lib.data.augment: shapes, ranges, identity at strength 0, seeds, gradients, errors."""

import pytest
import torch
from samples import square_products as images
from torchvision.transforms import v2

from course_lib.data.augment import ClassicAugment, ClassicConfig, DiffAugment, classic_pipeline, cutout, translate

FULL = ClassicConfig(flip=0.5, rotate=20, translate=0.1, scale=0.2, crop=0.3, erase=0.5)


# --- translate / cutout (the exact whole-pixel ops) ---

def test_translate_moves_right_and_down_and_fills_background():
    x = torch.arange(16.0).reshape(1, 1, 4, 4)
    y = translate(x, dx=1, dy=2)
    expected = torch.full((1, 1, 4, 4), -1.0)
    expected[0, 0, 2:, 1:] = x[0, 0, :2, :3]
    torch.testing.assert_close(y, expected)


def test_translate_per_image_shifts_and_large_shift():
    x = images(3, 8)
    y = translate(x, torch.tensor([0, 1, -1]), torch.tensor([0, 0, 2]))
    torch.testing.assert_close(y[0], x[0])
    torch.testing.assert_close(y[1], translate(x[1:2], 1, 0)[0])
    torch.testing.assert_close(y[2], translate(x[2:3], -1, 2)[0])
    torch.testing.assert_close(translate(x, 8, 0), torch.full_like(x, -1.0))


def test_cutout_clips_at_border():
    x = torch.zeros(1, 1, 5, 5)
    y = cutout(x, top=-1, left=3, size=3)
    expected = torch.zeros(1, 1, 5, 5)
    expected[0, 0, 0:2, 3:5] = -1.0
    torch.testing.assert_close(y, expected)
    torch.testing.assert_close(cutout(x, 1, 1, 0), x)


# --- classic torchvision v2 pipelines ---

def test_classic_shapes_dtype_and_range():
    x = images(6)
    for per_sample in (True, False):
        y = ClassicAugment(FULL, per_sample=per_sample, seed=1)(x)
        assert y.shape == x.shape and y.dtype == torch.float32
        assert y.min() >= -1.0 and y.max() <= 1.0  # bilinear is a convex combination, fills are -1
        assert not torch.equal(y, x)


def test_classic_background_stays_exact():
    """v2's bilinear affine with fill=-1 leaves an outline at the old border; ClassicAugment must not."""
    blank = torch.full((4, 1, 28, 28), -1.0)
    cfg = ClassicConfig(rotate=40, translate=0.2, scale=0.3, erase=1.0)
    torch.testing.assert_close(ClassicAugment(cfg, seed=0)(blank), blank, rtol=0, atol=1e-6)
    raw = v2.RandomAffine(degrees=(30, 30), interpolation=v2.InterpolationMode.BILINEAR, fill=-1.0)(blank)
    assert raw.max() > -0.9  # the torchvision behaviour the shift works around (if this fails, it was fixed)


def test_classic_pipeline_holds_only_active_transforms():
    types = [type(t) for t in classic_pipeline(FULL).transforms]
    assert types == [v2.RandomResizedCrop, v2.RandomHorizontalFlip, v2.RandomAffine, v2.RandomErasing]
    assert [type(t) for t in classic_pipeline(ClassicConfig(flip=0.3)).transforms] == [v2.RandomHorizontalFlip]


def test_classic_strength_zero_is_identity():
    x = images(4)
    torch.testing.assert_close(ClassicAugment(ClassicConfig())(x), x, rtol=0, atol=0)


def test_classic_batch_mode_shares_parameters_and_per_sample_does_not():
    x = images(1).repeat(6, 1, 1, 1)  # six copies of one image
    cfg = ClassicConfig(rotate=30)
    shared = ClassicAugment(cfg, per_sample=False, seed=3)(x)
    own = ClassicAugment(cfg, per_sample=True, seed=3)(x)
    assert all(torch.equal(shared[0], shared[i]) for i in range(6))
    assert sum(torch.equal(own[0], own[i]) for i in range(1, 6)) == 0


def test_classic_seed_reproducible_and_leaves_global_rng_alone():
    x = images(4)
    torch.manual_seed(123)
    expected_next = torch.rand(3)
    torch.manual_seed(123)
    a = ClassicAugment(FULL, seed=5)(x)
    torch.testing.assert_close(torch.rand(3), expected_next)
    torch.testing.assert_close(ClassicAugment(FULL, seed=5)(x), a)
    assert not torch.equal(ClassicAugment(FULL, seed=6)(x), a)


@pytest.mark.parametrize("field,value", [("flip", 1.5), ("rotate", -1.0), ("translate", 1.0),
                                         ("scale", -0.1), ("crop", 1.0), ("erase", 2.0)])
def test_classic_config_out_of_range(field, value):
    with pytest.raises(ValueError, match=f"ClassicConfig.{field} must be in"):
        ClassicConfig(**{field: value})


def test_uint8_input_is_rejected_with_fix():
    with pytest.raises(ValueError, match="to_float"):
        ClassicAugment(FULL)(torch.zeros(2, 28, 28, dtype=torch.uint8))
    with pytest.raises(ValueError, match="to_float"):
        DiffAugment()(torch.zeros(2, 1, 28, 28, dtype=torch.uint8))


# --- DiffAugment ---

def test_diffaugment_shape_and_ranges_per_op():
    x = images(8, 32)
    for policy in ("translation", "cutout", "translation,cutout"):
        y = DiffAugment(policy, seed=0)(x)
        assert y.shape == x.shape and y.min() >= -1.0 and y.max() <= 1.0
        assert not torch.equal(y, x)
    y = DiffAugment("color", seed=0)(x)
    assert y.shape == x.shape and not torch.equal(y, x)
    # brightness moves the background off -1: the color op does not promise [-1, 1]
    assert (y[:, :, 0, 0] != -1.0).all()


def test_diffaugment_strength_zero_is_identity():
    x = images(5)
    torch.testing.assert_close(DiffAugment(strength=0.0, seed=0)(x), x, rtol=0, atol=0)
    partial = DiffAugment(strength={"color": 0.0, "translation": 0.0, "cutout": 0.0}, seed=4)
    torch.testing.assert_close(partial(x), x, rtol=0, atol=0)


def test_diffaugment_saturation_is_identity_on_one_channel():
    aug = DiffAugment("color", seed=0)
    x = images(4)
    torch.testing.assert_close(aug.color(x, 1.0), _brightness_contrast_only(x, seed=0), rtol=0, atol=1e-6)


def _brightness_contrast_only(x, seed):
    """The color op with the saturation step removed (same random draws, in the same order)."""
    g = torch.Generator().manual_seed(seed)
    n = x.shape[0]
    b = torch.rand(n, 1, 1, 1, generator=g) - 0.5
    torch.rand(n, 1, 1, 1, generator=g)  # saturation factor: drawn, but 1 channel makes it irrelevant
    c = torch.rand(n, 1, 1, 1, generator=g) + 0.5
    x = x + b
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    return (x - mean) * c + mean


def test_diffaugment_saturation_changes_rgb():
    x = torch.rand(4, 3, 8, 8) * 2 - 1
    aug = DiffAugment("color", seed=0)
    assert not torch.allclose(aug.color(x, 1.0), _brightness_contrast_only(x, 0), atol=1e-3)


def test_diffaugment_gradients_flow():
    x = images(4).requires_grad_(True)
    DiffAugment(seed=0)(x).square().sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    x2 = images(4).requires_grad_(True)
    DiffAugment("translation,cutout", seed=0)(x2).sum().backward()
    # whole-pixel ops move each pixel at most once: gradient 1 where kept, 0 where dropped
    assert set(x2.grad.unique().tolist()) == {0.0, 1.0}


def test_diffaugment_paper_sizes_at_strength_one():
    """28 px: shifts of at most round(0.125 * 28) = 4 px, cutout squares of round(0.5 * 28) = 14 px."""
    dot = torch.full((200, 1, 28, 28), -1.0)
    dot[:, :, 14, 14] = 1.0
    moved = DiffAugment("translation", seed=0)(dot)
    where = torch.nonzero(moved[:, 0] == 1.0)[:, 1:] - 14  # (200, 2) shifts
    assert where.abs().max() == 4 and len(where) == 200
    blank = DiffAugment("cutout", seed=0)(torch.zeros(200, 1, 28, 28))[:, 0] == -1.0
    rows, cols = blank.any(2).sum(1), blank.any(1).sum(1)
    torch.testing.assert_close(blank.sum((1, 2)), rows * cols)  # each hole is one rectangle
    assert rows.max() == 14 and cols.max() == 14 and rows.min() >= 7 and cols.min() >= 7


def test_diffaugment_seeds_and_state():
    x = images(6)
    a, b = DiffAugment(seed=7), DiffAugment(seed=7)
    first = a(x)
    torch.testing.assert_close(b(x), first)
    assert not torch.equal(DiffAugment(seed=8)(x), first)
    assert not torch.equal(a(x), first)  # a new draw per call
    state = a.state_dict()
    third = a(x)
    a.load_state_dict(state)
    torch.testing.assert_close(a(x), third)


def test_diffaugment_real_and_fake_draw_independently():
    x = images(4)
    aug = DiffAugment("translation,cutout", seed=0)
    assert not torch.equal(aug(x), aug(x))


@pytest.mark.parametrize("strength", [-0.1, 1.5, {"cutout": 2.0}])
def test_diffaugment_strength_out_of_range(strength):
    with pytest.raises(ValueError, match=r"strength of .* must be in \[0, 1\]"):
        DiffAugment(strength=strength)


def test_diffaugment_bad_policy_and_unused_strength():
    with pytest.raises(ValueError, match="unknown DiffAugment op"):
        DiffAugment("color,rotation")
    with pytest.raises(ValueError, match="does not use"):
        DiffAugment("color", strength={"cutout": 0.5})


# --- the probe ---

