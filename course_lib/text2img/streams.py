"""The two random streams of a step that trains on captioned images, and their part of an exact resume.

``noise`` (a CPU ``torch.Generator``: batch indices, noise, times) and ``captions`` (a ``random.Random``: the
captions drawn for each image), both seeded with seed + rank, so every torchrun process draws its own. The text
GAN's step (lesson 07) and the flow model's (lesson 10) own one each.
"""

from __future__ import annotations

import random

import torch

from ..gan.distributed import all_gather_objects
from ..runtime import is_distributed, rank, world_size
from ..serialization import CheckpointError


class Streams:
    """noise: torch.Generator; captions: random.Random; seeded with seed + rank."""

    def __init__(self, seed: int):
        self.captions, self.noise = random.Random(seed + rank()), torch.Generator().manual_seed(seed + rank())

    def mine(self) -> dict:
        return {"noise": self.noise.get_state(), "captions": self.captions.getstate()}

    def state_dict(self) -> dict:
        """This process's streams; under torchrun also every process's ("ranks", gathered from all: call it on
        all) and the number of processes."""
        if not is_distributed():
            return self.mine()
        return {**self.mine(), "world_size": world_size(), "ranks": all_gather_objects(self.mine())}

    def load_state_dict(self, state: dict, what: str) -> None:
        """Continue exactly where ``state_dict()`` was taken; CheckpointError naming ``what`` (e.g. 'text GAN')
        for another number of processes."""
        saved = int(state.get("world_size", 1))
        if saved != world_size():
            raise CheckpointError(f"this {what} state was written by {saved} process(es) and this run has "
                                  f"{world_size()}: resume with {saved}, or start a new run.")
        mine = state["ranks"][rank()] if "ranks" in state else state
        self.noise.set_state(mine["noise"])
        version, internal, gauss = mine["captions"]
        self.captions.setstate((version, tuple(internal), gauss))
