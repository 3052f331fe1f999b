"""What the resident sees after pressing Help: in plain words, what happens next."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from hub_app.ui.theme import Theme


class HelpScreen(QWidget):
    done = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self.setObjectName("help_screen")
        self.title = QLabel(objectName="title")
        self.title.setWordWrap(True)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.ok_button = QPushButton(self.tr("OK"), objectName="confirm")
        self.ok_button.setMinimumSize(theme.target_px(60), theme.target_px(20))
        self.ok_button.clicked.connect(self.done)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 48, 60, 48)
        layout.addWidget(self.title)
        layout.addSpacing(24)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.ok_button, 0, Qt.AlignmentFlag.AlignHCenter)

    def show_recorded(self, at_local: datetime) -> None:
        self.title.setText(self.tr("Your call for help is registered"))
        self.body.setText(
            self.tr(
                "It was registered at {time}. The home-care service will be told and "
                "will contact you as soon as they can.\n\n"
                "If you can, sit down and stay where you are."
            ).format(time=f"{at_local:%H:%M}")
        )

    def show_failed(self) -> None:
        self.title.setText(self.tr("Your call for help could not be registered"))
        self.body.setText(
            self.tr(
                "Something is wrong with this screen. Please phone the home-care "
                "service, or 113 if it is an emergency."
            )
        )
