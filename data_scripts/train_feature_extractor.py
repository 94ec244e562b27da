"""Train the frozen Fashion-MNIST classifier used as the metrics' feature extractor, and ship its weights.

The shipped file was made with exactly (from the repository root, CPU, see docs/models.md for the wall
time and the machine):

    OMP_NUM_THREADS=1 python data_scripts/train_feature_extractor.py --epochs 12 --seed 0

It trains ``FashionClassifier(ClassifierConfig())`` on all 60,000 training images with a fixed recipe
(AdamW, one-cycle learning rate, no model selection on the test set), reports the test accuracy, and
writes a plain state_dict to ``course_lib/assets/fashion_classifier.pt`` with its sha256. Bits depend on
the torch version and the thread count; after re-training, put the printed sha256 into
``WEIGHTS_SHA256`` in ``course_lib/models/classifier.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from course_lib.data import load_fashion_mnist, to_float
from course_lib.data.batches import BatchSource
from course_lib.metrics.gan_train import accuracy
from course_lib.models.classifier import WEIGHTS_PATH, ClassifierConfig, FashionClassifier
from course_lib.serialization import file_sha256


def train_step(model: FashionClassifier, opt: torch.optim.Optimizer, real: torch.Tensor,
               labels: torch.Tensor) -> tuple[float, float]:
    """One AdamW step on real (B, 1, 28, 28) in [-1, 1] with labels (B,); returns (loss, batch accuracy)."""
    logits = model(real)
    loss = F.cross_entropy(logits, labels)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss.item(), (logits.argmax(dim=1) == labels).float().mean().item()


def train(epochs: int, seed: int, batch_size: int = 128, lr: float = 2e-3,
          weight_decay: float = 5e-4) -> tuple[FashionClassifier, list[dict]]:
    """Train on the whole training split; returns the model (eval mode) and per-epoch train records."""
    torch.manual_seed(seed)
    data = load_fashion_mnist()
    model = FashionClassifier(ClassifierConfig())
    source = BatchSource(data.train_images, data.train_labels, batch_size, seed=seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs * len(source))
    history = []
    for epoch in range(epochs):
        model.train()
        losses, accs = [], []
        for real, labels in tqdm(source.epoch_batches(), total=len(source), desc=f"epoch {epoch + 1}/{epochs}"):
            loss, acc = train_step(model, opt, real, labels)
            sched.step()
            losses.append(loss)
            accs.append(acc)
        history.append({"epoch": epoch + 1, "train_loss": sum(losses) / len(losses),
                        "train_accuracy": sum(accs) / len(accs)})
        print(json.dumps(history[-1]), flush=True)
    return model.eval(), history


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH, help="where to write the state_dict")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    model, _ = train(args.epochs, args.seed)
    data = load_fashion_mnist()
    test_accuracy = accuracy(model, to_float(data.test_images), data.test_labels)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    torch.save(model.state_dict(), tmp)
    os.replace(tmp, args.out)
    print(json.dumps({"test_accuracy": test_accuracy, "wall_seconds": round(time.perf_counter() - start, 1),
                      "threads": torch.get_num_threads(), "torch": torch.__version__, "out": str(args.out),
                      "bytes": args.out.stat().st_size, "sha256": file_sha256(args.out)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
