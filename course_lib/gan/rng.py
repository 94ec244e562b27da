"""The random states a GAN run saves and restores, so that a resumed run continues bit for bit: the global
generators of python, numpy, torch and CUDA (``rng_states``), and those of an augmentation or regulariser that
owns one (``rng_owner_state``). Every value is a tensor or a plain value, safe for ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import random

import numpy as np
import torch


def rng_states() -> dict:
    """The global random states of python, numpy, torch and every CUDA device, as safe-to-load values."""
    _, keys, pos, has_gauss, cached = np.random.get_state()
    return {"python": random.getstate(),
            "numpy": {"keys": torch.from_numpy(keys.astype(np.int64)), "pos": int(pos),
                      "has_gauss": int(has_gauss), "cached_gaussian": float(cached)},
            "torch": torch.get_rng_state(),
            "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []}


def set_rng_states(state: dict) -> None:
    """Restore what ``rng_states()`` returned (CUDA states only when the same number of GPUs is present)."""
    random.setstate(state["python"])
    n = state["numpy"]
    np.random.set_state(("MT19937", n["keys"].numpy().astype(np.uint32), n["pos"], n["has_gauss"],
                         n["cached_gaussian"]))
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available() and len(state["cuda"]) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(state["cuda"])


def rng_owner_state(fn) -> dict | None:
    """RNG state of an augment/regularizer that owns one (``state_dict()`` or a ``generator``), else None."""
    if hasattr(fn, "state_dict"):
        return fn.state_dict()
    generator = getattr(fn, "generator", None)
    return {"generator": generator.get_state()} if isinstance(generator, torch.Generator) else None


def load_rng_owner_state(fn, state: dict | None) -> None:
    """Restore what ``rng_owner_state`` returned."""
    if state is not None and hasattr(fn, "load_state_dict"):
        fn.load_state_dict(state)
    elif state is not None:
        fn.generator.set_state(state["generator"])
