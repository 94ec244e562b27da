"""The course's Fashion-MNIST classifier as a torch-fidelity feature extractor, and a safe ``calculate_metrics``.

``register_extractor()`` (which ``calculate_metrics`` calls) registers the extractor as
``"fashion-mnist-cnn"``: penultimate features
(``"features"``, 128-d) for FID, KID and precision/recall, ``"logits"`` (10-d) for IS, which torch-fidelity
softmaxes itself. torch-fidelity hands the extractor whatever the input yields, unconverted: our tensors
arrive as float (N, 1, 28|32, 28|32) in [-1, 1]; image folders arrive as uint8 (N, 3, H, W) in [0, 255],
which the extractor converts.

torch-fidelity 0.4.0 pitfalls and what ``calculate_metrics`` here does about each (tests/test_fidelity.py):

- ``cuda`` defaults to True, which fails on CPU-only machines: we default it to ``torch.cuda.is_available()``
  and turn ``cuda=True`` without a GPU into a clear ValueError.
- datasets must yield bare tensors: tensors are wrapped in ``ImageDataset``; datasets yielding
  ``(image, label)`` (``TensorDataset``, torchvision) are unwrapped to their first item.
- registering a name twice raises (notebook re-runs): ``register_extractor()`` is idempotent, and after a
  module reload it replaces the stale class.
- KID needs ``kid_subset_size`` (default 1000) samples in both inputs: when you do not set it, it is
  *adapted* to ``min(1000, n1, n2)``; when you set it larger than an input, you get a ValueError.
- ``inputN_model_num_classes > 0`` crashes under NumPy 2 (``np.int``): it is refused with a pointer to
  ``LabelDrawingGenerator``, which draws its own labels and tells torch-fidelity ``num_classes=0``.
- the feature cache key is ``{input}-{extractor name}-features-{layer}`` and ignores the weights: our
  extractor's name carries the sha256 of the weights it loaded; for other extractors given a
  ``feature_extractor_weights_path``, that file's sha256 is appended to ``inputN_cache_name``.
- the extractor is rebuilt on every call: it loads its weights from the checksummed file each time, so
  results are identical across calls.
"""

from __future__ import annotations

import torch
import torch_fidelity
from torch.utils.data import Dataset
from torch_fidelity.feature_extractor_base import FeatureExtractorBase
from torch_fidelity.generative_model_base import GenerativeModelBase
from torch_fidelity.registry import FEATURE_EXTRACTORS_REGISTRY

from ..models.classifier import WEIGHTS_PATH, WEIGHTS_SHA256, load_classifier
from ..serialization import file_sha256
from .images import prepare_images

EXTRACTOR_NAME = "fashion-mnist-cnn"
FEATURES = ("features", "logits")


class FashionFeatureExtractor(FeatureExtractorBase):
    """torch-fidelity wrapper of the shipped ``FashionClassifier``; rebuilt (and weights re-read) per call.

    feature_extractor_weights_path: other weights of the default architecture (not checksummed: yours);
    None loads the shipped file and checks its sha256. ``get_name()`` ends in the weights' sha256 prefix,
    so torch-fidelity's feature cache never mixes features of different weights.
    """

    def __init__(self, name: str, features_list, feature_extractor_weights_path=None, **kwargs):
        super().__init__(name, features_list)
        path = WEIGHTS_PATH if feature_extractor_weights_path is None else feature_extractor_weights_path
        expected = WEIGHTS_SHA256 if feature_extractor_weights_path is None else None
        self.classifier = load_classifier(path, expected_sha256=expected)
        self.weights_sha256 = WEIGHTS_SHA256 if expected else file_sha256(path)
        self.name = f"{name}-{self.weights_sha256[:16]}"

    @staticmethod
    def get_provided_features_list():
        return FEATURES

    @staticmethod
    def get_default_feature_layer_for_metric(metric):
        return "logits" if metric == "isc" else "features"

    @staticmethod
    def can_be_compiled():
        return False

    @staticmethod
    def get_dummy_input_for_compile():
        return torch.zeros(1, 1, 28, 28)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """x: float (N, 1, 28|32, 28|32) in [-1, 1], or uint8 (N, 1|3, 28|32, 28|32) -> requested features."""
        if x.dtype == torch.uint8:  # torch-fidelity's image-folder datasets give RGB uint8
            x = x.float().mean(dim=1, keepdim=True).div_(127.5).sub_(1.0)
        features, logits = self.classifier.forward_features(prepare_images(x, "extractor input"))
        found = {"features": features, "logits": logits}
        return tuple(found[name] for name in self.features_list)


def register_extractor() -> str:
    """Register ``FashionFeatureExtractor`` with torch-fidelity (safe to call again); returns its name."""
    current = FEATURE_EXTRACTORS_REGISTRY.get(EXTRACTOR_NAME)
    if current is None:
        torch_fidelity.register_feature_extractor(EXTRACTOR_NAME, FashionFeatureExtractor)
    elif current is not FashionFeatureExtractor:  # this module was reloaded: the old class is stale
        FEATURE_EXTRACTORS_REGISTRY[EXTRACTOR_NAME] = FashionFeatureExtractor
    return EXTRACTOR_NAME


class ImageDataset(Dataset):
    """Bare image tensors, one per item, as torch-fidelity requires. images: (N, C, H, W)."""

    def __init__(self, images: torch.Tensor):
        if not isinstance(images, torch.Tensor) or images.dim() != 4:
            shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
            raise ValueError(f"images must be a tensor (N, C, H, W), got {shape}.")
        self.images = images.detach().cpu()

    def __len__(self) -> int:
        return self.images.shape[0]

    def __getitem__(self, index: int) -> torch.Tensor:
        return self.images[index]


class FirstItemDataset(Dataset):
    """The first element of each item of a dataset yielding tuples such as ``(image, label)``."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int) -> torch.Tensor:
        return self.dataset[index][0]


class LabelDrawingGenerator(GenerativeModelBase):
    """A conditional generator ``module(z, labels)`` that draws its own labels, for torch-fidelity.

    torch-fidelity's own label drawing uses ``np.int`` (gone in NumPy 2), so this wrapper reports
    ``num_classes = 0`` and draws uniform labels from a seeded ``torch.Generator`` instead.
    """

    def __init__(self, module: torch.nn.Module, latent_dim: int, num_classes: int = 10, seed: int = 0):
        super().__init__()
        self.module, self.latent_dim, self.classes = module.eval(), latent_dim, num_classes
        self.generator = torch.Generator().manual_seed(seed)

    @property
    def z_size(self) -> int:
        return self.latent_dim

    @property
    def z_type(self) -> str:
        return "normal"

    @property
    def num_classes(self) -> int:
        return 0  # labels are drawn here, not by torch-fidelity

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """z: (N, latent_dim) -> images from ``module(z, labels)``, labels (N,) uniform in [0, num_classes)."""
        labels = torch.randint(0, self.classes, (z.shape[0],), generator=self.generator).to(z.device)
        return self.module(z, labels)


def as_input(value):
    """A torch-fidelity input: tensors -> ImageDataset, (image, label) datasets -> their images."""
    if isinstance(value, torch.Tensor):
        return ImageDataset(value)
    if isinstance(value, Dataset) and len(value) > 0 and isinstance(value[0], (tuple, list)):
        return FirstItemDataset(value)
    return value


def input_size(value, number: int, kwargs: dict) -> int | None:
    """How many samples input ``number`` provides (None when torch-fidelity decides, e.g. a folder)."""
    if isinstance(value, Dataset):
        return len(value)
    if isinstance(value, GenerativeModelBase):
        return kwargs.get(f"input{number}_model_num_samples")
    return None


def choose_kid_subset_size(requested: int | None, *sizes: int) -> int:
    """KID's subset size for inputs of ``sizes`` samples: unset, min(1000, sizes), adapted silently; set larger
    than an input, a ValueError (torch-fidelity's own check comes after minutes of feature extraction)."""
    if requested is None:
        return min([1000, *sizes])
    if sizes and requested > min(sizes):
        raise ValueError(f"kid_subset_size={requested} but an input has only {min(sizes)} samples; draw more "
                         "samples, pass a smaller kid_subset_size, or leave it unset (it adapts to the smaller input).")
    return requested


def calculate_metrics(input1, input2=None, **kwargs) -> dict:
    """``torch_fidelity.calculate_metrics`` with the course extractor and the pitfalls above handled.

    input1, input2: image tensors (N, 1, 28|32, 28|32) in [-1, 1], datasets, generative models or paths.
    For precision/recall input1 is the generated set and input2 the real one. Other keyword arguments go
    to torch-fidelity unchanged (``fid=True``, ``kid=True``, ``isc=True``, ``prc=True``, ...).
    """
    register_extractor()
    kwargs.setdefault("feature_extractor", EXTRACTOR_NAME)
    kwargs.setdefault("cuda", torch.cuda.is_available())
    kwargs.setdefault("verbose", False)
    kwargs.setdefault("save_cpu_ram", True)  # no DataLoader worker processes: steadier on small machines
    if kwargs["cuda"] and not torch.cuda.is_available():
        raise ValueError("cuda=True but torch sees no CUDA GPU; leave cuda unset (it follows "
                         "torch.cuda.is_available()) or pass cuda=False.")
    for number in (1, 2):
        if kwargs.get(f"input{number}_model_num_classes", 0) > 0:
            raise ValueError(f"input{number}_model_num_classes > 0 crashes in torch-fidelity 0.4.0 with NumPy 2 "
                             "(np.int); wrap the generator in "
                             "course_lib.metrics.fidelity.LabelDrawingGenerator instead.")
    input1, input2 = as_input(input1), as_input(input2)
    if kwargs.get("kid"):
        sizes = [s for s in (input_size(input1, 1, kwargs), input_size(input2, 2, kwargs)) if s is not None]
        kwargs["kid_subset_size"] = choose_kid_subset_size(kwargs.get("kid_subset_size"), *sizes)
    weights = kwargs.get("feature_extractor_weights_path")
    if kwargs["feature_extractor"] != EXTRACTOR_NAME and weights is not None:
        sha = file_sha256(weights)[:16]
        for number in (1, 2):
            if kwargs.get(f"input{number}_cache_name"):
                kwargs[f"input{number}_cache_name"] += f"-w{sha}"
    return torch_fidelity.calculate_metrics(input1=input1, input2=input2, **kwargs)
