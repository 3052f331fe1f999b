"""Sizes and colours for screens read from two metres by people with poor sight.

Text is at least 24 pt at the default scale; touch targets are at least 15 mm on the
actual screen (from its physical DPI); every text colour has a contrast ratio of at
least 7:1 (WCAG AAA) against the colour behind it. The larger-text setting scales
every size up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LARGER_TEXT_SCALE = 1.3
MIN_TARGET_MM = 15.0

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


@dataclass(frozen=True)
class Theme:
    scale: float  # 1.0, or LARGER_TEXT_SCALE
    px_per_mm: float

    @classmethod
    def for_screen(cls, larger_text: bool, dots_per_inch: float) -> Theme:
        return cls(scale=LARGER_TEXT_SCALE if larger_text else 1.0, px_per_mm=dots_per_inch / 25.4)

    def pt(self, base: float) -> float:
        return base * self.scale

    @property
    def body_pt(self) -> float:
        return self.pt(24)

    @property
    def title_pt(self) -> float:
        return self.pt(34)

    @property
    def clock_pt(self) -> float:
        return self.pt(96)

    @property
    def min_target_px(self) -> int:
        return math.ceil(MIN_TARGET_MM * self.px_per_mm)

    def target_px(self, mm: float) -> int:
        return max(self.min_target_px, math.ceil(mm * self.px_per_mm))

    def stylesheet(self) -> str:
        body, title = self.body_pt, self.title_pt
        return f"""
        QWidget {{ background: {PAPER}; color: {INK}; font-size: {body}pt; }}
        QLabel#clock {{ font-size: {self.clock_pt}pt; font-weight: 600; }}
        QLabel#title {{ font-size: {title}pt; font-weight: 600; }}
        QLabel#message_text {{ font-size: {title}pt; }}
        QLabel#muted {{ color: {MUTED_INK}; }}
        QLabel#status[attention="true"] {{ color: {ATTENTION_AMBER}; font-weight: 600; }}
        QLabel#status[attention="false"] {{ color: {CONFIRM_GREEN}; font-weight: 600; }}
        QLabel#verdict {{ font-size: {title}pt; font-weight: 700; }}
        QLabel#verdict[band="green"] {{ color: {CONFIRM_GREEN}; }}
        QLabel#verdict[band="yellow"] {{ color: {ATTENTION_AMBER}; }}
        QLabel#verdict[band="red"] {{ color: {HELP_RED}; }}
        QFrame#panel, QFrame#panel QLabel {{ background: {PANEL}; }}
        QPushButton {{
            background: {PANEL}; color: {INK}; border: 3px solid {INK};
            border-radius: 12px; padding: 8px 24px; font-size: {body}pt;
        }}
        QPushButton:pressed {{ background: #D0D0C6; }}
        QPushButton:checked {{ background: {INK}; color: {PAPER}; }}
        QPushButton#help {{
            background: {HELP_RED}; color: {ON_RED}; border: none;
            border-radius: 24px; font-size: {self.pt(44)}pt; font-weight: 700;
        }}
        QPushButton#confirm {{ background: {CONFIRM_GREEN}; color: {ON_GREEN}; border: none; font-weight: 700; }}
        QPushButton#tile {{ font-size: {title}pt; font-weight: 600; border-radius: 24px; background: white; }}
        QPushButton#discreet {{ background: {PAPER}; color: {DISCREET}; border: none; font-size: {body}pt; }}
        QLineEdit {{ font-size: {title}pt; border: 3px solid {INK}; border-radius: 8px; padding: 6px; background: white; }}
        QPlainTextEdit {{ font-family: monospace; font-size: {self.pt(12)}pt; background: white; }}
        QScrollBar:vertical {{ width: {self.min_target_px}px; background: {PANEL}; }}
        QScrollBar::handle:vertical {{ background: {MUTED_INK}; min-height: {self.min_target_px}px; border-radius: 6px; }}
        """
