"""Shuffled mini-batches served straight from an in-memory uint8 tensor (no per-sample PIL work)."""

from __future__ import annotations

import torch

from . import to_float


class BatchSource:
    """An endless, seeded, resumable stream of shuffled batches.

    images: (N, 28, 28) uint8 (the catalog), or a photo folder's (N, S, S) / (N, S, S, 3) uint8, moved once to
    ``device`` and kept there (on a GPU: no host copies). labels: (N,) int64 or None.
    Each batch is ``(real, labels)``: real (B, C, S, S) float32 in [-1, 1] with S = image_size,
    labels (B,) int64 (or None). The last incomplete batch of an epoch is dropped, so B is constant.

    Under torchrun, ``rank`` of ``world_size`` processes: every process shuffles the same order (same seed)
    and takes its own slice of each global batch of ``world_size * batch_size`` images, so the shards are
    disjoint, their union is the batch one process with the global batch size would draw, and the state
    (epoch, position, order) is the same on every process.
    """

    def __init__(self, images: torch.Tensor, labels: torch.Tensor | None, batch_size: int,
                 image_size: int = 28, device: torch.device | str = "cpu", seed: int = 0, *,
                 rank: int = 0, world_size: int = 1):
        if images.dtype != torch.uint8 or images.dim() not in (3, 4):
            raise ValueError(f"images must be uint8 (N, H, W) or colour (N, H, W, 3), got {images.dtype} "
                             f"{tuple(images.shape)}.")
        if not 1 <= batch_size <= images.shape[0]:
            raise ValueError(f"batch_size must be between 1 and the number of images ({images.shape[0]}), "
                             f"got {batch_size}.")
        if not 0 <= rank < world_size:
            raise ValueError(f"rank must be in [0, world_size={world_size}), got {rank}.")
        if batch_size * world_size > images.shape[0]:
            raise ValueError(f"{world_size} processes x batch {batch_size} need {batch_size * world_size} images "
                             f"per step, but there are {images.shape[0]}; use a smaller batch or fewer processes.")
        if labels is not None and labels.shape[0] != images.shape[0]:
            raise ValueError(f"{labels.shape[0]} labels for {images.shape[0]} images.")
        to_float(images[:1], image_size)  # validates image_size with a clear message
        self.device = torch.device(device)
        self.images = images.to(self.device)
        self.labels = None if labels is None else labels.to(self.device)
        self.batch_size, self.image_size = batch_size, image_size
        self.rank, self.world_size = rank, world_size
        self.generator = torch.Generator().manual_seed(seed)  # CPU generator: same order on every device
        self.epoch, self.position, self.order = 0, 0, None

    @property
    def global_batch_size(self) -> int:
        """Images all processes take together per batch (``batch_size`` for one process)."""
        return self.batch_size * self.world_size

    def __len__(self) -> int:
        """Batches per epoch (global batches: each process draws one shard of each)."""
        return self.images.shape[0] // self.global_batch_size

    def next_batch(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The next batch; a new shuffled epoch starts when the current one is used up."""
        if self.order is None or self.position + self.global_batch_size > self.order.numel():
            if self.order is not None:
                self.epoch += 1
            self.order = torch.randperm(self.images.shape[0], generator=self.generator)
            self.position = 0
        start = self.position + self.rank * self.batch_size
        index = self.order[start: start + self.batch_size].to(self.device, non_blocking=True)
        self.position += self.global_batch_size
        real = to_float(self.images[index], self.image_size)
        return real, (None if self.labels is None else self.labels[index])

    def epoch_batches(self):
        """Iterate over the rest of the current epoch (a whole epoch when called at an epoch boundary)."""
        remaining = 0 if self.order is None else (self.order.numel() - self.position) // self.global_batch_size
        for _ in range(remaining or len(self)):
            yield self.next_batch()

    def state_dict(self) -> dict:
        """Everything needed to continue the stream exactly (for checkpoints)."""
        return {"epoch": self.epoch, "position": self.position, "order": self.order,
                "generator": self.generator.get_state()}

    def load_state_dict(self, state: dict) -> None:
        """Continue the stream where ``state_dict()`` left it."""
        self.epoch, self.position, self.order = state["epoch"], state["position"], state["order"]
        self.generator.set_state(state["generator"])
