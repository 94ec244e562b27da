"""Self-checks for lesson 04 (WGAN-GP): the gradient penalty, tried on critics whose gradients are known.

``check_gradient_penalty(fn)`` calls the learner's ``fn(critic, real, fake, eps)`` (default weight 10) on
two analytic critics and compares the penalty and its gradient with respect to the critic's weights
against ``course_lib.gan.losses.gradient_penalty``:

- ``LinearCritic``: C(x) = w . x + b, so grad_x C = w everywhere and the penalty is 10 (||w|| - 1)^2;
- ``QuadraticCritic``: C(x) = a/2 ||x||^2 per image, so grad_x C = a x: every sample has its own norm.
"""

from __future__ import annotations

import torch
from torch import nn

from ..gan.losses import gradient_penalty
from .checks import CheckResult, Hint, LearnerError, NoiseRule, check_function, exercise, not_attempted

WEIGHT = 10.0


class LinearCritic(nn.Module):
    """C(x) = w . flatten(x) + b: (N, C, H, W) -> (N,); its input gradient is w for every x."""

    def __init__(self, numel: int, seed: int = 0, norm: float = 2.5):
        super().__init__()
        w = torch.randn(numel, generator=torch.Generator().manual_seed(seed))
        self.w = nn.Parameter(w * norm / w.norm())
        self.b = nn.Parameter(torch.tensor(0.3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.flatten(1) @ self.w + self.b


class QuadraticCritic(nn.Module):
    """C(x) = a/2 ||x||^2 per image: (N, C, H, W) -> (N,); its input gradient is a x."""

    def __init__(self, a: float = 0.7):
        super().__init__()
        self.a = nn.Parameter(torch.tensor(a))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return 0.5 * self.a * x.flatten(1).pow(2).sum(1)


def make_critic(name: str, shape: tuple) -> nn.Module:
    """A fresh critic of the named kind for images of ``shape`` (N, C, H, W)."""
    numel = shape[1] * shape[2] * shape[3]
    return LinearCritic(numel) if name == "linear" else QuadraticCritic()


def penalty_and_grad(fn):
    """Wrap ``fn(critic, real, fake, eps)`` into ``(name, real, fake, eps) -> (penalty, d penalty / d weights)``."""

    def run(name, real, fake, eps):
        critic = make_critic(name, tuple(real.shape))
        try:
            penalty = fn(critic, real, fake, eps)
        except NotImplementedError:
            raise
        except RuntimeError as err:
            if "does not require grad" in str(err):
                raise LearnerError(f"{err}. Hint: the interpolates must track gradients: "
                                   "`x_hat = (...).requires_grad_(True)` before calling the critic.") from err
            raise
        if not isinstance(penalty, torch.Tensor) or penalty.dim() != 0:
            raise LearnerError(f"return one number as a 0-dim tensor (the mean over the batch), got "
                               f"{type(penalty).__name__} {tuple(getattr(penalty, 'shape', ()))}.")
        if not penalty.requires_grad:
            raise LearnerError("the penalty does not depend on the critic's weights, so it cannot train the "
                               "critic. Hint: pass create_graph=True to torch.autograd.grad.")
        grads = torch.autograd.grad(penalty, list(critic.parameters()), allow_unused=True)
        grad = torch.cat([torch.zeros_like(p).flatten() if g is None else g.flatten()
                          for p, g in zip(critic.parameters(), grads)])
        return penalty.detach(), grad

    return run


def reference(critic, real, fake, eps):
    """The library's penalty, weight 10."""
    return gradient_penalty(critic, real, fake, weight=WEIGHT, eps=eps)


def _variant(args, norms_fn, mix=None):
    """The penalty value a common mistake gives: norms_fn(grad (N, C, H, W)) -> values to average."""
    name, real, fake, eps = args
    critic = make_critic(name, tuple(real.shape))
    e = eps.reshape(-1, 1, 1, 1) if mix is None else mix(eps, real)
    x = (e * real + (1 - e) * fake).detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x)
    return norms_fn(grad.detach())


def _near(got, value) -> bool:
    return abs(float(got[0]) - float(value)) <= 1e-4 * max(1.0, abs(float(value)))


def _per_sample(grad):
    return grad.flatten(1).norm(dim=1)


MISTAKES = (
    (lambda g: WEIGHT * (g.norm() - 1).pow(2), None,
     "You took one norm over the whole batch; take one norm per sample: `grad.flatten(1).norm(dim=1)`."),
    (lambda g: WEIGHT * (g.norm(dim=1) - 1).pow(2).mean(), None,
     "You took the norm over dim=1 only (the channels); flatten C, H, W first: `grad.flatten(1).norm(dim=1)`."),
    (lambda g: WEIGHT * (g.abs() - 1).pow(2).mean(), None,
     "You penalised every pixel's gradient on its own; penalise each image's gradient norm."),
    (lambda g: WEIGHT * (_per_sample(g).pow(2) - 1).pow(2).mean(), None,
     "You used the squared norm; the penalty is (||grad|| - 1)^2 with the plain L2 norm."),
    (lambda g: (_per_sample(g) - 1).pow(2).mean(), None, "Multiply by the weight (lambda = 10)."),
    (lambda g: WEIGHT * torch.relu(_per_sample(g) - 1).pow(2).mean(), None,
     "That is the one-sided penalty max(0, ||grad|| - 1)^2; this exercise asks for the two-sided one."),
    (lambda g: WEIGHT * (_per_sample(g) - 1).pow(2).sum(), None, "Average over the batch instead of summing."),
    (lambda g: WEIGHT * (_per_sample(g) - 1).pow(2).mean(), lambda eps, real: 1 - eps.reshape(-1, 1, 1, 1),
     "Mix as eps * real + (1 - eps) * fake (eps weighs the REAL image)."),
    (lambda g: WEIGHT * (_per_sample(g) - 1).pow(2).mean(), lambda eps, real: eps.reshape(1, 1, 1, -1),
     "eps of shape (N,) broadcast along the image width; reshape it to (N, 1, 1, 1): one weight per image."),
    (lambda g: WEIGHT * (_per_sample(g) - 1).pow(2).mean(), lambda eps, real: torch.ones(len(eps), 1, 1, 1),
     "You evaluated the gradient at the real images; evaluate it at the interpolates x_hat."),
    (lambda g: WEIGHT * (_per_sample(g) - 1).pow(2).mean(), lambda eps, real: torch.zeros(len(eps), 1, 1, 1),
     "You evaluated the gradient at the fake images; evaluate it at the interpolates x_hat."),
)


def _mean_variant(args) -> torch.Tensor:
    """The penalty when the gradient is taken of critic(x_hat).mean(): every gradient is 1/N too small."""
    return _variant(args, lambda g: WEIGHT * (_per_sample(g / len(args[3])) - 1).pow(2).mean())


def _hints(learner_fn=None) -> tuple[Hint, ...]:
    hints = [Hint(lambda got, exp, args, n=norms, m=mix: _near(got, _variant(args, n, m)), text)
             for norms, mix, text in MISTAKES]
    hints.append(Hint(lambda got, exp, args: _near(got, _mean_variant(args)),
                      "You took the gradient of critic(x_hat).mean(): that divides every image's gradient by N. "
                      "Each image's score depends only on its own x_hat, so the gradient of the sum gives every "
                      "image its own gradient."))
    if learner_fn is not None:
        hints.append(Hint(lambda got, exp, args: _random(learner_fn, args),
                          "Two calls on the same inputs gave different penalties: use the eps passed in (one per "
                          "image) instead of drawing new random numbers, so the check (and a resumed run) repeats."))
    return tuple(hints)


def _random(learner_fn, args) -> bool:
    """True when the learner's penalty changes between two calls on the same inputs (it draws its own eps)."""
    name, real, fake, eps = args
    values = [learner_fn(make_critic(name, tuple(real.shape)), real, fake, eps).detach() for _ in range(2)]
    return not torch.equal(values[0], values[1])


def _cases() -> list[tuple]:
    g = torch.Generator().manual_seed(4)
    cases = []
    for name, shape in (("linear", (4, 1, 4, 4)), ("quadratic", (4, 1, 4, 4)), ("quadratic", (3, 2, 5, 5)),
                        ("linear", (5, 3, 2, 2))):
        real = torch.rand(shape, generator=g) * 2 - 1
        fake = torch.rand(shape, generator=g) * 2 - 1
        eps = torch.rand(shape[0], generator=g)
        cases.append((name, real, fake, eps))
    return cases


@exercise('gradient_penalty',
          'the penalty lives at points between real and fake images, one per sample; it needs the gradient of '
          "the critic's scores there, kept differentiable.")
def check_gradient_penalty(learner_fn) -> CheckResult:
    """Exercise: ``gradient_penalty(critic, real, fake, eps, weight=10.0)`` with eps (N,) in [0, 1]."""
    if not callable(learner_fn):
        return check_function("gradient_penalty", learner_fn, reference, [])
    return check_function("gradient_penalty", penalty_and_grad(learner_fn), penalty_and_grad(reference),
                          _cases(), hints=_hints(learner_fn), atol=1e-4, rtol=1e-4)


# the target |grad C| = 1 ± 0.15; a run within the measured band of either edge is too close to call
PENALTY_RULE = NoiseRule("the mean gradient norm of C on the interpolates", (0.85, 1.15), band=0.02)


def toy_gradient_norm(penalty_weight: float, num_steps: int = 300, seed: int = 0, precision: str = "fp32") -> float:
    """Mean |grad C| on real-fake interpolates of the 2-D toy critic trained with this penalty weight
    (eight Gaussians against one blob, lesson 04 section 3)."""
    from ..gan.toy_problems import ToyCritic, eight_gaussians, fit_critic, gaussian_blob, input_gradient_norms
    from ..gan.toy_problems import interpolates as between

    real, fake = eight_gaussians(1024, seed=seed), gaussian_blob(1024, seed=seed + 1)
    torch.manual_seed(seed)
    critic = ToyCritic()
    fit_critic(critic, real, fake, num_steps=num_steps, penalty_weight=penalty_weight, seed=seed,
               precision=precision)
    return input_gradient_norms(critic, between(real, fake, seed=seed)).mean().item()


def check_penalty_weight(penalty_weight) -> CheckResult:
    """Change a config, meet a target: a penalty weight whose critic has mean |grad C| within 0.15 of 1."""
    name = "penalty weight"
    if penalty_weight is Ellipsis:
        return not_attempted(name, "set penalty_weight to a number, run the check, and adjust it until the "
                                   "target is met.")
    try:
        weight = float(penalty_weight)
    except (TypeError, ValueError):
        return CheckResult(name, False, f"expected a number, got {penalty_weight!r}.")
    if not 0 <= weight <= 1000:
        return CheckResult(name, False, f"choose a weight between 0 and 1000, got {weight:g}.")
    norm = toy_gradient_norm(weight)
    message = f"lambda = {weight:g}: mean |grad C| on the interpolates = {norm:.3f} after 300 steps (target 1 ± 0.15)."
    side = PENALTY_RULE.side(norm)
    if side is None:
        return PENALTY_RULE.too_close(name, norm, "Move the weight a little further, so that the verdict does not "
                                                  "depend on the machine.")
    if side == 1:
        return CheckResult(name, True, message + " The penalty holds the critic near 1-Lipschitz where it is sampled.")
    more = "larger one: the critic is still steeper than 1" if norm > 1 else "smaller one"
    return CheckResult(name, False, message + f" Try a {more}.")
