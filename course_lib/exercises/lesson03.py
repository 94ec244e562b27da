"""Self-checks for lesson 03 (conditional GAN): the projection term and conditional batch norm.

Each ``check_*`` runs the learner's function and the reference on fixed seeded inputs and returns a
``CheckResult`` that shows ``PASS ...`` or ``FAIL ...`` with a hint for the usual mistakes.
"""

from __future__ import annotations

import torch

from .checks import (
    CheckResult,
    Hint,
    NoiseRule,
    check_function,
    check_measured,
    check_prediction,
    exercise,
    hint_on_error,
)


def _same(got, tensor) -> bool:
    return isinstance(got, torch.Tensor) and got.shape == tensor.shape and torch.allclose(
        got.detach().float(), tensor.float(), atol=1e-5)


def _shape(got) -> tuple | None:
    return tuple(got.shape) if isinstance(got, torch.Tensor) else None


def reference_projection(phi: torch.Tensor, embedding: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """<V y, phi(x)> per image: phi (N, D), embedding V as a table (K, D), labels (N,) -> (N,)."""
    return (phi * embedding[labels]).sum(dim=1)


@exercise('projection',
          'each image gets the embedding row of its own label; the term is an inner product with the features.')
def check_projection(learner_fn) -> CheckResult:
    """Exercise 1: ``projection(phi, embedding, labels)``, the label's term of a projection discriminator."""
    g = torch.Generator().manual_seed(3)
    phi, embedding = torch.randn(5, 7, generator=g), torch.randn(4, 7, generator=g)
    cases = [(phi, embedding, torch.tensor([0, 3, 3, 1, 2])), (phi[:2], embedding, torch.tensor([2, 2]))]
    hints = (
        Hint(lambda got, exp, args: _shape(got) == tuple(args[0].shape),
             "You kept one number per feature: sum the product over the feature dimension (dim=1)."),
        Hint(lambda got, exp, args: _shape(got) == (),
             "One score per image, not one per batch: sum over dim=1 only."),
        Hint(lambda got, exp, args: _shape(got) == (len(args[2]), len(args[2])),
             "phi @ embedding[labels].T scores every image against every other image's label; you need "
             "each image with its own label: (phi * embedding[labels]).sum(1) (the diagonal)."),
        Hint(lambda got, exp, args: _shape(got) == (len(args[2]), args[1].shape[0]),
             "You scored every category (N, K): keep only the one asked for, by indexing the table with labels."),
        Hint(lambda got, exp, args: _same(got, args[0].sum(1) * args[1][args[2]].sum(1)),
             "The product of two sums is not the sum of the products: multiply elementwise first, then sum."),
        Hint(lambda got, exp, args: _same(got, (args[0] * args[1][args[2]]).mean(1)),
             "You averaged over the features: the projection term is an inner product, a sum (the mean divides "
             "it by D and weakens the label's vote)."),
    )
    return check_function("projection", learner_fn, reference_projection, cases, hints=hints)


def reference_conditional_norm(x_hat: torch.Tensor, gain: torch.Tensor, bias: torch.Tensor,
                               labels: torch.Tensor) -> torch.Tensor:
    """x_hat (N, C, H, W) already normalised, gain and bias tables (K, C), labels (N,) -> (N, C, H, W)."""
    return x_hat * gain[labels][:, :, None, None] + bias[labels][:, :, None, None]


BROADCAST = ("gain[labels] is (N, C) and x_hat is (N, C, H, W): add two trailing dimensions, "
             "gain[labels][:, :, None, None], so each channel's number covers its whole feature map.")


@exercise('conditional_norm',
          "the normalised features are scaled and shifted by their own label's parameters; mind the shapes for "
          'broadcasting.')
def check_conditional_norm(learner_fn) -> CheckResult:
    """Exercise 2: ``conditional_norm(x_hat, gain, bias, labels)``, the label's way into the generator."""
    g = torch.Generator().manual_seed(4)
    x_hat = torch.randn(5, 3, 2, 4, generator=g)
    gain, bias = 1 + 0.5 * torch.randn(6, 3, generator=g), torch.randn(6, 3, generator=g)
    cases = [(x_hat, gain, bias, torch.tensor([0, 5, 2, 2, 1])), (x_hat[:1], gain, bias, torch.tensor([4]))]
    hints = (
        Hint(lambda got, exp, args: _same(got, args[0] * args[1][args[3]][:, :, None, None]),
             "The shift is missing: add bias[labels] too."),
        Hint(lambda got, exp, args: _same(got, args[0] * args[2][args[3]][:, :, None, None]
                                          + args[1][args[3]][:, :, None, None]),
             "Gain and bias are swapped: multiply by the gain, add the bias."),
        Hint(lambda got, exp, args: _same(got, args[0] * args[1][args[3]].mean() + args[2][args[3]].mean()),
             "Each channel has its own gain and bias: do not average them."),
        Hint(lambda got, exp, args: _same(got, args[0] * (1 + args[1][args[3]])[:, :, None, None]
                                          + args[2][args[3]][:, :, None, None]),
             "Here the table holds the gain itself, so multiply by gain[labels] without the 1 +. (The library's "
             "ConditionalBatchNorm2d stores gain - 1 and adds the 1, so its tables start at the identity.)"),
    )
    learner_fn = hint_on_error(learner_fn, lambda args: BROADCAST)
    return check_function("conditional_norm", learner_fn, reference_conditional_norm, cases, hints=hints)


# the nearest of 0.1 / 0.5 / 0.9: the answer changes at 0.3 and 0.7; the band is the measured spread
LABEL_PATH_RULE = NoiseRule("GAN-test accuracy without the label path", (0.3, 0.7), band=0.05)


def gan_test_without_labels(n: int = 500, seed: int = 0) -> tuple[float, float]:
    """(GAN-test accuracy of the shipped cgan, the same after replacing every class's CBN gain and bias with
    their mean over the classes), on ``n`` samples with balanced labels, judged by the course classifier."""
    import copy

    from ..gan.sampling import sample
    from ..gan.zoo import load_or_train
    from ..models.cgan import ConditionalBatchNorm2d
    from ..models.classifier import load_classifier

    generator, _ = load_or_train("cgan")
    blind = copy.deepcopy(generator)
    with torch.no_grad():
        for module in blind.modules():
            if isinstance(module, ConditionalBatchNorm2d):
                for table in (*module.gain.tables, *module.bias.tables):
                    table.weight.copy_(table.weight.mean(0, keepdim=True).expand_as(table.weight))
    classifier, labels = load_classifier(), torch.arange(n) % generator.num_classes

    def accuracy(g):
        with torch.no_grad():
            return (classifier(sample(g, n, seed=seed, labels=labels)).argmax(1) == labels).float().mean().item()

    return accuracy(generator), accuracy(blind)


def check_label_path_prediction(prediction) -> CheckResult:
    """Predict-then-run: GAN-test accuracy once the CBN tables no longer depend on the class: '0.1', '0.5', '0.9'?"""
    choices = ("0.1", "0.5", "0.9")
    if prediction is Ellipsis:
        return check_prediction("label path", prediction, choices, None, "")
    with_labels, blind = gan_test_without_labels()
    return check_measured("label path", prediction, choices, LABEL_PATH_RULE, blind,
                          f"GAN-test accuracy {with_labels:.2f} with the class's own gains and biases, {blind:.2f} "
                          "with their mean for every class. Conditional batch norm is the label's only way into "
                          "this generator: without it every class gets the same kind of image, right for one "
                          "label in ten.")
