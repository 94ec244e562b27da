"""course_lib.studies.bench: the recognisability proxy counts exactly, FLOPs are counted, machine info is complete."""

import torch
from torch import nn

from course_lib.studies import bench


def uint8_images(n=16, seed=0):
    return torch.randint(0, 256, (n, 28, 28), dtype=torch.uint8, generator=torch.Generator().manual_seed(seed))


class FixedClassifier(nn.Module):
    """Returns given logits, whatever the images."""

    def __init__(self, logits):
        super().__init__()
        self.logits = logits

    def forward(self, x):
        return self.logits[: x.shape[0]]


def test_recognisability_counts_exactly():
    confident = torch.full((20, 10), -10.0)
    confident[torch.arange(20), torch.arange(20) % 10] = 10.0  # every sample sure, 2 per class
    score = bench.recognisability(torch.zeros(20, 1, 28, 28), FixedClassifier(confident), min_rate=0.5)
    assert score["confident_rate"] == 1.0 and score["classes_covered"] == 10 and score["recognisable"]
    assert score["class_shares"] == [0.1] * 10
    confident[:10] = 0.0  # half unsure (classes 0-9 lose one sample each): 50 % recognised
    score = bench.recognisability(torch.zeros(20, 1, 28, 28), FixedClassifier(confident), min_rate=0.5)
    assert score["confident_rate"] == 0.5 and score["classes_covered"] == 10 and score["recognisable"]
    assert not bench.recognisability(torch.zeros(20, 1, 28, 28), FixedClassifier(confident), 0.6)["recognisable"]
    collapsed = torch.full((20, 10), -10.0)
    collapsed[:, 3] = 10.0  # sure, but all the same class
    score = bench.recognisability(torch.zeros(20, 1, 28, 28), FixedClassifier(collapsed))
    assert score["confident_rate"] == 1.0 and score["classes_covered"] == 1 and not score["recognisable"]
    unsure = torch.zeros(20, 10)  # uniform: 10 % each, below the 90 % bar
    score = bench.recognisability(torch.zeros(20, 1, 28, 28), FixedClassifier(unsure))
    assert score["confident_rate"] == 0.0 and not score["recognisable"]


def test_flops_of_a_linear_layer():
    layer = nn.Linear(8, 3)
    x = torch.randn(5, 8)
    assert bench.flops_per_step(lambda: layer(x)) == 2 * 5 * 8 * 3
    assert bench.flops_per_step(lambda: layer(x).sum().backward()) == 2 * 2 * 5 * 8 * 3  # + grad of W only


def test_matmul_peak_and_machine_info():
    assert bench.matmul_peak_gflops(64, 2) > 0
    info = bench.machine_info()
    assert {"cpu_model", "logical_cpus", "torch_threads", "torch", "load_average_1m_5m_15m"} <= set(info)
    assert info["torch"] == torch.__version__
