"""A resident's readings over the last days, drawn large and plain.

One line per measure (systolic and diastolic for blood pressure), each point coloured
by its band, the green range shaded behind so "inside the green" can be seen from the
sofa. Qt Charts is not part of the Qt the hub ships, and a chart this simple is a
screenful of QPainter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from hub_app.ui.theme import ATTENTION_AMBER, CONFIRM_GREEN, HELP_RED, INK, MUTED_INK, PAPER, Theme
from hub_app.vitals import Band, Limits
from vocabulary.measures import MEASURES

BAND_COLOURS = {Band.GREEN: CONFIRM_GREEN, Band.YELLOW: ATTENTION_AMBER, Band.RED: HELP_RED}
GREEN_SHADE = "#DCEBDD"


@dataclass(frozen=True)
class Series:
    measure: str  # "systolic", "spo2", ...
    points: tuple[tuple[datetime, float, Band | None], ...]


class HistoryChart(QWidget):
    def __init__(self, theme: Theme, time_zone: str) -> None:
        super().__init__()
        self.setObjectName("history_chart")
        self._theme = theme
        self._zone = ZoneInfo(time_zone)
        self._series: list[Series] = []
        self._limits: dict[str, Limits] = {}
        self._days = 7
        self._end = datetime.now(self._zone)
        self.setMinimumHeight(theme.target_px(60))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_series(self, series: list[Series], limits: dict[str, Limits], days: int, end: datetime) -> None:
        self._series, self._limits, self._days, self._end = series, limits, days, end.astimezone(self._zone)
        self.update()

    def measure_name(self, measure: str) -> str:
        return {"systolic": self.tr("upper"), "diastolic": self.tr("lower"), "pulse": self.tr("pulse"),
                "spo2": self.tr("oxygen"), "temperature": self.tr("temperature"), "weight": self.tr("weight"),
                "glucose": self.tr("blood sugar")}.get(measure, measure)

    @property
    def point_count(self) -> int:
        return sum(len(s.points) for s in self._series)

    def _value_range(self) -> tuple[float, float]:
        values = [value for s in self._series for _, value, _ in s.points]
        for s in self._series:
            if s.measure in self._limits:
                values += list(self._limits[s.measure].green)
        low, high = min(values), max(values)
        pad = max((high - low) * 0.1, 1.0)
        return low - pad, high + pad

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(PAPER))
        font = QFont(self.font())
        font.setPixelSize(self._theme.px(24))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        left, bottom = metrics.horizontalAdvance("0000") + 16, metrics.height() + 12
        right = metrics.horizontalAdvance("00.00") / 2 + 8  # room for the last date under the axis
        top = metrics.height() + 16  # the legend
        plot = QRectF(left, top, self.width() - left - right, self.height() - bottom - top - 8)
        start = self._end - timedelta(days=self._days)
        if not self._series or plot.width() < 10 or plot.height() < 10:
            painter.end()
            return
        low, high = self._value_range()

        def x_of(moment: datetime) -> float:
            return plot.left() + plot.width() * (moment - start) / (self._end - start)

        def y_of(value: float) -> float:
            return plot.bottom() - plot.height() * (value - low) / (high - low)

        for s in self._series:  # the green range behind the points
            if s.measure in self._limits:
                g_low, g_high = self._limits[s.measure].green
                painter.fillRect(QRectF(plot.left(), y_of(g_high), plot.width(), y_of(g_low) - y_of(g_high)),
                                 QColor(GREEN_SHADE))
        painter.setPen(QPen(QColor(INK), 3))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.setPen(QColor(MUTED_INK))
        # The values written on the axis are the resident's limits: where green begins and ends.
        ticks = sorted({v for s in self._series if s.measure in self._limits for v in self._limits[s.measure].green})
        if not ticks:
            ticks = [low + (high - low) * f for f in (0.1, 0.5, 0.9)]
        shown: list[float] = []
        for value in ticks:
            if any(abs(y_of(value) - y_of(other)) < metrics.height() for other in shown):
                continue  # too close to a label already written
            shown.append(value)
            painter.drawText(QRectF(0, y_of(value) - metrics.height() / 2, left - 8, metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{value:.0f}")
        step = 1 if self._days <= 7 else 7
        for day in range(0, self._days + 1, step):
            moment = start + timedelta(days=day)
            x = x_of(moment)
            painter.drawText(QRectF(x - 60, plot.bottom() + 6, 120, metrics.height()), Qt.AlignmentFlag.AlignHCenter,
                             f"{moment:%d.%m}")
        radius = max(6.0, self._theme.px_per_mm * 1.5)
        # Each line drawn its own way (solid, dashed, dotted) and named, with its unit, in a
        # legend at the top: two lines without one cannot be told apart.
        styles = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine)
        legend_x = plot.left() + 12
        for index, s in enumerate(self._series):
            measure = MEASURES.get(s.measure)
            words = f"{self.measure_name(s.measure)} ({measure.shown})" if measure else self.measure_name(s.measure)
            pen = QPen(QColor(INK), 4, styles[index % len(styles)])
            painter.setPen(pen)
            y = metrics.height() / 2 + 4  # above the plot, clear of its points
            painter.drawLine(QPointF(legend_x, y), QPointF(legend_x + 48, y))
            painter.setPen(QColor(INK))
            painter.drawText(QPointF(legend_x + 56, y + metrics.ascent() / 2 - 2), words)
            legend_x += 56 + metrics.horizontalAdvance(words) + 32
        for index, s in enumerate(self._series):
            points = [(x_of(at), y_of(value), band) for at, value, band in s.points]
            painter.setPen(QPen(QColor(INK), 3, styles[index % len(styles)]))
            for (x1, y1, _), (x2, y2, _) in zip(points, points[1:]):
                painter.drawLine(QPointF(x1, y1), QPointF(x2, y2))
            for x, y, band in points:
                painter.setBrush(QColor(BAND_COLOURS.get(band, INK)) if band else QColor(INK))
                painter.drawEllipse(QPointF(x, y), radius, radius)
        painter.end()
