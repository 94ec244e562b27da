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
# # Lesson 04 · Wasserstein GAN with a gradient penalty
#
# Lesson 02's game is built on a discriminator's log density ratio. Against the optimal discriminator the
# minimax generator minimises the Jensen-Shannon divergence between the catalog and the generator's images.
# The non-saturating generator that lesson 02 trains follows the gradient of
# $\mathrm{KL}(p_g \| p_{\text{data}}) - 2\,\mathrm{JSD}$ instead (Arjovsky & Bottou 2017). When the two
# distributions do not overlap, neither gives a usable distance: JS is stuck at $\log 2$ and that KL is
# infinite. This lesson shows where that goes wrong, replaces them with the Wasserstein distance, and
# builds the constraint that makes the Wasserstein critic work: the gradient penalty of Gulrajani et al.
# (2017), a classic source of silent bugs.
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
import textwrap

import matplotlib.pyplot as plt
import torch
from IPython.display import display

from course_lib.data import to_float, training_data
from course_lib.exercises.lesson04 import check_gradient_penalty, check_penalty_weight
from course_lib.gan.losses import clip_weights, gradient_penalty, wasserstein_d_loss
from course_lib.gan.recipes import RECIPES, make_trainer
from course_lib.gan.sampling import sample
from course_lib.gan.scoring import ScoreEvery
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
from course_lib.metrics.scorer import FidScorer
from course_lib.models.dcgan import DCGANConfig, Discriminator
from course_lib.models.wgan import Critic
from course_lib.plots import show_images
from course_lib.runtime import configure_cpu_threads, fast_mode, pick, select_device
from course_lib.studies.stability import compare, fid_of
from course_lib.widgets.critic_explorer import critic_explorer
from course_lib.widgets.latent_explorer import InterpolationExplorer

configure_cpu_threads()
device = select_device("auto")
print(f"networks on: {device}")
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
# lesson 02 patches the vanishing gradient. Arjovsky & Bottou show that its updates become unstable as the
# discriminator nears that optimum, and the divergence it follows is the mode-seeking one of lesson 02. The
# Wasserstein distance removes the cause.
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
# In the 1-D example an optimal critic is $C(x) = -\operatorname{sign}(\theta)\, x$ (up to a constant): slope 1,
# rising toward the catalog, and the bracket then equals $|\theta| = W$ exactly. For the $\theta = 1.5 > 0$ below
# that is $C(x) = -x$. Without the constraint the bracket is unbounded: $C(x) = -100x$ scores $100\,\theta$,
# so an unconstrained critic's "distance" is meaningless and its gradients explode.

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
# and the architecture. The clipped networks are only a subset of the $K$-Lipschitz functions, so the
# supremum over them is **at most** $K \cdot W$: the critic estimates $K \cdot W$ at best, and possibly much less
# if no clipped network comes close to the optimal critic. Gulrajani et al. show that clipping
# pushes most weights to $\pm c$ and makes the critic far too simple, or, with a larger $c$, its
# gradients explode.
#
# **The gradient penalty.** An optimal critic has $\|\nabla C\| = 1$ almost everywhere on the straight
# lines between points of $P_r$ and $P_g$ that the optimal transport plan pairs (Gulrajani et al. 2017,
# Prop. 1). The optimal transport plan is unknown, so WGAN-GP uses a **relaxation**. It takes lines
# between *independent* pairs: a real image and a fake drawn separately, not the pairs the plan would match.
# At random points on those lines it penalises the gradient norm for deviating from 1, instead of restricting
# the weights. Prop. 1 says nothing about these lines. Gulrajani et al. argue that constraining the gradient
# only there is enough in practice, and their experiments support it; it is not a theorem:
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
for name, kwargs in settings.items():
    if kwargs.get("clip"):
        weights = torch.cat([p.detach().flatten() for p in toy_critics[name].parameters()])
        print(f"{name}: {(weights.abs() >= 0.999 * kwargs['clip']).float().mean():.0%} of the weights sit at ±c")

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
# steps, as without a constraint (section 2). Clipping has no setting that gives norm 1. Compare the medians
# printed by the comparison cell of section 3: a small $c$ gives a nearly flat critic with a tiny estimate, a
# larger $c$ gives norms well above 1, and the share of weights at $\pm c$ is printed under the histograms.
# (In fast mode the critics are trained for fewer steps, so the numbers and pictures are rougher.)
#
# ## 5. Training a WGAN-GP on Fashion-MNIST
#
# The recipe is the paper's with one measured change: Adam with $\beta = (0, 0.9)$, $n_\text{critic} = 5$
# critic steps per generator step and $\lambda = 10$, but a learning rate of $3 \times 10^{-4}$ for both networks
# where the paper uses $10^{-4}$. The five critic steps play the part that a faster discriminator learning rate
# plays in TTUR (Heusel et al. 2017). The critic's gradient approximates $\nabla W$ only if the critic stays
# near its optimum, so it must move faster than the generator. On the CPU budgets of this course the paper's
# rate is far behind: the recipe's comment, printed below, records the measurements. Try
# `python -m course_lib train wgan-gp --lr 1e-4` and compare. The critic is the DCGAN discriminator
# **without batch norm** (section 8 shows why), with a per-sample layer norm instead:

# %%
recipe = RECIPES["wgan-gp"]
print(recipe.model)
print(recipe.train)
print(textwrap.fill(RECIPES["wgan-gp"].why, 110), "\n")
print(inspect.getsource(Critic))

# %% [markdown]
# The trainer's regulariser hook adds the penalty to each critic loss (`regularizer="gp"`). Every few
# steps a callback records the critic's estimate $\widehat W = -L_\text{critic}$ (without the penalty, averaged
# over the last steps) and the FID of the EMA generator's samples. FID is explained in lesson 06. For now,
# read it as a distance between the mean and covariance of the features of generated images and of real
# images, taken from the course's Fashion-MNIST classifier. It is 0 when the two sets of statistics match,
# and lower is better.

# %%
images, labels = training_data(fast_mode(), fast_images=pick(60000, 512))
num_steps, every, n_fid = pick(600, 24), pick(75, 8), pick(2000, 200)
trainer = make_trainer("wgan-gp", recipe.model, recipe.train, images, labels, device, log_every=every)
track = {"step": [], "w_estimate": []}
scorer = FidScorer(device=device)  # the test split's statistics, computed once for every call below
# the library's one "every k steps, score and keep the best" callback; its curve holds (step, FID)
fid_track = ScoreEvery(lambda t: fid_of(t.ema.module, n_fid, scorer=scorer), every, keep_weights=False)


def record(trainer):
    track["step"].append(trainer.step)
    track["w_estimate"].append(-trainer.history.mean("d_loss", every))


trainer.add_callback("on_step_end", fid_track)
trainer.add_callback("on_log", record)
trainer.run(num_steps)
track["fid"] = [fid for _, fid in fid_track.curve]
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
runs = compare(["dcgan", "wgan-gp"], seeds, budget, images, labels, n_fid=n_fid_runs, device=device)
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
# Read the two means and spreads printed above (at full size; in fast mode the runs are too short to mean
# much). On the same real data the DCGAN makes five times the generator steps, so on a budget this small
# expect it to be *ahead*. Compare the spreads with the gap between the means before calling either recipe
# more stable. The shipped models are *not* trained on equal budgets, and they show what a longer one buys: the
# DCGAN reaches FID 8.84 ± 0.18 after 8 epochs (7,496 generator steps), the WGAN-GP 8.59 ± 0.17 after 25 epochs
# (4,685 generator steps, 23,425 critic steps), over 3 seeds each (`docs/models.md`). Level in quality, but the
# WGAN-GP needed about three times the real data and three to four times the compute. WGAN-GP's stability does not
# buy speed. What it buys shows where a DCGAN breaks (section 1: no overlap, no gradient; a discriminator that wins;
# mode collapse), and in a loss that tracks progress. Try a longer budget, or a harder setting such as a
# higher learning rate:
# `train_on_budget(kind, seed, budget, images, lr_g=..., lr_d=...)` from `course_lib.studies.stability` trains one
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

# %% tags=["exercise"]
def gradient_penalty_exercise(critic, real, fake, eps, weight=10.0):
    """Penalty weight * mean_i (||grad C(x_hat_i)|| - 1)^2 as a 0-dim tensor; eps: (N,) in [0, 1]."""
    # Where is the penalty evaluated, and with which eps per image? The penalty is trained through,
    # so the gradient you take must itself be differentiable. One norm per image, over which dimensions?
    ...


# %% [markdown] tags=["solution"]
# **Solution**

# %% tags=["solution"]
def gradient_penalty_exercise(critic, real, fake, eps, weight=10.0):
    """Penalty weight * mean_i (||grad C(x_hat_i)|| - 1)^2 as a 0-dim tensor; eps: (N,) in [0, 1]."""
    eps = eps.reshape(-1, 1, 1, 1)
    x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return weight * (grad.flatten(1).norm(dim=1) - 1).pow(2).mean()


# %%
check_gradient_penalty(gradient_penalty_exercise)

# %% [markdown]
# ## 7b. Exercise 2: tune the penalty to meet a target
#
# Back to the 2-D toy of section 3 (eight Gaussians against one blob). Choose the penalty weight $\lambda$ so
# that, after 300 steps, the critic's mean gradient norm on real–fake interpolates is within 0.15 of 1: the
# 1-Lipschitz critic the theory asks for, where the penalty samples. The check trains the toy critic with your
# $\lambda$ (well under a second) and says whether you met the target. Try $\lambda = 0$ first to see how
# far from 1 an unconstrained critic drifts.

# %% tags=["exercise"]
penalty_weight = ...  # a number

# %% tags=["solution"]
penalty_weight = 10  # Gulrajani et al.'s value; 0 leaves the critic free to grow steep

# %%
check_penalty_weight(penalty_weight)

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
# - *Penalising the gradient at the real images only* is a different regulariser, R1 (Mescheder et al. 2018;
#   `regularizer="r1"` in the library): $R_1 = \frac{\gamma}{2}\,\mathbb{E}_{x \sim P_r}\|\nabla_x D(x)\|_2^2$. It
#   differs from the WGAN-GP penalty in both place and target. It looks at the reals, not at interpolates, and
#   pulls the gradient toward 0, not its norm toward 1. It belongs with the non-saturating loss: at
#   $p_g = p_{\text{data}}$, a discriminator flat on the data keeps the equilibrium locally stable, which
#   Mescheder et al. prove. A Wasserstein critic needs slope 1 instead.
# - *Adam's β₁*: Algorithm 1 of the paper uses β = (0, 0.9), and the recipe follows it. β₁ = 0.5 is not a
#   failure: Gulrajani et al.'s own MNIST script trains WGAN-GP with Adam(1e-4, β = (0.5, 0.9)). The warning
#   about momentum comes from the clipped WGAN: Arjovsky et al. (2017) saw its training become unstable with
#   Adam, and switched to RMSProp.
# - *Too few critic steps*: with $n_\text{critic} = 1$ the critic lags, its estimate of $W$ is poor and its
#   gradients mislead the generator.
# - *Mixed precision*: compute the gradient norm in float32 (`gradient_penalty` does), bf16 gradients are coarse.
# - *Reading the estimate as a metric*: it is on training batches, depends on λ and the critic, and is not a
#   distance you can compare between runs; use FID on held-out data for that.
# - *Conditional critics*: here is what the library does. The `Trainer` draws the fakes for uniformly random
#   labels, independent of the real batch's labels. `d_step` then scores the interpolates with the **real**
#   labels (`regularizer(critic, real, fake, labels)`). So with a conditional critic, $\hat x$ mixes a real
#   image of class $y$ with a fake made for another class about nine times in ten, and the penalty
#   constrains $C(\cdot, y)$ on lines toward that fake. It still bounds the gradient of $C(\cdot, y)$, but
#   mostly on points that lie between a real and a fake of *different* classes, not where the critic
#   compares a real $y$ with a fake $y$. No course recipe trains a conditional critic with the penalty
#   (`wgan-gp` is unconditional), so the effect is not measured here. To match the classes, draw the fakes
#   for the real labels (`d_step(..., labels=labels, fake_labels=labels, ...)` in a loop of your own): the
#   `Trainer` has no option for it.
#
# **Summary.** Jensen-Shannon saturates when real and fake do not overlap; the Wasserstein distance keeps
# a slope. Its dual needs a 1-Lipschitz critic. Weight clipping enforces that crudely, and estimates at most
# $K \cdot W$. The gradient penalty enforces it softly on interpolates between independent real and fake
# images, a relaxation of Prop. 1 that works in practice, with a per-sample norm and `create_graph=True`. The
# price is five critic steps and a double backward per generator step.

# %% [markdown]
# ## Further reading
#
# Papers used in this lesson:
# - M. Arjovsky, L. Bottou, *Towards Principled Methods for Training Generative Adversarial Networks*, ICLR 2017.
#   [arXiv:1701.04862](https://arxiv.org/abs/1701.04862)
# - M. Arjovsky, S. Chintala, L. Bottou, *Wasserstein GAN*, ICML 2017. [arXiv:1701.07875](https://arxiv.org/abs/1701.07875)
# - I. Gulrajani, F. Ahmed, M. Arjovsky, V. Dumoulin, A. Courville, *Improved Training of Wasserstein GANs*
#   (WGAN-GP), NeurIPS 2017. [arXiv:1704.00028](https://arxiv.org/abs/1704.00028)
# - L. Mescheder, A. Geiger, S. Nowozin, *Which Training Methods for GANs do actually Converge?* (R1), ICML 2018.
#   [arXiv:1801.04406](https://arxiv.org/abs/1801.04406)
# - M. Heusel et al., *GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium* (TTUR;
#   also where FID comes from), NeurIPS 2017. [arXiv:1706.08500](https://arxiv.org/abs/1706.08500)
#
# Tutorials and code:
# - L. Weng, *From GAN to WGAN* (the JS/KL/Wasserstein story with the derivations):
#   <https://lilianweng.github.io/posts/2017-08-20-gan/>
# - The WGAN-GP authors' code, including the 2-D toy problems and `gan_mnist.py`:
#   <https://github.com/igul222/improved_wgan_training>
