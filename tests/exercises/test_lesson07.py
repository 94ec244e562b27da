"""course_lib.exercises.lesson07: right answers pass, each known mistake gets its hint, a skeleton is not attempted."""

import torch
import torch.nn.functional as F

from course_lib.exercises.lesson07 import check_info_nce, check_matching_aware_loss


def good_info_nce(logits):
    labels = torch.arange(len(logits))
    return 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels))


def test_info_nce_check():
    assert check_info_nce(good_info_nce).passed
    one_sided = check_info_nce(lambda s: F.cross_entropy(s, torch.arange(len(s))))
    assert not one_sided.passed and "only the caption side" in one_sided.message
    summed = check_info_nce(lambda s: 2 * good_info_nce(s))
    assert not summed.passed and "averages them" in summed.message

    def skeleton(logits):
        ...

    assert not check_info_nce(skeleton).attempted


def bce(x, target):
    return F.binary_cross_entropy_with_logits(x, torch.full_like(x, target))


def test_matching_aware_check():
    assert check_matching_aware_loss(lambda r, m, f: bce(r, 1) + 0.5 * (bce(m, 0) + bce(f, 0))).passed
    no_half = check_matching_aware_loss(lambda r, m, f: bce(r, 1) + bce(m, 0) + bce(f, 0))
    assert not no_half.passed and "weighted 1/2" in no_half.message
    wrong_target = check_matching_aware_loss(lambda r, m, f: bce(r, 1) + 0.5 * (bce(m, 1) + bce(f, 0)))
    assert not wrong_target.passed and "target is 0" in wrong_target.message


def test_weakest_attribute_prediction():
    from course_lib.exercises.lesson07 import check_weakest_attribute_prediction

    assert not check_weakest_attribute_prediction(...).attempted
    assert not check_weakest_attribute_prediction("size").passed
    results = [check_weakest_attribute_prediction(a) for a in ("colour", "tone", "width", "pattern")]
    assert sum(r.passed for r in results) == 1 and "Measured on 10,000 test images" in results[0].message
    assert not any(r.undecided for r in results)  # the gap on the test split is outside the measured band
