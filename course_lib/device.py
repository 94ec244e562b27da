"""Device selection and mixed precision: CUDA when present, then Apple MPS, else the CPU."""

from __future__ import annotations

import contextlib
import os

import torch


def select_device(name: str = "auto") -> torch.device:
    """``'auto'`` picks cuda, then mps, then cpu; an explicit name is checked and explained if absent."""
    name = str(name).lower()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError("--device cuda was asked for but torch sees no CUDA GPU "
                           f"(torch {torch.__version__}, CUDA build: {torch.version.cuda}). "
                           "Use --device auto or --device cpu, or install a CUDA build of torch.")
    if name == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise RuntimeError("--device mps was asked for but this machine has no Apple MPS; use auto or cpu.")
    if name.split(":")[0] not in ("cpu", "cuda", "mps"):
        raise ValueError(f"device must be auto, cpu, cuda or mps, got {name!r}.")
    return torch.device(name)


def configure_cpu_threads() -> int:
    """Use one intra-op thread per physical-ish core unless the user set OMP_NUM_THREADS; returns the count."""
    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(max(1, os.cpu_count() or 1))
    return torch.get_num_threads()


def autocast(device: torch.device):
    """bf16 autocast on CUDA (no loss scaler needed), a no-op elsewhere (CPU autocast is slower here)."""
    if device.type == "cuda":
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()
