"""Draw the application icon (a house with an adult and a child) as PNG files.

    .venv/bin/python packaging/make_icon.py

Writes ``resources/icons/jeugdtoegang-{16,32,48,64,128,256}.png``. The icon is drawn in
code so that it can be changed and redrawn without an image editor; the PNGs are committed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 32, 48, 64, 128, 256)
BLUE = QColor("#1f5f8b")
ORANGE = QColor("#f2a33a")
WHITE = QColor("#ffffff")


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 256, size / 256)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(BLUE))
    p.drawRoundedRect(QRectF(8, 8, 240, 240), 48, 48)
    # the house: roof and walls as one white outline
    house = QPainterPath()
    house.moveTo(QPointF(128, 40))
    house.lineTo(QPointF(220, 118))
    house.lineTo(QPointF(200, 118))
    house.lineTo(QPointF(200, 212))
    house.lineTo(QPointF(56, 212))
    house.lineTo(QPointF(56, 118))
    house.lineTo(QPointF(36, 118))
    house.closeSubpath()
    p.setBrush(QBrush(WHITE))
    p.drawPath(house)
    # an adult and a child inside, in the family's colour
    p.setBrush(QBrush(BLUE))
    p.drawEllipse(QPointF(108, 120), 17, 17)
    p.drawRoundedRect(QRectF(86, 142, 44, 70), 18, 18)
    p.setBrush(QBrush(ORANGE))
    p.drawEllipse(QPointF(160, 146), 13, 13)
    p.drawRoundedRect(QRectF(143, 164, 34, 48), 14, 14)
    p.setPen(QPen(BLUE, 0))
    p.end()
    return image


def main() -> int:
    QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    folder = ROOT / "resources" / "icons"
    folder.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        # draw large and scale down: small sizes stay crisp enough and consistent
        image = draw(256).scaled(
            size,
            size,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        image.save(str(folder / f"jeugdtoegang-{size}.png"))
    print(f"icons written to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
