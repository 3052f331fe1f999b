"""Small widget helpers the screens share."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel, QPushButton, QScrollArea,
                               QSizePolicy, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

SOFT_HYPHEN = "\u00ad"
MIN_TABLE_HEIGHT = 90
MAX_COLUMN_PX = 420  # a column wider than this elides in the middle  # a header and a row or two; more rows scroll


def table(headers: list[str]) -> QTableWidget:
    """A read-only table whose rows are chosen whole, one at a time."""
    view = QTableWidget(0, len(headers))
    view.setHorizontalHeaderLabels(headers)
    view.verticalHeader().setVisible(False)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setMaximumSectionSize(MAX_COLUMN_PX)
    view.horizontalHeader().setStretchLastSection(True)
    # Rows scroll inside the table: more devices never make the page taller than the screen.
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
    view.setMinimumHeight(MIN_TABLE_HEIGHT)
    # A long path keeps its end (the part that differs), its whole in a tooltip.
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    view.setWordWrap(False)
    return view


def fill(view: QTableWidget, rows: list[list[str]]) -> None:
    view.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            view.setItem(r, c, item)


def show_status(label: QLabel, text: str, ok: bool) -> None:
    """A message in the status colours: green when it went well, amber when not."""
    label.setText(text)
    label.setProperty("attention", "false" if ok else "true")
    label.style().unpolish(label)
    label.style().polish(label)


def notice_layout(page: QWidget, title: QLabel, body: QLabel, button: QPushButton, theme) -> None:
    """A screen that tells the resident something: a title, words below it, one large
    button at the bottom (the help screen, a nurse's message)."""
    title.setWordWrap(True)
    body.setWordWrap(True)
    body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    button.setMinimumSize(theme.target_px(60), theme.target_px(20))
    layout = QVBoxLayout(page)
    layout.setContentsMargins(60, 48, 60, 48)
    layout.addWidget(title)
    layout.addSpacing(24)
    layout.addWidget(body, 1)
    layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)


class WrapButton(QPushButton):
    """A push button whose words wrap onto more lines when the screen is narrow (long
    words in large text on a small screen), instead of being cut off."""

    def __init__(self, text: str = "", objectName: str = "") -> None:  # noqa: N803 (Qt's spelling)
        super().__init__(objectName=objectName)
        self._text = text
        self.label = QLabel(breakable(text), objectName="button_words")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(self.label)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def text(self) -> str:  # what the button says, for tests and screen readers
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's spelling)
        self._text = text
        self.label.setText(breakable(text))
        self.setAccessibleName(text)

    def sizeHint(self):  # noqa: N802
        return self.layout().sizeHint().expandedTo(self.minimumSize())

    def minimumSizeHint(self):  # noqa: N802
        return self.layout().minimumSize()

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return max(self.minimumHeight(), self.layout().totalHeightForWidth(width))


def breakable(text: str, longest: int = 10) -> str:
    """Long words with soft hyphens in them, so that a word too wide for a small screen
    in large text breaks (with a hyphen shown) instead of being cut off."""
    def soften(word: str) -> str:
        if len(word) <= longest:
            return word
        half = len(word) // 2
        return soften(word[:half]) + SOFT_HYPHEN + soften(word[half:])
    return "\n".join(" ".join(soften(w) for w in line.split(" ")) for line in text.split("\n"))


class PageScroll(QScrollArea):
    """Scrolls up and down only, with a bar as wide as a touch target; what it holds is
    as wide as what it shows, so words wrap instead of running under the bar."""

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.widget() is not None:
            self.widget().setFixedWidth(self.viewport().width())


def scroll_when_too_tall(page: QWidget) -> QScrollArea:
    """Move everything in `page`'s box layout into a scroll area that fills the page: on
    a small screen, or with larger text, a screen taller than the window scrolls rather
    than squeezing its words until they are cut off."""
    old = page.layout()
    inner = QWidget(objectName="page_inner")
    moved = QVBoxLayout(inner) if isinstance(old, QVBoxLayout) else QHBoxLayout(inner)
    moved.setContentsMargins(old.contentsMargins())
    moved.setSpacing(old.spacing())
    items = []
    while old.count():
        stretch = old.stretch(0)
        items.append((old.takeAt(0), stretch))
    for item, stretch in items:
        if item.widget() is not None:
            moved.addWidget(item.widget(), stretch, item.alignment())
        elif item.layout() is not None:
            sub = item.layout()
            sub.setParent(None)
            moved.addLayout(sub, stretch)
        else:
            moved.addItem(item)
            moved.setStretch(moved.count() - 1, stretch)
    old.setContentsMargins(0, 0, 0, 0)
    area = PageScroll()
    area.setWidget(inner)
    old.addWidget(area)
    return area
