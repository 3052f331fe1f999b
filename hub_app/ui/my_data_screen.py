"""\"My data\": what the hub keeps about the resident, for how long, who receives it,
and what they agreed to, in plain words."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from hub_app.ui.theme import Theme


class MyDataScreen(QWidget):
    done = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self.setObjectName("my_data")
        self.title = QLabel(self.tr("My data"), objectName="title")
        self.title.setWordWrap(True)
        self.sections: dict[str, QLabel] = {}
        inner = QWidget()
        column = QVBoxLayout(inner)
        for key, heading in (("kept", self.tr("What this screen keeps")), ("how_long", self.tr("For how long")),
                             ("who", self.tr("Who receives it")), ("agreed", self.tr("What you have agreed to"))):
            label = QLabel(heading, objectName="title")
            label.setWordWrap(True)
            text = QLabel()
            text.setWordWrap(True)
            text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            column.addWidget(label)
            column.addWidget(text)
            column.addSpacing(12)
            self.sections[key] = text
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.ok_button = QPushButton(self.tr("OK"), objectName="confirm")
        self.ok_button.setMinimumSize(theme.target_px(60), theme.target_px(20))
        self.ok_button.clicked.connect(self.done)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 32, 60, 32)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.ok_button, 0, Qt.AlignmentFlag.AlignHCenter)

    def show_data(self, data) -> None:
        counts = data.counts
        self.sections["kept"].setText("\n".join([
            self.tr("Your measurements: {n}").format(n=counts.get("reading", 0)),
            self.tr("Your medicines, taken or missed: {n}").format(n=counts.get("dose", 0)),
            self.tr("Alarms: {n}").format(n=counts.get("alarm", 0)),
            self.tr("Reminders: {n}").format(n=counts.get("reminder", 0)),
            self.tr("Getting up at night and moving about: {n}").format(n=counts.get("activity", 0)),
            self.tr("Messages from the devices (batteries and the like): {n}").format(n=counts.get("device", 0)),
        ]))
        self.sections["how_long"].setText(self.tr(
            "{days} days. After that it is deleted from this screen. A record of who did what is kept, without "
            "your measurements.").format(days=data.keep_days))
        consent = data.consent
        shares = consent.get("vital_sign_sharing") is not None and consent["vital_sign_sharing"].given
        who = [self.tr("The home-care service: your alarms and medicines{measurements}.").format(
            measurements=self.tr(", and your measurements") if shares else "")]
        if data.relatives:
            who.append(self.tr("By text message, when an alarm is not answered: {names}.").format(
                names=", ".join(data.relatives)))
        if not data.service_configured:
            who.append(self.tr("This screen is not connected to the home-care service yet: it keeps what is to be "
                               "sent until it is."))
        self.sections["who"].setText("\n".join(who))
        names = {"vital_sign_sharing": self.tr("Sharing your measurements"),
                 "bed_and_inactivity_monitoring": self.tr("Watching for long times out of bed at night, or no movement"),
                 "auto_answer_calls": self.tr("Answering video calls by itself"),
                 "relatives_told": self.tr("Telling your relatives about alarms")}
        lines = []
        for feature, name in names.items():
            entry = consent.get(feature)
            if entry is None:
                lines.append(self.tr("{what}: not asked").format(what=name))
            else:
                answer = self.tr("yes") if entry.given else self.tr("no")
                lines.append(self.tr("{what}: {answer} (recorded by {who}, {when})").format(
                    what=name, answer=answer, who=entry.recorded_by, when=entry.recorded_at))
        self.sections["agreed"].setText("\n".join(lines))
