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
# N seeded ankle-boot *train* images play the shop's photos; the 1,000 ankle-boot *test* images are the
# validation set, never trained on.
#
# **Learning goals**
# 1. Show why few-shot GAN training fails: the discriminator's accuracy on held-out real photos falls.
# 2. State what full fine-tuning, FreezeD and DiffAugment change, with their losses.
# 3. Choose the validation metric and its sample size, and explain why not the training loss.
# 4. Read the measured table: FID, GAN-test, memorisation, forgetting, time, per N and method.
# 5. Fine-tune on your own folder of photos, and check what the model was shown.
# 6. Predict D's overfitting, then write FreezeD's freezing and the early-stopping rule yourself (self-checks).
#
# In JupyterLab the lesson runs at full size (about four and a half minutes on a 2-core CPU, most of it the
# sixteen fine-tuning runs of section 5); in CI (`COURSE_FAST=1`) every run is shrunk with `pick(full, fast)`, so the curves there
# are short and noisy. The command line does the same: `python -m course_lib finetune
# checkpoints/dcgan_no_ankle_boot.pt --category "Ankle boot" --n 100 --freeze-d 1 --early-stopping 3`.

# %%
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
    check_overfitting_prediction,
    early_stopping_update,
)
from course_lib.gan.checkpoint import load_checkpoint
from course_lib.gan.few_shot import (
    FINETUNE_METHODS,
    DiscriminatorProbe,
    finetune_trainer,
    new_line,
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
from course_lib.studies.few_shot_report import format_table, read_runs
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
#   training. Nothing else changes; the pretrained weights are a prior that N photos only have to nudge.
# - **FreezeD** (Mo et al. 2020): split $\phi = (\phi_{1..K}, \phi_{K+1..})$ into blocks, a block being a
#   convolution or linear layer with the normalisation after it; $\phi_{1..K}$ stay at the base's values,
#   only the later blocks learn. The first layers detect edges and the dark background, which transfer; the
#   top of D is what memorises. The course DCGAN's D has three blocks (conv; conv + BatchNorm; linear), and
#   `FreezeD` here keeps the first ($K = 1$): a small share of D's parameters, printed after Exercise 2, so
#   this is a light version of the method. Frozen BatchNorm layers still update their running statistics in
#   training mode unless they are put in eval mode too (`requires_grad` stops the gradient, not the statistics).
# - **DiffAugment** (Zhao et al. 2020): one differentiable random transformation $T$ (here translation and
#   cutout) applied to **every** image D sees, real and fake, in both steps:
#   $$L_D = \mathbb{E}_x\, f(-D(T(x))) + \mathbb{E}_z\, f(D(T(G(z)))), \qquad L_G = \mathbb{E}_z\, f(-D(T(G(z)))).$$
#   D never sees the same photo twice, so memorising is harder. What keeps the augmentation out of the samples
#   is that D sees $T$ on **both** sides: the game then matches the distribution of $T(G(z))$ to that of $T(x)$,
#   and when $T$ is invertible in distribution (two different image distributions stay different after $T$, as
#   for random shifts), that forces $G(z)$ to match $x$ (Karras et al. 2020, §2.2, call such augmentations
#   non-leaking). Differentiability is what lets G's gradient pass through $T$ in the G step; it makes training
#   possible, it is not what prevents the leak. Augmenting only the real images would **leak**: D would learn
#   "shifted, holed images are real", and G would learn to draw holes (lesson 01).
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
_, d, _ = base_models(base)
frozen, total = freeze(d, 1), sum(p.numel() for p in d.parameters())
print(f"FreezeD with K = 1 keeps {frozen:,} of D's {total:,} parameters fixed ({frozen / total:.1%})")

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
# fixed sample set and one validation set favours a lucky checkpoint.
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
# where an uninterrupted run would.
#
# ## 5. The methods compared
#
# Sixteen runs: N ∈ {10, 50, 100, 500} photos × four methods, each for the same step budget with a validation
# FID every 50 steps and early stopping with patience 3. `measure_run` notes where early stopping stopped and
# scores the best weights at that point, then trains on to the budget, so we also see what stopping saved.

# %%
NS, STEPS, EVERY = pick([10, 50, 100, 500], [10, 100]), pick(400, 20), pick(50, 10)
SHOWN = ("from scratch", "full fine-tune", "FreezeD", "FreezeD + DiffAugment")
runs, lines = {}, {}
for n in NS:
    images, _ = new_line(data, BOOT, n, seed=0)
    for method in SHOWN:
        outcome, stopped_generator, _ = measure_run(base, images, validation, method, category=BOOT,
                                                    old_features=old_features, max_steps=STEPS, every=EVERY,
                                                    patience=3, seed=0, samples=SAMPLES, extractor=extractor,
                                                    device=device)
        runs[n, method] = ExplorerRun(outcome, stopped_generator, images)
        print(f"N = {n:3d}, {method:22s}: FID {outcome.stop_fid:6.2f} at step {outcome.stop_step:3d} "
              f"(stopped at {outcome.stopped_at}), memorised {outcome.memorised:.0%}, {outcome.stop_seconds:.0f} s")

# %% [markdown]
# **The explorer.** Pick N and a method: the top row shows the fine-tuned generator's samples at its early
# stop, the row under it each sample's nearest training photo (pixel distance; red means closer than 95 % of
# real held-out boots are to any training photo: a candidate copy, which 5 % of new boots would also be), and
# the right panel its validation curve with the kept step dashed. Look for: copies at N = 10, blur from scratch, boots that keep the base's soles.

# %%
explorer = few_shot_explorer(runs, validation)
display(explorer)
explorer.update()

# %% [markdown]
# ### The measured table (3 seeds)
#
# The runs above are one seed each. The course's table repeats every N for three seeds (the subset of N
# photos, the initialisation and the noise all change with the seed), with all six methods and a budget of 600
# steps. It was made with
# `python data_scripts/finetune_table.py` (the command and the machine are in `docs/models.md`); the runs
# ship with the package (`course_lib/assets/results/finetune_runs.jsonl`) and are read here. Columns: validation FID at the early stop, the best FID seen
# anywhere in the budget, GAN-test (share of samples the classifier files as ankle boots), memorised (share
# of samples closer to a training photo than 95 % of real boots are), FID against the nine old categories
# (forgetting), the kept step, where it stopped, and seconds to the stop and to the budget.

# %%
table_runs = read_runs()  # the shipped runs: course_lib/assets/results/finetune_runs.jsonl
display(Markdown(format_table(table_runs)))

# %% [markdown]
# The mean validation curves at N = 10 and N = 100 (three seeds each):

# %%
if table_runs:
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.2))
    for ax, n in zip(axes, (10, 100)):
        for method in FINETUNE_METHODS:
            curves = [r["curve"] for r in table_runs if r["n"] == n and r["method"] == method]
            if curves:
                length = min(len(c) for c in curves)
                steps = [c[0] for c in curves[0][:length]]
                mean = [sum(c[i][1] for c in curves) / len(curves) for i in range(length)]
                ax.plot(steps, mean, label=f"{method} ({len(curves)} seeds)")
        ax.set_yscale("log")
        ax.set_title(f"N = {n}: validation FID, mean over seeds")
        ax.set_xlabel("generator step")
    axes[0].legend(fontsize=7)
    plt.show()
    stops = [r for r in table_runs if r["stopped_at"] < r["budget_steps"]]
    close = [r for r in stops if r["stop_fid"] <= 1.1 * r["best_fid"]]
    print(f"early stopping stopped before the budget in {len(stops)} of {len(table_runs)} runs; in {len(close)} of "
          f"those its FID was within 10 % of the best seen in the whole budget, using on average "
          f"{sum(r['stopped_at'] for r in stops) / max(1, len(stops)):.0f} of {table_runs[0]['budget_steps']} steps")
    fell = [r for r in table_runs if r["curve"][0][1] >= 10 * min(v for _, v, _ in r["curve"])]
    print(f"validation FID fell tenfold or more from the first evaluation in {len(fell)} of {len(table_runs)} runs; "
          "the others: " + ", ".join(sorted({f"N = {r['n']} {r['method']}" for r in table_runs if r not in fell})))
    print("memorised share at N = 10, mean of 3 seeds (baseline 5 %): " + ", ".join(
        f"{m} {statistics.fmean(r['memorised'] for r in table_runs if r['n'] == 10 and r['method'] == m):.1%}"
        for m in FINETUNE_METHODS))
    print("memorised share from N = 50 up, mean over methods and seeds: " + ", ".join(
        f"N = {n} {statistics.fmean(r['memorised'] for r in table_runs if r['n'] == n):.1%}" for n in (50, 100, 500)))

# %% [markdown]
# **Reading the table** (the numbers are in the table above and, with the runs at a 2,000-step budget, in
# `docs/models.md`):
# - From N = 50 up, fine-tuning (full or FreezeD) reaches a clearly lower validation FID than from scratch in the
#   same steps and about the same seconds. Given 3.3 times the budget (2,000 steps), from scratch catches up most
#   of the way. But the head start is not immediate: at N = 100 the fine-tuned mean curves pass from scratch only
#   after about 200 steps, and at N = 10 they trail from scratch for the whole 600 steps (the curves above). The base's Adam state is new, its learning rate is the base's, and its D rejects G's nine old
#   categories at once: a lower fine-tuning learning rate or a warm-up is the first thing to try (not measured
#   here yet).
# - At N = 10 and 600 steps, from scratch ends lowest and FreezeD highest: with ten photos the frozen first block
#   helps less than the freedom to fit them.
# - DiffAugment is worse in every cell at this budget. It pays off when D's overfitting is what limits a run,
#   which needs more steps per photo than these runs take; the price is slower progress.
# - Early stopping rarely fires within 600 steps, because most curves still fall. In the 2,000-step runs it
#   stopped the N = 10 runs near step 1,000 with the best weights of the whole budget, and stopped one N = 100
#   run on a plateau, 26 % above the FID it reached later: patience is a bet that a plateau lasts.
# - Memorisation (printed above) is below the 5 % baseline from N = 50 up. At N = 10 from scratch and the full
#   fine-tune memorise about twice the baseline, FreezeD about the baseline, and the DiffAugment runs almost
#   never come near a training photo: their samples sit farther from the photos than real boots do, which says
#   they are off the boots' distribution, not that they are good.
#
# ## 6. Memorisation: the closest pairs
#
# The memorised share compares each sample's distance to its nearest training photo with how far real,
# unseen boots are from the same photos. The threshold is the 5 % quantile of the real boots' distances, so by
# construction 5 % of genuinely new photos fall under it too: a share near 5 % is what a generator of new boots
# shows, and only a share well above it points to copying. A copy always falls under it; a shifted copy may
# not (pixel distance does not see shifts), and FID cannot see copying at all (lesson 06), so at N = 10 early
# stopping on FID alone can keep a copier. Below: for the N = 10 runs, the eight samples closest to a training
# photo, above that photo.

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
# - **Selecting and reporting on the same photos.** This lesson picks the checkpoint on the same held-out boots
#   its table then reports (lesson 06 warns against exactly this): the reported FID of the kept checkpoint is
#   optimistic. Keep a third set of photos for the final number.
# - **A learning rate made for training from scratch.** The fine-tuned runs start slower than from scratch at
#   N = 10 and N = 100 (section 5): the base's weights meet a fresh optimiser at the base's learning rate.
# - **Patience too short early in a run**, when the curve is noisy: the first plateau is not the last (the N = 100
#   run stopped 26 % above the FID it reached later, `docs/models.md`).
# - **A batch as large as the photos.** With batch = min(64, N), every real batch at N ≤ 64 holds all N photos,
#   so D's BatchNorm sees the same real statistics at every step, which can make memorising easier (a
#   reasoning, not measured here).
# - **Frozen blocks with BatchNorm in training mode** still move their running statistics (section 2).
# - **Augmentation too strong for the image size.** DiffAugment's cutout hides half of a 28-pixel photo (lesson
#   01 calls it strong); here it made every cell of the table worse.
# - **FID cannot see copying**, and pixel distance cannot see a shifted copy (section 6): check the closest pairs
#   by eye before publishing a fine-tuned model's images.
# - **Forgetting the old lines** (section 7): keep the base for them.
# - **Shop photos in another convention** than the catalog (dark on white, any size, colour): section 8's
#   reader converts them; skipping that step trains the model on inverted, uncropped images.
#
# **Summary.** With a few photos, D memorises them and stops teaching G anything general. Starting from a
# generator pretrained on the rest of the catalog and fine-tuning it changes what a few photos can do: the
# base already draws products, and N photos only have to move it to the new line. Freezing D's first block
# keeps its general features; DiffAugment, applied to real and fake alike, keeps D from remembering exact
# pixels, at the price of slower progress at this budget. Early stopping on the FID of held-out photos, with
# the best weights kept, picks the checkpoint; the memorisation check says whether the result is new boots or
# the shop's own photos back; and fine-tuning an unconditional model on one line forgets the others.
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
