"""Self-checks for lesson 08 (fine-tuning): FreezeD's freezing of D's first blocks, the early-stopping rule, and
two predictions (D's overfitting on 10 photos; which start is ahead after 200 steps at N = 10).

- ``check_freeze(fn)``: ``fn(discriminator, k)`` stops training the first ``k`` blocks of ``discriminator``
  (``course_lib.gan.finetune.discriminator_blocks``: each convolution/linear layer with the normalisation after
  it) and returns the number of parameters it froze; compared with ``freeze_first_blocks`` on fresh DCGAN,
  WGAN and conditional discriminators for every k.
- ``check_early_stopping(fn)``: ``fn(state, value, weights, patience) -> bool`` is one evaluation of the
  rule of ``course_lib.gan.scoring.EarlyStopping``: a strictly lower value is an improvement (its weights
  are copied), otherwise one more evaluation without improvement; stop once ``patience`` have passed. The
  weights are updated in place between calls, as a training run does.
"""

from __future__ import annotations

import functools
import math

import torch

from ..gan.finetune import freeze_first_blocks
from ..models.cgan import CGANConfig, build_cgan
from ..models.dcgan import DCGANConfig, build_dcgan
from ..models.wgan import WGANConfig, build_wgan
from .checks import CheckResult, NoiseRule, check_measured, check_prediction, exercise

BUILDS = (("DCGAN", build_dcgan, DCGANConfig(width=4)), ("WGAN", build_wgan, WGANConfig(width=4)),
          ("conditional", build_cgan, CGANConfig(width=4, d_norm="batch")))


def _frozen_names(model) -> list[str]:
    return [name for name, p in model.named_parameters() if not p.requires_grad]


def _freeze_hint(got: list[str], expected: list[str], names: list[str]) -> str:
    if not got:
        return ("nothing was frozen: a parameter stops learning when its requires_grad is False "
                "(p.requires_grad_(False)); eval() and torch.no_grad() do not freeze weights.")
    if got and expected and set(got) == set(names[-len(got):]) and set(got) != set(expected):
        return "you froze the LAST blocks; FreezeD keeps the first ones (low-level features) fixed."
    if set(got) < set(expected):
        missing = sorted(set(expected) - set(got))
        return (f"{', '.join(missing[:3])} still learn: freeze every layer of each block, the normalisation "
                "after the convolution too.")
    return f"you froze {len(got)} parameter tensors where the first k blocks hold {len(expected)}: count the blocks."


@exercise("freeze the first K blocks", "loop over discriminator_blocks(discriminator)[:k] and turn off "
                                       "requires_grad of every parameter of every layer in them.")
def check_freeze(fn) -> CheckResult:
    """Compare ``fn(discriminator, k)`` with ``freeze_first_blocks`` on three fresh discriminators, each k."""
    name = "freeze the first K blocks"
    for title, build, cfg in BUILDS:
        for k in range(3):
            torch.manual_seed(0)
            reference = build(cfg)[1]
            expected_count = freeze_first_blocks(reference, k)
            torch.manual_seed(0)
            yours = build(cfg)[1]
            try:
                count = fn(yours, k)
            except Exception as err:  # the learner's bug is the message, not a crash of the lesson
                return CheckResult(name, False, f"raised {type(err).__name__}: {err} ({title} discriminator, k={k})")
            got, expected = _frozen_names(yours), _frozen_names(reference)
            if got != expected:
                hint = _freeze_hint(got, expected, [n for n, _ in yours.named_parameters()])
                return CheckResult(name, False, f"{title} discriminator, k={k}: frozen {got or 'nothing'}, expected "
                                                f"{expected or 'nothing'}. Hint: {hint}")
            if count != expected_count:
                return CheckResult(name, False, f"{title} discriminator, k={k}: returned {count!r}, but "
                                                f"{expected_count} parameters were frozen. Hint: count numbers, "
                                                "p.numel(), not tensors.")
    return CheckResult(name, True, "the same parameters as freeze_first_blocks on three discriminators, k = 0, 1, 2")


def early_stopping_update(state: dict, value: float, weights: dict, patience: int) -> bool:
    """Reference: one evaluation; state {'best', 'waited', 'best_weights'} is updated in place."""
    if value < state["best"]:
        state.update(best=value, waited=0, best_weights={k: v.detach().clone() for k, v in weights.items()})
        return False
    state["waited"] += 1
    return state["waited"] >= patience


CASES = (  # (validation values, patience)
    ([5.0, 3.0, 4.0, 2.0, 2.5, 2.1, 9.0], 2),
    ([5.0, 4.0, 4.0, 4.0, 3.0], 2),  # a tie is not an improvement
    ([3.0, 2.0, 1.0, 0.5], 1),  # never stops
    ([1.0, 2.0, 3.0, 0.5], 3),
    ([4.0, 3.5, 3.6, 3.4, 3.7, 3.8, 3.9, 3.0], 3),
)


def _replay(fn, values: list[float], patience: int) -> tuple[int | None, float | None, float]:
    """(index of the evaluation that stopped or None, best_weights' marker, best) of one sequence."""
    state = {"best": math.inf, "waited": 0, "best_weights": None}
    weights = {"weight": torch.zeros(3)}
    for i, value in enumerate(values):
        with torch.no_grad():
            weights["weight"].fill_(float(i))  # training changes the same tensors in place
        if fn(state, value, weights, patience):
            stop = i
            break
    else:
        stop = None
    with torch.no_grad():
        weights["weight"].fill_(-1.0)  # training went on after the last evaluation
    best = state["best_weights"]
    marker = None if not best else float(best["weight"][0])
    return stop, marker, state["best"]


@exercise("the early-stopping rule", "compare value with state['best']: better -> remember it, copy the weights, "
                                     "reset 'waited'; otherwise count one more and stop when it reaches patience.")
def check_early_stopping(fn) -> CheckResult:
    """Replay validation curves through ``fn`` and the reference; compare stop points and kept weights."""
    name = "the early-stopping rule"
    for values, patience in CASES:
        where = f"values {values}, patience {patience}"
        try:
            got = _replay(fn, values, patience)
        except Exception as err:  # the learner's bug is the message, not a crash of the lesson
            return CheckResult(name, False, f"raised {type(err).__name__}: {err} ({where})")
        expected = _replay(early_stopping_update, values, patience)
        if got[1] == -1.0 and expected[1] != -1.0:
            return CheckResult(name, False, f"{where}: the kept weights changed after you kept them. Hint: the run "
                                            "keeps updating the same tensors; keep a copy ({k: v.clone() ...}).")
        if got[0] != expected[0]:
            said = "never stopped" if got[0] is None else f"stopped at evaluation {got[0]}"
            should = "should not stop" if expected[0] is None else f"should stop at evaluation {expected[0]}"
            return CheckResult(name, False, f"{where}: {said}, but it {should}. Hint: only a strictly lower value "
                                            "is an improvement, and stop when the count of evaluations without one "
                                            "reaches patience.")
        if got[1:] != expected[1:]:
            return CheckResult(name, False, f"{where}: kept the weights of evaluation {got[1]} (best {got[2]}), "
                                            f"expected those of evaluation {expected[1]} (best {expected[2]}).")
    return CheckResult(name, True, f"the same stops and kept weights as EarlyStopping on {len(CASES)} curves")


OVERFIT_CHOICES = ("training photos", "held-out photos", "about the same")


# the share called real among the training photos minus among held-out ones: "training photos" above 0
OVERFIT_RULE = NoiseRule("the share called real, training photos minus held-out ones", (0.0,), band=0.1)


def overfitting_effect(seed: int = 0, precision: str = "fp32") -> float:
    """``overfitting_gap``'s training share minus its held-out share, for one seed."""
    on_train, on_held_out = overfitting_gap(seed=seed, precision=precision)
    return on_train - on_held_out


@functools.lru_cache(maxsize=4)
def overfitting_gap(n: int = 10, steps: int = 150, seed: int = 0, precision: str = "fp32",
                    every: int = 10) -> tuple[float, float]:
    """(share of its N training boots, share of 300 held-out boots) that a DCGAN discriminator trained from
    scratch on the N photos for ``steps`` steps calls real, averaged over the probes (every ``every`` steps) of
    the second half of training. One probe alone can land where D, oscillating, calls every photo real.
    Seeded; about two seconds on a CPU."""
    import dataclasses

    from ..categories import category_index
    from ..data import to_float
    from ..gan import recipes
    from ..gan.few_shot import DiscriminatorProbe, new_line
    from ..metrics.features import dataset

    recipe = recipes.get_recipe("dcgan")
    train, held_out = new_line(dataset(), category_index("Ankle boot"), n, seed, validation=300)
    cfg = dataclasses.replace(recipe.train, batch_size=n, seed=seed)
    trainer = recipes.make_trainer("dcgan", recipe.model, cfg, train, None, "cpu", log_every=steps,
                                   precision=precision)
    probe = DiscriminatorProbe(to_float(train), held_out, every=every)
    trainer.add_callback("on_step_end", probe)
    trainer.run(steps)
    late = [(on_train, on_held_out) for step, on_train, on_held_out in probe.curve if step > steps // 2]
    return sum(t for t, _ in late) / len(late), sum(h for _, h in late) / len(late)


def check_overfitting_prediction(prediction) -> CheckResult:
    """Predict-then-run: after training on 10 photos, does D call more of its training photos real, more of
    held-out photos of the same line, or about the same share?"""
    if prediction is Ellipsis:
        return check_prediction("discriminator overfitting", prediction, OVERFIT_CHOICES, None, "")
    on_train, on_held_out = overfitting_gap()
    return check_measured("discriminator overfitting", prediction, ("held-out photos", "training photos"),
                          OVERFIT_RULE, on_train - on_held_out,
                          f"Over steps 80-150 of training from scratch on 10 ankle boots (8 probes), D called on "
                          f"average {on_train:.0%} of its training photos real and {on_held_out:.0%} of 300 "
                          "held-out boots. Both are real boots; the "
                          "difference is what D remembered about its 10 photos rather than learned about boots.",
                          choices=OVERFIT_CHOICES)


HEAD_START_CHOICES = ("from scratch", "fine-tuned", "about the same")

# log(validation FID fine-tuned / from scratch) after 200 steps: above 0 means from scratch is ahead
HEAD_START_RULE = NoiseRule("log(validation FID fine-tuned / from scratch) at step 200, N = 10", (0.0,), band=0.2)


@functools.lru_cache(maxsize=4)
def head_start_fids(n: int = 10, steps: int = 200, seed: int = 0, precision: str = "fp32") -> tuple[float, float]:
    """(validation FID from scratch, validation FID of the full fine-tune of the shipped base without boots) after
    ``steps`` steps on N seeded ankle boots: 1000 samples (seed 0) against the 1000 validation boots of
    ``new_line``. Seeded; about six seconds in fp32 on the 2-core AMD EPYC it was measured on."""
    from ..categories import category_index
    from ..gan.checkpoint import load_checkpoint
    from ..gan.few_shot import FINETUNE_METHODS, finetune_trainer, new_line
    from ..gan.sampling import sample
    from ..metrics.features import dataset, make_extractor
    from ..metrics.scorer import FidScorer
    from ..serialization import shipped_dir

    base = load_checkpoint(shipped_dir() / "dcgan_no_ankle_boot.pt")
    train, validation = new_line(dataset(), category_index("Ankle boot"), n, seed)
    scorer = FidScorer(validation, extractor=make_extractor(device="cpu"))
    fids = []
    for method in ("from scratch", "full fine-tune"):
        trainer, _, _ = finetune_trainer(base, train, FINETUNE_METHODS[method], seed, "cpu", log_every=steps,
                                         precision=precision)
        trainer.run(steps, progress=False)
        fids.append(scorer(sample(trainer.ema.module, 1000, seed=0)))
    return fids[0], fids[1]


def head_start_effect(seed: int = 0, precision: str = "fp32") -> float:
    """``HEAD_START_RULE``'s statistic for one seed."""
    scratch, tuned = head_start_fids(seed=seed, precision=precision)
    return math.log(tuned / scratch)


def check_head_start_prediction(prediction) -> CheckResult:
    """Predict-then-run: at N = 10, after 200 steps, is the run from scratch or the fine-tuned one ahead?"""
    name = "which start is ahead"
    if prediction is Ellipsis:
        return check_prediction(name, prediction, HEAD_START_CHOICES, None, "")
    scratch, tuned = head_start_fids()
    return check_measured(name, prediction, ("fine-tuned", "from scratch"), HEAD_START_RULE,
                          math.log(tuned / scratch),
                          f"After 200 steps on the same 10 boots, the validation FID was {scratch:.1f} from scratch "
                          f"and {tuned:.1f} fine-tuned from the base. Section 5 measures why.",
                          choices=HEAD_START_CHOICES)
