"""Where and how code runs: the device (CUDA, then Apple MPS, else the CPU), mixed precision, CPU threads,
fast mode (``COURSE_FAST=1``), the process's rank and the torchrun process group, and eval mode for a block.

Fast mode shrinks data and steps so every lesson runs in CI in seconds. pytest sets it (see ``conftest.py``),
so the kernels nbval starts inherit it; JupyterLab runs full size.
"""

from __future__ import annotations

import contextlib
import os
import platform
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn


class DeviceUnavailableError(RuntimeError):
    """The device asked for (``--device cuda``, ``mps``) is not on this machine: the user's choice to fix, not a
    bug. The command line prints the message and exits 2 (``cli.main``)."""


def select_device(name: str = "auto") -> torch.device:
    """``'auto'`` picks cuda, then mps, then cpu; an explicit name is checked and explained if absent
    (``DeviceUnavailableError``, a RuntimeError)."""
    name = str(name).lower()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise DeviceUnavailableError(f"--device {name} was asked for but torch sees no CUDA GPU "
                                     f"(torch {torch.__version__}, CUDA build: {torch.version.cuda}). "
                                     "Use --device auto or --device cpu, or install a CUDA build of torch.")
    if name == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise DeviceUnavailableError("--device mps was asked for but this machine has no Apple MPS; use auto or "
                                     "cpu (--device auto or --device cpu).")
    if name.split(":")[0] not in ("cpu", "cuda", "mps"):
        raise ValueError(f"device must be auto, cpu, cuda or mps, got {name!r}.")
    device = torch.device(name)
    if device.type == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
        raise DeviceUnavailableError(f"--device {name} was asked for but torch sees {torch.cuda.device_count()} "
                                     "CUDA GPU(s); use --device cuda (the first), auto or cpu.")
    return device


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """``device`` as a torch.device: a name (``'auto'``, ``'cuda'``, ...) through ``select_device``, a device
    as it is. What the library's ``device="auto"`` defaults go through."""
    return select_device(device) if isinstance(device, str) else torch.device(device)


def rank_device(device: torch.device) -> torch.device:
    """Under torchrun, CUDA means this process's own GPU (``cuda:LOCAL_RANK``); any other device is unchanged."""
    if device.type != "cuda" or world_size() == 1:
        return device
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if local >= torch.cuda.device_count():
        raise RuntimeError(f"process LOCAL_RANK={local} needs a GPU of its own but torch sees "
                           f"{torch.cuda.device_count()}; start torchrun with --nproc_per_node at most that.")
    return torch.device("cuda", local)


def configure_cpu_threads() -> int:
    """Use one intra-op thread per physical-ish core unless the user set OMP_NUM_THREADS; returns the count."""
    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(max(1, os.cpu_count() or 1))
    return torch.get_num_threads()


PRECISIONS = ("auto", "fp32", "bf16")


# oneDNN instruction sets below AVX512-BF16: with ONEDNN_MAX_CPU_ISA capped at one of these, bf16 is emulated
_ISA_WITHOUT_BF16 = {"SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2", "AVX512_CORE", "AVX512_CORE_VNNI"}


def cpu_model() -> str:
    """The CPU's name as the course quotes it beside a speed, e.g. "AMD EPYC (family 25, model 17)"."""
    fields = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
    name = fields.get("model name") or platform.processor() or "unknown CPU"
    return f"{name} (family {fields['cpu family']}, model {fields['model']})" if "cpu family" in fields else name


def cpu_kernels_run_bf16() -> bool:
    """True where the CPU kernels this process will use run bf16 natively: the hardware has AVX512-BF16 or AMX,
    and neither ``ATEN_CPU_CAPABILITY`` nor ``ONEDNN_MAX_CPU_ISA`` caps the kernels below it (capping them to
    AVX2 is how a test imitates the AVX2-only CPUs these courses also run on)."""
    hardware = torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()
    aten_capped = torch.backends.cpu.get_cpu_capability() in ("DEFAULT", "AVX2")
    onednn_capped = os.environ.get("ONEDNN_MAX_CPU_ISA", "ALL").upper() in _ISA_WITHOUT_BF16
    return bool(hardware) and not aten_capped and not onednn_capped


def native_bf16(device: torch.device) -> bool:
    """True where bf16 runs natively: CUDA GPUs that support it, and x86 CPUs whose kernels run bf16 (see
    ``cpu_kernels_run_bf16``). Elsewhere bf16 autocast is slower than fp32 or unsupported."""
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if device.type == "cpu":
        return cpu_kernels_run_bf16()
    return False


def default_precision(device: torch.device) -> str:
    """What runs without a ``precision``: bf16 on CUDA, fp32 elsewhere (sampling, editing, the lessons' loops)."""
    return "bf16" if torch.device(device).type == "cuda" else "fp32"


def resolve_precision(precision: str, device: torch.device) -> str:
    """'fp32' or 'bf16' for ``precision`` ('auto': bf16 where ``native_bf16``, else fp32) on ``device``."""
    device = torch.device(device)
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}.")
    if precision == "auto":
        return "bf16" if native_bf16(device) else "fp32"
    if precision == "bf16" and device.type not in ("cpu", "cuda"):
        raise ValueError(f"bf16 autocast is not supported on {device.type}; use --precision fp32 (or auto).")
    return precision


def autocast(device: torch.device, precision: str | None = None):
    """bf16 autocast when ``precision`` resolves to bf16, else a no-op. None: bf16 on CUDA only (what sampling
    and the editing models use; training takes the precision its command resolved)."""
    device = torch.device(device)
    if resolve_precision(precision or default_precision(device), device) == "bf16":
        return torch.autocast(device_type=device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def fast_mode() -> bool:
    """True when ``COURSE_FAST`` is set to 1/true/yes (read at call time, so tests can toggle it)."""
    value = os.environ.get("COURSE_FAST", "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise ValueError(f"COURSE_FAST must be 1 or 0, got {value!r}.")


def pick(full, fast):
    """``fast`` in fast mode, else ``full``: ``num_steps = pick(2000, 20)``."""
    return fast if fast_mode() else full


def is_main_process() -> bool:
    """True unless torchrun (or similar) set RANK to another process: only rank 0 prints and writes."""
    return rank() == 0


def rank() -> int:
    """This process's rank among all processes (the process group's, else torchrun's RANK), 0 alone."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank()
    return int(os.environ.get("RANK", "0"))


def world_size() -> int:
    """How many processes train together (the process group's size, else torchrun's WORLD_SIZE), 1 alone."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size()
    return int(os.environ.get("WORLD_SIZE", "1"))


def is_distributed() -> bool:
    """True inside ``process_group`` with more than one process: gradients and statistics are shared."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def barrier() -> None:
    """Wait until every process gets here (a no-op for a single process)."""
    if is_distributed():
        dist.barrier()


@contextlib.contextmanager
def process_group(device: str = "auto"):
    """Join torchrun's processes for the block: NCCL when ``device`` resolves to CUDA, else gloo.

    Reads torchrun's environment (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT). Without torchrun, or with one
    process, nothing is set up and the block runs exactly as it would alone. Every process leaves together.
    """
    if world_size() == 1 or dist.is_initialized():
        yield
        return
    backend = "nccl" if select_device(device).type == "cuda" else "gloo"
    if backend == "nccl":
        torch.cuda.set_device(rank_device(torch.device("cuda")))
    dist.init_process_group(backend)
    try:
        yield
        dist.barrier()  # rank 0 may still be writing files: the others wait for it before the group closes
    finally:
        dist.destroy_process_group()


def say(message: str) -> None:
    """Print ``message`` (flushed) on the main process only."""
    if is_main_process():
        print(message, flush=True)


@contextlib.contextmanager
def eval_mode(*models: nn.Module):
    """Put ``models`` in eval mode for the block, then restore each one's previous mode."""
    modes = [m.training for m in models]
    try:
        for m in models:
            m.eval()
        yield
    finally:
        for m, mode in zip(models, modes):
            m.train(mode)


def compile_networks(generator: nn.Module, discriminator: nn.Module, double_backward: bool) -> list[str]:
    """``torch.compile`` the networks' forward in place for training (``--compile``); returns the names compiled.

    ``nn.Module.compile`` keeps the modules and their state-dict keys, so checkpoints, the EMA copy and resume
    are unchanged. A discriminator whose loss differentiates its own gradient (``double_backward``: gradient
    penalty, R1) stays eager, since compiled graphs do not support double backward.
    """
    generator.compile()
    if double_backward:
        return ["generator"]
    discriminator.compile()
    return ["generator", "discriminator"]
