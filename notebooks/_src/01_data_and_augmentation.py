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
# # Lesson 01 · The catalog and its augmentations
#
# A GAN learns a distribution from examples. Before training one we look hard at the examples, a
# catalog of 70 000 product photos in 10 categories, and at the augmentations that stretch a small
# catalog further without teaching the generator to draw the augmentations themselves.
#
# **Learning goals**
# 1. Describe Fashion-MNIST as a product catalog: categories (English and Chinese names), class balance,
#    the mean product per class, pixel statistics and how much of each photo is background.
# 2. Explain why a discriminator trained on few images memorizes them, and measure it.
# 3. Explain why augmenting only the real images *leaks* into the generator, and measure which
#    augmentations a discriminator can detect.
# 4. Use classic `torchvision.transforms.v2` pipelines (per image, not per batch) and DiffAugment
#    (Zhao et al. 2020), which augments real and fake alike and keeps gradients.
# 5. Write three augmentation pieces yourself: scaling to $[-1, 1]$, translation, cutout.
#
# In JupyterLab the lesson runs at full size; in CI (`COURSE_FAST=1`) every experiment is shrunk with
# `pick(full, fast)`, so the numbers printed there are noisier.

# %%
import inspect
import time

import matplotlib.pyplot as plt
import torch
from IPython.display import HTML, display
from torchvision.transforms import v2

from course_lib.categories import CLASS_NAMES, CLASS_NAMES_ZH, NUM_CLASSES
from course_lib.data import load_fashion_mnist, to_float
from course_lib.data.augment import ClassicAugment, ClassicConfig, DiffAugment, classic_pipeline
from course_lib.exercises.lesson01 import check_cutout, check_leak_prediction, check_to_signed, check_translate
from course_lib.metrics.leak_probe import fit_probe
from course_lib.plots import show_images
from course_lib.runtime import configure_cpu_threads, fast_mode, pick
from course_lib.widgets.augment_explorer import augmentation_explorer

configure_cpu_threads()
torch.manual_seed(0)
data = load_fashion_mnist()
images, labels = data.split("train")  # (60000, 28, 28) uint8, (60000,) int64
print(f"fast mode: {fast_mode()}; data from {data.source} ({data.folder})")
print(f"train {tuple(images.shape)} {images.dtype}, test {tuple(data.test_images.shape)}")

# %% [markdown]
# ## 1. The dataset as a product catalog
#
# Ten categories, eight products each (the first eight of each class in the training split):

# %%
fig, axes = plt.subplots(NUM_CLASSES, 1, figsize=(7.5, 9.5))
for k, ax in enumerate(axes):
    show_images(to_float(images[labels == k][:8]), nrow=8, ax=ax)
    ax.text(-4, 16, f"{k} {CLASS_NAMES[k]}", ha="right", va="center", fontsize=10)
plt.tight_layout()
plt.show()

# %% [markdown]
# Matplotlib's default font has no Chinese glyphs, so the bilingual names live in a table (the browser
# draws them). The counts come from the labels:

# %%
train_counts = torch.bincount(labels, minlength=NUM_CLASSES)
test_counts = torch.bincount(data.test_labels, minlength=NUM_CLASSES)
rows = "".join(f"<tr><td>{k}</td><td>{en}</td><td>{zh}</td><td>{n}</td><td>{m}</td></tr>" for k, (en, zh, n, m)
               in enumerate(zip(CLASS_NAMES, CLASS_NAMES_ZH, train_counts.tolist(), test_counts.tolist())))
display(HTML("<table><tr><th>label</th><th>English</th><th>中文</th><th>train</th><th>test</th></tr>"
             f"{rows}</table>"))

# %%
fig, ax = plt.subplots(figsize=(8, 2.6))
ax.bar(torch.arange(NUM_CLASSES) - 0.2, train_counts, width=0.4, label="train")
ax.bar(torch.arange(NUM_CLASSES) + 0.2, test_counts, width=0.4, label="test")
ax.set_xticks(range(NUM_CLASSES), CLASS_NAMES, rotation=30, ha="right")
ax.set_ylabel("images")
ax.set_title("class balance")
ax.legend()
plt.show()

# %% [markdown]
# Every class has the same number of images, so a generator that drops a category cannot hide behind
# class imbalance: missing classes (mode collapse) will show up directly in later lessons' metrics.
#
# **The mean product.** Averaging all images of a class gives its silhouette; the blur shows how much
# shapes vary inside the class. The spread is measured below as the per-pixel standard deviation
# (on $[0, 255]$) averaged over the image:

# %%
class_means = torch.stack([images[labels == k].float().mean(0) for k in range(NUM_CLASSES)])  # (10, 28, 28)
class_spread = [images[labels == k].float().std(0).mean().item() for k in range(NUM_CLASSES)]
show_images(class_means.unsqueeze(1) / 127.5 - 1, nrow=NUM_CLASSES, title="mean image per class")
plt.show()
print("spread per class:", ", ".join(f"{name} {s:.0f}" for name, s in zip(CLASS_NAMES, class_spread)))

# %% [markdown]
# **Pixel statistics.** Images are stored as uint8 in $[0, 255]$ with a black background (0). Models see
# $x = v / 127.5 - 1 \in [-1, 1]$, so the background is exactly $-1$: every "empty" pixel an augmentation
# creates must also be $-1$. The histogram counts all $60000 \times 784$ pixels (log scale):

# %%
hist = torch.bincount(images.flatten(), minlength=256).double()  # (256,) exact pixel counts
values = torch.arange(256, dtype=torch.float64)
mean = (hist * values).sum() / hist.sum()
std = ((hist * (values - mean) ** 2).sum() / hist.sum()).sqrt()
background = (images == 0).flatten(1).double().mean(1)  # (60000,) share of exact-zero pixels per image
print(f"pixel mean {mean:.2f}, std {std:.2f} on [0, 255]  ->  mean {mean / 127.5 - 1:.4f}, "
      f"std {std / 127.5:.4f} on [-1, 1]")
print(f"background (pixel == 0): {hist[0] / hist.sum():.1%} of all pixels; pixels == 255: {hist[255] / hist.sum():.2%}")
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 2.8))
ax0.bar(values, hist, width=1.0)
ax0.set_yscale("log")
ax0.set_xlabel("pixel value (uint8)")
ax0.set_title("pixel histogram")
per_class = [background[labels == k].mean().item() for k in range(NUM_CLASSES)]
ax1.bar(range(NUM_CLASSES), per_class)
ax1.set_xticks(range(NUM_CLASSES), CLASS_NAMES, rotation=30, ha="right")
ax1.set_title("share of background pixels per image, class mean")
plt.show()

# %% [markdown]
# ## 2. Why augmentation matters for GANs: the discriminator memorizes
#
# The discriminator $D$ (logits) is trained to score real images high and fakes low, for example with the
# non-saturating loss $L_D = \mathbb{E}_x[\operatorname{softplus}(-D(x))] + \mathbb{E}_z[\operatorname{softplus}(D(G(z)))]$.
# As the generator improves, the fakes come close to the real images, and the easiest way left for $D$ to
# separate them is to **memorize the training images**. With a small catalog that is quick. Karras et
# al. (2020, "Training Generative Adversarial Networks with Limited Data", ADA) show this overfitting:
# $D$'s outputs on held-out real images drift away from those on its training reals toward those on
# fakes, and training diverges; the smaller the dataset, the sooner.
#
# We can measure memorization without a GAN. Give a tiny discriminator-like CNN (`probe_network`) a
# *perfect* generator: its "fakes" are other real images. Nothing but memory separates the two sets,
# so **train accuracy above 0.5 is memorization** and held-out accuracy stays at chance. Then do the
# same with DiffAugment applied to both sides, as in a D step (section 5):

# %%
probe_steps = pick(600, 150)
held_out = to_float(data.test_images[:2000])  # real vs real again, never trained on
rows = []
for n in (250, 2000):
    chosen = to_float(images[: 2 * n])
    for name, augment in (("none", None), ("DiffAugment", DiffAugment(seed=0))):
        train_acc, test_acc = fit_probe(chosen[:n], chosen[n:], held_out[:1000], held_out[1000:],
                                        augment=augment, num_steps=probe_steps, seed=0)
        rows.append((n, name, train_acc, test_acc))
print(f"{probe_steps} steps of batch 64+64")
print("images per side | augmentation | train accuracy (memory) | held-out accuracy")
for n, name, train_acc, test_acc in rows:
    print(f"{n:15d} | {name:12s} | {train_acc:23.3f} | {test_acc:.3f}")

# %% [markdown]
# Read the table: with few images per side, train accuracy climbs far above 0.5 while held-out accuracy
# stays at chance: that is pure memorization. More images, or augmentations that make every step look
# new, slow it down. In a GAN this memorization is what ADA's overfitting heuristic detects.
#
# ## 3. How augmentation leaks when only the real images are augmented
#
# The obvious fix, "augment the training set", fails for GANs. If $D$ sees augmented reals $T(x)$ but
# clean fakes, the game is won by a generator whose images *look augmented*: at the optimum
# $p_G = T_\# p_{\text{data}}$ (the distribution of augmented reals), so it draws rotated, shifted or
# erased products. The augmentation *leaks*.
#
# A leak is possible only if $D$ can tell augmented images from clean ones. The probe measures that
# directly: positives are augmented reals, negatives clean reals (different images), accuracy on held-out
# images. 0.5 means invisible; anything above means a discriminator would reward the generator for
# copying it.

# %%
n_detect, detect_steps = pick(3000, 800), pick(600, 100)
clean = to_float(images[: 4 * n_detect])
candidates = {
    "flip (p=1)": ClassicAugment(ClassicConfig(flip=1.0), seed=1),
    "rotate ±15°": ClassicAugment(ClassicConfig(rotate=15), seed=1),
    "shift ±10%": ClassicAugment(ClassicConfig(translate=0.1), seed=1),
    "erase (p=1)": ClassicAugment(ClassicConfig(erase=1.0), seed=1),
    "DiffAugment color": DiffAugment("color", seed=1),
    "DiffAugment cutout": DiffAugment("cutout", seed=1),
}
a, b, c, d = clean.split(n_detect)
start = time.perf_counter()
for name, augment in candidates.items():
    _, acc = fit_probe(augment(a), b, augment(c), d, num_steps=detect_steps, seed=0)
    print(f"{name:20s} held-out accuracy telling augmented from clean: {acc:.3f}")
print(f"({len(candidates)} probes of {detect_steps} steps, {n_detect} images per set, "
      f"{time.perf_counter() - start:.1f} s)")

# %% [markdown]
# Read the printed accuracies: every one clearly above 0.5 is a fingerprint a discriminator can reward,
# and look at the horizontal flip's line in particular (section 8 shows why it is not harmless here). So
# **never augment only the reals** for a GAN. Two ways out:
#
# - **ADA** (Karras et al. 2020): augment everything $D$ sees, and apply each augmentation only with a
#   probability $p < 1$. Their condition: an augmentation is *non-leaking* when the map
#   $p \mapsto T_\# p$ on distributions is invertible, so $T_\# p_G = T_\# p_{\text{data}}$ forces
#   $p_G = p_{\text{data}}$. Rotating by a uniformly random multiple of 90° fails it (every orientation
#   looks alike afterwards); the same rotation applied with probability $p<1$ keeps the upright
#   images more common, and passes. In practice the margin is finite: with their augmentations, leaks
#   were unlikely in practice as long as $p$ stayed below about 0.8 (Karras et al. 2020). ADA tunes $p$
#   during training from an overfitting signal of $D$ instead of fixing it high.
# - **DiffAugment** (Zhao et al. 2020): apply the same *differentiable* $T$ to real and fake images in
#   both the D step and the G step:
#   $$L_D = \mathbb{E}_x[\operatorname{softplus}(-D(T(x)))] + \mathbb{E}_z[\operatorname{softplus}(D(T(G(z))))],\qquad
#   L_G = \mathbb{E}_z[\operatorname{softplus}(-D(T(G(z))))].$$
#   The fingerprint of $T$ is now on both sides, so it says nothing about real versus fake; and because
#   $T$ is differentiable, the generator still gets gradients through it.
#
# ## 4. Classic pipelines with `torchvision.transforms.v2`
#
# `ClassicConfig` holds one strength per transform (0 = off); `classic_pipeline` builds the v2 pipeline
# from the active ones, and `ClassicAugment` runs it. Note the fills, the interpolation, and the shift
# by +1 (section 8 shows why):

# %%
print(inspect.getsource(classic_pipeline))
print(inspect.getsource(ClassicAugment.__call__))

# %% [markdown]
# A v2 transform given a batch tensor $(N, 1, H, W)$ draws **one** parameter set for the whole batch.
# Six copies of one sneaker, rotated batch-wise and per image:

# %%
sneaker = to_float(images[labels == 7][:1]).repeat(6, 1, 1, 1)  # (6, 1, 28, 28)
cfg = ClassicConfig(rotate=30, erase=0.5)
fig, axes = plt.subplots(1, 2, figsize=(11, 1.8))
show_images(ClassicAugment(cfg, per_sample=False, seed=0)(sneaker), nrow=6, ax=axes[0],
            title="batch-wise: one draw for all")
show_images(ClassicAugment(cfg, per_sample=True, seed=0)(sneaker), nrow=6, ax=axes[1],
            title="per_sample=True: one draw per image")
plt.show()

# %% [markdown]
# `ClassicAugment(per_sample=True)` gets per-image randomness the simple way: a Python loop that calls
# the pipeline once per image. That costs time; measured here on this machine (a batch of 64, the full
# pipeline, mean of several calls):

# %%
batch = to_float(images[:64])
full_cfg = ClassicConfig(flip=0.5, rotate=15, translate=0.1, scale=0.1, crop=0.2, erase=0.5)
repeats = pick(20, 5)
for per_sample in (False, True):
    augment = ClassicAugment(full_cfg, per_sample=per_sample, seed=0)
    augment(batch)  # warm-up
    start = time.perf_counter()
    for _ in range(repeats):
        augment(batch)
    ms = (time.perf_counter() - start) / repeats * 1000
    print(f"per_sample={per_sample!s:5s}: {ms:6.1f} ms per batch of 64")
augment = DiffAugment(seed=0)
start = time.perf_counter()
for _ in range(repeats):
    augment(batch)
print(f"DiffAugment (vectorized, per image): {(time.perf_counter() - start) / repeats * 1000:6.1f} ms per batch of 64")

# %% [markdown]
# Compare the two lines: the loop pays the pipeline's fixed overhead once per image instead of once per
# batch. For scale, a whole training step of lesson 02's default DCGAN at batch 64 (D step, G step and
# EMA update) ran at 1,014 images/s on one thread of an idle 2-core machine, about 63 ms per step
# (`docs/performance.md`), so per-image v2 augmentation is not free on a CPU. DiffAugment draws per-image parameters as tensors and applies them in one
# vectorized pass, with no loop at all.
#
# ## 5. DiffAugment
#
# Three operations, each with per-image random parameters and a strength $s \in [0, 1]$ ($s = 1$ is the
# paper's setting, $s = 0$ the identity). For an image $x \in \mathbb{R}^{C \times H \times W}$:
#
# - **color**: brightness $x + b$, $b \sim U(-\tfrac{s}{2}, \tfrac{s}{2})$; saturation
#   $(x - \bar x_c)\,\sigma + \bar x_c$ with the per-pixel channel mean $\bar x_c$ and
#   $\sigma \sim U(1-s, 1+s)$: **a no-op for our single channel**, since then $\bar x_c = x$; contrast
#   $(x - \bar x)\,\gamma + \bar x$ with the image mean $\bar x$ and $\gamma \sim U(1-\tfrac{s}{2}, 1+\tfrac{s}{2})$.
# - **translation**: a whole-pixel shift by up to $\operatorname{round}(s \cdot H / 8)$ pixels in each
#   direction, uncovered pixels set to the background $-1$.
# - **cutout**: one square of side $\operatorname{round}(s \cdot H / 2)$ at a random centre set to $-1$.
#
# The paper's code pads the translation with 0 and fills the cutout with 0 too; on our $[-1, 1]$ scale
# 0 is mid-grey, a patch no catalog photo has, so both fills here are the background $-1$.
#
# All are differentiable in $x$. The real source:

# %%
print(inspect.getsource(DiffAugment.color))
print(inspect.getsource(DiffAugment.translation))
print(inspect.getsource(DiffAugment.cutout))

# %%
products = to_float(images[:8])
diff = DiffAugment("color,translation,cutout", strength=1.0, seed=0)
fig, axes = plt.subplots(4, 1, figsize=(7, 4.4))
show_images(products, nrow=8, ax=axes[0], title="clean")
for i, ax in enumerate(axes[1:]):
    show_images(diff(products), nrow=8, ax=ax, title=f"DiffAugment, call {i + 1} (new draw per call)")
plt.tight_layout()
plt.show()

# %% [markdown]
# Three checks on the claims above: gradients reach the input, strength 0 is exactly the identity, and the
# saturation term vanishes for one channel. In a training loop the object is used like this; the course's
# `Trainer` does exactly this when its `TrainConfig(augment="color,translation,cutout")` names a policy.
# The default recipes of lessons 02–04 train on the full catalog and leave it off. Lesson 08 (fine-tuning on a
# few photos) measures it: with translation and cutout at strength 1 on these 28-pixel images, DiffAugment made
# the validation FID worse in every cell of its 3-seed table at a 600-step budget; at a quarter of that strength
# (shifts of up to 1 pixel, a 4-pixel cutout) it was the best setting measured with ten photos, and still a cost
# with a hundred (`docs/models.md`).
#
# ```python
# augment = DiffAugment("color,translation,cutout", strength=1.0, seed=0)
# d_loss = d_loss_fn(discriminator(augment(real)), discriminator(augment(fake.detach())))   # D step
# g_loss = g_loss_fn(discriminator(augment(fake)))                                          # G step
# ```

# %%
x = products.clone().requires_grad_(True)
DiffAugment(seed=0)(x).square().sum().backward()
print(f"gradient reaches the input: {x.grad.abs().sum().item():.1f} (non-zero share {(x.grad != 0).float().mean():.2f})")
print("strength 0 is the identity:", torch.equal(DiffAugment(strength=0.0)(products), products))
print("x - channel mean for 1 channel, largest |value|:", (products - products.mean(1, keepdim=True)).abs().max().item())
y = DiffAugment("color", seed=0)(products)
print(f"color output range [{y.min():.2f}, {y.max():.2f}]: brightness leaves [-1, 1], for real and fake alike")

# %% [markdown]
# The color output leaves $[-1, 1]$. That is fine (real and fake are shifted the same way) and we do
# not clamp: clamping would zero the gradient of every clamped pixel.
#
# ## 6. Explorer
#
# Pick a product class (English · 中文) and move the strengths; the lower grid is
# `DiffAugment(ClassicAugment(upper))` with those strengths and the chosen seed. All sliders at 0 leave
# the images unchanged.

# %%
explorer = augmentation_explorer(images, labels, per_class=8, initial={"rotate": 15.0, "translation": 0.5})
display(explorer)
explorer.update()  # draw once; every later control change redraws by itself

# %% [markdown]
# ## 7. Exercises
#
# ### Exercise 1: from uint8 to $[-1, 1]$
#
# Map stored images $v \in \{0, \dots, 255\}$ of shape $(N, 28, 28)$ to $x = v / 127.5 - 1$ of shape
# $(N, 1, 28, 28)$, float32. Check: $0 \mapsto -1$ (background) and $255 \mapsto 1$.

# %% tags=["exercise"]
def to_signed(images):
    """uint8 (N, 28, 28) in [0, 255] -> float32 (N, 1, 28, 28) in [-1, 1]."""
    # Which dtype can hold -0.5? Which two numbers map 0 to -1 and 255 to 1? Where does the channel go?
    ...


# %% [markdown] tags=["solution"]
# **Solution**

# %% tags=["solution"]
def to_signed(images):
    """uint8 (N, 28, 28) in [0, 255] -> float32 (N, 1, 28, 28) in [-1, 1]."""
    return images.float().div(127.5).sub(1.0).unsqueeze(1)


# %%
check_to_signed(to_signed)

# %% [markdown]
# ### Exercise 2: translation with background fill
#
# Shift every image of a batch $(N, C, H, W)$ by whole pixels: the content moves `dx` pixels right and
# `dy` pixels down (negative values: left, up). Output pixel $(i, j)$ shows input pixel
# $(i - dy, j - dx)$ when that lies inside the image, and the background $-1$ otherwise.

# %% tags=["exercise"]
def translate(x, dx, dy):
    """(N, C, H, W) in [-1, 1] -> same shape, content shifted dx right and dy down, filled with -1."""
    # Start from background and copy the block of the input that is still inside the image after the shift.
    # Work out its rows and columns for positive and negative shifts (and shifts larger than the image)
    # on paper first; Python slices with a negative or zero end need care.
    ...


# %% [markdown] tags=["solution"]
# **Solution**

# %% tags=["solution"]
def translate(x, dx, dy):
    """(N, C, H, W) in [-1, 1] -> same shape, content shifted dx right and dy down, filled with -1."""
    out = torch.full_like(x, -1.0)
    h, w = x.shape[-2:]
    if abs(dx) >= w or abs(dy) >= h:
        return out
    out[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        x[..., max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out


# %%
check_translate(translate)

# %% [markdown]
# ### Exercise 3: cutout
#
# Set the `size` $\times$ `size` square with top-left corner (`top`, `left`) to the background $-1$ in
# every image. The square may stick out of the image (even start at a negative row); only its part
# inside the image changes. Do not modify the input in place.

# %% tags=["exercise"]
def cutout(x, top, left, size):
    """(N, C, H, W) -> a copy with rows top..top+size-1, columns left..left+size-1 set to -1."""
    # The caller's tensor must not change. What happens to a square that starts above or left of the image?
    ...


# %% [markdown] tags=["solution"]
# **Solution**

# %% tags=["solution"]
def cutout(x, top, left, size):
    """(N, C, H, W) -> a copy with rows top..top+size-1, columns left..left+size-1 set to -1."""
    out = x.clone()
    out[..., max(top, 0):max(top + size, 0), max(left, 0):max(left + size, 0)] = -1.0
    return out


# %%
check_cutout(cutout)

# %% [markdown]
# ### Exercise 4: predict, then run: does the augmentation leak?
#
# A discriminator is shown real images shifted by DiffAugment's `translation` (up to 1/8 of the image) and fakes
# that are never shifted. Before you run anything: could a small CNN tell the shifted real images from clean
# ones better than chance? Write `"yes"` or `"no"`, then run the check, which trains such a probe on 200 images
# of each and tests it on 200 others.

# %% tags=["exercise"]
prediction = ...  # "yes" or "no"

# %% tags=["solution"]
prediction = "yes"  # translation moves the product off-centre, and no clean catalog photo looks like that

# %%
check_leak_prediction(prediction)

# %% [markdown]
# ## 8. What goes wrong in practice
#
# **Grey corners from the default fill.** v2's `RandomAffine` fills with 0, which is mid-grey on the
# $[-1, 1]$ scale, and no product photo in the catalog has grey corners: a fingerprint for $D$.
#
# A subtler one: with bilinear interpolation, v2's affine pads with 0 *inside* `grid_sample` and then
# blends the fill in with an interpolated mask, so `fill=-1` leaves a faint outline along the old image
# border. `ClassicAugment` avoids both by running the pipeline on $x + 1$, whose background is 0.

# %%
boot = to_float(images[labels == 9][:4])  # (4, 1, 28, 28)
rotate = {"v2, fill=0 (default)": lambda x: v2.RandomAffine((30, 30), interpolation=v2.InterpolationMode.BILINEAR)(x),
          "v2, fill=-1": lambda x: v2.RandomAffine((30, 30), interpolation=v2.InterpolationMode.BILINEAR, fill=-1.0)(x),
          "ClassicAugment": ClassicAugment(ClassicConfig(rotate=30), per_sample=False, seed=0)}
blank = torch.full((1, 1, 28, 28), -1.0)  # an empty photo: any change is an artifact
fig, axes = plt.subplots(1, 3, figsize=(12, 1.8))
for ax, (name, fn) in zip(axes, rotate.items()):
    show_images(fn(boot), nrow=4, ax=ax, title=name)
    print(f"{name:20s} empty photo after rotation: {(fn(blank) > -0.999).sum().item():3d} of 784 pixels "
          f"not background, brightest {fn(blank).max().item():+.3f}")
plt.show()

# %% [markdown]
# **A "harmless" flip leaks for footwear.** Horizontal flips feel safe for clothes, but the probe shows
# how easily a discriminator spots them, class group by class group:

# %%
flip = ClassicAugment(ClassicConfig(flip=1.0), seed=0)
n_group = pick(1000, 500)
for group in ((5, 7, 9), (0, 2, 4, 6)):
    members = to_float(images[torch.isin(labels, torch.tensor(group))][: 4 * n_group])
    a, b, c, d = members.split(n_group)
    _, acc = fit_probe(flip(a), b, flip(c), d, num_steps=detect_steps, seed=0)
    print(f"{', '.join(CLASS_NAMES[k] for k in group):35s} flipped vs clean, held-out accuracy {acc:.3f}")

# %% [markdown]
# Footwear in this catalog is photographed facing one way, so a flipped shoe is a new kind of image;
# the class means in section 1 show it too.
#
# **Bicubic interpolation overshoots.** Bicubic weights can be negative, so a zoomed crop leaves
# $[-1, 1]$ next to sharp edges; bilinear (used in `classic_pipeline`) is a convex combination and cannot:

# %%
for mode in (v2.InterpolationMode.BILINEAR, v2.InterpolationMode.BICUBIC):
    torch.manual_seed(0)
    out = v2.RandomResizedCrop(28, scale=(0.5, 0.5), interpolation=mode)(to_float(images[:256]))
    print(f"{mode.value:8s} output range [{out.min():.3f}, {out.max():.3f}]")

# %% [markdown]
# **More pitfalls**
# - *Augmenting only the reals* leaks (section 3): use DiffAugment on both, or ADA's $p < 1$.
# - *Forgetting the G step*: Zhao et al. apply $T$ in the generator's loss too; otherwise $G$ is trained
#   against a $D$ that only ever judged augmented images.
# - *One draw per batch*: v2 on a batch tensor rotates every image by the same angle (section 4).
# - *Clamping after color*: kills the gradients of clamped pixels; leave the range alone.
# - *Too strong*: cutout at strength 1 blanks a 14×14 square, a quarter of a 28×28 product; on tiny
#   images that can remove the whole item. Watch samples and the discriminator, and lower the strength.
# - *Seeds*: v2 draws from torch's global generator; `ClassicAugment` and `DiffAugment` keep their own
#   `torch.Generator`, so a run is reproducible and `state_dict()` resumes it exactly.
#
# **Summary.** The catalog is balanced, mostly background ($-1$ after scaling), and small enough per class
# for a discriminator to memorize. Augment with differentiable operations on real and fake alike, fill
# with the background, draw parameters per image, and check with a probe whether an augmentation is
# visible to a discriminator before trusting it.

# %% [markdown]
# ## Further reading
#
# Papers used in this lesson:
# - H. Xiao, K. Rasul, R. Vollgraf, *Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning
#   Algorithms*, 2017. [arXiv:1708.07747](https://arxiv.org/abs/1708.07747)
# - T. Karras, M. Aittala, J. Hellsten, S. Laine, J. Lehtinen, T. Aila, *Training Generative Adversarial
#   Networks with Limited Data* (ADA), NeurIPS 2020. [arXiv:2006.06676](https://arxiv.org/abs/2006.06676)
# - S. Zhao, Z. Liu, J. Lin, J.-Y. Zhu, S. Han, *Differentiable Augmentation for Data-Efficient GAN
#   Training* (DiffAugment), NeurIPS 2020. [arXiv:2006.10738](https://arxiv.org/abs/2006.10738)
#
# Tutorials and code:
# - torchvision, *Getting started with transforms v2*:
#   <https://pytorch.org/vision/stable/auto_examples/transforms/plot_transforms_getting_started.html>
# - The DiffAugment authors' code, with PyTorch and TensorFlow versions of the three operations:
#   <https://github.com/mit-han-lab/data-efficient-gans>
