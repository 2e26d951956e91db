"""Draw the app icons without an image library: `python -m teacherapp.offline.make_icons`.

A white check mark on the VTS green. The "any" icons have rounded corners; the maskable one
fills the whole square and keeps the mark inside the safe zone (the middle 80 % circle), so
Android may cut it to any shape. Pure Python so the icons can be rebuilt on any machine.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

GREEN = (0x0B, 0x5D, 0x3B)
WHITE = (0xFF, 0xFF, 0xFF)
ICON_DIR = Path(__file__).resolve().parent.parent / "static" / "icons"

# The check mark as a polyline in unit coordinates (0..1), centred on the square.
CHECK = [(0.28, 0.52), (0.44, 0.68), (0.74, 0.36)]


def _segment_distance(px: float, py: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _rounded_square_alpha(x: float, y: float, size: int, radius: float) -> float:
    """Coverage (0..1) of a pixel centre by a square with rounded corners."""
    cx = min(max(x, radius), size - radius)
    cy = min(max(y, radius), size - radius)
    return max(0.0, min(1.0, radius - math.hypot(x - cx, y - cy) + 0.5))


def draw(size: int, *, maskable: bool) -> bytes:
    """RGBA pixels of one icon."""
    scale = 0.78 if maskable else 1.0  # maskable: keep the mark well inside the safe zone
    points = [((px - 0.5) * scale + 0.5, (py - 0.5) * scale + 0.5) for px, py in CHECK]
    points = [(px * size, py * size) for px, py in points]
    half_width = size * 0.075 * scale
    radius = size * 0.18
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # PNG filter type: none
        for x in range(size):
            fx, fy = x + 0.5, y + 0.5
            bg_alpha = 1.0 if maskable else _rounded_square_alpha(fx, fy, size, radius)
            distance = min(_segment_distance(fx, fy, points[i], points[i + 1])
                           for i in range(len(points) - 1))
            mark = max(0.0, min(1.0, half_width - distance + 0.5))
            rgb = [round(g + (w - g) * mark) for g, w in zip(GREEN, WHITE, strict=True)]
            rows.extend((*rgb, round(255 * bg_alpha)))
    return bytes(rows)


def png(size: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


ICONS = {
    "icon-192.png": (192, False),
    "icon-512.png": (512, False),
    "icon-maskable-512.png": (512, True),
}


def main() -> None:
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    for name, (size, maskable) in ICONS.items():
        (ICON_DIR / name).write_bytes(png(size, draw(size, maskable=maskable)))
        print(ICON_DIR / name)


if __name__ == "__main__":
    main()
