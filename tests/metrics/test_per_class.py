"""course_lib.metrics.per_class: one FID per class, counts per class, NaN where a class is too small."""

import math

import torch

from course_lib.metrics.frechet import fid_torch_fidelity
from course_lib.metrics.per_class import per_class_fid


def test_per_class_fid_groups_by_class_and_marks_small_classes():
    g = torch.Generator().manual_seed(0)
    real = torch.randn(60, 4, generator=g)
    real_labels = torch.arange(60) % 3
    generated = torch.randn(30, 4, generator=g) + 0.5
    groups = torch.tensor([0] * 20 + [1] * 9 + [2])  # class 2 has one sample: no covariance
    fids, counts = per_class_fid(generated, groups, real, real_labels, num_classes=3)
    assert counts == (20, 9, 1) and math.isnan(fids[2])
    assert fids[0] == fid_torch_fidelity(generated[:20], real[real_labels == 0])
    assert fids[1] == fid_torch_fidelity(generated[20:29], real[real_labels == 1]) and fids[1] > 0
