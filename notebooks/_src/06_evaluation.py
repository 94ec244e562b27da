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
# # Lesson 06 · Evaluating generators: what the numbers measure, and what they miss
#
# Lessons 02–04 trained three generators of catalog thumbnails. Which one is best? Looking at grids does
# not scale and does not settle arguments; a number does, if we know what it measures. This lesson builds
# every metric the course uses from its definition, reads them for the shipped models against known
# references, and shows where each one fails.
#
# **Learning goals**
# 1. State what FID, KID, the Inception Score, precision/recall and GAN-test/GAN-train measure, and what
#    each one cannot see.
# 2. Explain why the course judges 28×28 products with a Fashion-MNIST classifier instead of Inception-v3.
# 3. Read a model's numbers against calibration points: the real-vs-real floor, known damages, one class.
# 4. See FID's bias at small sample sizes and KID's lack of it, and choose the number of samples.
# 5. Track the metrics over a training run, and check that a generator does not simply copy its training set.
# 6. Compute FID from two feature matrices and KID's unbiased MMD² yourself, matching torch-fidelity.
#
# In JupyterLab the lesson runs at full size (n = 10,000 samples per evaluation, a few CPU minutes in
# total); in CI (`COURSE_FAST=1`) every size is shrunk with `pick(full, fast)`, so the numbers printed
# there are noisier. The command line does the same evaluation: `python -m course_lib evaluate
# checkpoints/dcgan.pt` (add `--json` for a machine-readable result, `--calibration` for the references).

# %%
import functools
import inspect

import matplotlib.pyplot as plt
import numpy as np
import scipy.linalg
import torch
from IPython.display import display
from matplotlib.patches import Circle
from torch_fidelity.metric_fid import KEY_METRIC_FID, fid_features_to_statistics, fid_statistics_to_metric
from torch_fidelity.metric_kid import KEY_METRIC_KID_MEAN, kid_features_to_metric

from course_lib.categories import CLASS_NAMES, CLASS_NAMES_ZH
from course_lib.data import to_float, training_data
from course_lib.exercises.checks import yours_or_reference
from course_lib.exercises.lesson06 import check_bias_prediction, check_fid, check_kid_mmd, reference_fid, reference_mmd
from course_lib.gan.recipes import RECIPES, make_trainer
from course_lib.gan.sampling import latent_noise, sample
from course_lib.gan.toy_problems import eight_gaussians, gaussian_blob
from course_lib.gan.zoo import load_or_train
from course_lib.metrics import EvaluationConfig, evaluate_generator
from course_lib.metrics.calibration import calibration_points
from course_lib.metrics.features import dataset, extract, make_extractor, real_features
from course_lib.metrics.frechet import fid_from_features, frechet_distance
from course_lib.metrics.nearest import nearest_neighbours
from course_lib.metrics.prc import knn_radii, precision_recall
from course_lib.metrics.sample_size import metrics_vs_sample_size
from course_lib.plots import show_images
from course_lib.runtime import configure_cpu_threads, fast_mode, pick, select_device
from course_lib.widgets.metric_explorer import metric_explorer

configure_cpu_threads()
device = select_device("auto")
print(f"networks on: {device}")
torch.manual_seed(0)
data = dataset()  # Fashion-MNIST, loaded once per process
print(f"fast mode: {fast_mode()}")

# %% [markdown]
# ## 1. The judge: a Fashion-MNIST classifier, not Inception-v3
#
# Every metric below compares **features**: the activations of a frozen network for real and for generated
# images. The field's standard network is Inception-v3, trained on ImageNet photos at 299×299 in colour.
# For 28×28 grey clothing thumbnails it is a poor judge:
#
# - it would see each thumbnail blown up ten times and copied into three channels, far from anything it
#   was trained on, and its features were tuned to tell dog breeds apart, not a pullover from a coat;
# - on a laptop CPU it takes minutes per thousand images, where the course classifier takes under a second
#   for 10,000. Measured on the course's 2-core machine with one thread: torchvision's Inception-v3 took about
#   6 min per 1000 images at 299×299, the course classifier 0.8 s for 10,000 (`docs/models.md`).
#
# A shop already owns a better judge: its **product attribute tagging** model (商品属性标注), the classifier
# that files every upload under a category. Its features separate exactly the things buyers care about.
# The course ships such a network, trained on the Fashion-MNIST training split (`course_lib/models/classifier.py`,
# 92.8 % test accuracy, sha256-checked on load; docs/models.md has the recipe). Its 128 penultimate
# activations are the features for FID, KID and precision/recall; its 10 logits feed the Inception Score and
# GAN-test. The price: all numbers are on **this network's scale**. Compare them with each other and with
# the calibration points of section 4, never with FIDs from papers (those use Inception; `evaluate_generator` can add
# one from a local Inception weights file, `inception_weights_path=`).

# %%
extractor = make_extractor(device=device)  # torch-fidelity's feature extractor interface, weights checksummed
test = real_features(extractor, "test", progress=False)  # cached on disk after the first run
accuracy = (test.logits.argmax(1) == test.labels).float().mean().item()
print(f"test features {tuple(test.features.shape)}, logits {tuple(test.logits.shape)}; accuracy {accuracy:.4f}")

# %% [markdown]
# What the features look like: the first two principal components of 2000 test images, one colour per
# category. Categories that buyers confuse (shirt, T-shirt, pullover, coat) overlap here too; shoes and bags
# sit apart. A generator's samples should fill the same clouds in the same proportions.

# %%
subset = test.features[:2000]
centred = subset - subset.mean(0)
_, _, v = torch.linalg.svd(centred, full_matrices=False)
xy = centred @ v[:2].T  # (2000, 2): projections on the two leading directions
fig, ax = plt.subplots(figsize=(7, 5))
for c in range(10):
    mask = test.labels[:2000] == c
    ax.scatter(*xy[mask].T, s=4, label=CLASS_NAMES[c])  # plot fonts here lack CJK glyphs; names below
ax.legend(fontsize=7, markerscale=3, loc="best")
ax.set_title("course classifier features, PCA of 2000 test images")
plt.show()
print(" · ".join(f"{en} {zh}" for en, zh in zip(CLASS_NAMES, CLASS_NAMES_ZH)))

# %% [markdown]
# ## 2. The metrics, from their definitions
#
# Write $f(x) \in \mathbb{R}^{128}$ for the features and $p(y \mid x)$ for the classifier's softmax.
#
# **FID** (Fréchet Inception Distance, Heusel et al. 2017) fits a Gaussian to each feature set, means
# $\mu_r, \mu_g$ and covariances $\Sigma_r, \Sigma_g$, and takes the squared Fréchet (Wasserstein-2)
# distance between the two Gaussians:
# $$\mathrm{FID} = \|\mu_r - \mu_g\|_2^2 + \operatorname{Tr}\!\big(\Sigma_r + \Sigma_g - 2(\Sigma_r\Sigma_g)^{1/2}\big).$$
# The mean term catches samples that look wrong on average, the trace term a spread that is too narrow
# (missing variety) or too wide. *Misses:* everything beyond the first two moments; it folds quality and
# diversity into one number; and it is **biased**: estimated from $n$ samples it is too large, by roughly
# $c/n$ (Chong & Forsyth 2020), so FIDs computed at different $n$ cannot be compared.
#
# **KID** (Kernel Inception Distance, Bińkowski et al. 2018) is the squared maximum mean discrepancy with the
# kernel $k(a, b) = (a^\top b / d + 1)^3$, estimated without bias on subsets of $m$ samples $x_i$ (generated)
# and $y_j$ (real):
# $$\widehat{\mathrm{MMD}}^2_u = \frac{1}{m(m-1)}\sum_{i \ne j} k(x_i, x_j) + \frac{1}{m(m-1)}\sum_{i \ne j} k(y_i, y_j)
#   - \frac{2}{m^2}\sum_{i, j} k(x_i, y_j),$$
# averaged over 100 random subsets of $m = 1000$ (the $\pm$ is the spread over subsets). No Gaussian
# assumption and no bias, so it can be compared across $n$; the price is noise, and for two samples of the
# same distribution it is slightly negative about half the time.
#
# **IS** (Inception Score, Salimans et al. 2016) never looks at real images:
# $\mathrm{IS} = \exp\big(\mathbb{E}_x\, \mathrm{KL}(p(y \mid x)\,\|\,p(y))\big)$ with $p(y) = \mathbb{E}_x\, p(y \mid x)$.
# It is high when each sample is confidently one class and all classes appear equally often; the maximum is
# the number of classes, 10. *Misses:* variety within a class (one perfect image per class scores 10) and
# realism beyond what the classifier checks. A copy of the training set does not score 10. It scores what real
# data scores: the classifier is not certain about every real image, so real data stays below the maximum.
# With the course classifier that is 9.09 at $n = 10{,}000$ (`docs/models.md`); the floor row of section 4
# prints it at this lesson's $n$.
#
# **Precision and recall** (Kynkäänniemi et al. 2019) separate the two failures FID mixes. Around every real
# feature vector draw a ball whose radius is the distance to its $k$-th nearest real neighbour ($k = 3$); the
# union of the balls estimates the real "manifold". **Precision** is the share of generated samples inside it
# (are the samples realistic?); **recall** swaps the roles: the share of real images inside the union of
# balls around the generated samples (is the catalog covered?). *Misses:* both depend on $k$ and on outliers
# (an atypical real image has a huge ball, and anything that lands in it counts as realistic: Naeem et al.
# 2020 propose "density and coverage" for that reason); real data itself scores about 0.8, not 1, at $k = 3$.
#
# **GAN-test and GAN-train** (Shmelkov et al. 2018), for conditional generators: GAN-test is the frozen
# classifier's accuracy on samples against the labels asked for (are the samples right?); GAN-train trains a
# fresh small classifier on labelled samples only and tests it on real images (are they right *and* varied
# enough to teach?). **Per-class FID** compares each category with its own real images.
#
# The FID in the library, by hand with scipy (`evaluate_generator` gets the same number from torch-fidelity; the tests
# check that they agree):

# %%
print(inspect.getsource(frechet_distance))

# %% [markdown]
# ## 3. Precision and recall in a picture
#
# Two dimensions instead of 128, so the balls can be drawn. Real points: eight Gaussians on a ring. Three
# "generators": a **collapsed** one that draws only two of the eight modes, a **spread** one, a Gaussian blob
# with the ring's mean and covariance ($2I$: each coordinate of a point on a circle of radius 2 has variance
# $2^2/2$), and a **good** one. Top row: balls around the real points and the
# generated points that fall inside (precision). Bottom row: balls around the generated points and the real
# points they cover (recall).

# %%
n_toy, k = 200, 3
real_2d = eight_gaussians(n_toy, seed=0)
ring = eight_gaussians(8 * n_toy, seed=2)
angle = torch.atan2(ring[:, 1], ring[:, 0])
toy_generators = {
    "collapsed (2 of 8 modes)": ring[(angle > -0.3) & (angle < 1.1)][:n_toy],
    "spread (a wide blob)": gaussian_blob(n_toy, seed=3, std=2**0.5),
    "good (the same ring)": eight_gaussians(n_toy, seed=4),
}
fig, axes = plt.subplots(2, 3, figsize=(13, 8.5))
for col, (name, fake_2d) in enumerate(toy_generators.items()):
    precision, recall = precision_recall(fake_2d, real_2d, k)
    fid_2d = fid_from_features(fake_2d, real_2d)
    for row, (balls, points, share) in enumerate(((real_2d, fake_2d, precision), (fake_2d, real_2d, recall))):
        ax = axes[row, col]
        inside = (torch.cdist(points, balls) <= knn_radii(balls, k)).any(dim=1)
        for centre, radius in zip(balls, knn_radii(balls, k)):
            ax.add_patch(Circle(centre.tolist(), radius.item(), color="tab:blue" if row == 0 else "tab:orange",
                                alpha=0.15, lw=0))
        ax.scatter(*points[inside].T, s=6, c="black", label="inside")
        ax.scatter(*points[~inside].T, s=6, c="tab:red", label="outside")
        ax.set(xlim=(-3.5, 3.5), ylim=(-3.5, 3.5), aspect="equal")
        what = "precision: fake in real balls" if row == 0 else "recall: real in fake balls"
        ax.set_title(f"{name}\n{what} = {share:.2f}" + (f"  (FID {fid_2d:.2f})" if row == 0 else ""), fontsize=9)
axes[0, 0].legend(loc="lower left", fontsize=7)
plt.tight_layout()
plt.show()

# %% [markdown]
# The collapsed generator has near-perfect precision and low recall, the spread one the reverse. FID
# notices the collapse but hardly the spread: the blob has the ring's mean and covariance, and FID sees
# nothing else. So it scores a generator whose samples mostly fall between the modes (read its precision in
# the titles) no worse than the good one. (In 128 dimensions the Gaussian fit is less crude than here, but the blind spot is the same.)
# Swapping the two arguments of `precision_recall` swaps the two numbers: a classic bug that silently turns
# a mode-collapsed model into a "diverse" one.

# %%
collapsed = toy_generators["collapsed (2 of 8 modes)"]
for order, (a, b) in (("right order  precision_recall(fake, real)", (collapsed, real_2d)),
                      ("swapped      precision_recall(real, fake)", (real_2d, collapsed))):
    p, r = precision_recall(a, b)
    print(f"{order}: precision {p:.2f}, recall {r:.2f}")

# %% [markdown]
# ## 4. The shipped models side by side, with calibration points
#
# `load_or_train(kind)` loads the shipped generator `checkpoints/KIND.pt`; when a file is absent it trains
# the recipe's short fast-mode run instead, and says so. `evaluate_generator` draws `n_eval` samples and scores them
# against the 10,000 test images (a conditional generator gets balanced labels, GAN-test and GAN-train).

# %%
n_eval = pick(10_000, 1000)
generators = {}
for kind in ("dcgan", "cgan", "wgan-gp"):
    generators[kind], note = load_or_train(kind, device=device)
    print(note)
results = {kind: evaluate_generator(functools.partial(sample, g),
                                    EvaluationConfig(n=n_eval, conditional=bool(getattr(g, "num_classes", None)),
                                                     device=device, progress=False))
           for kind, g in generators.items()}

# %% [markdown]
# Numbers need references. The **calibration points** are "generators" we understand, scored the same way at
# the same $n$: real training images (the **floor**: what a perfect generator gets at this $n$), the same
# images with Gaussian noise of σ = 0.1 on the [0, 1] scale, with a 3×3 blur, and one class only (T-shirts:
# perfect images, no variety).

# %%
calibration = calibration_points(n=n_eval, config=EvaluationConfig(device=device, progress=False))
rows = {**calibration, **results}
print(f"{'':38s} {'FID':>7s} {'KID':>8s} {'IS':>5s} {'prec.':>6s} {'recall':>6s} {'GAN-test':>8s} {'GAN-train':>9s}")
for name, r in rows.items():
    gan_test, gan_train = ("-" if v is None else f"{v:.3f}" for v in (r.gan_test_accuracy, r.gan_train_accuracy))
    print(f"{name:38s} {r.fid:7.2f} {r.kid_mean:8.4f} {r.is_mean:5.2f} {r.precision:6.3f} {r.recall:6.3f} "
          f"{gan_test:>8s} {gan_train:>9s}")
print(f"({n_eval} samples per row against {results['dcgan'].num_real} test images)")

# %%
fig, axes = plt.subplots(1, 3, figsize=(14, 3.2))
samples = {kind: sample(g, 40, seed=0) for kind, g in generators.items()}
for ax, (kind, images) in zip(axes, samples.items()):
    show_images(images, nrow=10, ax=ax, title=f"{kind}: FID {results[kind].fid:.1f}, "
                f"P {results[kind].precision:.2f} / R {results[kind].recall:.2f}")
plt.show()
floor, one_class = calibration["real train subset (floor)"].fid, list(calibration.values())[-1].fid
for kind, r in results.items():
    print(f"{kind:8s} FID is {r.fid / floor:6.1f} x the floor and {r.fid / one_class:5.2f} x one-class collapse")

# %% [markdown]
# How to read the table:
# - **Against the floor.** At this $n$ even real images do not reach 0; a model's FID counts only as the
#   distance above the floor. The noise and blur rows show how much a damage that every eye sees costs.
# - **Precision vs recall.** A model whose precision is near the floor's but whose recall is lower draws
#   realistic products but not all of them; the one-class row is the extreme case. Blur lowers recall more
#   than precision: blurred images still look like *some* product, but the fine variety is gone.
# - **IS** moves little: compare the floor with the blurred and noisy rows. It cannot tell whether the
#   variety *within* a class is right, so it cannot rank two decent models.
# - **Precision can be fooled**: a generator of grey smudges may land inside the big balls of atypical real
#   images and score a high precision with a recall of 0 (section 7 scores an untrained generator; check it there).
#   Read precision together with recall and the samples.
# - **GAN-test / GAN-train** exist only for the conditional model. `docs/models.md` lists their references.
#   Real images asked for by label give GAN-test 0.984 (n = 10,000), the ceiling with this extractor. The same
#   small classifier trained on real images instead of samples reaches GAN-train 0.863 at full size, and 0.810
#   with fast mode's 1000 images and 100 steps.
# - In fast mode any model that had to be trained here is a few dozen steps old, and its row says so.
#
# Per-class FID tells *which* products a model gets wrong (each class has about $n/10$ samples, so read
# them against the floor's own per-class values, not against the overall FID):

# %%
fig, ax = plt.subplots(figsize=(11, 3))
for name, r in [("floor", calibration["real train subset (floor)"]), *results.items()]:
    ax.plot(range(10), r.per_class_fid, "o-", label=f"{name} (by {r.per_class_by})")
ax.set_xticks(range(10), CLASS_NAMES, fontsize=7)
ax.set_yscale("log")
ax.set_ylabel("per-class FID")
ax.legend(fontsize=7)
plt.show()

# %% [markdown]
# ## 5. Explorer: pick a model and a metric
#
# The panel shows the value, what the metric measures and misses, where it falls among the calibration
# points (grey) and the other models, and the model's samples. It only displays numbers computed above.

# %%
explorer = metric_explorer(results, samples, calibration, model="dcgan", metric="fid")
display(explorer)
explorer.update()  # draw once; every later control change redraws

# %% [markdown]
# ## 6. How many samples? FID's bias, KID's noise
#
# Draw many samples once, then compute both metrics on random subsets of growing size $n$ (the same $n$ on
# the real side), a few repeats each. The floor is a second set of real images.

# %%
sizes = pick((100, 200, 500, 1000, 2000, 5000, 10_000), (50, 100, 200, 500, 1000))
n_max = sizes[-1]
dcgan_features, _ = extract(sample(generators["dcgan"], n_max, seed=1), extractor, progress=False)
train_images = data.train_images[torch.randperm(60_000, generator=torch.Generator().manual_seed(1))[:n_max]]
floor_features, _ = extract(to_float(train_images), extractor, progress=False)
curves = {name: metrics_vs_sample_size(f, test.features, sizes, repeats=pick(5, 3), kid_subsets=pick(50, 5))
          for name, f in (("dcgan", dcgan_features), ("real (floor)", floor_features))}
fig, axes = plt.subplots(1, 2, figsize=(12, 3.5))
for name, c in curves.items():
    axes[0].errorbar(c.sizes, c.fid_mean, yerr=c.fid_std, marker="o", capsize=3, label=name)
    axes[1].errorbar(c.sizes, c.kid_mean, yerr=c.kid_std, marker="o", capsize=3, label=name)
axes[0].set(xscale="log", yscale="log", xlabel="n (samples on each side)", title="FID: falls with n (bias)")
axes[1].set(xscale="log", xlabel="n (samples on each side)", title="KID: same mean at every n, less noise")
axes[1].axhline(0, color="grey", lw=0.8)
for ax in axes:
    ax.legend()
plt.tight_layout()
plt.show()
for name, c in curves.items():
    print(f"{name:13s} FID at n={c.sizes[0]}: {c.fid_mean[0]:7.2f}, at n={c.sizes[-1]}: {c.fid_mean[-1]:6.2f} | "
          f"KID at n={c.sizes[0]}: {c.kid_mean[0]:.4f} ± {c.kid_std[0]:.4f}, at n={c.sizes[-1]}: "
          f"{c.kid_mean[-1]:.4f} ± {c.kid_std[-1]:.4f}")

# %% [markdown]
# Real images against real images have a true FID near 0, yet at small $n$ the estimate is large: that is
# the bias. Read the floor's two FIDs in the printed lines, smallest $n$ against largest. `docs/models.md`
# measured the same floor at 1.66 for $n = 1000$ and 0.17 for $n = 10{,}000$. At the smallest sizes the bias
# alone can match a decent generator's FID at $n = 10{,}000$ (compare the table of section 4). Check that KID's
# mean stays within its spread of 0 at every $n$. Rules that
# follow: report $n$ with every FID; compare FIDs only at equal $n$ (the course uses 10,000, the size of the
# test split; many papers use 50,000); for small budgets prefer KID, whose mean does not move with $n$, and
# report its spread.
#
# ## 7. FID during training
#
# A short DCGAN run, scored every few steps on a fixed number of samples from the EMA generator (same $n$
# every time, so the bias is the same and the curve is comparable with itself). A fixed $z$ shows what changed.

# %%
recipe = RECIPES["dcgan"]
images, labels = training_data(fast_mode(), recipe.fast_images)
num_steps, every, n_track = pick(1500, 30), pick(250, 10), pick(2000, 200)
trainer = make_trainer("dcgan", recipe.model, recipe.train, images, labels, device, log_every=every)
z_fixed = latent_noise(10, recipe.model.latent_dim, seed=0)
track = []


def record(trainer):
    generator = trainer.ema.module
    result = evaluate_generator(functools.partial(sample, generator),
                                EvaluationConfig(n=n_track, device=device, progress=False, kid_subsets=pick(100, 20)))
    track.append((trainer.step, result, sample(generator, 10, z=z_fixed)))


record(trainer)  # step 0: the untrained generator
trainer.add_callback("on_log", record)
trainer.run(num_steps)
print(f"{trainer.step} steps on {len(images)} images; scored {len(track)} times on {n_track} samples")
for step, r, _ in track:
    print(f"step {step:5d}: FID {r.fid:7.2f}  KID {r.kid_mean:.4f}  precision {r.precision:.3f}  recall {r.recall:.3f}")

# %%
steps = [s for s, _, _ in track]
fig, axes = plt.subplots(1, 3, figsize=(14, 3))
axes[0].plot(steps, [r.fid for _, r, _ in track], "o-", color="tab:red")
axes[0].set(yscale="log", xlabel="step", title=f"FID (n={n_track})")
axes[1].errorbar(steps, [r.kid_mean for _, r, _ in track], yerr=[r.kid_std for _, r, _ in track], marker="o")
axes[1].set(xlabel="step", title="KID")
axes[2].plot(steps, [r.precision for _, r, _ in track], "o-", label="precision")
axes[2].plot(steps, [r.recall for _, r, _ in track], "o-", label="recall")
axes[2].set(xlabel="step", ylim=(-0.02, 1.02), title="precision / recall")
axes[2].legend()
plt.tight_layout()
plt.show()
show_images(torch.cat([x for _, _, x in track]), nrow=10, title="one row per scored step (fixed z)")
plt.show()

# %% [markdown]
# Look at step 0 in the printed lines. The untrained generator draws nearly the same smudge for every $z$. If
# its precision is high while its recall is near 0, the smudges have fallen inside the ball of some atypical
# real image. Precision alone would call that generator good; recall and FID do not. As training goes on, recall climbs while FID falls. Use a metric at fixed
# $n$ on held-out real images, not the losses, to choose a checkpoint or an EMA decay.
#
# ## 8. Memorisation: is a sample a copy of a training image?
#
# Every metric above would give a perfect score to a "generator" that returns training images: the floor
# row of section 4 *is* that generator. So look for copies directly: for each sample, the nearest training
# image, in pixel space and in feature space.

# %%
pool = pick(60_000, 10_000)  # training images to search (all of them at full size)
train_pool = to_float(data.train_images[:pool])
pool_features, _ = extract(train_pool, extractor, progress=False)
queries = sample(generators["dcgan"], 8, seed=5)
query_features, _ = extract(queries, extractor, progress=False)
d_pix, i_pix = nearest_neighbours(queries, train_pool)
d_feat, i_feat = nearest_neighbours(query_features, pool_features)
fig, axes = plt.subplots(3, 8, figsize=(11, 4.5))
for j in range(8):
    for row, (image, title) in enumerate(((queries[j], "sample"), (train_pool[i_pix[j]], f"pixels {d_pix[j]:.1f}"),
                                          (train_pool[i_feat[j]], f"features {d_feat[j]:.1f}"))):
        axes[row, j].imshow(image[0], cmap="gray", vmin=-1, vmax=1)
        axes[row, j].set_title(title, fontsize=8)
        axes[row, j].set_axis_off()
fig.suptitle("dcgan samples (top) and their nearest training images: in pixels (middle), in features (bottom)")
plt.show()

# %% [markdown]
# Eight pictures are anecdotes. The quantitative check compares the distance to the nearest training image
# for many samples with the same distance for **test** images, which are certainly not copies. If the
# samples sat much closer to the training set than test images do, the generator would be recalling, not
# generating. We count samples closer than the closest 1 % of test images.

# %%
n_mem = pick(1000, 200)
generated = sample(generators["dcgan"], n_mem, seed=6)
held_out = to_float(data.test_images[:n_mem])
d_generated, _ = nearest_neighbours(generated, train_pool)
d_test, _ = nearest_neighbours(held_out, train_pool)
threshold = d_test.quantile(0.01).item()
fig, ax = plt.subplots(figsize=(8, 3))
ax.hist(d_test.numpy(), bins=40, alpha=0.6, label="test image -> nearest training image")
ax.hist(d_generated.numpy(), bins=40, alpha=0.6, label="dcgan sample -> nearest training image")
ax.axvline(threshold, color="black", linestyle="--", label="1 % of test images are closer")
ax.set_xlabel(f"pixel distance (images in [-1, 1], {pool} training images searched)")
ax.legend(fontsize=8)
plt.show()
print(f"median distance: test {d_test.median():.2f}, samples {d_generated.median():.2f}; samples closer than the "
      f"1 % test threshold: {(d_generated < threshold).float().mean():.1%} (1 % means no sign of copying)")

# %% [markdown]
# Pixel distance finds near-duplicates; feature distance finds "the same product" even when shifted or
# re-shaded, but also calls two different white sneakers close. Use both, and look at the closest pairs.
# The fewer the training images per parameter of the generator, the more likely copying becomes: with a few
# hundred training images (fast mode, or a small catalog) it is the first thing to check.
#
# ## 9. Exercise: FID from two feature matrices
#
# Write `fid_exercise(features_1, features_2)`: both are float64 tensors $(N_1, D)$ and $(N_2, D)$; return
# $\|\mu_1 - \mu_2\|^2 + \operatorname{Tr}(\Sigma_1 + \Sigma_2 - 2(\Sigma_1\Sigma_2)^{1/2})$ as a float, with
# sample covariances ($N - 1$ in the denominator) and `scipy.linalg.sqrtm` for the matrix square root.
# The check compares with torch-fidelity on four inputs and recognises the usual mistakes.

# %% tags=["exercise"]
def fid_exercise(features_1, features_2):
    """FID of two feature matrices (N1, D), (N2, D) as a float."""
    # The formula above, term by term. Mind which axis holds the samples, and that sqrtm may return a
    # complex matrix with a tiny imaginary part.
    ...


# %% [markdown] tags=["solution"]
# **Solution**

# %% tags=["solution"]
def fid_exercise(features_1, features_2):
    """FID of two feature matrices (N1, D), (N2, D) as a float."""
    f1, f2 = features_1.double().numpy(), features_2.double().numpy()
    mu1, mu2 = f1.mean(axis=0), f2.mean(axis=0)
    sigma1, sigma2 = np.cov(f1, rowvar=False), np.cov(f2, rowvar=False)
    covmean = scipy.linalg.sqrtm(sigma1 @ sigma2).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(sigma1 + sigma2 - 2 * covmean))


# %%
result = check_fid(fid_exercise)
fid_exercise = yours_or_reference(fid_exercise, result, reference_fid)
result

# %% [markdown]
# On the real thing: the dcgan features of section 6 against the test split, by hand, with the library and
# with torch-fidelity's own statistics and formula (which `evaluate_generator` uses).

# %%
stats = [fid_features_to_statistics(f) for f in (dcgan_features, test.features)]
print(f"by hand        {fid_exercise(dcgan_features, test.features):.6f}")
print(f"course_lib     {fid_from_features(dcgan_features, test.features):.6f}")
print(f"torch-fidelity {fid_statistics_to_metric(*stats, verbose=False)[KEY_METRIC_FID]:.6f}")

# %% [markdown]
# ## 10. Exercise: KID's unbiased MMD²
#
# Write `mmd2_unbiased(x, y)` for $x, y$ of shape $(m, d)$: the estimate of section 2 with the kernel
# $k(a, b) = (a^\top b / d + 1)^3$. Leave out the diagonals $i = j$ of the two within-set sums, keep every
# pair of the cross sum. One KID subset computes exactly this.

# %% tags=["exercise"]
def mmd2_unbiased(x, y):
    """Unbiased MMD² of x (m, d) and y (m, d) with the cubic polynomial kernel, as a float."""
    # Section 2's estimate: three kernel matrices; which entries does the unbiased estimate leave out?
    ...


# %% [markdown] tags=["solution"]
# **Solution**

# %% tags=["solution"]
def mmd2_unbiased(x, y):
    """Unbiased MMD² of x (m, d) and y (m, d) with the cubic polynomial kernel, as a float."""
    m, d = x.shape
    k_xx, k_yy, k_xy = ((a @ b.T / d + 1) ** 3 for a, b in ((x, x), (y, y), (x, y)))
    within = (k_xx.sum() - k_xx.diagonal().sum() + k_yy.sum() - k_yy.diagonal().sum()) / (m * (m - 1))
    return float(within - 2 * k_xy.sum() / m**2)


# %%
result = check_kid_mmd(mmd2_unbiased)
mmd2_unbiased = yours_or_reference(mmd2_unbiased, result, reference_mmd)
result

# %%
m = 500  # one subset: torch-fidelity with a single subset of all m samples computes the same estimate
x, y = dcgan_features[:m].double(), test.features[:m].double()
mine = mmd2_unbiased(x, y)
theirs = kid_features_to_metric(x, y, kid_subsets=1, kid_subset_size=m, verbose=False)[KEY_METRIC_KID_MEAN]
print(f"by hand {mine:.8f}   torch-fidelity {theirs:.8f}")

# %% [markdown]
# ## 10b. Exercise: predict, then run: FID of real against real
#
# Two disjoint sets of real test images come from the same distribution, so their true FID is 0. Is the
# *measured* FID larger with 500 images on each side or with 5000 (`"500"` or `"5000"`)? Guess, then run:
# the check computes both in the course features (section 6 explains the result).

# %% tags=["exercise"]
prediction = ...  # "500" or "5000"

# %% tags=["solution"]
prediction = "500"  # the covariance estimate's error adds a positive bias that shrinks as n grows

# %%
check_bias_prediction(prediction)

# %% [markdown]
# ## 11. What goes wrong in practice
#
# - **FIDs at different $n$**, or one model at 2,000 samples against a paper's 50,000: the bias of section 6
#   decides the comparison. Fix $n$ and say it.
# - **Different feature extractors**: a course-classifier FID and an Inception FID are different quantities.
#   So are FIDs against the training split and against the test split; `evaluate_generator` always uses the test split.
# - **Pixel ranges**: the extractor expects $[-1, 1]$ with a black background of $-1$. Images in $[0, 1]$
#   look like grey-background products and score badly; `evaluate_generator` warns when every pixel is $\ge 0$.
# - **Precision/recall with swapped arguments**: section 3 shows what it does. In `course_lib` the
#   generated set always comes first.
# - **Trusting IS alone**: it ignores the real data and saturates (section 4).
# - **Per-class numbers from a few samples**: 1,000 samples give 100 per class; per-class FID at that size
#   is dominated by its bias. Compare classes with the floor's per-class values.
# - **Good metrics, copied data**: a memorising generator scores like the floor. Run the check of section 8
#   whenever the training set is small.
# - **Choosing checkpoints on the test split, then reporting the test score**: the score is then optimistic;
#   with many candidate checkpoints keep a validation split apart.
#
# **Summary.** FID compares Gaussian fits of features and is biased at small $n$; KID compares whole feature
# sets without bias but with noise; IS only asks the classifier and misses variety within a class;
# precision and recall split fidelity from coverage with $k$-NN balls; GAN-test and GAN-train check that a
# conditional generator follows its labels. All of them are read against calibration points computed the
# same way, on the same extractor, at the same $n$, and none of them notices copying: look for that directly.

# %% [markdown]
# ## Further reading
#
# Papers used in this lesson:
# - M. Heusel, H. Ramsauer, T. Unterthiner, B. Nessler, S. Hochreiter, *GANs Trained by a Two Time-Scale Update
#   Rule Converge to a Local Nash Equilibrium* (FID), NeurIPS 2017. [arXiv:1706.08500](https://arxiv.org/abs/1706.08500)
# - M. Bińkowski, D. J. Sutherland, M. Arbel, A. Gretton, *Demystifying MMD GANs* (KID), ICLR 2018.
#   [arXiv:1801.01401](https://arxiv.org/abs/1801.01401)
# - T. Salimans et al., *Improved Techniques for Training GANs* (Inception Score), NeurIPS 2016.
#   [arXiv:1606.03498](https://arxiv.org/abs/1606.03498)
# - T. Kynkäänniemi, T. Karras, S. Laine, J. Lehtinen, T. Aila, *Improved Precision and Recall Metric for
#   Assessing Generative Models*, NeurIPS 2019. [arXiv:1904.06991](https://arxiv.org/abs/1904.06991)
# - K. Shmelkov, C. Schmid, K. Alahari, *How good is my GAN?* (GAN-test, GAN-train), ECCV 2018.
#   [arXiv:1807.09499](https://arxiv.org/abs/1807.09499)
# - M. J. Chong, D. Forsyth, *Effectively Unbiased FID and Inception Score and where to find them*, CVPR 2020.
#   [arXiv:1911.07023](https://arxiv.org/abs/1911.07023)
# - M. F. Naeem, S. J. Oh, Y. Uh, Y. Choi, J. Yoo, *Reliable Fidelity and Diversity Metrics for Generative Models*
#   (density and coverage), ICML 2020. [arXiv:2002.09797](https://arxiv.org/abs/2002.09797)
#
# Tutorials and code:
# - torch-fidelity's documentation (the FID, KID and IS this lesson checks against):
#   <https://torch-fidelity.readthedocs.io/>
# - G. Parmar, R. Zhang, J.-Y. Zhu, *On Aliased Resizing and Surprising Subtleties in GAN Evaluation* (clean-fid),
#   CVPR 2022, with its code: [arXiv:2104.11222](https://arxiv.org/abs/2104.11222),
#   <https://github.com/GaParmar/clean-fid>
