"""Writes icons/icon.png (128x128 RGBA): a teal rounded square with a white face outline.

Pure standard library, so it runs anywhere: `python3 icons/make_icon.py`.
"""
import math
import struct
import zlib
from pathlib import Path

SIZE = 128
TEAL = (0, 122, 120)
WHITE = (255, 255, 255)


def pixel(x: float, y: float) -> tuple:
    # Rounded square, corner radius 24, with a soft 1-px edge.
    r = 24
    dx = max(r - x, 0, x - (SIZE - 1 - r))
    dy = max(r - y, 0, y - (SIZE - 1 - r))
    edge = r - math.hypot(dx, dy)
    if edge < 0:
        return (0, 0, 0, 0)
    alpha = int(255 * min(1.0, edge + 0.5))
    c = SIZE / 2 - 0.5
    d = math.hypot(x - c, (y - c) * 0.9)
    ring = abs(d - 38) < 5  # the face
    eye = math.hypot(abs(x - c) - 14, y - (c - 8)) < 5
    smile = abs(math.hypot(x - c, y - (c - 2)) - 22) < 3.5 and y > c + 8
    colour = WHITE if ring or eye or smile else TEAL
    return colour + (alpha,)


def png(width: int, height: int, rows: list) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes(v for p in row for v in p) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


rows = [[pixel(x, y) for x in range(SIZE)] for y in range(SIZE)]
Path(__file__).with_name("icon.png").write_bytes(png(SIZE, SIZE, rows))
