"""What the resident sees of an alarm: after pressing Help, and then as it goes on, in
plain words, what happens next ("Help is on the way: Nina")."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from hub_app.alarms import AlarmView
from hub_app.ui.theme import Theme
from hub_app.ui.widgets import notice_layout


class HelpScreen(QWidget):
    done = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self.setObjectName("help_screen")
        self.title = QLabel(objectName="title")
        self.body = QLabel()
        self.ok_button = QPushButton(self.tr("OK"), objectName="confirm")
        self.ok_button.clicked.connect(self.done)
        notice_layout(self, self.title, self.body, self.ok_button, theme)

    def show_recorded(self, at_local: datetime) -> None:
        self.title.setText(self.tr("Your call for help is registered"))
        self.body.setText(
            self.tr(
                "It was registered at {time}. The home-care service will be told and "
                "will contact you as soon as they can.\n\n"
                "If you can, sit down and stay where you are."
            ).format(time=f"{at_local:%H:%M}")
        )

    def show_alarm(self, alarm: AlarmView, at_local: datetime) -> None:
        """An alarm's state as it changes (the care service or the ladder moved it)."""
        time = f"{at_local:%H:%M}"
        if alarm.state == "acknowledged":
            self.title.setText(self.tr("Help is on the way: {name}").format(name=alarm.acknowledged_by))
            self.body.setText(self.tr("{name} has your alarm and will contact you.\n\n"
                                      "If you can, sit down and stay where you are.").format(name=alarm.acknowledged_by))
        elif alarm.state == "taken":
            self.title.setText(self.tr("{name} is coming").format(name=alarm.taken_by))
            self.body.setText(self.tr("{name} answered the message and is on the way. The home-care service knows.\n\n"
                                      "If you can, sit down and stay where you are.").format(name=alarm.taken_by))
        elif alarm.state == "top_of_ladder":
            self.title.setText(self.tr("Nobody has answered yet"))
            self.body.setText(self.tr("If you can, phone the home-care service, or 113 if it is an emergency."))
        elif alarm.state == "escalating":
            self.title.setText(self.tr("We are still waiting for an answer"))
            told = ", ".join(name for name in alarm.told if name != "on-call")
            sent = (self.tr("We have also sent a message to {names}.").format(names=told) if told else
                    self.tr("We are calling the home-care service again."))
            # What to do meanwhile, calmly: the same advice as when help was first called.
            self.body.setText(sent + "\n\n" + self.tr("If you can, sit down and stay where you are."))
        else:
            self.title.setText(self.tr("Help is being called"))
            self.body.setText(self.tr("The alarm was sent at {time}. The home-care service will be told and will "
                                      "contact you as soon as they can.\n\nIf you can, sit down and stay where you "
                                      "are.").format(time=time))

    def show_failed(self) -> None:
        self.title.setText(self.tr("Your call for help could not be registered"))
        self.body.setText(
            self.tr(
                "Something is wrong with this screen. Please phone the home-care "
                "service, or 113 if it is an emergency."
            )
        )
