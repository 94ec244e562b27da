# ---
# jupyter:
#   jupytext:
#     formats: solutions//ipynb,_src//py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 08 · Fine-tuning a GAN to a new product line from a few photos (微调)
#
# A shop launches a product line its model has never seen and has a few dozen photos of it. Training a GAN
# from scratch on so few images fails in a known way: the discriminator memorises the photos, its verdicts
# stop meaning anything, and the generator either collapses or learns to copy. The standard answer is to
# **start from a generator pretrained on the rest of the catalog** and adapt it: fine-tune (微调) with a
# discriminator that is partly frozen and trained on augmented images, and **stop when a validation metric
# stops improving** (早停, early stopping), keeping the best weights.
#
# The lesson's new line is the **ankle boot** (短靴). The shipped base, `checkpoints/dcgan_no_ankle_boot.pt`,
# is the course DCGAN trained on the other nine categories only (its recipe and numbers are in
# `docs/models.md`). Boots were held out because the base knows related shapes, sneakers and sandals share
# the sole and the side view, but not the shaft: transfer should help, and we can measure whether it does.
# N seeded ankle-boot *train* images play the shop's photos. Three sets of boots never meet: the N photos are
# trained on; 1,000 *other* train boots are the **validation** set that every stopping decision is made on; the
# 1,000 ankle-boot *test* images are kept for the **final numbers** only, because a score measured on the photos
# that chose the checkpoint flatters it (lesson 06, section 5).
#
# **Learning goals**
# 1. Show why few-shot GAN training fails: the discriminator's accuracy on held-out real photos falls.
# 2. State what full fine-tuning, FreezeD and DiffAugment change, with their losses.
# 3. Choose the validation metric, its sample size and its `min_delta` from measured noise floors, select on one
#    split and report on another, and explain why not the training loss.
# 4. Read the measured table: FID, GAN-test, memorisation, forgetting, time, per N and method.
# 5. Fine-tune on your own folder of photos, and check what the model was shown.
# 6. Predict D's overfitting and which start is ahead at N = 10, then write FreezeD's freezing and the
#    early-stopping rule yourself (self-checks).
#
# In JupyterLab the lesson runs at full size (4 min 48 s on the 2-core AMD EPYC it was timed on, most of it the
# sixteen fine-tuning runs of section 5); in CI (`COURSE_FAST=1`) every run is shrunk with `pick(full, fast)`, so the curves there are
# short and noisy. The command line does the same: `python -m course_lib finetune
# checkpoints/dcgan_no_ankle_boot.pt --category "Ankle boot" --n 100 --freeze-d 1 --early-stopping 3`.

# %%
import json
import math
import statistics
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from IPython.display import Image, Markdown, display

from course_lib.categories import CLASS_NAMES, CLASS_NAMES_ZH, category_index
from course_lib.commands.cli import main as course_cli
from course_lib.data import to_float
from course_lib.exercises.checks import yours_or_reference
from course_lib.exercises.lesson08 import (
    check_early_stopping,
    check_freeze,
    check_head_start_prediction,
    check_overfitting_prediction,
    early_stopping_update,
)
from course_lib.gan.checkpoint import load_checkpoint
from course_lib.gan.few_shot import (
    FINETUNE_METHODS,
    DiscriminatorProbe,
    finetune_trainer,
    new_line,
    report_split,
)
from course_lib.gan.finetune import base_models, discriminator_blocks, freeze_first_blocks
from course_lib.gan.sampling import sample
from course_lib.metrics.features import dataset, extract, make_extractor, real_features
from course_lib.metrics.memorisation import memorisation
from course_lib.metrics.scorer import FidScorer
from course_lib.photos import load_photo_folder
from course_lib.photos.folders import make_example_folder
from course_lib.plots import show_images
from course_lib.runtime import configure_cpu_threads, fast_mode, pick, select_device
from course_lib.serialization import shipped_dir
from course_lib.studies.few_shot_floor import other_photos, real_floor
from course_lib.studies.few_shot_report import format_table, read_runs, shipped_runs
from course_lib.studies.few_shot_runs import measure_run
from course_lib.widgets.few_shot_explorer import ExplorerRun, few_shot_explorer

configure_cpu_threads()
device = select_device("auto")
print(f"networks on: {device}")
torch.manual_seed(0)
data = dataset()
BOOT = category_index("Ankle boot")
BASE_FILE = shipped_dir() / "dcgan_no_ankle_boot.pt"
base = load_checkpoint(BASE_FILE)
extractor = make_extractor(device=device)
test = real_features(extractor, "test", progress=False)
old_features = test.features[test.labels != BOOT]  # the nine categories the base was trained on
SAMPLES = pick(1000, 200)  # samples per validation FID
print(f"fast mode: {fast_mode()}; base: {BASE_FILE.name} ({base['kind']}, step {base['step']})")

# %% [markdown]
# ## 1. The problem: a new line, few photos
#
# The base draws the nine old categories and, by design, almost no boots. Below: its samples, then the 100
# ankle-boot photos a shop might have.

# %%
generator, _, _ = base_models(base)
generator.to(device).eval()
fig, axes = plt.subplots(1, 2, figsize=(11, 3))
show_images(sample(generator, 32, seed=0), nrow=8, title="the base: nine categories, no ankle boots", ax=axes[0])
photos, validation = new_line(data, BOOT, 100, seed=0, validation=pick(1000, 300))
test_boots = report_split(data, BOOT, pick(None, 300))  # the final numbers' photos: no decision sees them
show_images(to_float(photos[:32]), nrow=8, title=f"the new line: {len(photos)} ankle-boot photos (短靴)", ax=axes[1])
plt.show()
_, logits = extract(sample(generator, SAMPLES, seed=0), extractor, progress=False)
print(f"the course classifier files {(logits.argmax(1) == BOOT).float().mean():.1%} of the base's samples as "
      f"{CLASS_NAMES[BOOT]} ({CLASS_NAMES_ZH[BOOT]})")

# %% [markdown]
# ### What a discriminator learns from ten photos
#
# **Exercise 1: predict, then run.** A discriminator is trained from scratch against its generator on 10 boot
# photos for 150 steps. Afterwards, does it call a larger share of **its training photos** real, a larger
# share of **held-out photos** of the same line, or **about the same**? Guess, then run (the check trains it).

# %% tags=["exercise"]
prediction = ...  # "training photos", "held-out photos" or "about the same"

# %% tags=["solution"]
prediction = "training photos"  # D remembers its 10 photos; new boots look less "real" to it

# %%
check_overfitting_prediction(prediction)

# %% [markdown]
# **Why training on a few photos fails: the discriminator memorises.** With N images, D sees the same photos
# again and again. It soon tells *these* photos from fakes by remembering them instead of learning what a boot
# looks like. We can watch it happen: every 25 steps we ask D what share of its N training photos it calls real
# (logit > 0, D in eval mode), and the same for 300 held-out boot photos it never saw. A D that learned "boot"
# calls both real; a D that memorised calls only its own photos real. Then D's gradients tell G "be one of these
# ten photos", not "be a boot". (In eval mode BatchNorm uses its running statistics, which mix real and fake
# batches, so the level of a curve is not what D outputs in training; the *gap* between the curves is the
# measurement.) The same experiment for longer, probed every 25 steps, from scratch and fine-tuned from the base:

# %%
tiny, _ = new_line(data, BOOT, 10, seed=0)
probes = {}
for method in ("from scratch", "full fine-tune"):
    trainer, _, _ = finetune_trainer(base, tiny, FINETUNE_METHODS[method], seed=0, device=device)
    probe = DiscriminatorProbe(to_float(tiny), validation[:300], every=pick(25, 5))
    trainer.add_callback("on_step_end", probe)
    trainer.run(pick(400, 20))
    probes[method] = probe.curve
fig, axes = plt.subplots(1, 2, figsize=(11, 3), sharey=True)
for ax, (method, curve) in zip(axes, probes.items()):
    steps, train_acc, held_acc = zip(*curve)
    ax.plot(steps, train_acc, label="its 10 training photos")
    ax.plot(steps, held_acc, label="300 held-out boot photos")
    ax.set_title(f"{method}, N = 10: share D calls real")
    ax.set_xlabel("generator step")
    ax.legend(fontsize=8)
plt.show()
for method, curve in probes.items():
    last = curve[-5:]
    print(f"{method}: last {len(last)} probes, D calls {sum(c[1] for c in last) / len(last):.0%} of its training "
          f"photos real and {sum(c[2] for c in last) / len(last):.0%} of the held-out ones")

# %% [markdown]
# The gap between the two curves is **discriminator overfitting** (Karras et al. 2020 measure it the same
# way). The fixes below attack it from two sides: keep D from memorising (freeze its general early layers,
# augment what it sees) and start G from something that already draws products.
#
# ## 2. The methods
#
# Write $G_\theta$, $D_\phi$ for the generator and discriminator, $f(t) = \log(1 + e^{t})$ (softplus), the
# non-saturating losses of lesson 02:
# $$L_D = \mathbb{E}_x\, f(-D_\phi(x)) + \mathbb{E}_z\, f(D_\phi(G_\theta(z))), \qquad
#   L_G = \mathbb{E}_z\, f(-D_\phi(G_\theta(z))).$$
#
# - **From scratch**: $\theta, \phi$ drawn at random, trained on the N photos. The baseline.
# - **Full fine-tune** (微调): $\theta_0, \phi_0$ are the base's weights (G from its EMA copy), then the same
#   training. Nothing else changes. The hope is that the pretrained weights are a prior the N photos only have
#   to move; section 5 measures when that holds, and when the pretrained D gets in the way.
# - **FreezeD** (Mo et al. 2020): split $\phi = (\phi_{1..K}, \phi_{K+1..})$ into blocks, a block being a
#   convolution or linear layer with the normalisation after it; $\phi_{1..K}$ stay at the base's values,
#   only the later blocks learn. The first layers detect edges and the dark background, which transfer; the
#   top of D is what memorises. The course DCGAN's D has three blocks (conv; conv + BatchNorm; linear), and
#   `FreezeD` here keeps the first ($K = 1$): a small share of D's parameters, printed after Exercise 2, so
#   this is a light version of the method; the measured table also runs `FreezeD K=2`, which keeps all but the
#   last (linear) block. Frozen BatchNorm layers still update their running statistics in
#   training mode unless they are put in eval mode too (`requires_grad` stops the gradient, not the statistics).
# - **DiffAugment** (Zhao et al. 2020): one differentiable random transformation $T$ (here translation and
#   cutout) applied to **every** image D sees, real and fake, in both steps:
#   $$L_D = \mathbb{E}_x\, f(-D(T(x))) + \mathbb{E}_z\, f(D(T(G(z)))), \qquad L_G = \mathbb{E}_z\, f(-D(T(G(z)))).$$
#   D rarely sees exactly the same pixels twice, so memorising is harder (rarely, not never: at the paper's
#   strength a 28-pixel photo has 81 shifts, and in 600 steps at N = 10 D is shown each photo 600 times). What
#   keeps the augmentation out of the samples is that D sees $T$ on **both** sides: the game then matches the
#   distribution of $T(G(z))$ to that of $T(x)$, and when $T$ is invertible in distribution (two different image
#   distributions stay different after $T$, as for random shifts), that forces $G(z)$ to match $x$ (Karras et
#   al. 2020, §2.2, call such augmentations non-leaking). Differentiability is what lets G's gradient pass
#   through $T$ in the G step; it makes training possible, it is not what prevents the leak. Augmenting only the
#   real images would **leak**: D would learn "shifted, holed images are real", and G would learn to draw holes
#   (lesson 01).
#   ADA (Karras et al. 2020) adapts the augmentation probability to D's overfitting; the course does not
#   implement it.
#
# The freezing itself is a few lines. **Exercise 2: freeze the first K blocks.** Given a discriminator and
# `k`, stop the training of every parameter in its first `k` blocks (`discriminator_blocks(d)` lists the
# blocks, each a list of layers) and return the number of parameters frozen.

# %%
print([[type(layer).__name__ for layer in block] for block in discriminator_blocks(base_models(base)[1])])


# %% tags=["exercise"]
def freeze_first(discriminator, k):
    """Freeze the first k blocks of discriminator (requires_grad False); return the number of parameters frozen."""
    # Every layer of a block counts, its normalisation too. Which attribute of a parameter stops its training?
    ...


# %% [markdown] tags=["solution"]
# **Solution**

# %% tags=["solution"]
def freeze_first(discriminator, k):
    """Freeze the first k blocks of discriminator (requires_grad False); return the number of parameters frozen."""
    frozen = 0
    for block in discriminator_blocks(discriminator)[:k]:
        for layer in block:
            for p in layer.parameters(recurse=False):
                p.requires_grad_(False)
                frozen += p.numel()
    return frozen


# %%
freeze_result = check_freeze(freeze_first)
freeze_result

# %%
freeze = yours_or_reference(freeze_first, freeze_result, freeze_first_blocks)
for k in (1, 2):
    _, d, _ = base_models(base)
    frozen, total = freeze(d, k), sum(p.numel() for p in d.parameters())
    print(f"FreezeD with K = {k} keeps {frozen:,} of D's {total:,} parameters fixed ({frozen / total:.1%})")

# %% [markdown]
# ## 3. Which metric to stop on, and how many samples
#
# The training losses say who is winning the game, not how good the images are; with few photos D's loss
# falls *because* it memorises. What the shop wants is images like the new line's photos **that were not
# trained on**, so we stop on the FID between generated samples and the held-out validation photos (lesson 06,
# the course classifier's features).
#
# FID estimated from n samples is biased upwards by roughly $c/n$ and noisy: to compare checkpoints, the
# spread between two evaluations of the *same* generator must be small next to the differences between
# checkpoints. Below: the base's validation FID at several n, five sample seeds each.

# %%
validation_scorer = FidScorer(validation, extractor=extractor)  # the validation photos' statistics, once
sizes = pick([250, 500, 1000, 2000], [100, 200])
spread = {}
for n in sizes:
    values = [validation_scorer(sample(generator, n, seed=s)) for s in range(5)]
    spread[n] = torch.tensor(values)
    print(f"n = {n:4d}: FID {spread[n].mean():6.2f} ± {spread[n].std():.2f} over 5 sample seeds")
plt.figure(figsize=(5, 3))
plt.errorbar(sizes, [spread[n].mean() for n in sizes], yerr=[spread[n].std() for n in sizes], fmt="o-")
plt.xscale("log")
plt.xlabel("samples per evaluation")
plt.ylabel("validation FID of the base")
plt.show()

# %% [markdown]
# The runs below evaluate with 1,000 samples (`SAMPLES`): the bias is already close to its large-n value and
# the spread between seeds is a small fraction of what fine-tuning changes early on (the base starts far from
# boots; most curves of the measured table fall tenfold, as the cell after it counts). Two cautions. The bias
# term depends on the features' covariances, not on how far G is from the boots, so a spread that is small next
# to FID 100 is not small next to FID 2.5, where the late stopping decisions happen. And every evaluation draws
# the *same* 1,000 latent vectors (seed 0): that cancels much of the sampling noise in the *difference* between
# two nearby checkpoints, but each value keeps its own error, and choosing the best of many evaluations on one
# fixed sample set and one validation set favours a lucky checkpoint. That is why the final numbers of this
# lesson are measured on the test boots, which took part in no choice.
#
# **Two noise floors.** How low can a validation FID go? Score *real* photos as if they were a generator's
# samples: 1,000 train boots that neither the N photos nor the validation set contain, against n validation
# photos and against n test photos. No generator can be expected below that line. And how far apart do two
# evaluations of the *same* weights land? The shipped measurement (`data_scripts/finetune_floor.py`, numbers in
# `docs/models.md`) scores the final checkpoint of a full fine-tune with ten sample seeds.

# %%
perfect = other_photos(data, BOOT, seed=0, skip=500, count=pick(1000, 300), validation=len(validation))
floors = real_floor(perfect, validation, test_boots, sizes=pick([100, 300, 1000], [100, 300]), draws=pick(5, 2),
                    extractor=extractor)
for row in floors:
    print(f"n = {row['n']:4d} held-out photos: real boots score validation FID {row['validation'][0]:.2f} ± "
          f"{row['validation'][1]:.2f}, test FID {row['test'][0]:.2f} ± {row['test'][1]:.2f}")
FLOOR = floors[-1]["validation"][0]  # drawn on the explorer's curves below
measured = json.loads(shipped_runs("finetune_floor.json").read_text())
for run in measured["spread"]:
    values = run["values"]
    print(f"N = {run['n']:3d}, full fine-tune, step {run['steps']}: validation FID {statistics.fmean(values):.2f} "
          f"± {statistics.stdev(values):.2f} over {len(values)} sample seeds (shipped measurement)")
MIN_DELTA = 0.1  # about one spread of a final checkpoint at N = 100: smaller "improvements" are noise

# %% [markdown]
# What 1,000 held-out photos buy: at n = 100, real boots themselves score a validation FID of about 3.3, above the
# FIDs of 2 to 3 where the late stopping decisions happen, so at that size the curve's end is mostly noise; at
# n = 1,000 the floor is about 0.6, and a final checkpoint's own spread is about 0.1 FID at N = 100 (0.4 at
# N = 10, where the FID is four times higher). So the runs below count an evaluation as an improvement only when it
# beats the best by more than `MIN_DELTA = 0.1`, one spread at N = 100; at N = 10 it is below the noise, and the
# patience of three evaluations has to absorb the rest. (The test column of the floor is a little higher than the
# validation column: the real boots scored and the validation boots both come from the train split, the test
# boots from the test split, which suggests the two splits' boots differ slightly.)
#
# ## 4. Early stopping
#
# Every E steps: compute the validation FID; if it is **strictly lower** than the best so far, remember it
# and **copy** the EMA generator's weights; otherwise count one more evaluation without improvement, and stop
# when the count reaches the patience P. At the end, load the best weights back. The copy matters: training
# keeps changing the same tensors, so keeping a reference would keep the latest weights, not the best.
#
# **Exercise 3: the early-stopping rule.** Write one evaluation of the rule. `state` holds `best` (the best
# value so far, `math.inf` at first), `waited` (evaluations since the best) and `best_weights` (a copy of the
# weights at the best, `None` at first); update it in place and return `True` when training should stop.

# %% tags=["exercise"]
def early_stopping_step(state, value, weights, patience):
    """One validation: update state {'best', 'waited', 'best_weights'}; return True to stop training."""
    # weights is a state_dict {name: tensor} that training will keep changing in place.
    ...


# %% [markdown] tags=["solution"]
# **Solution**

# %% tags=["solution"]
def early_stopping_step(state, value, weights, patience):
    """One validation: update state {'best', 'waited', 'best_weights'}; return True to stop training."""
    if value < state["best"]:
        state["best"], state["waited"] = value, 0
        state["best_weights"] = {name: tensor.detach().clone() for name, tensor in weights.items()}
        return False
    state["waited"] += 1
    return state["waited"] >= patience


# %%
stopping_result = check_early_stopping(early_stopping_step)
stopping_result

# %%
rule = yours_or_reference(early_stopping_step, stopping_result, early_stopping_update)
curve = [9.0, 6.0, 4.0, 4.5, 3.8, 3.9, 4.1, 4.4]
state = {"best": math.inf, "waited": 0, "best_weights": None}
weights = {"w": torch.zeros(1)}
for i, value in enumerate(curve):
    weights["w"].fill_(i)
    if rule(state, value, weights, patience=3):
        break
print(f"stopped at evaluation {i} of {len(curve)}; kept the weights of evaluation {int(state['best_weights']['w'])}, "
      f"FID {state['best']}")

# %% [markdown]
# The library's `course_lib.gan.scoring.EarlyStopping` is this rule as a trainer callback; its state (the
# curve, the best value and weights, the count) goes into the checkpoint, so `finetune --resume` stops exactly
# where an uninterrupted run would. It also takes a `min_delta`: the value must beat the best by more than that
# to count, so a run does not reset its patience on differences smaller than the noise measured in section 3.
#
# ## 5. The methods compared
#
# **Exercise 4: predict, then run.** On the same ten boot photos, one GAN is trained from scratch and one is
# fine-tuned from the base (G and D both start from the base's weights), each for 200 steps. After those 200
# steps, which has the lower validation FID: `"from scratch"`, `"fine-tuned"` or `"about the same"`? Guess before
# you read on, then run (the check trains both: about six seconds on a 2-core AMD EPYC).

# %% tags=["exercise"]
prediction_start = ...  # "from scratch", "fine-tuned" or "about the same"

# %% tags=["solution"]
prediction_start = "from scratch"  # the base must first unlearn nine categories, against a D that knows them

# %%
check_head_start_prediction(prediction_start)

# %% [markdown]
# Now the methods side by side: N ∈ {10, 50, 100, 500} photos × four methods, each for the same step budget with
# a validation FID every 50 steps and early stopping with patience 3 and `MIN_DELTA`. `measure_run` notes where
# early stopping stopped and scores the best weights at that point on the *test* boots, then trains on to the
# budget, so we also see what stopping saved.

# %%
NS, STEPS, EVERY = pick([10, 50, 100, 500], [10, 100]), pick(400, 20), pick(50, 10)
SHOWN = ("from scratch", "full fine-tune", "full, fresh D", "full + DiffAugment 0.25")
test_features, _ = extract(test_boots, extractor, progress=False)
runs = {}
for n in NS:
    images, _ = new_line(data, BOOT, n, seed=0)
    for method in SHOWN:
        outcome, stopped_generator, _ = measure_run(base, images, validation, method, category=BOOT,
                                                    old_features=old_features, test_features=test_features,
                                                    max_steps=STEPS, every=EVERY, patience=3, min_delta=MIN_DELTA,
                                                    seed=0, samples=SAMPLES, extractor=extractor, device=device)
        runs[n, method] = ExplorerRun(outcome, stopped_generator, images)
        print(f"N = {n:3d}, {method:24s}: validation FID {outcome.stop_fid:6.2f} at step {outcome.stop_step:3d} "
              f"(stopped at {outcome.stopped_at}), test FID {outcome.stop_test_fid:6.2f}, memorised "
              f"{outcome.memorised:.0%}, {outcome.stop_seconds:.0f} s")

# %% [markdown]
# **The explorer.** Pick N and a method: the top row shows the fine-tuned generator's samples at its early
# stop, the row under it each sample's nearest training photo (pixel distance; red means closer than 95 % of
# real held-out boots are to any training photo: a *candidate* copy, since one new boot in twenty is red too), and
# the right panel its validation curve with the kept step dashed (the last evaluation that beat the best by more
# than `MIN_DELTA`) and the real boots' floor dotted. Look for:
# copies at N = 10, blur from scratch, boots that keep the base's soles.

# %%
explorer = few_shot_explorer(runs, validation, floor=FLOOR)
display(explorer)
explorer.update()

# %% [markdown]
# ### The measured table (3 seeds)
#
# The runs above are one seed each. The course's table repeats every N for three seeds (the subset of N
# photos, the initialisation and the noise all change with the seed), with the seven methods of
# `FINETUNE_METHODS` and a budget of 600 steps. It was made with `python data_scripts/finetune_table.py` (the
# command and the machine are in `docs/models.md`); the runs ship with the package
# (`course_lib/assets/results/finetune_runs.jsonl`) and are read here. Columns: the validation FID at the early
# stop (what chose the checkpoint), the **test FID** of that checkpoint (the number to report), the best
# validation FID anywhere in the budget, the test FID of the weights at the end of the budget, GAN-test (share of
# samples the classifier files as ankle boots), memorised (share of samples closer to a training photo than 95 %
# of real boots are), FID against the nine old categories (forgetting), the share of D's parameters FreezeD keeps
# frozen, the kept step, where it stopped, and seconds to the stop and to the budget.

# %%
table_runs = read_runs()  # the shipped runs: course_lib/assets/results/finetune_runs.jsonl
display(Markdown(format_table(table_runs)))

# %% [markdown]
# The mean validation curves at N = 10 and N = 100 (three seeds each):

# %%
def mean_curve(runs, n, method):
    """(steps, mean validation FID over the seeds) of the runs of one N and method, over their common steps."""
    curves = [r["curve"] for r in runs if r["n"] == n and r["method"] == method]
    length = min(len(c) for c in curves)
    return [c[0] for c in curves[0][:length]], [statistics.fmean(c[i][1] for c in curves) for i in range(length)]


if table_runs:
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.2))
    for ax, n in zip(axes, (10, 100)):
        for method in FINETUNE_METHODS:
            ax.plot(*mean_curve(table_runs, n, method), label=method)
        ax.set_yscale("log")
        ax.set_title(f"N = {n}: validation FID, mean over seeds")
        ax.set_xlabel("generator step")
    axes[0].legend(fontsize=7)
    plt.show()
    plain = [r for r in table_runs if r["n"] >= 50 and "DiffAugment" not in r["method"]]
    print(f"test FID of the kept checkpoint against its validation FID, N >= 50 without DiffAugment: "
          f"{statistics.fmean(r['stop_test_fid'] / r['stop_fid'] - 1 for r in plain):+.1%} on average")
    stops = [r for r in table_runs if r["stopped_at"] < r["budget_steps"]]
    print(f"early stopping stopped before the budget in {len(stops)} of {len(table_runs)} runs:")
    for r in stops:
        print(f"  N = {r['n']} {r['method']} (seed {r['seed']}): stopped at step {r['stopped_at']} with the weights of "
              f"step {r['stop_step']} (validation FID {r['stop_fid']:.2f}); best in the budget {r['best_fid']:.2f} "
              f"at step {r['best_step']}")
    fell = [r for r in table_runs if r["curve"][0][1] >= 10 * min(v for _, v, _ in r["curve"])]
    print(f"validation FID fell tenfold or more from the first evaluation in {len(fell)} of {len(table_runs)} runs; "
          "the others: " + ", ".join(sorted({f"N = {r['n']} {r['method']}" for r in table_runs if r not in fell})))
    print("memorised share at N = 10, mean of 3 seeds (baseline 5 %): " + ", ".join(
        f"{m} {statistics.fmean(r['memorised'] for r in table_runs if r['n'] == 10 and r['method'] == m):.1%}"
        for m in FINETUNE_METHODS))
    print("memorised share from N = 50 up, mean over methods and seeds: " + ", ".join(
        f"N = {n} {statistics.fmean(r['memorised'] for r in table_runs if r['n'] == n):.1%}" for n in (50, 100, 500)))

# %% [markdown]
# **Reading the table** (the validation columns chose the checkpoint, the test columns report it; the numbers are
# in the table, the curves and the lines printed above):
# - The test FID of the kept checkpoint stays close to its validation FID here (for N ≥ 50 without DiffAugment,
#   2 % higher on average): with 1,000 validation photos and 12 evaluations per run, choosing on one split
#   flattered these runs little. Only the test column can show that, which is why it is there.
# - From N = 50 up, fine-tuning (full or FreezeD) ends clearly lower than from scratch in the same 600 steps and
#   about the same seconds (N = 100 on the test boots: 2.79 ± 0.14 full, 2.71 ± 0.11 FreezeD, 3.88 ± 0.21 from
#   scratch). The head start is not immediate: at N = 100 the fine-tuned mean curves pass from scratch only
#   between steps 200 and 250 (the right panel above).
# - At N = 10 the pretrained start is a handicap for the whole 600 steps, as Exercise 4 found at step 200: from
#   scratch ends at 8.03 ± 1.37 on the test boots, the full fine-tune at 10.44 ± 0.96, FreezeD at 13.78 ± 1.99.
#   The next subsection measures why.
# - FreezeD with K = 1 freezes 1.5 % of D (the "D frozen" column rounds it to 1 %), a light version of the method;
#   from N = 50 up it ends close to the full fine-tune (test 3.42 against 3.17 at N = 50, 2.71 against 2.79 at
#   N = 100). Freezing all but D's last block (K = 2, 91 % of D) is worse at every N (N = 100: 4.76 ± 0.38 against
#   2.71 ± 0.11): the last block alone cannot turn features learned for nine other categories into a judge of
#   boots.
# - DiffAugment at the paper's strength (shifts of up to 4 pixels and a 14-pixel cutout on 28-pixel images) is
#   worse in every cell (N = 100: 8.11 with the full fine-tune against 2.79).
# - Early stopping stopped before the budget in only 3 of 84 runs: most curves still fall at step 600. Two of the
#   three are lessons in patience. FreezeD K = 2 at N = 10 (seed 2) stopped at step 200 and kept step 50's
#   weights (validation FID 127), because its curve rose for three evaluations before it fell (it reached 18.6 at
#   step 600); from scratch + DiffAugment at N = 10 (seed 1) stopped at step 400 at 33.0 and later reached 17.5.
#   At the start of a run, a plateau is a bad bet.
# - Memorisation (printed above): from N = 50 up, under the 5 % baseline on average (2.7 %, 1.2 % and 0.4 % at
#   N = 50, 100 and 500). At N = 10, from scratch and the full fine-tune are at about twice the baseline, FreezeD
#   about at it, and the DiffAugment runs near 0: their samples sit farther from the photos than real boots do,
#   which says they are off the boots' distribution, not that they are good.
#
# ### Why the fine-tuned start is slow, and what fixes it
#
# Exercise 4 found the fine-tuned run behind at N = 10. Three explanations fit: the base's learning rate is too
# high for weights that are already good (a fresh Adam state takes full-size steps at once), the first steps need
# a warm-up, or the pretrained D, which knows the nine old categories well, rejects everything G draws and pushes
# it around before G has moved toward boots. Each has a one-flag test, measured on 3 seeds at N = 10 and 100 beside
# the full fine-tune of the table (`STUDY_METHODS`; `course_lib/assets/results/finetune_study_runs.jsonl`, command
# in `docs/models.md`). The same file holds weaker DiffAugment settings: translation only, and translation +
# cutout at half and a quarter of the paper's strength.

# %%
study_runs = read_runs(shipped_runs("finetune_study_runs.jsonl"))
baseline = [r for r in table_runs if r["method"] in ("from scratch", "full fine-tune", "full + DiffAugment")
            and r["n"] in (10, 100)]
display(Markdown(format_table(baseline + study_runs)))

if study_runs:
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.2), sharey=True)
    for ax, names in zip(axes, (("from scratch", "full fine-tune", "full, lr x0.3", "full, warm-up 100",
                                 "full, fresh D"),
                                ("full fine-tune", "full + DiffAugment", "full + translation",
                                 "full + DiffAugment 0.5", "full + DiffAugment 0.25"))):
        for method in names:
            ax.plot(*mean_curve(baseline + study_runs, 10, method), label=method)
        ax.set_yscale("log")
        ax.set_xlabel("generator step")
        ax.legend(fontsize=7)
    axes[0].set_title("N = 10: what slows the fine-tuned start (3 seeds)")
    axes[1].set_title("N = 10: DiffAugment, full and weaker (3 seeds)")
    plt.show()

# %% [markdown]
# What the study says (numbers in the table above; the mean curves at steps 100 / 200 / 300 / 600 are in
# `docs/models.md`):
# - **Not the learning rate.** At 0.3 times the rate the full fine-tune ends at 79.7 at N = 10 and 13.8 at N = 100
#   (validation, mean of 3 seeds); at 0.1 times it barely leaves the base (117 and 93). G has a long way to go,
#   from nine categories to boots, and smaller steps only make the trip longer. A 100-step warm-up delays the run
#   too (N = 10: 12.86 ± 1.03 against 10.85 ± 0.93 without).
# - **The pretrained discriminator.** Keep the base's G but start D fresh (`--fresh-d`), and most of the lag goes:
#   at N = 100 it is the fastest start (mean validation FID 5.8 at step 200, against 14.1 for the full fine-tune
#   and 12.3 from scratch; by step 300 the full fine-tune has caught up, 3.3 against 3.6), and at N = 10 it ends at
#   7.63 ± 0.12 against 10.85 ± 0.93. The base's D judges with features of nine other categories, and at first
#   it rejects everything G draws for reasons that have nothing to do with boots. But at N = 10 the fresh D pays
#   in copies: 18–24 % of its samples fall under the copy threshold (`docs/models.md`), four times the baseline. A
#   fresh D learns the ten photos by heart, and G follows.
# - **DiffAugment, weaker.** At a quarter of the paper's strength (shifts of up to 1 pixel and a 4-pixel cutout),
#   the full fine-tune is the best setting measured at N = 10: 7.04 ± 0.79 on validation, 6.83 ± 0.75 on test, with
#   7 % memorised, beside 10.85 without augmentation and 27.53 at full strength. Half strength lies between
#   (9.74), and translation alone at full strength is worse than no augmentation (17.71): shifts of up to 4 pixels
#   already hurt on 28-pixel images, and the 14-pixel cutout adds to it. At N = 100 a quarter strength costs
#   instead (test 3.60 ± 0.34 against 2.79 ± 0.14 without): with a hundred photos, D's overfitting is not yet
#   what limits a 600-step run.
# - **The setting to use**, then: at N = 10, `finetune --augment translation,cutout --augment-strength 0.25`; from
#   N = 50 up, the plain full fine-tune or FreezeD with K = 1, within each other's spread; a warm-up or a smaller
#   learning rate does not help in this budget.
#
# ### A longer budget
#
# With 2,000 steps instead of 600 (seed 0 only; `course_lib/assets/results/finetune_long_runs.jsonl`):

# %%
long_runs = read_runs(shipped_runs("finetune_long_runs.jsonl"))
display(Markdown(format_table(long_runs)))

# %% [markdown]
# One seed each, so read the rows as examples rather than a ranking:
# - **Augmentation pays with a longer budget.** DiffAugment at the paper's strength, the worst setting at 600
#   steps, keeps improving to the end at N = 10 (validation FID 7.91 kept at step 1,850, 2 % memorised); at a
#   quarter strength it reaches the lowest FID of the N = 10 runs (best in the budget 4.89). Its slower progress is
#   the price of a D that cannot memorise, and a longer run is where that price is repaid.
# - **The pretrained start still wins from N = 100** (best 1.97 FreezeD, 2.23 full fine-tune, 2.55 from scratch),
#   and the fresh D that was fastest at first ends near the others (2.36), while at N = 10 its test FID at the end
#   of the budget (8.86) is worse than at its stop (6.38), with 23 % of its kept samples already under the copy
#   threshold.
# - **Early stopping with patience 3 stopped too soon at N = 100.** Five of the six N = 100 runs stopped between
#   steps 500 and 1,150 at a validation FID 16–82 % above the best they reached later (full fine-tune 2.74 at the
#   stop, 2.23 later; quarter-strength DiffAugment 4.26 and 2.34). The curves flatten into a noisy plateau
#   around FID 2.5–3 and then fall again: three evaluations (150 steps) without a gain of 0.1 is not yet a sign of
#   the end. At N = 10 three of six stopped within 6 % of their best.
#
# ## 6. Memorisation: the closest pairs
#
# The memorised share compares each sample's distance to its nearest training photo with how far real,
# unseen boots are from the same photos. The threshold is the 5 % quantile of the real boots' distances, so by
# construction 5 % of genuinely new photos fall under it too: a share near 5 % is what a generator of new boots
# shows, and only a share well above it points to copying. (Lesson 06 counted under the 1 % quantile of 1,000
# test images, so ten images set its threshold; here the 5 % quantile of the 1,000 validation boots, so fifty set
# it, which moves less from one draw of photos to the next when the distances to only N photos spread widely.
# The rule is the same in both lessons: the baseline share equals the quantile.) A copy always falls under it; a
# shifted copy may not (pixel distance does not see shifts), and FID cannot see copying at all (lesson 06), so at
# N = 10 early stopping on FID alone can keep a copier. Below: for the N = 10 runs, the eight samples closest to a
# training photo, above that photo.

# %%
for method in ("from scratch", "full fine-tune"):
    run = runs[NS[0], method]
    fake = sample(run.generator, SAMPLES, seed=1)
    check = memorisation(fake, to_float(run.train), validation)
    order = check.distances.argsort()[:8]
    pairs = torch.cat([fake[order], to_float(run.train)[check.indices[order]]])
    show_images(pairs, nrow=8, title=f"N = {NS[0]}, {method}: {check.share:.0%} memorised (threshold "
                                     f"{check.threshold:.1f}); top: samples, bottom: nearest training photos")
    plt.show()

# %% [markdown]
# ## 7. Forgetting the old lines
#
# The base drew nine categories; fine-tuned on boots only, an unconditional generator has no reason to keep
# them. This is **catastrophic forgetting**, measured here as the FID against the nine old categories' test
# images and the categories the classifier sees in the samples, before and after.

# %%
tuned = runs[100 if 100 in NS else NS[-1], "full fine-tune"].generator
old_scorer = FidScorer(reference_features=old_features, extractor=extractor)
for title, g in (("base", generator), ("fine-tuned on boots", tuned)):
    features, logits = extract(sample(g, SAMPLES, seed=0), extractor, progress=False)
    counts = torch.bincount(logits.argmax(1), minlength=10) / len(logits)
    top = ", ".join(f"{CLASS_NAMES[c]} {counts[c]:.0%}" for c in counts.argsort(descending=True)[:3])
    print(f"{title:20s}: FID vs the nine old categories {old_scorer.score_features(features):6.1f}; "
          f"classified as {top}")

# %% [markdown]
# A shop that needs both keeps the base for the old lines and the fine-tuned copy for the new one, or
# fine-tunes a *conditional* model with the new line as an extra class, replaying old images as it goes (the
# `finetune` command refuses conditional bases for now and says so).
#
# ## 8. Your own photos
#
# Shop photos are dark products on white, of any size, in colour; the catalog is light products on black at
# 28 × 28. `load_photo_folder` converts each photo to grey, detects the light background and inverts, crops to
# the product, pads to a square and resizes with antialiasing, and it skips (and lists) files it cannot use.
# **Put the path of your folder below**; without one, the lesson makes an example folder of synthetic colour
# boot photos on white, with a broken JPEG, a text file and a tiny image in it.

# %%
MY_PHOTOS = None  # e.g. "/home/me/new-line-photos": a folder of PNG/JPEG/WebP files, one product each
work = Path(tempfile.mkdtemp(prefix="lesson08-"))
folder = Path(MY_PHOTOS) if MY_PHOTOS else make_example_folder(work / "photos", per_class=pick(40, 20), categories=(BOOT,))
folder = folder if MY_PHOTOS else next(p for p in folder.iterdir() if p.is_dir())
found = load_photo_folder(folder)
print(found.report())
show_images(to_float(found.images[:32]), nrow=8, title=f"what the model will see: {len(found.files)} photos of {folder.name}")
plt.show()

# %% [markdown]
# And the fine-tuning, as the command line runs it (`python -m course_lib finetune BASE --images DIR ...`):
# a fifth of the photos are held out for the validation FID, the rest are trained on. With 40 photos that is 8
# held out, too few to decide a stop on: at 8 photos a validation FID put the better of two generators half an
# FID unit apart first in only 82 % of draws, and KID did no better (`docs/models.md`, "How many held-out photos
# early stopping can decide on"), so the command refuses `--early-stopping` below 50. The run goes to its last
# step and keeps the checkpoint with the best validation FID, a noisy pick at this size.

# %%
out = work / "run"
code = course_cli(["finetune", str(BASE_FILE), "--images", str(folder), "--freeze-d", "1",
                   "--max-steps", str(pick(300, 20)), "--eval-every", str(pick(50, 10)), "--out", str(out),
                   "--device", str(device)])
print(f"exit code {code}; files: {sorted(p.name for p in out.iterdir())}")
display(Image(filename=str(out / "validation.png")), Image(filename=str(out / "samples.png")))

# %% [markdown]
# ## 9. What goes wrong in practice
#
# - **A validation set too small to decide.** `finetune --images` holds out a fifth of the photos (8 of the 40
#   in the example above). FID's bias and spread at such sizes (section 3) are larger than the differences early
#   stopping has to tell apart near the end of a run (measured in `docs/models.md`; the command refuses
#   `--early-stopping` below 50 held-out photos). Hold out as many photos as you can spare (this lesson
#   validates on 1,000 boots), or stop on a fixed step count and look at the samples.
# - **Selecting and reporting on the same photos.** The checkpoint chosen on a set of photos scores best on *those*
#   photos by construction (lesson 06). This lesson chooses on validation boots drawn from the train images no
#   run uses and reports on the test boots, which took part in no decision; keep such a third set for your own
#   final number.
# - **A pretrained discriminator that knows the old lines.** It rejects what G draws for reasons that have nothing to
#   do with the new line, and the fine-tuned run starts slower than one from scratch (at N = 10, for the whole
#   600 steps). A fresh D removes the lag but, with ten photos, memorises them; a smaller learning rate or a
#   warm-up only slows the run further (section 5). Light augmentation was the fix measured here.
# - **Patience too short early in a run**, when the curve is noisy or rises before it falls: FreezeD with K = 2 at
#   N = 10 stopped at step 200 with the weights of step 50 (validation FID 127) and would have reached 18.6 by step
#   600 (section 5). Give the first evaluations a grace period, or a longer patience: in the
#   2,000-step runs a patience of 3 evaluations stopped five of six N = 100 runs 16–82 % above the FID they reached
#   later.
# - **A batch as large as the photos.** With batch = min(64, N), every real batch at N ≤ 64 holds all N photos,
#   so D's BatchNorm sees the same real statistics at every step, which can make memorising easier (a
#   reasoning, not measured here).
# - **Frozen blocks with BatchNorm in training mode** still move their running statistics (section 2).
# - **Augmentation too strong for the image size.** At the paper's strength DiffAugment shifts a 28-pixel photo by
#   up to 4 pixels and hides a 14-pixel square (lesson 01 calls it strong); here that made every cell of the table
#   worse, while a quarter of that strength was the best setting measured at N = 10.
# - **FID cannot see copying**, and pixel distance cannot see a shifted copy (section 6): check the closest pairs
#   by eye before publishing a fine-tuned model's images.
# - **Forgetting the old lines** (section 7): keep the base for them.
# - **Shop photos in another convention** than the catalog (dark on white, any size, colour): section 8's
#   reader converts them; skipping that step trains the model on inverted, uncropped images.
#
# **Summary.** With a few photos, D memorises them and stops teaching G anything general. Starting from a
# generator pretrained on the rest of the catalog changes what a few photos can do from about 50 photos up: the
# base already draws products, and the photos only have to move it to the new line. With ten photos the
# pretrained start is slower than training from scratch, because the pretrained D judges with the old lines'
# features; a fresh D fixes the speed but copies the photos, while DiffAugment at a quarter of the paper's
# strength, on real and fake alike, gave the best boots without copying. Early stopping on the FID of validation
# photos, with a `min_delta` set from the measured noise and the best weights kept, picks the checkpoint; test
# photos that took part in no decision give the number to report; the memorisation check says whether the result
# is new boots or the shop's own photos back; and fine-tuning an unconditional model on one line forgets the
# others.
#
# ## Further reading
#
# - S. Mo, M. Cho, J. Shin, *Freeze the Discriminator: a Simple Baseline for Fine-Tuning GANs* (FreezeD),
#   CVPR Workshops 2020. [arXiv:2002.10964](https://arxiv.org/abs/2002.10964)
# - S. Zhao, Z. Liu, J. Lin, J.-Y. Zhu, S. Han, *Differentiable Augmentation for Data-Efficient GAN Training*
#   (DiffAugment), NeurIPS 2020. [arXiv:2006.10738](https://arxiv.org/abs/2006.10738)
# - T. Karras, M. Aittala, J. Hellsten, S. Laine, J. Lehtinen, T. Aila, *Training Generative Adversarial Networks
#   with Limited Data* (ADA, discriminator overfitting), NeurIPS 2020. [arXiv:2006.06676](https://arxiv.org/abs/2006.06676)
# - Y. Wang, C. Wu, L. Herranz, J. van de Weijer, A. Gonzalez-Garcia, B. Raducanu, *Transferring GANs: generating
#   images from limited data*, ECCV 2018. [arXiv:1805.01677](https://arxiv.org/abs/1805.01677)
# - L. Prechelt, *Early Stopping — But When?*, in Neural Networks: Tricks of the Trade, 1998.
#   [doi:10.1007/3-540-49430-8_3](https://doi.org/10.1007/3-540-49430-8_3)
# - M. J. Chong, D. Forsyth, *Effectively Unbiased FID and Inception Score and where to find them* (FID's bias in
#   the sample count), CVPR 2020. [arXiv:1911.07023](https://arxiv.org/abs/1911.07023)
# - A. Noguchi, T. Harada, *Image Generation From Small Datasets via Batch Statistics Adaptation*, ICCV 2019.
#   [arXiv:1904.01774](https://arxiv.org/abs/1904.01774)
# - Y. Li, R. Zhang, J. Lu, E. Shechtman, *Few-shot Image Generation with Elastic Weight Consolidation*,
#   NeurIPS 2020. [arXiv:2012.02780](https://arxiv.org/abs/2012.02780)
# - U. Ojha, Y. Li, J. Lu, A. A. Efros, Y. J. Lee, E. Shechtman, R. Zhang, *Few-shot Image Generation via
#   Cross-domain Correspondence*, CVPR 2021. [arXiv:2104.06820](https://arxiv.org/abs/2104.06820)
# - For diffusion models, the same problem's 2026 answers: N. Ruiz et al., *DreamBooth*, CVPR 2023
#   ([arXiv:2208.12242](https://arxiv.org/abs/2208.12242)), and E. J. Hu et al., *LoRA: Low-Rank Adaptation of
#   Large Language Models* ([arXiv:2106.09685](https://arxiv.org/abs/2106.09685)).
