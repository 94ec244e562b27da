"""Training the attribute tagger (商品属性标注) and scoring it per head against the majority-class baseline.

Every head is trained with cross-entropy against the *measured* attributes (``attributes.measure``) and the
category; the loss is their sum. ``head_accuracy`` on the test split is what the tagger can do on real
images, the yardstick for generated ones; ``majority_accuracy`` is what always answering the commonest
training value scores (about 1/values, as the thresholds are terciles and medians).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from ..models.tagger import Tagger, TaggerConfig
from ..runtime import eval_mode, resolve_device
from .attributes import VALUES
from .catalog import Edition


def heads() -> tuple[tuple[str, int], ...]:
    """(('category', 10), ('colour', 8), ('tone', 3), ('width', 3), ('pattern', 2))."""
    return (("category", 10),) + tuple((name, len(values)) for name, values in VALUES.items())


def targets(data: Edition, index) -> dict[str, torch.Tensor]:
    """{head: (N,) int64} of the images at ``index``."""
    return {"category": data.labels[index], **{k: v[index] for k, v in data.attributes.items()}}


def train_tagger(data: Edition, steps: int, batch_size: int = 128, seed: int = 0, lr: float = 2e-3,
                 progress: bool = True, device: str | torch.device = "auto") -> Tagger:
    """A tagger trained on ``device`` for ``steps`` Adam steps on random batches of ``data``; seeded (the
    batches come from a CPU generator, the same on every device)."""
    device = resolve_device(device)
    torch.manual_seed(seed)
    model = Tagger(TaggerConfig(heads=heads())).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    g, images = torch.Generator().manual_seed(seed), data.floats().to(device)
    for _ in tqdm(range(steps), desc="attribute tagger", disable=not progress):
        index = torch.randint(len(data), (batch_size,), generator=g)
        logits, truth = model(images[index.to(device)]), targets(data, index)
        loss = sum(F.cross_entropy(logits[name], truth[name].to(device)) for name in logits)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
    return model.eval()


@torch.no_grad()
def predict(model: Tagger, images: torch.Tensor, batch_size: int = 1000) -> dict[str, torch.Tensor]:
    """{head: (N,) predicted value, on the CPU} for images (N, 3, 28, 28) in [-1, 1] (the tagger runs on its
    own device)."""
    device = next(model.parameters()).device
    with eval_mode(model):
        parts = [model(images[i:i + batch_size].to(device)) for i in range(0, len(images), batch_size)]
    return {name: torch.cat([p[name] for p in parts]).argmax(1).cpu() for name in parts[0]}


def head_accuracy(model: Tagger, data: Edition) -> dict[str, float]:
    """{head: accuracy} on ``data`` against its category and measured attributes."""
    found, truth = predict(model, data.floats()), targets(data, slice(None))
    return {name: round((found[name] == truth[name]).float().mean().item(), 4) for name in found}


def majority_accuracy(train: Edition, test: Edition) -> dict[str, float]:
    """{head: accuracy of always answering the training split's commonest value} on ``test``."""
    out = {}
    for name, values in targets(test, slice(None)).items():
        common = torch.bincount(targets(train, slice(None))[name]).argmax()
        out[name] = round((values == common).float().mean().item(), 4)
    return out
