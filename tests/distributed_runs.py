"""Run a function in 2 gloo processes, as torchrun would, for the distributed tests.

``spawn(fn, *args)`` starts the processes with torch.multiprocessing, gives each torchrun's environment
(RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT; one CPU thread), sends each one's stdout and stderr
(file descriptors 1 and 2, so C-level prints count too) to a log file, and returns what every rank's
``fn(*args)`` returned plus the logs. ``group=True`` joins the process group around ``fn``; ``False`` leaves
that to the code under test (``course_lib.runtime.process_group``). ``train_cli(argv)`` is the ``train``
command on tiny synthetic data and tiny models, for runs in the spawned processes or under torchrun.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import sys
import time
from pathlib import Path

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

WORLD = 2
TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def torchrun_env(rank: int, world: int, port: int) -> dict[str, str]:
    return {"RANK": str(rank), "LOCAL_RANK": str(rank), "WORLD_SIZE": str(world), "LOCAL_WORLD_SIZE": str(world),
            "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "OMP_NUM_THREADS": "1", "COURSE_FAST": "1"}


def _worker(rank: int, fn, args, folder: str, port: int, world: int, group: bool, cwd: str | None) -> None:
    os.environ.update(torchrun_env(rank, world, port))
    torch.set_num_threads(1)
    log = os.open(Path(folder) / f"rank{rank}.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 1)
    os.dup2(log, 2)
    if cwd is not None:
        os.chdir(Path(cwd) / f"rank{rank}")
    if group:
        dist.init_process_group("gloo")
    try:
        result = fn(*args)
    finally:
        if group:
            dist.destroy_process_group()
        sys.stdout.flush()
        sys.stderr.flush()
    torch.save(result, Path(folder) / f"result{rank}.pt")
    # Leave without the interpreter's finalisation: gloo's worker threads can abort a process there, after
    # everything is written (seen once in this suite as "terminate called without an active exception"; PyTorch
    # pull request 179291 describes the finalisation crash). The result and the logs are on disk by now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def spawn(folder: Path, fn, *args, group: bool = True, world: int = WORLD, own_cwd: bool = False):
    """([rank 0's result, rank 1's, ...], [rank 0's log text, ...]); each rank starts in folder/rankR when
    ``own_cwd``. A failing or hanging rank fails the call with every rank's log in the message."""
    folder.mkdir(parents=True, exist_ok=True)
    if own_cwd:
        for rank in range(world):
            (folder / f"rank{rank}").mkdir(exist_ok=True)
    context = mp.start_processes(_worker, args=(fn, args, str(folder), free_port(), world, group,
                                                str(folder) if own_cwd else None),
                                 nprocs=world, join=False, start_method="spawn")
    deadline, error = time.monotonic() + TIMEOUT_S, None
    try:
        while not context.join(timeout=1):
            if time.monotonic() > deadline:
                error = f"the {world} processes did not finish in {TIMEOUT_S} s"
                break
    except Exception as err:  # a rank failed: report it with the logs below
        error = str(err)
    finally:
        for process in context.processes:
            if process.is_alive():
                process.kill()
    logs = [(folder / f"rank{r}.log").read_text() if (folder / f"rank{r}.log").exists() else ""
            for r in range(world)]
    if error is not None:
        raise AssertionError(error + "".join(f"\n--- rank {r} log ---\n{text}" for r, text in enumerate(logs)))
    return [torch.load(folder / f"result{r}.pt", weights_only=False) for r in range(world)], logs


def parity_run(kind: str, shard) -> dict:
    """Two D steps and one G step of a tiny float64 ``kind`` ('wgan-gp': layer-norm critic + gradient penalty;
    'dcgan': BatchNorm in both networks) on ``shard(union batch)``; returns both networks' state dicts
    after the steps, and before them under 'initial'.

    One process passes ``shard=lambda t: t``; rank r of N passes the r-th of N chunks. z, the real batches
    and the penalty's mixing weights are fixed union tensors, so both see the same numbers.
    """
    from functools import partial

    from course_lib.gan.distributed import broadcast_module, share_batchnorm
    from course_lib.gan.losses import get_loss, gradient_penalty
    from course_lib.gan.steps import d_step, g_step
    from course_lib.models import build_models
    from course_lib.models.dcgan import DCGANConfig
    from course_lib.models.wgan import WGANConfig

    torch.manual_seed(0)
    cfg = WGANConfig(latent_dim=8, width=4) if kind == "wgan-gp" else DCGANConfig(latent_dim=8, width=4)
    generator, critic = (m.double() for m in build_models(kind, cfg))
    if dist.is_initialized():
        for model in (generator, critic):
            broadcast_module(share_batchnorm(model))
    loss = get_loss("wasserstein" if kind == "wgan-gp" else "non_saturating")
    initial = {"generator": {k: v.clone() for k, v in generator.state_dict().items()},
               "critic": {k: v.clone() for k, v in critic.state_dict().items()}}
    opt_g = torch.optim.Adam(generator.parameters(), lr=1e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.5, 0.999))
    rng = torch.Generator().manual_seed(1)
    for _ in range(2):  # a second D step: where a penalty-only backward through DDP fails
        real = torch.rand(8, 1, 28, 28, generator=rng, dtype=torch.float64) * 2 - 1
        z, eps = torch.randn(8, 8, generator=rng, dtype=torch.float64), torch.rand(8, generator=rng)
        penalty = partial(gradient_penalty, weight=10.0, eps=shard(eps)) if kind == "wgan-gp" else None
        d_step(generator, critic, opt_d, shard(real), shard(z), loss, regularizer=penalty)
    g_step(generator, critic, opt_g, shard(torch.randn(8, 8, generator=rng, dtype=torch.float64)), loss)
    return {"generator": generator.state_dict(), "critic": critic.state_dict(), "initial": initial}


def parity_rank(kind: str) -> dict:
    """``parity_run`` on this rank's chunk (call inside a process group)."""
    rank, world = dist.get_rank(), dist.get_world_size()
    return parity_run(kind, lambda t: t.chunk(world)[rank])


def tiny_recipes() -> None:
    """Point the train commands at 256 random images and tiny models (in this process only)."""
    from tiny_gan import tiny_images

    from course_lib.commands import train_gan, train_unet
    from course_lib.gan import recipes
    from course_lib.models.cgan import CGANConfig
    from course_lib.models.dcgan import DCGANConfig
    from course_lib.models.wgan import WGANConfig

    data = (tiny_images(256), torch.arange(256) % 10)
    train_gan.training_data = train_unet.training_data = lambda fast, n: data
    small = {"dcgan": DCGANConfig(latent_dim=8, width=4), "wgan-gp": WGANConfig(latent_dim=8, width=4),
             "cgan": CGANConfig(latent_dim=8, width=4)}
    for kind, model in small.items():
        recipes.RECIPES[kind] = dataclasses.replace(recipes.RECIPES[kind], model=model, fast_steps=6, log_every=2)


def train_cli(argv: list[str]) -> int:
    """``python -m course_lib ARGV`` on tiny data and models; returns the exit code."""
    tiny_recipes()
    from course_lib.commands.cli import main

    return main(argv)


def interrupted_and_straight(out: str) -> list[int]:
    """wgan-gp (penalty, n_critic 5) for 4 steps straight into OUT/straight; 2 steps, then --resume to 4 into
    OUT/resumed. 16 images per process: 8 global batches per epoch, 1.6 steps; 2.5 epochs = 4 steps."""
    base = ["train", "wgan-gp", "--batch-size", "16", "--device", "cpu"]
    return [train_cli([*base, "--epochs", "2.5", "--out", f"{out}/straight"]),
            train_cli([*base, "--epochs", "1.25", "--out", f"{out}/resumed"]),
            train_cli([*base, "--epochs", "2.5", "--out", f"{out}/resumed", "--resume"])]


def text2img_cli(argv: list[str]) -> int:
    """``python -m course_lib ARGV`` with ``train text2img`` on a small constructed colour edition."""
    from text2img.edition_files import constructed_edition

    from course_lib.commands import train_text2img
    from course_lib.commands.cli import main
    from course_lib.text2img.attributes import fit_thresholds

    data = constructed_edition(320, categories=10)
    train_text2img.training_thresholds = lambda: fit_thresholds(data.images, data.labels)
    train_text2img.edition = lambda split, thresholds, count=None: data
    return main(argv)


def text_gan_rank(steps: int, cut: int) -> dict:
    """The text GAN on this process of the group: ``steps`` steps straight, and ``cut`` steps, the loop's state, a
    new loop loading it and the rest; both networks' weights ('D.' before D's) and the straight run's local D
    losses."""
    from text2img.edition_files import tiny_text_gan_setup

    from course_lib.text2img.text_gan import GANRun, text_gan_loop

    data, tokenizer, clip, cfg = tiny_text_gan_setup()
    run = GANRun(steps=steps, batch_size=8, seed=5)
    straight = text_gan_loop(data, clip, tokenizer, run, cfg, "cpu")
    straight.run(steps, progress=False)
    cut_loop = text_gan_loop(data, clip, tokenizer, run, cfg, "cpu")
    cut_loop.run(cut, progress=False)
    state = cut_loop.state_dict()
    resumed = text_gan_loop(data, clip, tokenizer, run, cfg, "cpu")
    resumed.load_state_dict(state)
    resumed.run(steps - cut, progress=False)
    return {"straight": {**straight.update.generator.state_dict(), **prefixed(straight.update.discriminator)},
            "resumed": {**resumed.update.generator.state_dict(), **prefixed(resumed.update.discriminator)},
            "d_loss": straight.history["d_loss"], "ranks_kept": len(state["ranks"])}


def prefixed(discriminator) -> dict:
    return {f"D.{k}": v for k, v in discriminator.state_dict().items()}


if __name__ == "__main__":  # torchrun --nproc_per_node=2 tests/distributed_runs.py train unet ...
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(train_cli(sys.argv[1:]))


def flow_cli(argv: list[str]) -> int:
    """``python -m course_lib ARGV`` with ``train flow`` on a small constructed colour edition."""
    from text2img.edition_files import constructed_edition

    from course_lib.commands import train_flow
    from course_lib.commands.cli import main

    data = constructed_edition(320, categories=10)
    train_flow.edition = lambda split, thresholds, count=None: data
    return main(argv)
