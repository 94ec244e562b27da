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
# # Lesson 02 · DCGAN: the game, the networks, the training run
#
# A generator $G$ turns noise $z$ into product photos; a discriminator $D$ scores photos as real or
# fake. Each one's loss is the other one's gain. This lesson states the game precisely, builds the
# DCGAN pair (Radford et al. 2016) sized for 28×28 catalog images, trains it on a laptop CPU, and
# explores what the trained generator has learned.
#
# **Learning goals**
# 1. Write the value function $V(D, G)$, derive the optimal discriminator and the Jensen–Shannon view
#    of the game, and check them numerically.
# 2. Explain why generators minimise $-\log D(G(z))$ instead of $\log(1 - D(G(z)))$, from the gradients, and
#    which divergence that swap follows instead (a mode-seeking one).
# 3. Trace the shapes through the DCGAN generator and discriminator.
# 4. Write a discriminator step and the non-saturating loss yourself (with self-checks).
# 5. Train the course's default recipe, read its loss and $D$-output curves, and watch samples improve;
#    say what the EMA generator that draws every sample is.
# 6. Explore the latent space: interpolation (slerp vs lerp), seeds, single dimensions.
# 7. Recognise two failures: an overpowering discriminator and a collapsing generator.
#
# In JupyterLab the lesson runs at full size (the training run takes a few CPU minutes); in CI
# (`COURSE_FAST=1`) every run is shrunk with `pick(full, fast)`, so the pictures there are still noise.

# %%
import dataclasses
import inspect

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from IPython.display import display
from scipy.spatial.distance import jensenshannon

from course_lib.data import load_fashion_mnist, to_float
from course_lib.exercises.lesson02 import check_d_lr_prediction, check_d_step, check_non_saturating_loss
from course_lib.gan import recipes
from course_lib.gan.health import diversity_ratio
from course_lib.gan.losses import minimax_g_loss, non_saturating_g_loss
from course_lib.gan.sampling import latent_noise, sample
from course_lib.gan.zoo import pretrained_or
from course_lib.models.dcgan import Discriminator, Generator, build_dcgan
from course_lib.plots import plot_history, show_images
from course_lib.runtime import configure_cpu_threads, fast_mode, pick, select_device
from course_lib.widgets.latent_explorer import DimensionExplorer, InterpolationExplorer, SeedExplorer, lerp, slerp
from course_lib.widgets.snapshots import SnapshotRecorder, snapshot_slider

configure_cpu_threads()
device = select_device("auto")
print(f"networks on: {device}")
data = load_fashion_mnist()
images, labels = data.split("train")  # (60000, 28, 28) uint8, (60000,) int64
print(f"fast mode: {fast_mode()}; torch threads {torch.get_num_threads()}")

# %% [markdown]
# ## 1. The game
#
# Real photos $x \sim p_{\text{data}}$, noise $z \sim p_z = \mathcal N(0, I)$, generated photos
# $G(z) \sim p_g$. $D(x) \in (0, 1)$ is the probability $D$ gives to "$x$ is real". Goodfellow et al.
# (2014) define the two-player game
#
# $$\min_G \max_D V(D, G), \qquad V(D, G) = \mathbb{E}_{x \sim p_{\text{data}}}[\log D(x)]
#   + \mathbb{E}_{z \sim p_z}[\log(1 - D(G(z)))].$$
#
# $D$ maximises the log-likelihood of labelling reals 1 and fakes 0: that is minimising binary
# cross-entropy. In code $D$ returns a **logit** $\ell$ with $D(x) = \sigma(\ell)$, and
# $-\log \sigma(\ell) = \operatorname{softplus}(-\ell)$, $-\log(1 - \sigma(\ell)) = \operatorname{softplus}(\ell)$,
# so the discriminator's loss is exactly $-V$ estimated on a batch:
#
# $$L_D = \tfrac1B \textstyle\sum_i \operatorname{softplus}(-\ell^{\text{real}}_i)
#   + \tfrac1B \sum_i \operatorname{softplus}(\ell^{\text{fake}}_i).$$
#
# **The optimal discriminator.** For a fixed $G$, $V = \int p_{\text{data}}(x) \log D(x) + p_g(x) \log(1 - D(x))\,dx$.
# Pointwise, $a \log y + b \log(1-y)$ is maximised at $y = a/(a+b)$, so
#
# $$D^*(x) = \frac{p_{\text{data}}(x)}{p_{\text{data}}(x) + p_g(x)}.$$
#
# **The Jensen–Shannon view.** Put $D^*$ back in, with the mixture $m = \tfrac12(p_{\text{data}} + p_g)$:
#
# $$C(G) = \max_D V(D, G) = \mathbb{E}_{p_{\text{data}}}\Big[\log \frac{p_{\text{data}}}{2m}\Big]
#   + \mathbb{E}_{p_g}\Big[\log \frac{p_g}{2m}\Big] = -\log 4 + \mathrm{KL}(p_{\text{data}} \| m) + \mathrm{KL}(p_g \| m)
#   = -\log 4 + 2\,\mathrm{JSD}(p_{\text{data}} \| p_g).$$
#
# JSD $\ge 0$ with equality only when $p_g = p_{\text{data}}$: against a perfect discriminator, the
# generator's best move is to match the data, and then $D^* = \tfrac12$ everywhere and $C = -\log 4$.
#
# A numerical check on something we can write down exactly: distributions over the 10 categories.
# The catalog is balanced; a generator that over-produces trousers and never draws bags is not.
# `scipy.spatial.distance.jensenshannon` returns $\sqrt{\mathrm{JSD}}$ (natural log):

# %%
p_data = torch.full((10,), 0.1, dtype=torch.float64)
p_g = torch.tensor([0.1, 0.3, 0.1, 0.1, 0.1, 0.05, 0.1, 0.1, 0.0, 0.05], dtype=torch.float64)
d_star = p_data / (p_data + p_g)
value = (p_data * d_star.log()).sum() + (p_g[p_g > 0] * (1 - d_star[p_g > 0]).log()).sum()  # 0 log 0 = 0
jsd = jensenshannon(p_data.numpy(), p_g.numpy()) ** 2
print(f"D* per class: {[round(v, 3) for v in d_star.tolist()]}")
print(f"V(D*, G) = {value.item():.6f};  -log 4 + 2 JSD = {-torch.log(torch.tensor(4.0)).item() + 2 * jsd:.6f}")
for name, d in (("D = 1/2", torch.full((10,), 0.5, dtype=torch.float64)), ("D = 0.9 everywhere", torch.full((10,), 0.9, dtype=torch.float64))):
    v = (p_data * d.log()).sum() + (p_g * (1 - d).log()).sum()
    print(f"V({name}) = {v.item():.4f} <= V(D*) : {v.item() <= value.item()}")

# %% [markdown]
# The two numbers agree, and no other discriminator scores higher. Where $p_g = 0$ (bags), $D^* = 1$:
# the discriminator is certain that any bag is real, and that certainty is what the generator must
# learn from, which leads to the next section.
#
# ## 2. Why the generator does not minimise $\log(1 - D(G(z)))$
#
# The minimax generator minimises $\mathbb{E}[\log(1 - D(G(z)))]$. Early in training the fakes are bad,
# $D$ rejects them confidently, $D(G(z)) = \sigma(\ell) \to 0$, and with respect to the logit
#
# $$\frac{\partial}{\partial \ell} \log(1 - \sigma(\ell)) = -\sigma(\ell) \to 0:$$
#
# the gradient **vanishes exactly when the generator most needs it** (it *saturates*). The
# non-saturating loss $-\mathbb{E}[\log D(G(z))]$ has the same fixed point ($D$ can't tell, $p_g = p_{\text{data}}$) but
#
# $$\frac{\partial}{\partial \ell} \big(-\log \sigma(\ell)\big) = -(1 - \sigma(\ell)) \to -1.$$
#
# Computed with autograd through the library's loss functions (each is a batch mean, so the gradient
# per logit is multiplied back by the batch size):

# %%
logits = torch.linspace(-8, 8, 161, requires_grad=True)
curves = {}
for name, loss_fn in (("minimax  log(1 - D(G(z)))", minimax_g_loss), ("non-saturating  -log D(G(z))", non_saturating_g_loss)):
    per_logit = loss_fn(logits) * logits.numel()
    (grad,) = torch.autograd.grad(per_logit, logits)
    values = torch.stack([loss_fn(v.reshape(1)) for v in logits.detach()])
    curves[name] = (values, grad)
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 3.2))
rejected = torch.logit(torch.tensor(0.01)).item()  # D(G(z)) = 1 %: a confident rejection
for name, (values, grad) in curves.items():
    ax0.plot(logits.detach(), values, label=name)
    ax1.plot(logits.detach(), grad, label=name)
for ax, title in ((ax0, "generator loss"), (ax1, "d loss / d logit")):
    ax.axvline(rejected, color="grey", linestyle=":", label="D(G(z)) = 0.01")
    ax.set_xlabel("discriminator logit on a fake")
    ax.set_title(title)
ax1.legend(fontsize="small")
plt.show()
i = (logits.detach() - rejected).abs().argmin()
for name, (_, grad) in curves.items():
    print(f"{name:32s} gradient at D(G(z)) = 0.01: {grad[i].item():+.4f}")

# %% [markdown]
# At a confident rejection the minimax gradient is about 100 times smaller. Both losses push the logit
# up (negative gradient: increasing $\ell$ lowers the loss), but only the non-saturating one pushes hard
# where the fakes are bad. The DCGAN and conditional recipes use it (`loss="non_saturating"` in `TrainConfig`).
#
# **It is not the same game.** Same fixed point, but not the Jensen–Shannon divergence of section 1. Take
# $D = D^*$ of the current generator and hold it fixed while the generator moves. Since
# $\log\frac{D^*}{1 - D^*} = \log\frac{p_{\text{data}}}{p_g}$, we have $-\log D^* = \log\frac{p_g}{p_{\text{data}}} - \log(1 - D^*)$.
# The first term's expectation under $p_g$ has the gradient of $\mathrm{KL}(p_g \| p_{\text{data}})$. The second term's
# expectation is minus the part of $C(G)$ that moves with $G$ (with $D^*$ held fixed; $D^*$ maximises $V$, so
# holding it fixed does not change the gradient). Its gradient is therefore that of $-2\,\mathrm{JSD}$. Together
# (Arjovsky & Bottou 2017, Theorem 2.5):
#
# $$\nabla_\theta\, \mathbb{E}_z\big[-\log D^*(G_\theta(z))\big] = \nabla_\theta \big[\mathrm{KL}(p_g \| p_{\text{data}})
#   - 2\,\mathrm{JSD}(p_{\text{data}} \| p_g)\big].$$
#
# $\mathrm{KL}(p_g \| p_{\text{data}})$ is the *reverse* KL, and it is **mode-seeking**. It is large where $p_g$ puts mass that
# $p_{\text{data}}$ lacks, so an unrealistic fake costs a lot. It is small where $p_g$ misses part of $p_{\text{data}}$,
# so a dropped category costs little. The $-2\,\mathrm{JSD}$ term has the "wrong" sign and is bounded by
# $2 \log 2$. So a non-saturating generator prefers realistic samples to covering every category. That is
# the textbook explanation for mode dropping (section 9).
#
# ## 3. The DCGAN pair
#
# DCGAN's rules: no pooling (strided convolutions in $D$, strided transposed convolutions in $G$),
# BatchNorm in both (not on $D$'s input layer or $G$'s output), ReLU in $G$ with a tanh output (the
# images live in $[-1, 1]$), LeakyReLU(0.2) in $D$, weights drawn from $\mathcal N(0, 0.02^2)$ (standard deviation 0.02). Our $D$
# returns a logit and has no sigmoid. The real source:

# %%
print(inspect.getsource(Generator))
print(inspect.getsource(Discriminator))

# %% [markdown]
# The shape trace: a forward hook on every layer prints what comes out, through the real modules of the
# default recipe's configuration:

# %%
recipe = recipes.get_recipe("dcgan")
print(recipe.model)
generator, discriminator = build_dcgan(recipe.model)


def trace(model, x):
    """Print each leaf layer's output shape during one forward pass."""
    hooks = [m.register_forward_hook(lambda m, i, o, name=name: print(f"  {name:12s} {type(m).__name__:16s} -> {tuple(o.shape)}"))
             for name, m in model.named_modules() if not list(m.children())]
    try:
        with torch.no_grad():
            return model(x)
    finally:
        for h in hooks:
            h.remove()


print("generator: z", (4, recipe.model.latent_dim))
fake = trace(generator.eval(), torch.randn(4, recipe.model.latent_dim))
print("discriminator: x", tuple(fake.shape))
logit = trace(discriminator.eval(), fake)
for name, model in (("generator", generator), ("discriminator", discriminator)):
    print(f"{name}: {sum(p.numel() for p in model.parameters()):,} parameters")

# %% [markdown]
# ## 4. Exercises
#
# **Exercise 1: the discriminator step.** Write one update of $D$ with explicit arguments:
# make fakes from `z` **without gradients** (the D step must not touch $G$), score real and fake
# images (logits), compute $L_D$ above, and take an optimizer step. Return the loss (a 0-dim tensor).
# The check runs your function and the reference on the same tiny seeded DCGAN and compares the loss,
# $D$'s weights after the step, and whether any gradient leaked into $G$.

# %% tags=["exercise"]
def d_step(generator, discriminator, opt_d, real, z):
    """real: (B, 1, 28, 28) in [-1, 1]; z: (B, latent_dim). Returns the 0-dim D loss."""
    # Four parts: the fakes (this step must not train G), D's logits on both batches, L_D from section 1
    # on logits, and one optimizer update that starts from clean gradients.
    ...


# %% [markdown] tags=["solution"]
# **Solution** (what `course_lib.gan.steps.d_step` does, without the extras):

# %% tags=["solution"]
def d_step(generator, discriminator, opt_d, real, z):
    with torch.no_grad():
        fake = generator(z)
    real_logits, fake_logits = discriminator(real), discriminator(fake)
    loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    opt_d.zero_grad()
    loss.backward()
    opt_d.step()
    return loss.detach()


# %%
check_d_step(d_step)

# %% [markdown]
# **Exercise 2: the non-saturating loss.** `fake_logits` (N,) are $D$'s logits on fakes. Return
# $-\frac1N \sum_i \log \sigma(\ell_i)$ as a 0-dim tensor. It must stay finite for logits like $-200$,
# where $\sigma(\ell)$ underflows to 0 in float32.

# %% tags=["exercise"]
def non_saturating_loss(fake_logits):
    """fake_logits (N,) -> the 0-dim non-saturating loss, finite for any logit."""
    # -log(sigmoid(x)) is mathematically right but numerically wrong for very negative x.
    ...


# %% [markdown] tags=["solution"]
# **Solution:**

# %% tags=["solution"]
def non_saturating_loss(fake_logits):
    return F.softplus(-fake_logits).mean()


# %%
check_non_saturating_loss(non_saturating_loss)

# %% [markdown]
# **Exercise 3: predict, then run: a ten times faster discriminator.** The recipe trains both networks with
# Adam at $5 \cdot 10^{-4}$. If only $D$'s learning rate is multiplied by 10, will $D$'s separation of real
# from fake, its mean $D(x) - D(G(z))$ over the first 40 steps, be `"higher"`, `"lower"` or `"the same"`? Write
# your guess first; the check then trains both settings (a width-16 DCGAN on 512 photos, about 3 s) and
# compares. It reads the first steps because later the generator catches up and the two runs cross back and
# forth; a run inside the noise band measured over seeds, precisions, thread counts and CPU kinds
# (docs/exercise_noise.md) says "too close to call" instead of a verdict.

# %% tags=["exercise"]
prediction = ...  # "higher", "lower" or "the same"

# %% tags=["solution"]
prediction = "higher"  # a faster D separates real from fake sooner: D(x) rises, D(G(z)) falls

# %%
check_d_lr_prediction(prediction)

# %% [markdown]
# ## 5. Training the default recipe
#
# `course_lib.gan.recipes.RECIPES["dcgan"]` holds the settings chosen by measurement (see its comment).
# Adam's $\beta_1 = 0.5$ instead of the usual 0.9 is DCGAN's own choice: Radford et al. found that 0.9 made
# training oscillate and become unstable, and 0.5 helped. `make_trainer` seeds the models, puts the whole
# catalog on the device as uint8 and builds the
# `Trainer`. A `SnapshotRecorder` callback draws the **same 32 z** through the EMA generator every
# few steps, so the frames differ only by what training changed.

# %%
print(recipe.train)
train_images = pick(images, images[:2048])
trainer = recipes.make_trainer("dcgan", recipe.model, recipe.train, train_images, None, device,
                               log_every=pick(25, 10))
num_steps = pick(recipes.steps_for_epochs(trainer, recipe.epochs), 60)
recorder = SnapshotRecorder(n=32, seed=0, every=pick(150, 20))
recorder.capture(trainer)  # step 0: the untrained generator
trainer.add_callback("on_log", recorder)
history = trainer.run(num_steps)
recorder.capture(trainer)
print(f"{trainer.step} steps, {trainer.epoch:.2f} epochs of {len(train_images)} images, "
      f"{trainer.images_per_second:.0f} images/s on this machine")
show_images(sample(trainer.ema.module, 64, seed=0), nrow=16, title=f"EMA generator after {trainer.step} steps")
plt.show()

# %% [markdown]
# **The EMA generator.** Every sample in this course comes from `trainer.ema.module`, not from the generator being
# trained. After each generator step the trainer moves a copy of the weights $\bar\theta$ toward the live ones
# $\theta$ with an exponential moving average:
#
# $$\bar\theta_{n+1} = \beta_n\,\bar\theta_n + (1 - \beta_n)\,\theta_{n+1},\qquad
#   \beta_n = \min\!\Big(\beta, \frac{1 + n}{10 + n}\Big),$$
#
# with $n$ the number of updates so far and $\beta = 0.999$ (`TrainConfig.ema_decay`). The live weights never
# settle, because the discriminator they answer keeps moving: training circles around an equilibrium, and
# an average of the iterates sits closer to its centre (Yazıcı et al. 2019; Karras et al. 2018 draw all
# their samples this way). A weight from $k$ updates ago counts with a weight $(1-\beta)\beta^k$ (once the warm-up
# is over), so the average remembers about $1/(1-\beta)$ steps. The warm-up term keeps a short run's average from being dominated by
# the random initial weights. BatchNorm's running statistics are copied, not averaged. The real code, and
# where this run ended:

# %%
ema = trainer.ema
print(inspect.getsource(type(ema).current_decay))
print(inspect.getsource(type(ema).update))
warm_up = next(n for n in range(100_000) if (1 + n) / (10 + n) >= ema.decay)
print(f"decay {ema.decay}: the warm-up ends after {warm_up:,} updates. This run made {ema.num_updates:,} updates; "
      f"its next decay is {ema.current_decay():.4f}, a memory of about {1 / (1 - ema.current_decay()):.0f} steps")

# %% [markdown]
# ## 6. Reading the curves
#
# Three panels: the losses, $D$'s mean outputs $D(x)$ on reals and $D(G(z))$ on fakes, and the gradient
# norms (log scale). The references come from section 1: at the game's solution $D = \tfrac12$
# everywhere, so $L_D = 2\log 2 \approx 1.386$ and $L_G = \log 2 \approx 0.693$.

# %%
plot_history(history)
plt.show()
window = max(1, trainer.step // 10)
print(f"last {window} steps: d_loss {history.mean('d_loss', window):.3f} (solution 1.386), "
      f"g_loss {history.mean('g_loss', window):.3f} (0.693), D(real) {history.mean('d_real', window):.3f}, "
      f"D(fake) {history.mean('d_fake', window):.3f}, D accuracy {history.mean('d_acc', window):.3f}")

# %% [markdown]
# How to read them:
#
# - **GAN losses do not go down.** They measure each player against a *moving* opponent. Healthy
#   training hovers: $L_D$ somewhat below 1.386 (the discriminator stays a little ahead), $L_G$ above 0.693.
#   Trust the samples (and FID, which lesson 06 defines), not the loss.
# - **$D(x)$ and $D(G(z))$ apart but not pinned.** $D(x)$ above $\tfrac12$ and $D(G(z))$ below it, both well away
#   from 1 and 0 (the line above prints this run's means), means the game is going on. $D(x) \to 1$ and
#   $D(G(z)) \to 0$ for a long stretch means $D$ wins and the
#   generator's signal is weak (section 9).
# - **$L_G$ climbing steadily while $L_D \to 0$**: the same failure seen in the losses.
# - **Spikes in gradient norms** that do not settle, or any NaN: lower the learning rates
#   (`course_lib.gan.health` stops the run on NaN and warns on the patterns above).
#
# ## 7. Samples across training
#
# Move the slider: the first frame is the untrained generator (grey blobs from the tanh of small
# weights); silhouettes appear first, then the categories, then details like collars and soles.

# %%
slider = snapshot_slider(recorder)
display(slider)
slider.update()

# %% [markdown]
# ## 8. Exploring the latent space
#
# The widgets take a generator object. If the repository ships a pretrained generator
# (`checkpoints/dcgan.pt`), they use it; otherwise the EMA generator trained above:

# %%
generator = pretrained_or(trainer.ema.module, "dcgan")

# %% [markdown]
# **Interpolation: slerp, not lerp.** $z \sim \mathcal N(0, I_d)$ has $\|z\|^2 \sim \chi^2_d$, so samples
# concentrate on a shell of radius $\approx \sqrt d$ ($d = 64$: 8). The straight line between two such
# points cuts through the inside: at its midpoint, for nearly orthogonal $z_0, z_1$, $\|z\| \approx \sqrt{d/2}$,
# a norm the generator almost never saw in training (the average images there look faded). Spherical
# interpolation (White 2016) follows the great circle instead:
#
# $$\operatorname{slerp}(z_0, z_1; t) = \frac{\sin((1-t)\Omega)}{\sin\Omega}\,z_0 + \frac{\sin(t\Omega)}{\sin\Omega}\,z_1,
#   \qquad \cos\Omega = \hat z_0 \cdot \hat z_1,\ \hat z = z / \|z\|.$$
#
# For $\|z_0\| = \|z_1\|$ every point keeps that norm. The course's `slerp` is a small variant of White's: it
# applies the formula to the unit vectors $\hat z_0, \hat z_1$ and multiplies by the linearly interpolated norm
# $(1-t)\|z_0\| + t\|z_1\|$, so the norm also stays typical when the two norms differ:

# %%
d = generator.latent_dim
z0, z1 = latent_noise(1, d, 0)[0], latent_noise(1, d, 1)[0]
t = torch.linspace(0, 1, 5)
print(f"typical norm sqrt(d) = {d ** 0.5:.2f}; norms of 2000 draws: "
      f"{latent_noise(2000, d, 7).norm(dim=1).quantile(torch.tensor([0.05, 0.95])).tolist()} (5 %, 95 %)")
print("t          ", [round(v, 2) for v in t.tolist()])
print("lerp norms ", [round(v, 2) for v in lerp(z0, z1, t).norm(dim=1).tolist()])
print("slerp norms", [round(v, 2) for v in slerp(z0, z1, t).norm(dim=1).tolist()])
print(inspect.getsource(slerp))

# %%
interpolation = InterpolationExplorer(generator, seed_a=0, seed_b=1, steps=10, method="slerp")
display(interpolation)
interpolation.update()

# %% [markdown]
# **Seed explorer.** Each seed is a reproducible page of 32 products: the same seed gives the same page
# on every machine (`latent_noise` draws from its own CPU generator).

# %%
seeds = SeedExplorer(generator, seed=0, n=32)
display(seeds)
seeds.update()

# %% [markdown]
# **One latent dimension.** Keep $z$ and sweep one coordinate from $-3$ to $3$. Single coordinates of an
# unconstrained GAN rarely mean one thing; most dimensions change several properties at once, some hardly
# anything. Finding directions that do mean one thing is a topic of its own, which this course does not cover
# yet: InfoGAN (Chen et al. 2016) trains for them, GANSpace (Härkönen et al. 2020) finds them afterwards by PCA.

# %%
sweep = DimensionExplorer(generator, seed=3, dim=0, steps=9, limit=3.0)
display(sweep)
sweep.update()

# %% [markdown]
# ## 9. Failure modes
#
# Three small runs from the same initialisation and the same data, differing in one setting each:
#
# - **recipe**: the default learning rates ($5\cdot 10^{-4}$ for both), non-saturating loss;
# - **D lr ×10**: the discriminator learns ten times faster than the generator;
# - **D lr ×10, minimax G loss**: the same, with the saturating generator loss of section 2.
#
# The numbers: $D$'s accuracy and mean outputs over the last steps, and the diversity ratio (mean
# pairwise distance of 256 samples / that of 256 real images, `course_lib.gan.health.diversity_ratio`:
# about 1 when healthy, near 0 when every z gives nearly the same picture: mode collapse).

# %%
fail_images = images[: pick(2048, 512)]
fail_steps = pick(300, 40)
real_reference = to_float(fail_images[:256])
fast_d = dataclasses.replace(recipe.train, lr_d=10 * recipe.train.lr_d)
runs = {"recipe": recipe.train, "D lr x10": fast_d, "D lr x10, minimax": dataclasses.replace(fast_d, loss="minimax")}
fig, axes = plt.subplots(1, len(runs), figsize=(13, 3.2))
for ax, (name, cfg) in zip(axes, runs.items()):
    run = recipes.make_trainer("dcgan", recipe.model, cfg, fail_images, None, device, log_every=pick(25, 10))
    run.run(fail_steps)
    fakes = sample(run.generator, 256, seed=1)
    last = max(1, min(50, fail_steps // 4))
    print(f"{name:18s}: D accuracy {run.history.mean('d_acc', last):.3f}, D(real) {run.history.mean('d_real', last):.3f}, "
          f"D(fake) {run.history.mean('d_fake', last):.3f}, diversity ratio {diversity_ratio(fakes, real_reference):.2f}")
    show_images(fakes[:36], nrow=9, ax=ax, title=f"{name}, {fail_steps} steps")
plt.show()

# %% [markdown]
# Read the three printed lines (at full size; in fast mode (CI) the runs are too short to separate). A
# discriminator that learns faster is not fatal by itself: the non-saturating loss still hands the generator a
# gradient of about $-1$ per logit. A faster $D$ is even what the **two time-scale update rule** (TTUR, Heusel
# et al. 2017) asks for: with separate learning rates and $D$ on the faster time scale, they prove convergence
# to a local Nash equilibrium under their assumptions, and SAGAN (Zhang et al. 2019) trains $D$ at
# $4 \cdot 10^{-4}$ and $G$ at $10^{-4}$. The course's recipes use equal rates because those measured well
# (`RECIPES["dcgan"].why`). With the minimax loss the same discriminator can win
# outright: D accuracy at 1.000 with $D(x) \to 1$ and $D(G(z)) \to 0$. Then the generator's gradient vanishes
# (section 2), and it is left drawing a few near-identical smudges, with a diversity ratio far below 1: the
# overpowering discriminator and the collapse are one failure seen from two sides. `HealthMonitor` (used by
# `python -m course_lib train`) warns on both signs.
#
# ## 10. What goes wrong in practice
#
# - **A sigmoid in $D$ plus `BCELoss`.** Works until $D$ is confident: then $\log \sigma$ rounds to
#   $\log 0$ and the loss becomes inf (and under mixed precision much sooner). Return logits, use
#   `binary_cross_entropy_with_logits` / softplus (exercise 2).
# - **Forgetting to detach the fakes in the D step**: gradients flow into $G$ and pile up in its
#   `.grad`; the next G step then adds them (exercise 1's check catches it).
# - **Labels flipped** (fakes labelled real in the D step): the game is played backwards and samples
#   never improve.
# - **Sampling in train mode**: BatchNorm then normalises with the batch's own statistics, so an image
#   depends on the others in its batch, and its running statistics drift. `course_lib.gan.sampling.sample`
#   switches to eval mode and back.
# - **Data not in $[-1, 1]$**: a tanh generator cannot reach images in $[0, 1]$ with a $-1$ background;
#   $D$ wins at once by checking the range.
# - **Judging by the loss curves**: they hover by design; look at samples on a fixed z (section 7).
# - **Mode collapse**: the generator finds a few outputs $D$ currently accepts and drops the rest. Watch
#   the diversity ratio (`HealthMonitor` warns), and the class coverage of lesson 03's metrics.
#
# **Summary.** The GAN game is a minimax over $V(D, G)$; against the optimal discriminator the minimax
# generator minimises a Jensen–Shannon divergence, whose solution is $p_g = p_{\text{data}}$. Generators train
# on the non-saturating loss instead, because its gradient survives a confident discriminator. It keeps the
# fixed point but changes the path: against $D^*$ it follows $\mathrm{KL}(p_g \| p_{\text{data}}) - 2\,\mathrm{JSD}$, which
# is mode-seeking. DCGAN is a mirrored pair of strided (transposed) convolutions with BatchNorm. On one core
# of a 2-core CPU the default recipe draws recognisable products after about 85 s of training
# (`docs/performance.md`). Samples come from an EMA of the generator's weights. Read the curves as a game,
# look at samples on a fixed z, and interpolate with slerp.

# %% [markdown]
# ## Further reading
#
# Papers used in this lesson:
# - I. Goodfellow et al., *Generative Adversarial Nets*, NeurIPS 2014. [arXiv:1406.2661](https://arxiv.org/abs/1406.2661)
# - A. Radford, L. Metz, S. Chintala, *Unsupervised Representation Learning with Deep Convolutional Generative
#   Adversarial Networks* (DCGAN), ICLR 2016. [arXiv:1511.06434](https://arxiv.org/abs/1511.06434)
# - M. Arjovsky, L. Bottou, *Towards Principled Methods for Training Generative Adversarial Networks*, ICLR 2017.
#   [arXiv:1701.04862](https://arxiv.org/abs/1701.04862)
# - M. Heusel et al., *GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium* (TTUR),
#   NeurIPS 2017. [arXiv:1706.08500](https://arxiv.org/abs/1706.08500)
# - H. Zhang, I. Goodfellow, D. Metaxas, A. Odena, *Self-Attention Generative Adversarial Networks* (SAGAN),
#   ICML 2019. [arXiv:1805.08318](https://arxiv.org/abs/1805.08318)
# - T. Karras, T. Aila, S. Laine, J. Lehtinen, *Progressive Growing of GANs for Improved Quality, Stability, and
#   Variation*, ICLR 2018 (the EMA generator). [arXiv:1710.10196](https://arxiv.org/abs/1710.10196)
# - Y. Yazıcı et al., *The Unusual Effectiveness of Averaging in GAN Training*, ICLR 2019.
#   [arXiv:1806.04498](https://arxiv.org/abs/1806.04498)
# - T. White, *Sampling Generative Networks*, 2016 (slerp). [arXiv:1609.04468](https://arxiv.org/abs/1609.04468)
# - X. Chen et al., *InfoGAN*, NeurIPS 2016. [arXiv:1606.03657](https://arxiv.org/abs/1606.03657);
#   E. Härkönen et al., *GANSpace*, NeurIPS 2020. [arXiv:2004.02546](https://arxiv.org/abs/2004.02546)
#
# Tutorials:
# - PyTorch, *DCGAN Tutorial* (the same game on celebrity faces, with the usual sigmoid + `BCELoss`):
#   <https://pytorch.org/tutorials/beginner/dcgan_faces_tutorial.html>
# - *Dive into Deep Learning*, chapters "Generative Adversarial Networks" and "Deep Convolutional Generative
#   Adversarial Networks": <https://d2l.ai/chapter_generative-adversarial-networks/gan.html>
# - S. Chintala et al., *How to Train a GAN? Tips and tricks to make GANs work* (ganhacks):
#   <https://github.com/soumith/ganhacks>
