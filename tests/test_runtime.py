import os
import re

import pytest
import torch
from torch import nn

from course_lib.runtime import (
    autocast,
    cpu_kernels_run_bf16,
    fast_mode,
    native_bf16,
    pick,
    resolve_precision,
    select_device,
)


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



def test_precision_auto_follows_the_cpu_and_bf16_autocasts_on_cpu():
    cpu = torch.device("cpu")
    native = ((torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
              and torch.backends.cpu.get_cpu_capability() not in ("DEFAULT", "AVX2")
              and os.environ.get("ONEDNN_MAX_CPU_ISA", "ALL").upper() not in ("AVX2", "AVX512_CORE"))
    assert native_bf16(cpu) == native and resolve_precision("auto", cpu) == ("bf16" if native else "fp32")
    assert resolve_precision("fp32", cpu) == "fp32" and resolve_precision("bf16", cpu) == "bf16"
    with autocast(cpu, "bf16"):
        y = torch.ones(2, 2) @ torch.ones(2, 2)
    assert y.dtype == torch.bfloat16
    with autocast(cpu, "fp32"):
        assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == torch.float32
    with pytest.raises(ValueError, match="precision must be one of auto, fp32, bf16"):
        resolve_precision("fp16", cpu)
    with pytest.raises(ValueError, match="not supported on mps"):
        resolve_precision("bf16", torch.device("mps"))


@pytest.mark.parametrize("isa", ["AVX2", "avx512_core_vnni", "AVX2_VNNI_2"])
def test_kernels_capped_below_avx512_bf16_mean_fp32(monkeypatch, isa):
    """ONEDNN_MAX_CPU_ISA=AVX2 (how CI imitates the AVX2-only CPU) makes bf16 emulated, so auto picks fp32."""
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", isa)
    assert not cpu_kernels_run_bf16() and resolve_precision("auto", torch.device("cpu")) == "fp32"


def test_aten_capped_to_avx2_means_fp32(monkeypatch):
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: "AVX2")
    assert not cpu_kernels_run_bf16()


def test_bf16_hardware_with_uncapped_kernels_is_native(monkeypatch):
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "ALL")
    monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: "AVX512")
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: True)
    assert cpu_kernels_run_bf16() and resolve_precision("auto", torch.device("cpu")) == "bf16"
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False)
    assert not cpu_kernels_run_bf16()


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


def test_rank_and_world_size_come_from_torchrun(monkeypatch):
    from course_lib.runtime import barrier, is_distributed, is_main_process, process_group, rank, world_size

    assert (rank(), world_size(), is_main_process(), is_distributed()) == (0, 1, True, False)
    with process_group("cpu"):  # one process: nothing is set up
        assert not torch.distributed.is_initialized()
        barrier()
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    assert (rank(), world_size(), is_main_process(), is_distributed()) == (1, 2, False, False)


def test_rank_device_is_the_local_gpu(monkeypatch):
    from course_lib.runtime import rank_device

    assert rank_device(torch.device("cpu")) == torch.device("cpu")
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("LOCAL_RANK", "1")
    assert rank_device(torch.device("cpu")) == torch.device("cpu")
    if torch.cuda.device_count() < 2:
        with pytest.raises(RuntimeError, match="LOCAL_RANK=1 needs a GPU of its own"):
            rank_device(torch.device("cuda"))
    else:
        assert rank_device(torch.device("cuda")) == torch.device("cuda", 1)


@pytest.mark.slow
def test_compile_networks_keeps_the_state_dict_and_the_outputs():
    """Compiled in place: the same keys (checkpoints unchanged), the same outputs and gradients as eager, and a
    discriminator that needs double backward left eager."""
    from course_lib.runtime import compile_networks

    torch.manual_seed(0)
    generator, discriminator = nn.Sequential(nn.Linear(4, 8), nn.Tanh()), nn.Sequential(nn.Linear(8, 1))
    keys, x = list(generator.state_dict()), torch.randn(3, 4)
    eager = discriminator(generator(x))
    assert compile_networks(generator, discriminator, double_backward=False) == ["generator", "discriminator"]
    assert list(generator.state_dict()) == keys
    compiled = discriminator(generator(x))
    torch.testing.assert_close(compiled, eager)
    compiled.sum().backward()
    assert generator[0].weight.grad is not None
    other_g, other_d = nn.Linear(2, 2), nn.Linear(2, 1)
    assert compile_networks(other_g, other_d, double_backward=True) == ["generator"]
    assert other_d._compiled_call_impl is None and other_g._compiled_call_impl is not None


def test_an_absent_device_is_a_device_unavailable_error(monkeypatch):
    from course_lib.runtime import DeviceUnavailableError, resolve_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(DeviceUnavailableError, match="--device cuda was asked for but torch sees no CUDA GPU"):
        select_device("cuda")
    assert issubclass(DeviceUnavailableError, RuntimeError)  # what callers caught before
    assert resolve_device("cpu") == torch.device("cpu") and resolve_device(torch.device("cpu")) == torch.device("cpu")
    assert resolve_device("auto").type in ("cpu", "mps")


def test_cpu_model_names_the_cpu_with_its_family_and_model_where_linux_says_them():
    from pathlib import Path

    from course_lib.runtime import cpu_model

    name = cpu_model()
    assert name and name != "unknown CPU"
    if Path("/proc/cpuinfo").exists() and "cpu family" in Path("/proc/cpuinfo").read_text():
        assert re.search(r"\(family \d+, model \d+\)$", name), name
