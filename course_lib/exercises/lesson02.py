"""Self-checks for lesson 02 (DCGAN): the discriminator step and the non-saturating generator loss.

``check_d_step`` runs the learner's ``d_step(generator, discriminator, opt_d, real, z) -> d_loss`` and the
reference on the same tiny seeded DCGAN and compares three things: the loss, the discriminator's weights
after the update, and whether any gradient reached the generator (it must not: fakes are detached).
Each ``check_*`` returns a ``CheckResult`` that shows ``PASS ...`` or ``FAIL ...`` with a hint.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..gan.losses import minimax_d_loss, non_saturating_g_loss
from ..models.dcgan import DCGANConfig, build_dcgan
from .checks import CheckResult, Hint, NoiseRule, check_function, check_measured, check_prediction, exercise

TINY = DCGANConfig(image_size=28, latent_dim=8, width=4)
PARTS = ("the returned loss", "the discriminator's weights after the step", "the gradient that reached G")
JUNK_GRAD = 0.5  # stale D gradients planted before the step: only a missing zero_grad() lets them through


def reference_d_step(generator, discriminator, opt_d, real, z) -> torch.Tensor:
    """One discriminator update with the D loss on logits; returns the detached 0-dim loss.

    real: (B, 1, 28, 28) in [-1, 1]; z: (B, latent_dim). The fakes are made under no_grad (detached).
    """
    with torch.no_grad():
        fake = generator(z)
    d_loss = minimax_d_loss(discriminator(real), discriminator(fake))
    opt_d.zero_grad(set_to_none=True)
    d_loss.backward()
    opt_d.step()
    return d_loss.detach()


def run_d_step(step_fn, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Run ``step_fn`` on a fresh tiny DCGAN seeded with ``seed``.

    Returns (d_loss (0-dim), the discriminator's weights after the step flattened (P,), the norm of all
    gradients that reached the generator (0-dim; 0 when the fakes were detached)).
    """
    torch.manual_seed(seed)
    generator, discriminator = build_dcgan(TINY)
    opt_d = torch.optim.SGD(discriminator.parameters(), lr=0.1)  # SGD: a stale gradient shows in the weights
    for p in discriminator.parameters():
        p.grad = torch.full_like(p, JUNK_GRAD)
    g = torch.Generator().manual_seed(seed + 100)
    real = torch.rand(6, 1, 28, 28, generator=g) * 2 - 1
    z = torch.randn(6, TINY.latent_dim, generator=g)
    loss = step_fn(generator, discriminator, opt_d, real, z)
    if not isinstance(loss, torch.Tensor):
        raise TypeError(f"d_step must return the loss as a tensor, got {type(loss).__name__}.")
    weights = torch.cat([p.detach().flatten() for p in discriminator.parameters()])
    grads = [p.grad.norm() for p in generator.parameters() if p.grad is not None]
    leaked = torch.stack(grads).norm() if grads else torch.zeros(())
    return loss.detach().float().reshape(()), weights, leaked


def _flipped_loss(seed: int) -> torch.Tensor:
    """The D loss with the targets swapped (real -> 0, fake -> 1) on the same seeded models and inputs."""
    def flipped(generator, discriminator, opt_d, real, z):
        with torch.no_grad():
            fake = generator(z)
        loss = minimax_d_loss(discriminator(fake), discriminator(real))
        opt_d.zero_grad(set_to_none=True)
        loss.backward()
        opt_d.step()
        return loss
    return run_d_step(flipped, seed)[0]


def _concatenated_loss(seed: int) -> torch.Tensor:
    """The D loss when real and fake are scored in one call on their concatenation (batch norm mixes them)."""
    def concatenated(generator, discriminator, opt_d, real, z):
        with torch.no_grad():
            fake = generator(z)
        logits = discriminator(torch.cat([real, fake]))
        loss = minimax_d_loss(logits[: real.size(0)], logits[real.size(0):])
        opt_d.zero_grad(set_to_none=True)
        loss.backward()
        opt_d.step()
        return loss
    return run_d_step(concatenated, seed)[0]


def _close(a, b) -> bool:
    return torch.allclose(torch.as_tensor(a).float(), torch.as_tensor(b).float(), atol=1e-5, rtol=1e-4)


def _leaked(got) -> bool:
    return got[2].item() > 0


def _flipped(got, args) -> bool:
    return _close(got[0], _flipped_loss(args[0]))


def _stale(got, exp) -> bool:
    """Same loss, no leak, but other weights: the planted stale gradients were added to the new ones."""
    return _close(got[0], exp[0]) and not _leaked(got) and not _close(got[1], exp[1])


@exercise('d_step',
          'the D step must not change G: no gradient may flow into it. One loss term per side, then the usual '
          'three optimizer calls.')
def check_d_step(learner_fn) -> CheckResult:
    """Exercise 1: ``d_step(generator, discriminator, opt_d, real, z) -> d_loss`` (0-dim tensor)."""
    if not callable(learner_fn):
        return check_function("d_step", learner_fn, None, [])
    hints = (
        Hint(lambda got, exp, args: _leaked(got),
             "Gradients reached the generator: you forgot to detach the fakes. Make them under "
             "`with torch.no_grad():` (or call `generator(z).detach()`) so the D step never touches G."),
        Hint(lambda got, exp, args: _flipped(got, args),
             "Your labels are flipped: real images need target 1 and fakes target 0 (the loss is "
             "softplus(-D(real)).mean() + softplus(D(fake)).mean())."),
        Hint(lambda got, exp, args: _close(got[0], exp[0] / 2),
             "Your loss is half the reference: you averaged the real and fake terms. That is a valid convention "
             "(d2l and Gulrajani's code use it; it halves D's effective step), but L_D in section 1 is their sum."),
        Hint(lambda got, exp, args: _close(got[0], _concatenated_loss(args[0])),
             "You scored real and fake in one call on their concatenation. D has batch norm, so every score then "
             "depends on the other batch's statistics: score the two batches in separate calls."),
        Hint(lambda got, exp, args: _stale(got, exp),
             "The loss is right but the weights moved differently: call `opt_d.zero_grad()` before "
             "`backward()`, or old gradients are added to the new ones."),
        Hint(lambda got, exp, args: not _close(got[0], exp[0]) and not _flipped(got, args)
             and not _close(got[0], exp[0] / 2) and not _close(got[0], _concatenated_loss(args[0])),
             "Check the loss: D returns logits, so use F.binary_cross_entropy_with_logits (or softplus), "
             "not a sigmoid followed by another sigmoid inside the loss."),
    )
    result = check_function("d_step", lambda seed: run_d_step(learner_fn, seed),
                            lambda seed: run_d_step(reference_d_step, seed), [(0,), (1,)], hints=hints,
                            atol=1e-5, rtol=1e-4)
    message = result.message
    for item, what in enumerate(PARTS):
        message = message.replace(f"item {item}:", f"{what}:")
    return CheckResult(result.name, result.passed, message)


def reference_non_saturating_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """-E[log D(G(z))] = mean softplus(-logits): fake_logits (N,) -> 0-dim, finite for any logit."""
    return non_saturating_g_loss(fake_logits)


@exercise('non_saturating_loss',
          'rewrite -log(sigmoid(x)) as a function of x that torch computes without forming sigmoid(x) first.')
def check_non_saturating_loss(learner_fn) -> CheckResult:
    """Exercise 2: ``non_saturating_loss(fake_logits)`` = -mean(log sigmoid(fake_logits)), stable."""
    g = torch.Generator().manual_seed(2)
    cases = [(torch.randn(16, generator=g) * 2,), (torch.tensor([-3.0, 0.0, 4.0]),),
             (torch.tensor([-200.0, -40.0, 25.0, 200.0]),)]  # D sure they are fake: log(sigmoid) underflows
    hints = (
        Hint(lambda got, exp, args: isinstance(got, torch.Tensor) and not torch.isfinite(got).all(),
             "log(sigmoid(x)) underflows to log(0) = -inf for very negative logits: use the stable form "
             "F.softplus(-fake_logits) (= -log sigmoid) or F.binary_cross_entropy_with_logits."),
        Hint(lambda got, exp, args: isinstance(got, torch.Tensor) and torch.isfinite(got).all()
             and args[0].min() < -100 and got < 0.5 * exp,
             "An eps inside the log keeps it finite but wrong: at logit -200 the loss is 200, while "
             "log(sigmoid(x) + eps) stops near -log(eps) and its gradient vanishes. Use a form that never "
             "computes sigmoid(x) for very negative x."),
        Hint(lambda got, exp, args: _close(got, -F.softplus(args[0]).mean()),
             "That is the minimax (saturating) loss E[log(1 - D(G(z)))]; the non-saturating one is "
             "-E[log D(G(z))]."),
        Hint(lambda got, exp, args: _close(got, -exp),
             "Wrong sign: the generator *minimises* -log D(G(z)), a positive number."),
        Hint(lambda got, exp, args: _close(got, F.softplus(args[0]).mean()),
             "You used target 0 (fake) for the generator; it wants D to say real: target 1."),
        Hint(lambda got, exp, args: _close(got, exp * args[0].numel()),
             "You summed over the batch; take the mean so the loss does not depend on the batch size."),
        Hint(lambda got, exp, args: isinstance(got, torch.Tensor) and got.dim() > 0,
             "Return one number (a 0-dim tensor): average over the batch with .mean()."),
    )
    return check_function("non_saturating_loss", learner_fn, reference_non_saturating_loss, cases, hints=hints,
                          atol=1e-5, rtol=1e-5)


def separation_after(lr_d: float, num_steps: int = 40, num_images: int = 512, seed: int = 0,
                     precision: str = "fp32") -> float:
    """Mean D(x) - D(G(z)) over the first ``num_steps`` steps of the dcgan recipe at width 16, with the
    discriminator's learning rate ``lr_d`` (the generator keeps the recipe's), on Fashion-MNIST images."""
    import dataclasses

    from ..data import training_data
    from ..gan.recipes import get_recipe, make_trainer

    recipe = get_recipe("dcgan")
    images, _ = training_data(True, num_images)
    train = dataclasses.replace(recipe.train, lr_d=lr_d, seed=seed)
    trainer = make_trainer("dcgan", dataclasses.replace(recipe.model, width=16), train, images, device="cpu",
                           log_every=1, precision=precision)
    trainer.run(num_steps, progress=False)
    return trainer.history.mean("d_real", num_steps) - trainer.history.mean("d_fake", num_steps)


BASE_LR_D = 5e-4
# the separation with lr_d x10 minus that at the recipe's lr_d: "higher" above 0. Measured over 5 seeds x
# {fp32, bf16} x {1, 2 threads} x both CPU kinds: docs/exercise_noise.md; the band keeps every run outside it
D_LR_RULE = NoiseRule("the change in mean D(x) - D(G(z))", (0.0,), band=0.05)


def d_lr_effect(seed: int = 0, precision: str = "fp32") -> tuple[float, float]:
    """(separation at lr_d = BASE_LR_D, the same at 10 x BASE_LR_D), one seeded run each (``separation_after``)."""
    return (separation_after(BASE_LR_D, seed=seed, precision=precision),
            separation_after(10 * BASE_LR_D, seed=seed, precision=precision))


def check_d_lr_prediction(prediction) -> CheckResult:
    """Predict-then-run: with D's learning rate x10, is D's separation D(x) - D(G(z)) over the first 40 steps
    'higher', 'lower' or 'the same'?"""
    choices = ("higher", "lower", "the same")
    if prediction is Ellipsis:
        return check_prediction("D learning rate x10", prediction, choices, None, "")
    base, fast = d_lr_effect()
    return check_measured("D learning rate x10", prediction, ("lower", "higher"), D_LR_RULE, fast - base,
                          f"Mean D(x) - D(G(z)) over the first 40 steps: {base:.2f} at lr_d={BASE_LR_D:g}, "
                          f"{fast:.2f} at lr_d={10 * BASE_LR_D:g}. A faster D separates real from fake "
                          "sooner; D(x) near 1 with D(G(z)) near 0 is the overpowering discriminator of section "
                          "9. Later the generator catches up and the two runs' separations cross back and forth, "
                          "which is why this check reads the first steps.", choices=choices)
