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
# # Lesson 10 · Where GANs stand: a GAN against a flow-matching model
#
# A learner who comes to text-to-image in 2026 meets diffusion and flow-matching models first: Stable Diffusion 3
# is trained by rectified flow matching (Esser et al. 2024). This lesson puts one such model beside lesson 07's GAN, **on
# the same catalog, with the same text encoder, judged by the same evaluation, trained on the same CPU**, and
# measures what each buys: quality per second of training, quality per millisecond of sampling, prompt
# following against variety.
#
# The flow model is small and written out: lesson 05's U-Net, told the time and the caption, learns the velocity
# of straight paths from noise to products (rectified flow). Its loss and its sampler are a few lines each, and
# you write the loss.
#
# **Learning goals**
# 1. Write the flow-matching objective, and say why a regression with a fixed target trains steadily where a
#    GAN's game does not (exercise 1).
# 2. Sample by integrating a velocity field, and read the cost of each step.
# 3. Use classifier-free guidance, and see that it is the same alignment-against-variety knob as lesson 07's
#    matching-aware discriminator.
# 4. Read a measured comparison at equal training seconds and equal sampling time, and predict one of its
#    outcomes (exercise 2).
# 5. Say what GANs still do best, and where adversarial losses live on inside today's diffusion systems.
#
# The lesson draws from the shipped models (`checkpoints/text2img.pt`, `checkpoints/flow.pt`) and reads the
# shipped measurement (`course_lib/assets/results/flow_comparison.json`); in fast mode (`COURSE_FAST=1`) its
# small live run is shorter.

# %%
import json

import matplotlib.pyplot as plt
import torch
from IPython.display import Markdown, display

from course_lib.exercises.checks import yours_or_reference
from course_lib.exercises.lesson10 import check_few_steps_prediction, check_flow_loss
from course_lib.plots import show_images
from course_lib.runtime import configure_cpu_threads, cpu_model, pick, select_device
from course_lib.studies.few_shot_report import shipped_runs
from course_lib.studies.flow_comparison import ms_per_image
from course_lib.text2img.catalog import edition
from course_lib.text2img.flow import flow_matching_loss, interpolate, sample, velocity_calls
from course_lib.text2img.flow_training import FAST_RECIPE, flow_loop, load_or_train_flow
from course_lib.text2img.training import load_or_train_text2img
from course_lib.widgets.flow_explorer import flow_explorer

# %%
configure_cpu_threads()
device = select_device("auto")
gan, gan_source = load_or_train_text2img(device)
flow, flow_source = load_or_train_flow(gan, device)
print(f"networks on: {device}\nGAN: {gan_source}\nflow model: {flow_source}")
print(f"the flow model's sampler: {flow.generator.steps} Euler steps, guidance {flow.generator.guidance:g}; "
      f"trained {flow.extra['phases']['flow']['seconds']:.0f} s")

# %% [markdown]
# ## 1. Straight paths from noise to a product
#
# Draw a noise image x₀ ~ N(0, I) and take a catalog image x₁. Rectified flow (Liu et al. 2023) joins them by
# a straight line,
#
# $$x_t = (1 - t)\,x_0 + t\,x_1, \qquad t \in [0, 1],$$
#
# travelled at the constant velocity $x_1 - x_0$. Every pair of noise and image has its own line. A network
# $v_\theta(x_t, t, e)$ that knows where it is ($x_t$), when ($t$) and what it should draw (the caption's
# embedding $e$, from lesson 07's frozen encoder) can learn the direction of travel:

# %%
data = edition("train", gan.thresholds, pick(8192, 2048))
x1 = data.floats()[:1]
x0 = torch.randn(1, 3, 28, 28, generator=torch.Generator().manual_seed(0))
times = torch.linspace(0, 1, 6)
path = torch.cat([interpolate(x0, x1, t.expand(1)) for t in times]).clamp(-1, 1)
show_images(path, nrow=6, title="x_t at t = " + ", ".join(f"{t:.1f}" for t in times))
plt.show()

# %% [markdown]
# ## 2. The loss is a regression
#
# Flow matching (Lipman et al. 2023) trains the network by least squares against that velocity:
#
# $$L(\theta) = \mathbb{E}_{x_0,\,x_1,\,t \sim U(0,1)} \big\| v_\theta(x_t, t, e) - (x_1 - x_0) \big\|^2 .$$
#
# **Exercise 1: write the loss.** `velocity(x, t, e, drop)` is the network (pass `None` for `drop`); `x1` the
# images (N, C, H, W), `x0` noise of the same shape, `t` one time per image, shape (N,), `e` the captions. The
# check tries your function on fixed inputs and names the usual slips.

# %% tags=["exercise"]
def my_flow_loss(velocity, x1, e, t, x0):
    """Mean squared error between velocity(x_t, t, e, None) and the target x1 - x0."""
    # x_t = (1 - t) x0 + t x1, with t reshaped so that it multiplies every pixel of its own image
    ...


# %% tags=["solution"]
def my_flow_loss(velocity, x1, e, t, x0):
    """Mean squared error between velocity(x_t, t, e, None) and the target x1 - x0."""
    t4 = t.view(-1, 1, 1, 1)
    x_t = (1 - t4) * x0 + t4 * x1
    return (velocity(x_t, t, e, None) - (x1 - x0)).square().mean()


# %%
check_flow_loss(my_flow_loss)

# %% [markdown]
# Many lines cross at every $x_t$: from this noisy image, the product could be a dress or a coat. The loss's
# minimiser is therefore the **average** direction of the lines through $x_t$, $\mathbb{E}[x_1 - x_0 \mid x_t]$,
# and integrating that average field still carries the noise distribution to the images' (the marginals
# match: Lipman et al. 2023, Liu et al. 2023). Two consequences you can check:
#
# - The loss **never reaches zero**: what remains is the spread of the directions through each point. For noise
#   N(0, 1) and "images" N(μ, s²) it has a closed form per pixel, $(1 + s^2) - (t s^2 - (1 - t))^2 / ((1 - t)^2 +
#   t^2 s^2)$ at the best velocity (the library's tests check the loss against it). Below, the Monte Carlo loss
#   of the best velocity beside the formula.
# - A falling loss **means** a better model, because the target does not move. In lesson 02 the discriminator
#   is the target and moves with every step, so neither loss told you how good the samples were.

# %%
mu, s = 0.7, 0.4
def best_velocity(x, t, e=None, drop=None):  # E[x1 - x0 | x_t] for the two Gaussians
    t4 = t.view(-1, 1, 1, 1)
    return mu + (t4 * s**2 - (1 - t4)) / ((1 - t4) ** 2 + t4**2 * s**2) * (x - t4 * mu)

loss_fn = yours_or_reference(my_flow_loss, check_flow_loss(my_flow_loss), flow_matching_loss)
g = torch.Generator().manual_seed(1)
gauss_x0, gauss_x1 = torch.randn(20000, 1, 2, 2, generator=g), mu + s * torch.randn(20000, 1, 2, 2, generator=g)
for t in (0.1, 0.5, 0.9):
    mc = loss_fn(best_velocity, gauss_x1, None, torch.full((20000,), t), gauss_x0).item()
    formula = (1 + s**2) - (t * s**2 - (1 - t)) ** 2 / ((1 - t) ** 2 + t**2 * s**2)
    print(f"t = {t}: loss of the best velocity {mc:.4f}, closed form {formula:.4f}")

# %% [markdown]
# Now a short live run of the real thing on the catalog: a small network (width 8) for a few hundred steps of the
# shipped recipe's kind (`text2img.flow_training`, on the course's one training loop). Watch the loss: it falls
# steadily, with no adversary to chase, towards a floor above zero (the spread of crossing lines). The shipped
# run, 4000 steps of a network twice as wide, ended lower; its last loss is printed beside this one.

# %%
loop = flow_loop(gan, data, FAST_RECIPE, seed=0, device=device)
history = loop.run(pick(300, 40), progress=False)
fig, ax = plt.subplots(figsize=(6, 2.5))
ax.plot(history.steps, history["loss"], lw=0.8)
ax.set_xlabel("step"), ax.set_ylabel("flow-matching loss"), ax.set_title("a live run: width 8, batch 32")
plt.show()
print(f"loss: first 10 steps {sum(history['loss'][:10]) / 10:.3f}, last 10 {sum(history['loss'][-10:]) / 10:.3f}; "
      f"the shipped run's last: {flow.extra['phases']['flow']['final_loss']:.3f}")

# %% [markdown]
# ## 3. Sampling: follow the velocity
#
# To draw, start from noise at t = 0 and integrate $dx/dt = v_\theta(x, t, e)$ to t = 1. Euler's method takes K
# equal steps, $x \leftarrow x + \tfrac{1}{K} v_\theta(x, t, e)$: **K network calls per image**, where the GAN
# makes one. Heun's method (as in Karras et al. 2022) averages the velocities at both ends of each step: two
# calls per step, second-order accurate. Straight paths are what make few steps work: if every path were
# straight and never crossed, one Euler step would be exact. They do cross (section 2), so the learned field
# curves, and few steps blur the products. The same prompt and noise, with more and more steps:

# %%
prompt, n = "a red dress", 8
e = flow.embed([prompt]).expand(n, -1).to(device)
noise = torch.randn(n, 3, 28, 28, generator=torch.Generator().manual_seed(3)).to(device)
rows = [sample(flow.generator.net, noise, e, k, guidance=2.0).clamp(-1, 1).cpu() for k in (1, 2, 4, 8, 16, 32)]
show_images(torch.cat(rows), nrow=n, title=f"{prompt!r}: 1, 2, 4, 8, 16 and 32 Euler steps (rows), guidance 2")
plt.show()

# %% [markdown]
# ## 4. Classifier-free guidance
#
# In training, the caption was dropped for 10 % of the images (replaced by a learned "no caption" embedding), so
# the one network also knows the unconditional velocity $v_\theta(x, t, \varnothing)$. At sampling time,
# classifier-free guidance (Ho & Salimans 2022) extrapolates away from it:
#
# $$\tilde v = v_\theta(x, t, \varnothing) + w\,\big(v_\theta(x, t, e) - v_\theta(x, t, \varnothing)\big).$$
#
# w = 1 is the plain conditional model, w = 0 ignores the words, w > 1 exaggerates what the words change. It
# costs a second network call per step (`velocity_calls` counts them). Lesson 07's matching-aware
# discriminator pushed the GAN the same way during training, towards images unambiguous for their words, and
# paid with variety; here the knob is turned at sampling time.

# %%
scales = (0.0, 1.0, 2.0, 4.0)
rows = [sample(flow.generator.net, noise, e, 16, guidance=w).clamp(-1, 1).cpu() for w in scales]
show_images(torch.cat(rows), nrow=n, title=f"{prompt!r}, 16 steps, guidance " + ", ".join(f"{w:g}" for w in scales))
plt.show()
print({f"w = {w:g}": f"{velocity_calls(16, w, 'euler')} network calls per image" for w in scales})

# %% [markdown]
# ## 5. The measured comparison
#
# One script measured both models on the same test prompts (`python data_scripts/flow_comparison.py`,
# `studies/flow_comparison.py`): FID on the course scale, the course classifier's category accuracy, the
# measured colour, tone, width and pattern against the prompt, and variety within one prompt (the ratio to real
# images of that category and colour; 1 is the real variety). The GAN phase of lesson 07 was retrained for the
# comparison in fp32 on the same CPU, its EMA generator saved with its training seconds every 500 steps; the
# flow model's snapshots come from its shipped training run. Scores are on fewer prompts than `evaluate` uses,
# so compare them with each other, not with `docs/models.md`.

# %%
result = json.loads(shipped_runs("flow_comparison.json").read_text())
print(f"measured on: {result['cpu']}; {result['n']} test prompts per score, {result['variety_samples']} samples "
      f"per prompt for variety; the whole measurement took {result['seconds'] / 60:.0f} min")
columns = ("fid", "category", "colour", "tone", "width", "pattern", "variety")


def table(rows, first):
    head = f"| {first} | " + " | ".join(columns) + " |\n|" + "---|" * (len(columns) + 1) + "\n"
    return head + "\n".join(f"| {row[first]} | " + " | ".join(f"{row[c]:.3f}" for c in columns) + " |"
                            for row in rows)


fig, axes = plt.subplots(1, 3, figsize=(13, 3.2))
for name, key, style in (("GAN (lesson 07)", "gan_curve", "o-"), ("flow model", "flow_curve", "s-")):
    rows = result[key]
    seconds = [r["seconds"] for r in rows]
    axes[0].plot(seconds, [r["fid"] for r in rows], style, label=name)
    axes[1].plot(seconds, [sum(r[c] for c in columns[2:6]) / 4 for r in rows], style, label=name)
    axes[2].plot(seconds, [r["variety"] for r in rows], style, label=name)
for ax, label in zip(axes, ("FID (course scale, lower is better)", "mean attribute accuracy",
                            "variety within a prompt (real = 1)")):
    ax.set_xlabel("training seconds (2-core CPU, fp32)"), ax.set_ylabel(label), ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
display(Markdown("**GAN, by training seconds**\n\n" + table(result["gan_curve"], "seconds")
                 + "\n\n**Flow model (16 steps, guidance 2), by training seconds**\n\n"
                 + table(result["flow_curve"], "seconds")))

# %% [markdown]
# **Exercise 2: predict, then read.** The GAN draws an image in one forward pass; the flow model with 4 Euler
# steps and guidance makes 8 network calls. Does the flow model at **4 steps** reach a lower FID than the
# GAN? Answer "flow" or "gan" before you read the next table.

# %% tags=["exercise"]
four_steps_winner = ...  # "flow" or "gan"

# %% tags=["solution"]
four_steps_winner = "gan"  # few steps follow the curved field too coarsely: the samples blur

# %%
check_few_steps_prediction(four_steps_winner)

# %%
gan_point = result["gan"]
fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
steps_rows = result["steps"]
axes[0].plot([r["ms"] for r in steps_rows], [r["fid"] for r in steps_rows], "s-", label="flow model")
for r in steps_rows:
    axes[0].annotate(str(r["steps"]), (r["ms"], r["fid"]), fontsize=7, xytext=(3, 3), textcoords="offset points")
axes[0].plot([gan_point["ms"]], [gan_point["fid"]], "o", color="C3", label="GAN (one pass)")
axes[0].set_xscale("log"), axes[0].set_xlabel("ms per image (log)"), axes[0].set_ylabel("FID")
axes[0].set_title("quality against sampling time (labels: steps)", fontsize=9), axes[0].legend(fontsize=8)
guide = result["guidance"]
axes[1].plot([r["variety"] for r in guide], [sum(r[c] for c in columns[1:6]) / 5 for r in guide], "s-",
             label="flow model, guidance w")
for r in guide:
    axes[1].annotate(f"w={r['guidance']:g}", (r["variety"], sum(r[c] for c in columns[1:6]) / 5), fontsize=7,
                     xytext=(3, 3), textcoords="offset points")
for name, point, colour in (("GAN, matching-aware D", gan_point, "C3"), ("GAN, plain D", result["plain_gan"], "C2")):
    axes[1].plot([point["variety"]], [sum(point[c] for c in columns[1:6]) / 5], "o", color=colour, label=name)
axes[1].set_xlabel("variety within a prompt (real = 1)"), axes[1].set_ylabel("mean accuracy (category + 4)")
axes[1].set_title("following the words against variety", fontsize=9), axes[1].legend(fontsize=8)
plt.tight_layout()
plt.show()
display(Markdown(f"**Flow model by sampling steps (guidance 2)**; the GAN: FID {gan_point['fid']:.2f} at "
                 f"{gan_point['ms']:.2f} ms per image\n\n" + table(steps_rows, "steps")))
print("ms per image: " + ", ".join(f"{r['steps']} steps {r['ms']:.1f}" for r in steps_rows)
      + f"; the GAN {gan_point['ms']:.2f}")
gan_rows = [{"model": "matching-aware D", **gan_point}, {"model": "plain D", **result["plain_gan"]}]
display(Markdown("**Flow model by guidance (16 steps)**\n\n" + table(guide, "guidance")
                 + "\n\n**The GAN's two discriminators**\n\n" + table(gan_rows, "model")))

# %% [markdown]
# **Which model wins at which budget**, read from the tables above (2-core AMD EPYC, fp32, 400 test prompts):
#
# - **Per second of training, the GAN.** At every budget measured, up to about 520 s, the GAN's FID is lower and
#   its category and attribute accuracies are higher; the flow model's category accuracy lags most. The flow
#   model's curve was still falling faster when its training ended, so the order may change with a longer
#   budget: that was not measured here. The literature's large flow models train for GPU-weeks.
# - **Per millisecond of sampling, the GAN, by far.** Its one pass takes a fraction of a millisecond; the flow
#   model needs about 16 steps before more steps stop helping, and each step costs two network calls with
#   guidance. Even at its best FID, over any number of steps, it stays above the GAN's.
# - **Variety within a prompt, the flow model.** At every training budget and at guidance 2, the products of
#   one prompt differ more (closer to the real 1), and at guidance 1 nearly as much as real ones. Few steps lose
#   variety: one Euler step draws close to the average product of the prompt.
# - **Following the words against variety, one trade with two knobs.** Raising the guidance moves the flow
#   model along its curve, towards the words and away from variety; the GAN's plain and matching-aware
#   discriminators are two points of the same trade. At this budget both GAN points lie above the flow model's
#   curve. Past guidance 2 the flow model's category accuracy rises a little while its tone and width
#   accuracies fall: exaggerating the words does not make the products follow them better.
#
# The times above are the measurement's CPU. On yours, one batch of each:

# %%
timings = {"GAN": ms_per_image(gan, batch=16, repeats=1)}
for k in (4, 16):
    flow.generator.configure(steps=k, guidance=2.0)
    timings[f"flow, {k} steps"] = ms_per_image(flow, batch=16, repeats=1)
print(f"here ({cpu_model()}, {device}): " + ", ".join(f"{k} {v:.2f} ms per image" for k, v in timings.items()))

# %% [markdown]
# ## 6. Try it
#
# Type a description (English or 中文), move the steps and the guidance: the flow model's row redraws beside the
# GAN's for the same prompt and seed, with how long each took here. Try 1 and 2 steps, guidance 0 (the words
# ignored) and 6 (the words exaggerated), and a prompt of lesson 07 the GAN found hard ("a green coat").

# %%
explorer = flow_explorer(flow, gan, "a red dress", n=8, seed=0)
explorer

# %% [markdown]
# ## 7. What GANs still do best, and where adversarial losses live on
#
# - **One step.** A GAN's sample is one forward pass. That is why GigaGAN (Kang et al. 2023), a GAN of one
#   billion parameters, draws a 512-pixel image in 0.13 s (its paper's figure), and StyleGAN-T (Sauer et al.
#   2023) was built for the same speed. Section 5 shows the gap at our scale, in milliseconds.
# - **A smooth latent space.** A GAN's z maps to an image deterministically and smoothly, so interpolation and
#   editing by moving z work (lessons 02 and 07). A flow model has a latent too (its start noise, mapped by a
#   deterministic ODE), but every edit costs a full integration.
# - **Adversarial losses inside diffusion systems.** The autoencoder of latent diffusion (Rombach et al. 2022),
#   in whose latent space Stable Diffusion works, is trained with a perceptual loss and a **patch-based
#   adversarial loss**, lesson 05's PatchGAN idea, so that decoded images stay sharp. Adversarial diffusion
#   distillation (Sauer et al. 2023, SDXL-Turbo) trains a student diffusion model with a discriminator (and a
#   distillation loss from a teacher) to sample in one to four steps. The discriminator is how diffusion models
#   get back the GAN's speed.
#
# ## 8. What goes wrong in practice
#
# - **Too few steps blur.** The learned field curves where paths cross, and Euler steps cut the curves: with 1
#   or 2 steps the sample is near the *average* product for the prompt. More steps cost linearly; a second-order
#   sampler (Heun) or distillation (rectified flow's "reflow", ADD) buys quality per call.
# - **Guidance too high oversaturates and collapses variety**: the products of one prompt grow alike and their
#   colours harsh; too low, the words are followed loosely. Pick w with a measurement like section 5's, not by
#   eye on one sample.
# - **A forgotten dropout makes guidance meaningless.** Without captions dropped in training, v(x, t, ∅) is
#   never learned, and the guided velocity extrapolates from garbage. Check `p_uncond` > 0 in the recipe.
# - **The loss floor is not a bug.** The loss stops near the spread of crossing paths (section 2), not at 0; a
#   falling loss that flattens is training as it should; a loss that *rises* is a bug or a learning rate to
#   lower, since the target never moves.
# - **Equal training time is not equal everything.** At our scale the comparison says which model to train on
#   a CPU for minutes; at a billion parameters and weeks of GPUs, the literature's answer is a different one.
#   Read section 5 as a measurement of these two small models, not of the families.
# - **Generated product images must say so** (lesson 07's note on disclosure, lesson 09's labels): a flow
#   model's samples are as invented as a GAN's.

# %% [markdown]
# ## Summary
#
# - **Flow matching is regression.** Join noise and image by a straight line, x_t = (1 − t)·x₀ + t·x₁, and fit
#   v(x_t, t, e) to x₁ − x₀ by least squares. The target does not move, so the loss falls steadily to the floor
#   set by crossing paths, and a lower loss means a better model: none of this holds for a GAN's game.
# - **Sampling integrates.** Euler or Heun steps from noise at t = 0 to t = 1, one or two network calls each,
#   twice that with guidance. Steps buy quality; the GAN's single pass is the speed limit.
# - **Classifier-free guidance** is one number at sampling time that trades variety for prompt following, the
#   trade lesson 07's matching-aware discriminator makes during training.
# - **Measured, not assumed**: section 5 gives the two models' quality per training second and per sampling
#   millisecond on the same catalog, encoder and judge, with its CPU named.
# - **GANs still own one-step sampling and smooth latents**, and the adversarial loss lives on inside diffusion
#   systems: the patch discriminator of latent diffusion's autoencoder, and adversarial diffusion distillation.
#
# ## Further reading
#
# - Y. Lipman, R. T. Q. Chen, H. Ben-Hamu, M. Nickel, M. Le, *Flow Matching for Generative Modeling*, ICLR 2023.
#   [arXiv:2210.02747](https://arxiv.org/abs/2210.02747)
# - X. Liu, C. Gong, Q. Liu, *Flow Straight and Fast: Learning to Generate and Transfer Data with Rectified Flow*,
#   ICLR 2023. [arXiv:2209.03003](https://arxiv.org/abs/2209.03003)
# - J. Ho, T. Salimans, *Classifier-Free Diffusion Guidance*, NeurIPS 2021 Workshop on Deep Generative Models.
#   [arXiv:2207.12598](https://arxiv.org/abs/2207.12598)
# - J. Ho, A. Jain, P. Abbeel, *Denoising Diffusion Probabilistic Models*, NeurIPS 2020.
#   [arXiv:2006.11239](https://arxiv.org/abs/2006.11239)
# - T. Karras, M. Aittala, T. Aila, S. Laine, *Elucidating the Design Space of Diffusion-Based Generative Models*
#   (the Heun sampler, step schedules), NeurIPS 2022. [arXiv:2206.00364](https://arxiv.org/abs/2206.00364)
# - R. Rombach, A. Blattmann, D. Lorenz, P. Esser, B. Ommer, *High-Resolution Image Synthesis with Latent
#   Diffusion Models* (the autoencoder's patch-based adversarial loss), CVPR 2022.
#   [arXiv:2112.10752](https://arxiv.org/abs/2112.10752)
# - P. Esser et al., *Scaling Rectified Flow Transformers for High-Resolution Image Synthesis* (Stable Diffusion
#   3), ICML 2024. [arXiv:2403.03206](https://arxiv.org/abs/2403.03206)
# - A. Sauer, D. Lorenz, A. Blattmann, R. Rombach, *Adversarial Diffusion Distillation* (SDXL-Turbo), 2023.
#   [arXiv:2311.17042](https://arxiv.org/abs/2311.17042)
# - M. Kang et al., *Scaling up GANs for Text-to-Image Synthesis* (GigaGAN), CVPR 2023.
#   [arXiv:2303.05511](https://arxiv.org/abs/2303.05511)
# - A. Sauer, T. Karras, S. Laine, A. Geiger, T. Aila, *StyleGAN-T: Unlocking the Power of GANs for Fast
#   Large-Scale Text-to-Image Synthesis*, ICML 2023. [arXiv:2301.09515](https://arxiv.org/abs/2301.09515)
# - E. Perez, F. Strub, H. de Vries, V. Dumoulin, A. Courville, *FiLM: Visual Reasoning with a General
#   Conditioning Layer* (how the U-Net hears the time and the caption), AAAI 2018.
#   [arXiv:1709.07871](https://arxiv.org/abs/1709.07871)
