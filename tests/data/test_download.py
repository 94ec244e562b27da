"""Downloading on first use, against a local HTTP server on 127.0.0.1 serving tiny idx files."""

import functools
import http.server
import socket
import threading
import time

import pytest
from idx_files import STEMS, write_tiny_dataset

from course_lib import data
from course_lib.data import DataNotFoundError, download, load_fashion_mnist


class Files(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; ``cut`` bytes of every body are promised in Content-Length but never sent."""

    cut = 0

    def log_message(self, *args):  # keep the test output clean
        pass

    def copyfile(self, source, outputfile):
        body = source.read()
        outputfile.write(body[:len(body) - self.cut] if self.cut else body)


@pytest.fixture
def server(tmp_path):
    """(base URL, served folder, handler class) of a server on a free 127.0.0.1 port, stopped afterwards."""
    served = tmp_path / "served"
    handler = type("Handler", (Files,), {"cut": 0})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(handler, directory=str(served)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/files", served, handler
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def empty_machine(tmp_path, monkeypatch):
    """No local copy anywhere, downloads allowed."""
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(data, "DEBIAN_DIR", tmp_path / "no-debian")


def test_first_use_downloads_into_the_cache_and_then_reads_it_offline(server, empty_machine, monkeypatch):
    url, served, _ = server
    spec = write_tiny_dataset(served / "files")
    monkeypatch.setenv("COURSE_DATA_URL", url)
    loaded = load_fashion_mnist(spec=spec)
    assert loaded.source == f"downloaded from {url}/" and loaded.checksums_ok
    assert loaded.train_images.shape == (12, 28, 28) and loaded.folder == data.user_cache_dir()
    assert sorted(p.name for p in data.user_cache_dir().iterdir()) == sorted(s + ".gz" for s in STEMS.values())
    assert [p.name for p in data.user_cache_dir().parent.iterdir()] == ["fashion-mnist"]  # no staging left
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert load_fashion_mnist(spec=spec).source == "user cache"


def test_an_altered_file_is_refused_and_nothing_is_kept(server, empty_machine, monkeypatch):
    url, served, _ = server
    write_tiny_dataset(served / "files", seed=0)
    other = write_tiny_dataset(served / "elsewhere", seed=5)  # the checksums of another data set
    monkeypatch.setenv("COURSE_DATA_URL", url)
    with pytest.raises(DataNotFoundError, match="download from .* failed .*do not decode to the known"):
        load_fashion_mnist(spec=other)
    assert not data.user_cache_dir().exists() or not any(data.user_cache_dir().iterdir())
    assert not any(p.name.startswith(".") for p in data.user_cache_dir().parent.iterdir())


def test_a_truncated_transfer_is_refused_and_nothing_is_kept(server, empty_machine, monkeypatch):
    url, served, handler = server
    spec = write_tiny_dataset(served / "files")
    handler.cut = 7
    monkeypatch.setenv("COURSE_DATA_URL", url)
    with pytest.raises(DataNotFoundError, match="download from .* failed"):
        load_fashion_mnist(spec=spec)
    assert not data.user_cache_dir().exists() or not any(data.user_cache_dir().iterdir())


def test_a_missing_file_on_the_server_is_reported(server, empty_machine, monkeypatch):
    url, served, _ = server
    spec = write_tiny_dataset(served / "files")
    (served / "files" / (STEMS[("test", "labels")] + ".gz")).unlink()
    monkeypatch.setenv("COURSE_DATA_URL", url)
    with pytest.raises(DataNotFoundError, match="HTTPError.*404"):
        load_fashion_mnist(spec=spec)


def test_offline_means_no_request_at_all(empty_machine, monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setattr(download, "download", lambda *a: pytest.fail("COURSE_OFFLINE=1 must not download"))
    with pytest.raises(DataNotFoundError, match="not tried \\(COURSE_OFFLINE is set\\)"):
        load_fashion_mnist()


def test_a_silent_server_gives_up_within_the_timeout():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        start = time.monotonic()
        with pytest.raises(OSError):
            download.open_url(f"http://127.0.0.1:{listener.getsockname()[1]}/x", timeout=0.5)
        assert time.monotonic() - start < 3
    finally:
        listener.close()


def test_the_default_timeout_and_the_url_override(monkeypatch):
    assert download.TIMEOUT_S == 10
    monkeypatch.delenv("COURSE_DATA_URL", raising=False)
    assert download.base_url() == download.DEFAULT_URL
    monkeypatch.setenv("COURSE_DATA_URL", "http://127.0.0.1:9/mirror")
    assert download.base_url() == "http://127.0.0.1:9/mirror/"
    for value, off in (("1", True), ("yes", True), ("0", False), ("", False)):
        monkeypatch.setenv("COURSE_OFFLINE", value)
        assert download.offline() is off
