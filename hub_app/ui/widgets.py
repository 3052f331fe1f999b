"""Small widget helpers the screens share."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QPushButton, QSizePolicy, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

MIN_TABLE_HEIGHT = 90  # a header and a row or two; more rows scroll


def table(headers: list[str]) -> QTableWidget:
    """A read-only table whose rows are chosen whole, one at a time."""
    view = QTableWidget(0, len(headers))
    view.setHorizontalHeaderLabels(headers)
    view.verticalHeader().setVisible(False)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    # Rows scroll inside the table: more devices never make the page taller than the screen.
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
    view.setMinimumHeight(MIN_TABLE_HEIGHT)
    return view


def fill(view: QTableWidget, rows: list[list[str]]) -> None:
    view.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            view.setItem(r, c, QTableWidgetItem(text))


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
