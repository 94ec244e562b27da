"""Shared test data: seeded product-like images, a filled training history, a decompression-bomb PNG."""

import struct
import zlib

import torch

from course_lib.gan.history import History


def square_products(n=6, size=28, seed=0):
    """Seeded (n, 1, size, size) in [-1, 1] with a -1 background and a bright square 'product'."""
    g = torch.Generator().manual_seed(seed)
    x = torch.full((n, 1, size, size), -1.0)
    m = size // 5
    x[:, :, m:size - m, m + 1:size - m - 1] = torch.rand(n, 1, size - 2 * m, size - 2 * m - 2, generator=g) * 2 - 1
    return x


def filled_history(n=5):
    """A History of n steps with the trainer's six columns."""
    history = History()
    for step in range(1, n + 1):
        history.push(step, {"d_loss": torch.tensor(float(step)), "g_loss": torch.tensor(2.0 * step),
                            "d_real": torch.tensor(0.5), "d_fake": torch.tensor(0.25),
                            "d_grad_norm": torch.tensor(1.0), "g_grad_norm": torch.tensor(3.0)})
    return history


def claimed_png(path, width, height):
    """A PNG of a few hundred bytes whose header claims width x height pixels (a decompression bomb's shape)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey, no interlace
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))
    return path
