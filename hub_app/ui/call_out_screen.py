"""Calling out: one large tile per person the resident may call (the contacts who
agreed, and the home-care service), one touch to call."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hub_app.call_desk import CallTile
from hub_app.ui.theme import Theme
from hub_app.ui.widgets import show_status


def initials(name: str) -> str:
    parts = [p for p in name.replace("-", " ").split() if p]
    return "".join(p[0].upper() for p in parts[:2]) or "?"


class CallOutScreen(QWidget):
    call_requested = Signal(str)  # the tile's target
    back = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self.setObjectName("call_out")
        self._theme = theme
        self.title = QLabel(self.tr("Who do you want to call?"), objectName="title")
        self.title.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setSpacing(24)
        self.tiles: dict[str, QPushButton] = {}
        self.status = QLabel(objectName="status")
        self.status.setWordWrap(True)
        self.back_button = QPushButton(self.tr("Back"))
        self.back_button.setMinimumSize(theme.target_px(40), theme.target_px(18))
        self.back_button.clicked.connect(self.back)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.back_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 40, 60, 40)
        layout.addWidget(self.title)
        layout.addSpacing(24)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        layout.addLayout(bottom)

    def show_tiles(self, tiles: list[CallTile]) -> None:
        for button in self.tiles.values():
            self.grid.removeWidget(button)
            button.deleteLater()
        self.tiles = {}
        self.status.setText("" if tiles else self.tr("There is no one to call yet. The home-care service can add "
                                                     "your family."))
        for index, tile in enumerate(tiles):
            name = tile.name or self.tr("Home-care service")
            words = f"{initials(name)}\n\n{name}" + (f"\n{tile.relation}" if tile.relation else "")
            button = QPushButton(words, objectName="tile")
            button.setAccessibleName(self.tr("Call {name}").format(name=name))
            button.setMinimumSize(self._theme.target_px(45), self._theme.target_px(40))
            button.clicked.connect(lambda _checked=False, target=tile.target: self._call(target))
            self.grid.addWidget(button, index // 3, index % 3, Qt.AlignmentFlag.AlignLeft)
            self.tiles[tile.target] = button
        self.set_busy(False)

    def _call(self, target: str) -> None:
        self.set_busy(True)
        show_status(self.status, self.tr("Calling..."), ok=True)
        self.call_requested.emit(target)

    def set_busy(self, busy: bool) -> None:
        for button in self.tiles.values():
            button.setEnabled(not busy)

    def show_failed(self, name: str) -> None:
        self.set_busy(False)
        show_status(self.status, self.tr("The call to {name} could not be started. Try again later, or press Help "
                                         "if you need help.").format(name=name or self.tr("Home-care service")), ok=False)
