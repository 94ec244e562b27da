"""Both install modes find the shipped checkpoints: the editable checkout, and ``pip install .`` outside it."""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from course_lib import serialization
from course_lib.gan.zoo import load_pretrained, pretrained_path

ROOT = Path(__file__).resolve().parents[1]
PROBE = ("import course_lib, json; from course_lib.serialization import shipped_dir; "
         "from course_lib.gan.zoo import load_pretrained; "
         "from course_lib.editing.checkpoint import load_pretrained_unet; "
         "print(json.dumps({'package': course_lib.__file__, 'shipped': str(shipped_dir()), "
         "'dcgan': load_pretrained('dcgan') is not None, 'unet': load_pretrained_unet('denoise') is not None}))")


def test_a_source_checkout_reads_its_own_checkpoints_folder(monkeypatch):
    monkeypatch.delenv(serialization.SHIPPED_ENV, raising=False)
    assert serialization.shipped_dir() == ROOT / "checkpoints"
    assert pretrained_path("wgan-gp") == ROOT / "checkpoints" / "wgan_gp.pt" and load_pretrained("dcgan") is not None


def test_the_environment_variable_comes_first_and_is_checked(tmp_path, monkeypatch):
    monkeypatch.setenv(serialization.SHIPPED_ENV, str(tmp_path))
    assert serialization.shipped_dir() == tmp_path and load_pretrained("dcgan") is None  # an empty folder
    monkeypatch.setenv(serialization.SHIPPED_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="COURSE_CHECKPOINTS=.*nowhere is not a folder"):
        serialization.shipped_dir()


def test_no_folder_at_all_lists_every_place_tried(tmp_path, monkeypatch):
    places = [("source checkout", tmp_path / "a"), ("installed copy", tmp_path / "b")]
    monkeypatch.setattr(serialization, "shipped_dirs", lambda: places)
    with pytest.raises(FileNotFoundError) as err:
        serialization.shipped_dir()
    assert str(tmp_path / "a") in str(err.value) and "pip install ." in str(err.value)
    assert load_pretrained("dcgan") is None  # the lessons then train their own


@pytest.mark.slow
def test_pip_install_outside_the_source_tree_finds_the_shipped_checkpoints(tmp_path):
    """Build the wheel, install it (no dependencies) into a fresh venv, import it from elsewhere."""
    # about 9.5 s on a 2-core CPU: pip builds a wheel, makes a venv and imports torch in it
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", str(ROOT),
                    "-w", str(tmp_path / "wheel")], check=True, cwd=tmp_path)
    wheel = next((tmp_path / "wheel").glob("course_lib-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q",
                    str(wheel)], check=True, cwd=tmp_path)
    # the dependencies (torch, ...) come from this environment's site-packages, after the new venv's own
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    env.pop(serialization.SHIPPED_ENV, None)
    out = subprocess.run([str(python), "-c", PROBE], check=True, cwd=tmp_path, env=env, capture_output=True,
                         text=True).stdout
    import json

    found = json.loads(out)
    assert Path(found["package"]).is_relative_to(venv) and not Path(found["package"]).is_relative_to(ROOT)
    assert Path(found["shipped"]) == venv / "share" / "course-lib" / "checkpoints"
    assert found["dcgan"] and found["unet"]
