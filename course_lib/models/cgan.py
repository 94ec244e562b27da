"""A conditional DCGAN: conditional batch norm in the generator, a projection discriminator.

The condition is built from *attributes*, each a (name, number of values) pair; today there is one,
``("category", 10)``. Its vector is the concatenation of one one-hot block per attribute,
y = [onehot(category) | onehot(colour) | ...], and every layer that reads the condition is linear in y,
i.e. a sum of one embedding lookup per attribute (``ConditionEmbedding``). A second attribute is one more
entry in ``CGANConfig.attributes`` and one more column in ``labels``: no layer changes shape.

Generator: the DCGAN generator with every BatchNorm made conditional (de Vries et al. 2017; Miyato &
Koyama 2018): normalise, then scale and shift with a gain and bias looked up from the condition. The
label thus enters at every resolution, not only at the input as with concatenation, where later layers
are free to wash it out (a usual cause of "label ignored"); and it costs 2 x channels numbers per value.
Discriminator: D(x, y) = psi(phi(x)) + <V y, phi(x)> (Miyato & Koyama 2018, "cGANs with projection
discriminator"): the DCGAN discriminator's features phi(x) and linear head psi, plus a projection term.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from .checks import require_positive
from .dcgan import IMAGE_SIZES, down_layers, init_dcgan_weights, levels

D_NORMS = ("batch", "spectral", "none")


@dataclass(frozen=True)
class CGANConfig:
    """Sizes of one conditional GAN. attributes: ((name, number of values), ...), the category first.

    d_norm: 'batch' (DCGAN), 'spectral' (spectral norm on every D weight, Miyato et al. 2018) or 'none'.
    """

    image_size: int = 28
    latent_dim: int = 64
    width: int = 32
    channels: int = 1
    attributes: tuple[tuple[str, int], ...] = (("category", 10),)
    d_norm: str = "batch"

    def __post_init__(self):
        if self.image_size not in IMAGE_SIZES:
            raise ValueError(f"CGAN image_size must be one of {IMAGE_SIZES}, got {self.image_size}.")
        require_positive(self, ("latent_dim", "width", "channels"), "CGAN")
        attributes = tuple(tuple(a) for a in self.attributes)  # asdict/JSON turn tuples into lists
        if not attributes or any(len(a) != 2 or not isinstance(a[0], str) or int(a[1]) < 2 for a in attributes):
            raise ValueError(f"attributes must be ((name, number of values >= 2), ...), got {self.attributes!r}; "
                             "e.g. (('category', 10),).")
        object.__setattr__(self, "attributes", tuple((name, int(size)) for name, size in attributes))
        if self.d_norm not in D_NORMS:
            raise ValueError(f"d_norm must be one of {D_NORMS}, got {self.d_norm!r}.")

    @property
    def num_classes(self) -> int:
        """Values of the first attribute (the category)."""
        return self.attributes[0][1]


def label_columns(labels: torch.Tensor, attributes) -> torch.Tensor:
    """labels (N,) for a single attribute or (N, A) -> (N, A) int64, with a clear error for other shapes."""
    if labels.dim() == 1 and len(attributes) == 1:
        labels = labels.unsqueeze(1)
    if labels.dim() != 2 or labels.shape[1] != len(attributes):
        names = [name for name, _ in attributes]
        raise ValueError(f"labels of shape {tuple(labels.shape)} do not fit the attributes {names}: pass "
                         f"(N, {len(attributes)}) int64 (or (N,) when there is one attribute).")
    return labels.long()


def condition_vector(labels: torch.Tensor, attributes) -> torch.Tensor:
    """The condition y: labels (N,) or (N, A) -> (N, sum of sizes) float, one one-hot block per attribute."""
    columns = label_columns(labels, attributes)
    return torch.cat([nn.functional.one_hot(columns[:, a], size).float()
                      for a, (_, size) in enumerate(attributes)], dim=1)


def init_weights(module: nn.Module) -> None:
    """DCGAN init (``init_dcgan_weights``), skipping norms without an affine (their gain comes from y)."""
    if isinstance(module, nn.BatchNorm2d) and not module.affine:
        return
    init_dcgan_weights(module)


class ConditionEmbedding(nn.Module):
    """V y for the condition vector y: labels (N,) or (N, A) -> (N, dim), a sum of one lookup per attribute.

    Equal to ``condition_vector(labels) @ weight`` with the tables stacked, without building y.
    """

    def __init__(self, attributes, dim: int, std: float = 0.02):
        super().__init__()
        self.attributes = tuple(attributes)
        self.tables = nn.ModuleList(nn.Embedding(size, dim) for _, size in self.attributes)
        for table in self.tables:
            nn.init.normal_(table.weight, 0.0, std)

    def forward(self, labels: torch.Tensor) -> torch.Tensor:
        columns = label_columns(labels, self.attributes)
        return sum(table(columns[:, a]) for a, table in enumerate(self.tables))


class ModulatedBatchNorm2d(nn.Module):
    """BatchNorm without its own affine, then x_hat * (1 + gain(c)) + bias(c) per sample and channel, where
    gain and bias map the condition c to (N, C): label embeddings here, linear maps of a text embedding in
    ``text_gan.TextBatchNorm2d``."""

    def __init__(self, channels: int, gain: nn.Module, bias: nn.Module):
        super().__init__()
        self.norm = nn.BatchNorm2d(channels, affine=False)
        self.gain, self.bias = gain, bias

    def forward(self, x: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        """x: (N, C, H, W), condition: what gain and bias read ((N,) or (N, A) labels, (N, E) embeddings)."""
        gain, bias = 1.0 + self.gain(condition), self.bias(condition)  # (N, C) each
        return self.norm(x) * gain[:, :, None, None] + bias[:, :, None, None]


class ConditionalBatchNorm2d(ModulatedBatchNorm2d):
    """Modulated by labels (N,) or (N, A): one learned gain and bias per category (and attribute value)."""

    def __init__(self, channels: int, attributes):
        super().__init__(channels, ConditionEmbedding(attributes, channels), ConditionEmbedding(attributes, channels))


class ConditionalGenerator(nn.Module):
    """(z (N, latent_dim) ~ N(0, I), labels (N,) or (N, A)) -> images (N, channels, S, S) in [-1, 1].

    The DCGAN generator (one block per doubling) with every batch norm conditional: norm0 after the
    projection, then up{i} and norm{i} per doubling; at 28 px: 7x7x2w => 14x14xw => 28x28.
    """

    def __init__(self, cfg: CGANConfig):
        super().__init__()
        self.cfg, self.latent_dim, self.num_classes = cfg, cfg.latent_dim, cfg.num_classes
        s0, self.num_levels = levels(cfg.image_size)
        top = cfg.width * 2 ** (self.num_levels - 1)
        self.project = nn.Sequential(  # z => top x s0 x s0
            nn.Linear(cfg.latent_dim, top * s0 * s0, bias=False), nn.Unflatten(1, (top, s0, s0)))
        self.norm0 = ConditionalBatchNorm2d(top, cfg.attributes)
        for i in range(1, self.num_levels):  # s => 2s, channels halved
            c = top // 2 ** (i - 1)
            self.add_module(f"up{i}", nn.ConvTranspose2d(c, c // 2, 4, stride=2, padding=1, bias=False))
            self.add_module(f"norm{i}", ConditionalBatchNorm2d(c // 2, cfg.attributes))
        self.add_module(f"up{self.num_levels}", nn.ConvTranspose2d(cfg.width, cfg.channels, 4, stride=2, padding=1))
        self.apply(init_weights)

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """z: (N, latent_dim), labels: (N,) int64 in [0, num_classes) -> (N, channels, S, S) in [-1, 1]."""
        h = torch.relu(self.norm0(self.project(z), labels))
        for i in range(1, self.num_levels):
            h = torch.relu(getattr(self, f"norm{i}")(getattr(self, f"up{i}")(h), labels))
        return torch.tanh(getattr(self, f"up{self.num_levels}")(h))


class ProjectionDiscriminator(nn.Module):
    """(images (N, channels, S, S) in [-1, 1], labels (N,) or (N, A)) -> logits (N,) (positive = "real")."""

    def __init__(self, cfg: CGANConfig):
        super().__init__()
        self.cfg, self.num_classes = cfg, cfg.num_classes
        s0, num_levels = levels(cfg.image_size)
        self.feature_dim = cfg.width * 2 ** (num_levels - 1) * s0 * s0  # 28 px: 2w x 7 x 7
        norm = (lambda c: nn.BatchNorm2d(c)) if cfg.d_norm == "batch" else (lambda c: nn.Identity())
        self.features = nn.Sequential(  # phi(x): 28 px: 28 => 14 (w) => 7 (2w), flattened to feature_dim
            *down_layers(cfg.channels, cfg.width, num_levels, norm, bias=cfg.d_norm != "batch"))
        self.psi = nn.Linear(self.feature_dim, 1)  # the unconditional "is it a product photo" score
        self.embed = ConditionEmbedding(cfg.attributes, self.feature_dim)  # V y
        self.apply(init_weights)
        if cfg.d_norm == "spectral":
            for module in self.modules():
                if isinstance(module, (nn.Conv2d, nn.Linear, nn.Embedding)):
                    spectral_norm(module)

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """x: (N, channels, S, S), labels: (N,) or (N, A) -> logits (N,) = psi(phi(x)) + <V y, phi(x)>."""
        phi = self.features(x)  # (N, feature_dim)
        return self.psi(phi).squeeze(1) + (self.embed(labels) * phi).sum(dim=1)


def build_cgan(cfg: CGANConfig) -> tuple[ConditionalGenerator, ProjectionDiscriminator]:
    """A freshly initialised (generator, discriminator) pair; seed torch first for a repeatable init."""
    return ConditionalGenerator(cfg), ProjectionDiscriminator(cfg)
