"""Sizes and colours for screens read from two metres by people with poor sight.

Every size is physical, on the real screen: text is at least 24 pt (24/72 inch) at the
default scale and touch targets at least 15 mm, both turned into pixels from the
screen's real pixels per inch (`screen_px_per_inch`), never from Qt's logical 96 dpi.
Every text colour has a contrast ratio of at
least 7:1 (WCAG AAA) against the colour behind it. The larger-text setting scales
every size up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LARGER_TEXT_SCALE = 1.3
MIN_TARGET_MM = 15.0
MIN_READ_PT = 24.0
# A panel that does not tell its size (or tells nonsense, as many do) is taken to be
# the 10.1-inch tablet the hub is sold with.
DEFAULT_DIAGONAL_INCH = 10.1

INK = "#111111"
PAPER = "#FAFAF5"
MUTED_INK = "#3A3A3A"  # still 7:1 on PAPER: "muted" here is never faint
HELP_RED = "#A30D0D"
ON_RED = "#FFFFFF"
CONFIRM_GREEN = "#0B5D1E"
ON_GREEN = "#FFFFFF"
ATTENTION_AMBER = "#7A4A00"  # amber dark enough for text on PAPER
PANEL = "#ECECE4"
# The technician's corner button is meant to be overlooked by residents; it is not
# text a resident needs to read, so it is exempt from the 7:1 rule.
DISCREET = "#D9D9D0"

PAIRS = {
    "text on paper": (INK, PAPER),
    "muted text on paper": (MUTED_INK, PAPER),
    "text on panel": (INK, PANEL),
    "help button": (ON_RED, HELP_RED),
    "confirm button": (ON_GREEN, CONFIRM_GREEN),
    "attention text": (ATTENTION_AMBER, PAPER),
    "confirmation text": (CONFIRM_GREEN, PAPER),
    "red result text": (HELP_RED, PAPER),
    "chosen button": (PAPER, INK),
}


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def px_per_inch_for(width_px: int, height_px: int, diagonal_inch: float) -> float:
    return math.hypot(width_px, height_px) / diagonal_inch


def screen_px_per_inch(screen) -> float:
    """The real pixels per inch of a QScreen: from the physical size it reports when that
    is believable (a screen 5 to 40 inches across whose two sides agree), else from
    DEFAULT_DIAGONAL_INCH."""
    geometry = screen.geometry()
    ratio = screen.devicePixelRatio() or 1.0
    width_px, height_px = geometry.width() * ratio, geometry.height() * ratio
    size = screen.physicalSize()
    width_mm, height_mm = size.width(), size.height()
    if width_mm > 0 and height_mm > 0:
        diagonal = math.hypot(width_mm, height_mm) / 25.4
        horizontal, vertical = width_px / (width_mm / 25.4), height_px / (height_mm / 25.4)
        if 5 <= diagonal <= 40 and abs(horizontal - vertical) <= 0.1 * horizontal:
            return (horizontal + vertical) / 2
    return px_per_inch_for(int(width_px), int(height_px), DEFAULT_DIAGONAL_INCH)


@dataclass(frozen=True)
class Theme:
    scale: float  # 1.0, or LARGER_TEXT_SCALE
    px_per_mm: float

    @classmethod
    def for_screen(cls, larger_text: bool, px_per_inch: float) -> Theme:
        return cls(scale=LARGER_TEXT_SCALE if larger_text else 1.0, px_per_mm=px_per_inch / 25.4)

    @property
    def px_per_inch(self) -> float:
        return self.px_per_mm * 25.4

    def pt(self, base: float) -> float:
        return base * self.scale

    def px(self, base_pt: float) -> int:
        """Pixels on this screen for text of `base_pt` points (scaled), rounded up."""
        return math.ceil(self.pt(base_pt) * self.px_per_inch / 72)

    def font(self, base_pt: float) -> str:
        """A style sheet's font size for text of `base_pt` real points."""
        return f"{self.px(base_pt)}px"

    def points_of(self, pixels: float) -> float:
        """Real points of a font `pixels` high on this screen (what tests measure)."""
        return pixels * 72 / self.px_per_inch

    def points_of_widget(self, widget) -> float:
        """Real points of a widget's font on this screen (a font set in points is taken at
        Qt's logical dpi, as Qt draws it)."""
        font = widget.font()
        pixels = font.pixelSize() if font.pixelSize() > 0 else font.pointSizeF() * widget.logicalDpiY() / 72
        return self.points_of(pixels)

    def mm_of(self, pixels: float) -> float:
        return pixels / self.px_per_mm

    @property
    def body_pt(self) -> float:
        return self.pt(24)

    @property
    def title_pt(self) -> float:
        return self.pt(30)

    @property
    def clock_pt(self) -> float:
        return 48.0  # already the largest thing on the screen: larger text leaves it

    @property
    def min_target_px(self) -> int:
        return math.ceil(MIN_TARGET_MM * self.px_per_mm)

    def target_px(self, mm: float) -> int:
        return max(self.min_target_px, math.ceil(mm * self.px_per_mm))

    def stylesheet(self) -> str:
        body, title = self.font(24), self.font(30)
        return f"""
        QWidget {{ background: {PAPER}; color: {INK}; font-size: {body}; }}
        QLabel#clock {{ font-size: {self.px_per_inch * 48 / 72:.0f}px; font-weight: 600; }}
        QLabel#strong {{ font-weight: 700; }}
        QLabel#title {{ font-size: {title}; font-weight: 600; }}
        QLabel#message_text {{ font-size: {title}; }}
        QLabel#muted {{ color: {MUTED_INK}; }}
        QLabel#status[attention="true"] {{ color: {ATTENTION_AMBER}; font-weight: 600; }}
        QLabel#status[attention="false"] {{ color: {CONFIRM_GREEN}; font-weight: 600; }}
        QLabel#verdict {{ font-size: {title}; font-weight: 700; }}
        QLabel#verdict[band="green"] {{ color: {CONFIRM_GREEN}; }}
        QLabel#verdict[band="yellow"] {{ color: {ATTENTION_AMBER}; }}
        QLabel#verdict[band="red"] {{ color: {HELP_RED}; }}
        QFrame#panel, QFrame#panel QLabel, QScrollArea#panel, QScrollArea#panel > QWidget > QWidget {{ background: {PANEL}; }}
        QPushButton {{
            background: {PANEL}; color: {INK}; border: 3px solid {INK};
            border-radius: 12px; padding: 8px 12px; font-size: {body};
        }}
        QPushButton > QLabel#button_words {{ background: transparent; color: {INK}; }}
        QPushButton#larger_text:checked {{ background: {PANEL}; border-width: 8px; }}
        QPushButton#confirm > QLabel#button_words {{ color: {ON_GREEN}; font-weight: 700; }}
        QPushButton#help > QLabel#button_words {{ color: {ON_RED}; font-weight: 700; }}
        QPushButton[size="large"] > QLabel#button_words {{ font-size: {title}; }}
        QPushButton:pressed {{ background: #D0D0C6; }}
        QPushButton:checked {{ background: {INK}; color: {PAPER}; }}
        QPushButton#help {{
            background: {HELP_RED}; color: {ON_RED}; border: none;
            border-radius: 24px; font-size: {self.px_per_inch * 40 / 72:.0f}px; font-weight: 700;
        }}
        QPushButton[size="large"] {{ font-size: {title}; }}
        QPushButton[size="huge"] {{ font-size: {self.font(40)}; }}
        QPushButton#help_corner {{
            background: {HELP_RED}; color: {ON_RED}; border: none; border-radius: 16px;
            font-size: {title}; font-weight: 700;
        }}
        QPushButton#confirm {{ background: {CONFIRM_GREEN}; color: {ON_GREEN}; border: none; font-weight: 700; }}
        QPushButton#tile {{ font-size: {title}; font-weight: 600; border-radius: 24px; background: white; }}
        QPushButton#discreet {{ background: {PAPER}; color: {DISCREET}; border: none; font-size: {body}; }}
        QLineEdit {{ font-size: {title}; border: 3px solid {INK}; border-radius: 8px; padding: 6px; background: white; }}
        QPlainTextEdit {{ font-family: monospace; font-size: {self.font(12)}; background: white; }}
        QScrollBar:vertical {{ width: {self.min_target_px}px; background: {PANEL}; }}
        QScrollBar::handle:vertical {{ background: {MUTED_INK}; min-height: {self.min_target_px}px; border-radius: 6px; }}
        """
