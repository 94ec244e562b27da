"""Fashion-MNIST on first use: the four idx files fetched over HTTP into the user cache, checked, kept atomically.

``COURSE_DATA_URL`` overrides where the files come from (a test points it at 127.0.0.1); the default is the
data set's own mirror, the one torchvision downloads from. ``COURSE_OFFLINE=1`` turns downloading off (the
tests and CI set it). Without a network the first request gives up after ``TIMEOUT_S`` seconds, DNS included.
Files go to a temporary folder beside the cache first and move in only once all four decode to the known
sha256, so a truncated or altered download leaves nothing behind.
"""

from __future__ import annotations

import http.client
import os
import tempfile
import threading
import urllib.request
from pathlib import Path

from tqdm.auto import tqdm

from .idx import DataCorruptError, DatasetSpec, read_folder

DEFAULT_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
TIMEOUT_S = 10.0
# what a failed download raises: network and HTTP errors, and a file that is not the data set
DOWNLOAD_ERRORS = (OSError, http.client.HTTPException, DataCorruptError)


def offline() -> bool:
    """True when ``COURSE_OFFLINE`` asks for no downloads (any value but '', '0', 'false', 'no')."""
    return os.environ.get("COURSE_OFFLINE", "").strip().lower() not in ("", "0", "false", "no")


def base_url() -> str:
    """Where the idx files are fetched from: ``COURSE_DATA_URL``, else the data set's mirror; ends with '/'."""
    url = os.environ.get("COURSE_DATA_URL") or DEFAULT_URL
    return url if url.endswith("/") else url + "/"


def open_url(url: str, timeout: float = TIMEOUT_S):
    """``urllib.request.urlopen`` that gives up after ``timeout`` seconds even while the name is resolved
    (urlopen's own timeout covers the socket, not DNS)."""
    box = {}

    def connect():
        try:
            box["response"] = urllib.request.urlopen(url, timeout=timeout)
        except BaseException as err:  # handed to the caller's thread below
            box["error"] = err

    worker = threading.Thread(target=connect, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError(f"no answer from {url} within {timeout:g} s")
    if "error" in box:
        raise box["error"]
    return box["response"]


def fetch(url: str, dest: Path, timeout: float = TIMEOUT_S) -> None:
    """Stream ``url`` into ``dest`` with a progress bar; an incomplete body raises ``http.client.IncompleteRead``."""
    with open_url(url, timeout) as response, open(dest, "wb") as out:
        size = int(response.headers.get("Content-Length") or 0) or None
        with tqdm(total=size, unit="B", unit_scale=True, desc=dest.name, leave=False) as bar:
            while chunk := response.read(1 << 16):
                out.write(chunk)
                bar.update(len(chunk))


def download(folder: Path, spec: DatasetSpec, url: str | None = None, timeout: float = TIMEOUT_S) -> None:
    """Fetch the four ``STEM.gz`` files from ``url`` (default ``base_url()``) into ``folder``, all or nothing.

    Raises one of ``DOWNLOAD_ERRORS``; then ``folder`` is as it was.
    """
    url = url or base_url()
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=f".{folder.name}-download-") as tmp:
        staging = Path(tmp)
        for stem in spec.files.values():
            fetch(url + stem + ".gz", staging / (stem + ".gz"), timeout)
        _, ok = read_folder(staging, spec)
        if not ok:
            raise DataCorruptError(f"the files from {url} do not decode to the known Fashion-MNIST sha256; "
                                   "nothing was kept.")
        folder.mkdir(parents=True, exist_ok=True)
        for path in staging.iterdir():
            os.replace(path, folder / path.name)
