"""``python -m course_lib evaluate CHECKPOINT [--n 10000] [--json]``: every metric of a trained model.

The file is read once (``model_file.open_model_file``); its ``kind`` entry picks the evaluator of that kind in
``kinds.KINDS`` (``commands.evaluators``), which gets the loaded contents.
``run`` adds ``kind``, ``checkpoint`` and ``seconds`` to the evaluator's payload and prints it as JSON
or as the evaluator's text report.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from ..runtime import configure_cpu_threads
from . import UserError
from .args import count, seed
from .flags import add_device
from .flow_flags import add_arguments as add_flow_flags
from .flow_flags import refuse_unless_flow
from .kinds import KINDS
from .model_file import open_model_file


def register(subparsers) -> None:
    """Add the ``evaluate`` subcommand."""
    p = subparsers.add_parser("evaluate", help="FID, KID, IS, precision/recall, per-class FID (GAN-test/train "
                              "for conditional models) of a checkpoint")
    p.add_argument("checkpoint", help="a checkpoint.pt written by `train`, or a pretrained file (checkpoints/KIND.pt)")
    p.add_argument("--n", type=count(), default=None, help="number of samples (GANs: default 10000, the real side is "
                   "min(n, 10000) test images; unet: test images restored, default 1000, as its classical baselines "
                   "are slow)")
    p.add_argument("--seed", type=seed, default=0, help="seed of the samples and of the metrics' random subsets")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the text report")
    add_device(p)
    p.add_argument("--no-gan-train", action="store_true",
                   help="conditional models: skip GAN-train accuracy (it trains a small classifier)")
    p.add_argument("--calibration", action="store_true",
                   help="also score the calibration points (real floor, noise, blur, one class) at the same n "
                   "and seed, to read the numbers against (four more evaluations)")
    p.add_argument("--inception-weights", default=None, metavar="FILE",
                   help="a local Inception-v3 weights file: adds the Inception FID (slow on a CPU); for photo "
                   "generators, 'download' lets torch-fidelity fetch it (internet)")
    p.add_argument("--data", default=None, metavar="DIR",
                   help="generators of photos (`train --data`): the folder of real photos (default: the one it was "
                   "trained on)")
    add_flow_flags(p)
    p.set_defaults(run=run)


def run(args) -> int:
    """Check the arguments, dispatch on the file's kind, print text or JSON."""
    if args.n is not None and args.n < 2:
        raise UserError(f"--n must be at least 2 (FID needs a covariance), got {args.n}; 10000 is the standard.")
    start = time.perf_counter()
    path = Path(args.checkpoint)
    kind, obj = open_model_file(path, "evaluate")
    refuse_unless_flow(kind, path, args)
    if args.n is None:
        args.n = KINDS[kind].default_n
    configure_cpu_threads()
    payload, text = KINDS[kind].evaluate(path, obj, args)
    result = {"kind": kind, "checkpoint": str(path), **payload, "seconds": round(time.perf_counter() - start, 2)}
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False, allow_nan=False))
    else:
        print(f"{text}\n\n{kind} evaluated in {result['seconds']:.1f} s")
    return 0
