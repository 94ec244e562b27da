"""Training on several processes (``torchrun``): shared gradients, shared BatchNorm statistics, one start.

The design is StyleGAN3's (NVlabs/stylegan3 ``training/training_loop.py``): broadcast every parameter and
buffer from rank 0 once, then after each backward all-reduce the flattened gradients of the network about to
step, by hand. We chose it over ``DistributedDataParallel`` because a GAN step is what DDP handles worst,
and each known DDP trap disappears instead of needing a workaround:

- a backward of the gradient penalty alone through a DDP critic fails on its second iteration ("Expected to
  have finished reduction in the prior iteration", torch 2.14, gloo): here the step's gradients are simply
  averaged once, whatever backward(s) produced them;
- the discriminator is called on real, then on fake, then (G step) on fake again with frozen weights before
  one backward; DDP's in-place buffer broadcast between those calls is reported to fail on CUDA: here no
  forward pass broadcasts anything;
- calling a DDP module on one rank only (sample grids, evaluation) hangs: here the models are plain modules,
  and the only collective in a forward pass is BatchNorm's in train mode (sampling runs in eval mode);
- DDP does not synchronise higher-order gradients (the penalty's ``create_graph``): here only the final
  ``.grad`` is averaged, after every backward of the step;
- ``SyncBatchNorm`` refuses CPU modules: ``SharedBatchNorm2d`` below shares the statistics with plain
  collectives that work on gloo and NCCL alike.

What it costs: DDP overlaps the gradient all-reduce with the backward pass; one flattened all-reduce per
network step does not. For the course's models (a few hundred thousand parameters) that is small.
"""

from __future__ import annotations

import torch
import torch.distributed as dist
from torch import nn

from ..runtime import is_distributed

__all__ = ["SharedBatchNorm2d", "all_gather_objects", "any_process", "average_gradients", "broadcast_module",
           "share_batchnorm"]


def broadcast_module(module: nn.Module) -> None:
    """Copy rank 0's parameters and buffers to every process (in place; a no-op for one process)."""
    if not is_distributed():
        return
    with torch.no_grad():
        for tensor in [*module.parameters(), *module.buffers()]:
            dist.broadcast(tensor.data, src=0)


def average_gradients(module: nn.Module) -> None:
    """Replace every ``.grad`` of ``module`` by its mean over all processes, in one flattened all-reduce.

    The mean equals the gradient of the union batch's mean loss because every process's batch has the same
    size (``BatchSource`` guarantees it). Parameters whose grad is None are left out: every process runs the
    same graph, so they agree on which those are, and Adam skips them as it would in a single process.
    A no-op for one process.
    """
    if not is_distributed():
        return
    grads = [p.grad for p in module.parameters() if p.grad is not None]
    if not grads:
        return
    flat = torch.cat([g.flatten() for g in grads])
    dist.all_reduce(flat)
    flat /= dist.get_world_size()
    for grad, part in zip(grads, flat.split([g.numel() for g in grads])):
        grad.copy_(part.view_as(grad))


def all_gather_objects(value) -> list:
    """[rank 0's value, rank 1's, ...] of picklable ``value`` (``[value]`` for one process)."""
    if not is_distributed():
        return [value]
    values = [None] * dist.get_world_size()
    dist.all_gather_object(values, value)
    return values


def any_process(flag: bool, device: torch.device) -> bool:
    """True on every process when ``flag`` is True on any (a Ctrl-C on one stops all at the same step)."""
    if not is_distributed():
        return flag
    value = torch.tensor(float(flag), device=device)
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return bool(value.item())


class SumOverProcesses(torch.autograd.Function):
    """x summed over all processes, differentiable: the gradient of a sum is the sum of the gradients."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        x = x.clone(memory_format=torch.contiguous_format)
        dist.all_reduce(x)
        return x

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        return SumOverProcesses.apply(grad)


class SharedBatchNorm2d(nn.BatchNorm2d):
    """BatchNorm2d whose train-mode statistics are those of the batch of all processes together.

    So a step of N processes on batches of B computes what one process computes on the union batch of N * B
    (the parity test checks it), and the running statistics stay identical on every process. Eval mode, and
    a single process, are plain BatchNorm2d. The statistics are summed with ``SumOverProcesses``, whose
    backward sums their gradients too. Every process must call it in the same order.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not (self.training and is_distributed()):
            return super().forward(x)
        world = dist.get_world_size()
        count = x.numel() // x.size(1) * world  # images x pixels of all processes, per channel
        x32 = x.to(torch.promote_types(x.dtype, torch.float32))  # bf16 under autocast; float64 stays exact
        mean = SumOverProcesses.apply(x32.sum((0, 2, 3))) / count  # (C,)
        centred = x32 - mean.view(1, -1, 1, 1)
        var = SumOverProcesses.apply(centred.pow(2).sum((0, 2, 3))) / count  # biased, as BatchNorm normalises
        if self.track_running_stats:
            with torch.no_grad():
                self.num_batches_tracked += 1
                momentum = self.momentum if self.momentum is not None else 1.0 / float(self.num_batches_tracked)
                self.running_mean.lerp_(mean.detach().to(self.running_mean.dtype), momentum)
                unbiased = var.detach() * count / max(count - 1, 1)
                self.running_var.lerp_(unbiased.to(self.running_var.dtype), momentum)
        out = centred * torch.rsqrt(var + self.eps).view(1, -1, 1, 1)
        if self.affine:
            out = out * self.weight.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)
        return out.to(x.dtype)


def share_batchnorm(module: nn.Module) -> nn.Module:
    """Make every BatchNorm2d inside ``module`` a ``SharedBatchNorm2d``, in place; returns ``module``.

    Only the class changes: parameters, buffers and state_dict keys stay the same objects, so optimizers
    already built keep working and checkpoints load either way.
    """
    for child in module.modules():
        if type(child) is nn.BatchNorm2d:
            child.__class__ = SharedBatchNorm2d
    return module
