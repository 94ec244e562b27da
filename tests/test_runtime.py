import pytest
import torch

from course_lib.runtime import autocast, fast_mode, pick, select_device


def test_auto_and_cpu():
    assert select_device("cpu") == torch.device("cpu")
    expected = "cuda" if torch.cuda.is_available() else None
    if expected:
        assert select_device("auto").type == "cuda"
    else:
        assert select_device("auto").type in ("cpu", "mps")


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message on machines without CUDA")
def test_missing_cuda_is_explained():
    with pytest.raises(RuntimeError, match="no CUDA GPU.*--device cpu"):
        select_device("cuda")


def test_unknown_device():
    with pytest.raises(ValueError, match="auto, cpu, cuda or mps"):
        select_device("tpu")


def test_autocast_is_noop_on_cpu():
    with autocast(torch.device("cpu")):
        y = torch.ones(2, 2) @ torch.ones(2, 2)
    assert y.dtype == torch.float32


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_autocast_bf16_on_cuda():
    with autocast(torch.device("cuda")):
        y = torch.ones(2, 2, device="cuda") @ torch.ones(2, 2, device="cuda")
    assert y.dtype == torch.bfloat16



def test_pytest_runs_in_fast_mode():
    assert fast_mode() and pick(1000, 10) == 10


@pytest.mark.parametrize("value,expected", [("0", False), ("", False), ("1", True), ("yes", True)])
def test_values(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_FAST", value)
    assert fast_mode() is expected


def test_bad_value_is_explained(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "maybe")
    with pytest.raises(ValueError, match="COURSE_FAST must be 1 or 0"):
        fast_mode()
