# ---
# jupyter:
#   jupytext:
#     formats: ipynb,_src//py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 04 · Wasserstein GAN with a gradient penalty
#
# The DCGAN of lesson 02 minimises, in effect, the Jensen-Shannon divergence between the catalog and
# the generator's images. This lesson shows where that goes wrong, replaces it with the Wasserstein
# distance, and builds the constraint that makes the Wasserstein critic work: the gradient penalty of
# Gulrajani et al. (2017), a classic source of silent bugs.
#
# **Learning goals**
# 1. Explain with a 1-D example why the Jensen-Shannon divergence stops giving a training signal
#    ("saturates") when two distributions do not overlap, and why the Wasserstein distance does not.
# 2. State the Kantorovich-Rubinstein duality and why the critic must be 1-Lipschitz.
# 3. Compare two ways to enforce it, weight clipping (WGAN) and the gradient penalty (WGAN-GP), on a
#    2-D problem where every critic can be drawn.
# 4. Train a WGAN-GP on Fashion-MNIST and read the critic's Wasserstein estimate against steps and
#    against sample quality (FID).
# 5. Compare its stability with the DCGAN over several seeds on the same budget.
# 6. Write the gradient penalty yourself, with the norm over the right dimensions.
#
# In JupyterLab the lesson runs at full size; in CI (`COURSE_FAST=1`) every run is shrunk with
# `pick(full, fast)`, so the numbers printed there are noisy.

# %%
import inspect
import statistics

import matplotlib.pyplot as plt
import torch
from IPython.display import display

from course_lib.data import to_float, training_data
from course_lib.exercises.lesson04 import check_gradient_penalty
from course_lib.gan.losses import clip_weights, gradient_penalty, wasserstein_d_loss
from course_lib.gan.recipes import RECIPES, make_trainer
from course_lib.gan.sampling import sample
from course_lib.gan.stability import compare, fid_of
from course_lib.gan.toy_problems import (
    ToyCritic,
    eight_gaussians,
    fit_critic,
    gaussian_blob,
    input_gradient_norms,
    interpolates,
    js_divergence,
    uniform_on_grid,
    wasserstein_1d,
)
from course_lib.gan.zoo import pretrained_or
from course_lib.models.dcgan import DCGANConfig, Discriminator
from course_lib.models.wgan import Critic
from course_lib.plots import show_images
from course_lib.runtime import configure_cpu_threads, fast_mode, pick
from course_lib.widgets.critic_explorer import critic_explorer
from course_lib.widgets.latent_explorer import InterpolationExplorer

configure_cpu_threads()
torch.manual_seed(0)
print(f"fast mode: {fast_mode()}")

# %% [markdown]
# ## 1. A 1-D example: Jensen-Shannon saturates, Wasserstein does not
#
# Let the "catalog" be $P_0 = U[0, w]$ and the generator's distribution $P_\theta = U[\theta, \theta + w]$,
# with one parameter $\theta$ that training should move to 0. Work out both distances:
#
# - **Jensen-Shannon**, $\mathrm{JS}(P, Q) = \tfrac12 \mathrm{KL}(P \,\|\, M) + \tfrac12 \mathrm{KL}(Q \,\|\, M)$
#   with $M = \tfrac12(P+Q)$. Where the two densities overlap they are equal and contribute 0; each
#   non-overlapping piece has mass $\min(|\theta|/w, 1)$ and contributes $\log 2$ per unit mass, so
#   $$\mathrm{JS}(P_0, P_\theta) = \min\!\left(\frac{|\theta|}{w}, 1\right)\log 2 .$$
# - **Wasserstein-1** (earth mover's distance), the cheapest way to move the mass of $P_\theta$ onto
#   $P_0$: $W(P, Q) = \inf_{\gamma \in \Pi(P, Q)} \mathbb{E}_{(x, y)\sim\gamma}|x - y|$. Shifting every
#   point by $\theta$ is optimal, so $W(P_0, P_\theta) = |\theta|$. In 1-D it is also
#   $\int |F_P(x) - F_Q(x)|\,dx$ with the cumulative distribution functions $F$.
#
# Once $|\theta| > w$ the JS curve is flat at $\log 2$: its gradient with respect to $\theta$ is 0, and a
# generator trained on it learns nothing about *which way* to move. The numbers below come from
# `js_divergence` and `wasserstein_1d` on a grid (both are tested against scipy):

# %%
grid = torch.linspace(-3, 3, 6001, dtype=torch.float64)
width = 0.25
thetas = torch.linspace(-2, 2, 161, dtype=torch.float64)
p0 = uniform_on_grid(grid, 0.0, width)
js = torch.stack([js_divergence(p0, uniform_on_grid(grid, t.item(), width)) for t in thetas])
w1 = torch.stack([wasserstein_1d(p0, uniform_on_grid(grid, t.item(), width), grid) for t in thetas])
fig, axes = plt.subplots(1, 2, figsize=(11, 3))
axes[0].plot(thetas, js, label="JS (nats)")
axes[0].plot(thetas, w1, label="W1")
axes[0].axhline(torch.log(torch.tensor(2.0)), color="grey", linestyle=":", label="log 2")
axes[0].set_xlabel("θ (shift of the generator)")
axes[0].legend()
axes[0].set_title(f"P0 = U[0, {width}] vs Pθ = U[θ, θ+{width}]")
axes[1].plot(thetas[1:], (js[1:] - js[:-1]) / (thetas[1] - thetas[0]), label="dJS/dθ")
axes[1].plot(thetas[1:], (w1[1:] - w1[:-1]) / (thetas[1] - thetas[0]), label="dW/dθ")
axes[1].set_xlabel("θ")
axes[1].legend()
axes[1].set_title("the training signal (finite differences)")
plt.tight_layout()
plt.show()
for t in (0.1, 0.5, 1.0, 2.0):
    q = uniform_on_grid(grid, t, width)
    print(f"θ = {t:3.1f}: JS = {js_divergence(p0, q):.4f} nats, W1 = {wasserstein_1d(p0, q, grid):.4f}")

# %% [markdown]
# Is this a toy worry? Images of products live near a thin, low-dimensional surface of the
# $784$-dimensional pixel space, and so do a generator's images. Two such surfaces almost never
# overlap (Arjovsky & Bottou 2017), which is exactly the $|\theta| > w$ case: a near-perfect
# discriminator exists, $\mathrm{JS} = \log 2$, and its gradient vanishes. The non-saturating loss of
# lesson 02 is a patch for that; the Wasserstein distance removes the cause.
#
# ## 2. The critic and the Lipschitz constraint
#
# The infimum over couplings cannot be computed for images. The **Kantorovich-Rubinstein duality**
# turns it into a maximisation over functions we can parametrise with a network, the **critic** $C$:
# $$W(P_r, P_g) = \sup_{\|C\|_L \le 1} \; \mathbb{E}_{x \sim P_r}[C(x)] - \mathbb{E}_{\tilde x \sim P_g}[C(\tilde x)],$$
# where $\|C\|_L \le 1$ means **1-Lipschitz**: $|C(x) - C(y)| \le \|x - y\|$, i.e. $\|\nabla C\| \le 1$
# wherever the gradient exists. The critic maximises the bracket (it minimises
# $\mathbb{E}[C(\tilde x)] - \mathbb{E}[C(x)]$), the generator minimises $-\mathbb{E}[C(G(z))]$. The critic's
# output is a score, not a probability: no sigmoid, and `GANLoss.threshold` is None for it.

# %%
print(inspect.getsource(wasserstein_d_loss))

# %% [markdown]
# In the 1-D example the optimal critic is $C(x) = -x$ (slope 1, pointing toward the catalog), and the
# bracket then equals $\theta$ exactly. Without the constraint the bracket is unbounded: $C(x) = -100x$
# scores $100\,\theta$, so an unconstrained critic's "distance" is meaningless and its gradients explode.

# %%
theta = 1.5
x_real = torch.rand(100_000, dtype=torch.float64) * width  # samples of P0
x_fake = x_real + theta  # samples of P_theta
for slope in (1.0, 100.0):
    estimate = -wasserstein_d_loss(-slope * x_real, -slope * x_fake)  # E[C(real)] - E[C(fake)]
    print(f"C(x) = -{slope:g} x: E[C(real)] - E[C(fake)] = {estimate:.4f}  (true W = {theta})")

# %% [markdown]
# ## 3. Clipping versus penalty
#
# **Weight clipping** (Arjovsky et al. 2017) clamps every weight of the critic to $[-c, c]$ after each
# update. A network with bounded weights is Lipschitz, but with *some* constant $K$ that depends on $c$
# and the architecture, so the critic estimates $K \cdot W$, and Gulrajani et al. show that clipping
# pushes most weights to $\pm c$ and makes the critic far too simple, or, with a larger $c$, its
# gradients explode.
#
# **The gradient penalty.** An optimal critic has $\|\nabla C\| = 1$ almost everywhere on the straight
# lines between points of $P_r$ and $P_g$ that the optimal transport plan pairs (Gulrajani et al. 2017,
# Prop. 1). So instead of restricting the weights, penalise the gradient norm for deviating from 1 at
# random points on such lines:
# $$L_C = \mathbb{E}_{\tilde x \sim P_g}[C(\tilde x)] - \mathbb{E}_{x \sim P_r}[C(x)]
#   + \lambda\, \mathbb{E}_{\hat x}\big[(\|\nabla_{\hat x} C(\hat x)\|_2 - 1)^2\big],\qquad
#   \hat x = \epsilon x + (1 - \epsilon)\tilde x,\ \epsilon \sim U[0, 1],$$
# with **one $\epsilon$ per sample**, the norm taken **per sample over all of $(C, H, W)$**, and $\lambda = 10$.
# Since the penalty is part of the loss, its own gradient with respect to the critic's weights is needed:
# a gradient of a gradient, hence `create_graph=True`. The library's version (your exercise in section 7):

# %%
print(inspect.getsource(gradient_penalty))
print(inspect.getsource(clip_weights))

# %% [markdown]
# **On a 2-D problem** every critic can be drawn. Real points: eight Gaussians on a circle of radius 2.
# Fake points: a blob in the centre, a generator that has not learnt the ring yet. A small MLP critic is
# fitted three ways for the same number of steps; we look at the estimate $\mathbb{E}[C(x)] - \mathbb{E}[C(\tilde x)]$
# and at $\|\nabla C\|$ at the interpolates $\hat x$:

# %%
real_2d, fake_2d = eight_gaussians(pick(2000, 512)), gaussian_blob(pick(2000, 512))
x_hat_2d = interpolates(real_2d, fake_2d)
toy_steps = pick(300, 100)
settings = {"penalty λ=10": dict(penalty_weight=10.0), "clipping c=0.01": dict(penalty_weight=0.0, clip=0.01),
            "clipping c=0.1": dict(penalty_weight=0.0, clip=0.1), "no constraint": dict(penalty_weight=0.0)}
toy_critics = {}
for name, kwargs in settings.items():
    torch.manual_seed(0)
    toy_critics[name] = critic = ToyCritic()
    estimates = fit_critic(critic, real_2d, fake_2d, num_steps=toy_steps, batch_size=128, **kwargs)
    norms = input_gradient_norms(critic, x_hat_2d)
    print(f"{name:16s} estimate {sum(estimates[-20:]) / 20:10.4f}   ||∇C|| at interpolates: "
          f"median {norms.median():9.4f}, 10-90% [{norms.quantile(0.1):.4f}, {norms.quantile(0.9):.4f}]")

# %% [markdown]
# Clipped weights, as Gulrajani et al. describe, pile up at the limits $\pm c$:

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 2.6))
for ax, name in zip(axes, ("clipping c=0.1", "penalty λ=10")):
    weights = torch.cat([p.detach().flatten() for p in toy_critics[name].parameters()])
    ax.hist(weights.numpy(), bins=60)
    ax.set_title(f"critic weights, {name}")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 4. Explorer: λ, clipping, and what the critic looks like
#
# Left: the critic's values with the real (black) and fake (orange) points; middle: $\|\nabla C(x)\|$ over
# the plane; right: the histogram of $\|\nabla C\|$ at the interpolates, the only places the penalty looks
# (dashed line: 1). Try λ = 0.01, 1, 10, 100; then switch to clipping and move $c$ from 0.001 to 1.
# Each setting is fitted once (a few seconds) and cached.

# %%
explorer = critic_explorer(real_2d, fake_2d, num_steps=pick(200, 100), hidden=pick(64, 32))
display(explorer)
explorer.update()  # draw once; every later control change refits (or reuses) and redraws

# %% [markdown]
# What to see: with λ around 10 the gradient norm at the interpolates sits near 1 and the critic is a
# slope from the blob up to the ring; with a tiny λ the norms and the estimate grow with the training
# steps, as without a constraint (section 2). Clipping has no setting that gives norm 1: when this
# lesson was written, the comparison cell above at full size (300 steps, 2000 points, seed 0) gave
# median gradient norms 1.05 with the penalty, 0.0004 with $c = 0.01$ (estimate 0.0005: a flat critic,
# 95% of its weights at $\pm c$), 4.7 with $c = 0.1$ (76% at $\pm c$) and about 1700 without a constraint.
# (In fast mode the critics are trained for fewer steps, so the pictures are rougher.)
#
# ## 5. Training a WGAN-GP on Fashion-MNIST
#
# The recipe is the paper's: Adam with lr $10^{-4}$ and $\beta = (0, 0.9)$, $n_\text{critic} = 5$ critic
# steps per generator step and $\lambda = 10$. On a short CPU budget a higher rate learns faster (180
# generator steps, one seed each: FID 32 with lr $3 \cdot 10^{-4}$ against 52 with $10^{-4}$); try
# `python -m course_lib train wgan-gp --lr 3e-4` and compare. The critic is the DCGAN
# discriminator **without batch norm** (section 8 shows why), with a per-sample layer norm instead:

# %%
recipe = RECIPES["wgan-gp"]
print(recipe.model)
print(recipe.train)
print(inspect.getsource(Critic))

# %% [markdown]
# The trainer's regulariser hook adds the penalty to each critic loss (`regularizer="gp"`). Every few
# steps a callback records the critic's estimate $\widehat W = -L_\text{critic}$ (without the penalty, averaged
# over the last steps) and the FID of the EMA generator's samples (course classifier features, lower is
# better; lesson 02 introduces FID).

# %%
images, labels = training_data(fast_mode(), fast_images=pick(60000, 512))
num_steps, every, n_fid = pick(600, 24), pick(75, 8), pick(2000, 200)
trainer = make_trainer("wgan-gp", recipe.model, recipe.train, images, labels, "cpu", log_every=every)
track = {"step": [], "w_estimate": [], "fid": []}


def record(trainer):
    track["step"].append(trainer.step)
    track["w_estimate"].append(-trainer.history.mean("d_loss", every))
    track["fid"].append(fid_of(trainer.ema.module, n_fid))


trainer.add_callback("on_log", record)
trainer.run(num_steps)
print(f"{trainer.step} generator steps, {trainer.images_per_second:.0f} real images/s")

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3))
h = trainer.history
axes[0].plot(h.steps, [-v for v in h["d_loss"]], alpha=0.4, label="per step")
axes[0].plot(track["step"], track["w_estimate"], "o-", label=f"mean of {every} steps")
axes[0].set_xlabel("generator step")
axes[0].set_title("critic's estimate of W")
axes[0].legend()
axes[1].plot(track["step"], track["fid"], "o-", color="tab:red")
axes[1].set_xlabel("generator step")
axes[1].set_title(f"FID ({n_fid} samples)")
axes[2].scatter(track["w_estimate"], track["fid"], c=track["step"], cmap="viridis")
axes[2].set_xlabel("critic's estimate of W")
axes[2].set_ylabel("FID")
axes[2].set_title("estimate vs quality (colour: step)")
plt.tight_layout()
plt.show()
print("penalty per step, last 5:", [round(v, 3) for v in h["d_penalty"][-5:]])

# %% [markdown]
# Read the curves: unlike a DCGAN's discriminator loss, the estimate tends to fall as the samples improve,
# because it measures (a constrained approximation of) the distance to the catalog. It is only a rough
# gauge: it is computed on training batches by a critic that is itself still learning, and its scale
# depends on the critic, so compare it within one run, never across architectures or λ.
#
# Samples of the EMA generator. If the repository ships a pretrained WGAN-GP generator
# (`checkpoints/wgan_gp.pt`), the next line swaps it in for the short run above:

# %%
generator = pretrained_or(trainer.ema.module, "wgan-gp")
show_images(sample(generator, 64, seed=0), nrow=16, title="WGAN-GP samples (seed 0)")
plt.show()

# %% [markdown]
# Walk between two seeds in latent space (the panel takes any generator object):

# %%
walk = InterpolationExplorer(generator, seed_a=0, seed_b=1, steps=10)
display(walk)
walk.update()

# %% [markdown]
# ## 6. Stability: DCGAN versus WGAN-GP over several seeds
#
# One good run proves little; what matters in practice is how often a recipe works. Both recipes are
# trained with several seeds on the **same budget of real data**: the same number of real batches seen
# by the discriminator/critic, so the WGAN-GP makes a fifth of the generator steps. We compare the
# spread of the final FIDs, not only their mean.

# %%
budget, seeds, n_fid_runs = pick(400, 10), pick((0, 1, 2), (0, 1)), pick(1000, 100)
runs = compare(["dcgan", "wgan-gp"], seeds, budget, images, labels, n_fid=n_fid_runs)
print(f"budget: {budget} real batches of 64; FID on {n_fid_runs} samples")
for run in runs:
    print(f"{run.kind:8s} seed {run.seed}: FID {run.fid:8.2f}  ({run.trainer.step} generator steps, {run.seconds:.0f} s)")
for kind in ("dcgan", "wgan-gp"):
    fids = [run.fid for run in runs if run.kind == kind]
    print(f"{kind:8s} FID mean {statistics.mean(fids):8.2f}, spread (max - min) {max(fids) - min(fids):7.2f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 2.2 * len(seeds)))
for ax, kind in zip(axes, ("dcgan", "wgan-gp")):
    grids = torch.cat([sample(run.trainer.ema.module, 8, seed=0) for run in runs if run.kind == kind])
    show_images(grids, nrow=8, ax=ax, title=f"{kind}: one row per seed")
plt.show()

# %% [markdown]
# When this lesson was written, this cell at full size (budget 400 batches of 64, seeds 0-2, FID on 1000
# samples, on a shared 2-core CPU) gave: DCGAN FID 29.4, 30.5, 34.2 (mean 31.4, 400 generator steps
# each); WGAN-GP 44.9, 42.1, 40.7 (mean 42.6, 80 generator steps each). (The FID scale belongs to the
# course classifier's weights at that time; compare the two rows, not the absolute values.) So on a
# budget this small the DCGAN, with five times the generator steps, is *ahead*, and no seed of either
# recipe stood out (spreads of 4.9 and 4.3): WGAN-GP's stability does not buy speed. What it buys shows
# where a DCGAN breaks (section 1: no overlap, no gradient; a discriminator that wins; mode collapse), and
# in a loss that tracks progress. Try a longer budget, or a harder setting such as a higher learning rate:
# `train_on_budget(kind, seed, budget, images, lr_g=..., lr_d=...)` from `course_lib.gan.stability` trains one
# run with changed `TrainConfig` fields, and `fid_of(trainer.ema.module)` scores it.
#
# ## 7. Exercise: the gradient penalty
#
# Write `gradient_penalty(critic, real, fake, eps, weight=10.0)`: `real`, `fake` are $(N, C, H, W)$ batches,
# `eps` is $(N,)$ in $[0, 1]$ (drawn for you so the check can be exact), `critic` maps $(N, C, H, W)$ to
# $(N,)$. Return the 0-dim tensor $\lambda \cdot \frac1N\sum_i (\|\nabla_{\hat x_i} C(\hat x_i)\|_2 - 1)^2$ with
# $\hat x_i = \epsilon_i x_i + (1 - \epsilon_i)\tilde x_i$. The check tries two critics whose gradients are
# known: $C(x) = w \cdot x + b$ (penalty $\lambda(\|w\| - 1)^2$) and $C(x) = \frac a2 \|x\|^2$ (gradient $a\hat x$,
# a different norm for every sample), and it also checks that the penalty trains the critic.

# %%
def gradient_penalty_exercise(critic, real, fake, eps, weight=10.0):
    """Penalty weight * mean_i (||grad C(x_hat_i)|| - 1)^2 as a 0-dim tensor; eps: (N,) in [0, 1]."""
    # 1. reshape eps to (N, 1, 1, 1) so each image gets its own mixing weight
    # 2. x_hat = eps * real + (1 - eps) * fake, then x_hat.requires_grad_(True)
    # 3. grad = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)[0]
    #    (create_graph: the penalty must itself be differentiable w.r.t. the critic's weights)
    # 4. one L2 norm per sample over all other dimensions, then weight * mean of (norm - 1)^2
    raise NotImplementedError


# %%
check_gradient_penalty(gradient_penalty_exercise)

# %% [markdown]
# **Solution**

# %%
def gradient_penalty_exercise(critic, real, fake, eps, weight=10.0):
    """Penalty weight * mean_i (||grad C(x_hat_i)|| - 1)^2 as a 0-dim tensor; eps: (N,) in [0, 1]."""
    eps = eps.reshape(-1, 1, 1, 1)
    x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return weight * (grad.flatten(1).norm(dim=1) - 1).pow(2).mean()


check_gradient_penalty(gradient_penalty_exercise)

# %% [markdown]
# ## 8. What goes wrong in practice
#
# **Batch norm in the critic.** The penalty constrains $\nabla_{x_i} C(x_i)$ for each image on its own. With
# batch norm in training mode, image $i$'s score depends on the whole batch, so the gradient the penalty
# sees mixes in other images. Measured: the gradient of image 0's score with respect to image 1.

# %%
x = torch.randn(8, 1, 28, 28, requires_grad=True)
for name, model in (("DCGAN discriminator (batch norm)", Discriminator(DCGANConfig(width=8)).train()),
                    ("WGAN-GP critic (layer norm)", Critic(recipe.model).train())):
    (grad,) = torch.autograd.grad(model(x)[0], x)
    print(f"{name:34s} |d score_0 / d image_1| = {grad[1].norm():.2e}")

# %% [markdown]
# **The norm over the wrong dimensions** is the classic silent bug: the code runs and the loss looks
# plausible. On the same batch and critic, the right penalty and three wrong ones:

# %%
torch.manual_seed(1)
critic_net = Critic(recipe.model)
real_batch, fake_batch = to_float(images[:16]), sample(trainer.generator, 16, seed=3)
eps = torch.rand(16)
e = eps.reshape(-1, 1, 1, 1)
x_hat = (e * real_batch + (1 - e) * fake_batch).requires_grad_(True)
(g,) = torch.autograd.grad(critic_net(x_hat).sum(), x_hat)
variants = {"per sample over (C, H, W)  [right]": (g.flatten(1).norm(dim=1) - 1).pow(2).mean(),
            "one norm for the whole batch": (g.norm() - 1).pow(2),
            "norm over dim=1 (channels only)": (g.norm(dim=1) - 1).pow(2).mean(),
            "squared norm": (g.flatten(1).pow(2).sum(1) - 1).pow(2).mean()}
print(f"library: {gradient_penalty(critic_net, real_batch, fake_batch, eps=eps):.4f}")
for name, value in variants.items():
    print(f"{name:36s} {10 * value:.4f}")

# %% [markdown]
# **More pitfalls**
# - *Forgetting `create_graph=True`*: the penalty becomes a constant, the critic is never constrained, and
#   nothing crashes. The exercise check catches it; in a run, watch `d_penalty` stay large.
# - *Penalising at the real images only*: that is the R1 penalty (`regularizer="r1"`), a different method
#   with its own weight; the WGAN-GP penalty looks at interpolates between real and fake.
# - *Adam with β₁ = 0.5 or 0.9*: momentum interacts badly with the non-stationary critic; the paper uses
#   β = (0, 0.9).
# - *Too few critic steps*: with $n_\text{critic} = 1$ the critic lags, its estimate of $W$ is poor and its
#   gradients mislead the generator.
# - *Mixed precision*: compute the gradient norm in float32 (`gradient_penalty` does), bf16 gradients are coarse.
# - *Reading the estimate as a metric*: it is on training batches, depends on λ and the critic, and is not a
#   distance you can compare between runs; use FID on held-out data for that.
# - *Conditional critics*: the interpolate mixes a real image of one class with a fake of another; use the
#   real labels for both (the library passes `labels`), or match the classes of real and fake.
#
# **Summary.** Jensen-Shannon saturates when real and fake do not overlap; the Wasserstein distance keeps
# a slope. Its dual needs a 1-Lipschitz critic; weight clipping enforces that crudely, the gradient penalty
# enforces it where it matters, on interpolates, with a per-sample norm and `create_graph=True`. The price
# is five critic steps and a double backward per generator step.
