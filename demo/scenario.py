"""The demo's scripted day, offscreen: each step does what a resident, a device, a
nurse or a technician would do, waits for the screen to show it, and saves a
screenshot. What the hub says aloud is kept as WAV files beside the screenshots."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from demo.home import DemoClock, SimulatedHome, wait
from demo.service import NURSE_NAME, ConsoleCamera, ConsoleNurse, DemoCareService

DEMO_PIN = "2468"


class Scenario:
    def __init__(self, core, home: SimulatedHome, service: DemoCareService, clock: DemoClock, shots: Path,
                 timeline: Callable[[str], None]) -> None:
        from hub_app.speech import Speaker
        from hub_app.ui.app import application, build_window

        self.core, self.home, self.clock, self.shots, self.timeline = core, home, clock, shots, timeline
        self.service, self.nurse = service, ConsoleNurse(service.url)
        self.nurse.log_in()
        # The resident's phone and address, as a nurse keeps them: on every alarm card.
        self.nurse._post(f"/console/residents/{service.patient_id}/contact", phone="+47 22 33 44 55",
                         address="Storgata 1, 0155 Oslo")
        timeline("the nurse keeps Kari's phone and address with her record: they show on each of her alarms")
        self.camera = ConsoleCamera(service.url)
        if self.camera.why_not:
            timeline(self.camera.why_not)
        shots.mkdir(parents=True, exist_ok=True)
        self.app = application()
        self.window = build_window(core, self.app, Speaker(core.config.resident.language, wave_dir=shots))
        self.step = 0

    # -- helpers -------------------------------------------------------------------------

    def settle(self) -> None:
        for _ in range(5):
            self.app.processEvents()

    def until(self, condition: Callable[[], object], what: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"the demo waited {timeout:.0f} s for {what}")
            self.app.processEvents()
            time.sleep(0.01)

    def shot(self, name: str, what: str) -> None:
        self.step += 1
        self.settle()
        path = self.shots / f"{self.step:02d}-{name}.png"
        if not self.window.grab().save(str(path)):
            raise RuntimeError(f"could not save the screenshot {path}")
        self.timeline(f"{what} -> {path.name}")

    def console_shot(self, name: str, what: str, wait_for: str = "") -> None:
        self.step += 1
        path = self.shots / f"{self.step:02d}-{name}.png"
        if self.camera.shoot(path, wait_for):
            self.timeline(f"{what} -> {path.name}")

    def at_console(self, alarm_uid: str) -> dict:
        """Wait until the nurse's console lists the hub's alarm; return it."""
        found: list[dict] = []

        def listed() -> bool:
            found[:] = [a for a in self.nurse.alarms() if a["uid"] == alarm_uid]
            return bool(found)

        self.until(listed, "the alarm on the nurse's console", timeout=30)
        return found[0]

    def at(self, hour: int, minute: int = 0) -> None:
        self.clock.jump_to(hour, minute)
        self.home.heard_from_all()
        self.window.home.refresh_clock()
        self.timeline(f"-- the day moves on: it is {self.clock.local()[:5]}")
        self.core.call(self.core.tick)

    def tick(self) -> None:
        self.core.call(self.core.tick)
        self.settle()

    # -- the day -------------------------------------------------------------------------

    def run(self) -> None:
        w = self.window
        w.resize(1280, 800)
        w.show()
        self.until(lambda: w.home._painted, "the home screen to paint")
        self.until(lambda: "08:00" in w.home.plan.text(), "today's plan on the home screen")
        self.shot("home", f"home screen at {self.clock.local()[:5]}: status \"{w.home.status.text().lstrip('●▲ ')}\"")
        self.help_pressed()
        self.measurements()
        self.morning_dose()
        self.fall_answered()
        self.check_in()
        self.fall_unanswered()
        self.evening_dose()
        self.technician()

    def help_pressed(self) -> None:
        w = self.window
        w.home.help_button.click()
        self.timeline("resident pressed Help on the screen")
        self.until(lambda: w.currentWidget() is w.help, "the help confirmation")
        self.shot("help-registered", f"resident told: \"{w.help.title.text()}\"")
        uid = self.core.call(self.core.alarms.active)[0].uid
        alarm = self.at_console(uid)
        self.timeline("the alarm reached the care service (FHIR DetectedIssue) and is live on the nurse's console")
        self.console_shot("console-alarm", "the nurse's console: the alarm arrived without a reload, with a sound",
                          "article.alarm.open")
        self.nurse.acknowledge(alarm["id"])
        self.timeline(f"{NURSE_NAME} presses \"Ta alarmen\" on the console")
        self.until(lambda: w.help.title.text().endswith(NURSE_NAME), "the acknowledgement on the hub's screen")
        self.shot("help-on-the-way", f"the acknowledgement reached the hub: \"{w.help.title.text()}\"")
        self.nurse.resolve(alarm["id"], "Ringte Kari: hun hadde trykket ved et uhell. Alt vel.")
        self.console_shot("console-resolved", "the nurse resolves the alarm with a note (the note goes to the hub too)",
                          "article.alarm.resolved")
        w.help.ok_button.click()
        self.until(lambda: w.currentWidget() is w.home, "the home screen")
        self.nurse.write_to(self.service.patient_id, "Hei Kari! Vi kommer klokken 14 i dag, ikke 12. Hilsen Nina")
        self.until(lambda: w.currentWidget() is w.message, "the nurse's message on the hub's screen")
        self.shot("nurse-message", f"a message from the nurse, shown large and read aloud: \"{w.message.body.text()}\"")
        w.message.ok_button.click()
        self.until(lambda: w.currentWidget() is w.home, "the home screen")

    def measurements(self) -> None:
        w, screen, home = self.window, self.window.measure, self.home
        wait(lambda: _readings(self.core) >= len(home.LAST_WEEK), "last week's readings from the cuff")
        self.timeline(f"the cuff handed over the {len(home.LAST_WEEK)} readings it kept from last week")
        w.home.measure_buttons["blood_pressure"].click()
        self.until(lambda: w.currentWidget() is screen, "the measurement screen")
        self.shot("measure-guide", f"resident pressed \"Measure blood pressure\": \"{screen.instruction.text()}\"")
        home.cuff.pump(120)
        self.until(lambda: "120" in screen.progress.text(), "the cuff pressure on the screen")
        self.shot("measure-live", f"the cuff pumps: \"{screen.progress.text()}\"")
        home.cuff.measure(128, 82, 68, cuff_pressures=(160, 110))
        self.until(lambda: screen.pages.currentWidget() is screen.result_page, "the blood-pressure result")
        self.shot("measure-result", f"result shown and spoken: \"{screen.numbers.text()} {screen.unit.text()}\" "
                                    f"\"{screen.verdict.text()}\"")
        screen.history_button.click()
        self.until(lambda: screen.pages.currentWidget() is screen.history_page and screen.chart.point_count,
                   "the history chart")
        self.shot("measure-history", f"resident looked at earlier readings: {screen.chart.point_count} points over 7 days")
        screen.history_done_button.click()
        w.home.measure_buttons["oximeter"].click()
        self.until(lambda: screen.pages.currentWidget() is screen.guide_page, "the oxygen guide")
        home.oximeter.spot_check(93, 74)
        self.until(lambda: screen.pages.currentWidget() is screen.result_page, "the oxygen result")
        self.shot("measure-oxygen", f"oxygen spot check: \"{screen.numbers.text()} {screen.unit.text()}\" "
                                    f"\"{screen.verdict.text()}\"")
        screen.done_button.click()
        w.home.measure_buttons["blood_pressure"].click()
        home.cuff.measure(186, 104, 92)
        self.until(lambda: screen.pages.currentWidget() is screen.result_page, "the red result")
        self.until(lambda: any(a.type == "vital_sign_red" for a in self.core.call(self.core.alarms.active)),
                   "the red reading's alarm")
        self.shot("measure-red", f"a red blood pressure: \"{screen.verdict.text()}\"; an alarm for the nurse is raised")
        screen.done_button.click()
        self.until(lambda: w.currentWidget() is w.home, "the home screen")

    def morning_dose(self) -> None:
        w, home = self.window, self.home
        self.at(8, 0)
        self.until(lambda: w.currentWidget() is w.reminder, "the morning reminder")
        self.shot("reminder-morning", f"the reminder takes over with a chime: \"{w.reminder.title.text()}\" "
                                      f"\"{w.reminder.body.text()}\"")
        home.host.call(home.dispenser.dose_due, 1)
        self.timeline("dispenser: compartment 1 opens and lights up")
        home.host.call(home.dispenser.dose_taken, 1)
        self.timeline("dispenser: the resident takes the dose from compartment 1")
        self.until(lambda: w.reminder.title.text() == w.reminder.tr("Thank you"), "the short confirmation")
        self.shot("reminder-taken", f"DOSE_TAKEN ends the reminder: \"{w.reminder.title.text()}. "
                                    f"{w.reminder.body.text()}\"")
        w.reminder.later_button.click()
        self.until(lambda: w.currentWidget() is w.home, "the home screen")
        self.at(8, 31)
        if w.currentWidget() is w.reminder:  # the morning measurement (done already): later
            w.reminder.later_button.click()

    def fall_answered(self) -> None:
        w, home = self.window, self.home
        self.at(10, 15)
        home.host.call(home.receiver.fall, home.FALL_SENSOR)
        self.timeline("fall sensor: a fall")
        self.until(lambda: w.currentWidget() is w.countdown, "\"Are you OK?\"")
        self.shot("fall-are-you-ok", f"\"{w.countdown.title.text()}\" {w.countdown.seconds.text()}")
        w.countdown.ok_button.click()
        self.until(lambda: w.currentWidget() is w.home, "the home screen after \"I'm OK\"")
        self.timeline("resident pressed \"I'm OK\": the alarm is cancelled and recorded, nobody is called")

    def check_in(self) -> None:
        w = self.window
        self.at(12, 0)
        self.until(lambda: w.currentWidget() is w.call and w.call.answer_button.isEnabled(), "the check-in ringing")
        self.shot("check-in-ringing", f"the planned video check-in rings: \"{w.call.caller.text()}\" "
                                      f"\"{w.call.ring_words.text()}\"")
        if not self.camera.join_call(w.call.call.room):
            w.call.decline_button.click()
            self.timeline("no browser for the nurse's side of the call: the resident pressed \"Not now\"")
            self.until(lambda: w.currentWidget() is w.home, "the home screen")
            return
        self.timeline(f"{NURSE_NAME} joins from her console (fake camera); the resident presses \"Answer\"")
        w.call.answer_button.click()
        self.until(lambda: w.call.web is not None and w.call.web.last_state.get("frames_decoded", 0) > 0
                   and self.camera.call_state().get("framesDecoded", 0) > 0, "pictures both ways", timeout=30)
        self.until(lambda: w.call.web.last_state.get("state") == "connected", "the call connected")
        time.sleep(1.0)
        self.settle()
        self.shot("check-in-call", "both sides connected on 127.0.0.1: the nurse large, the resident small, "
                                   "\"Legg på\" (End call)")
        self.step += 1
        path = self.shots / f"{self.step:02d}-console-check-in-call.png"
        self.camera.shoot_call(path)
        self.timeline(f"the nurse's call view in the console -> {path.name}")
        self.camera.hang_up()
        self.until(lambda: w.currentWidget() is w.home, "the hub back home when the nurse hangs up")
        self.timeline("the nurse hung up: the hub went home by itself; the call is recorded (call_ended)")

    def fall_unanswered(self) -> None:
        w, home = self.window, self.home
        self.at(14, 40)
        self.service.stop()
        self.timeline("the care service goes down (an outage)")
        sent_before = len(self.home.sms())
        home.host.call(home.receiver.fall, home.FALL_SENSOR)
        self.timeline("fall sensor: another fall; this time nobody answers")
        self.until(lambda: w.currentWidget() is w.countdown, "\"Are you OK?\"")
        self.clock.advance(seconds=31)
        self.tick()
        self.until(lambda: w.currentWidget() is w.help, "the raised alarm")
        self.until(lambda: len(self.home.sms()) > sent_before, "the SMS to the on-call phone", timeout=30)
        sms = self.home.sms()[-1]
        self.timeline(f"no answer in 30 s: the alarm is raised; the care service is out of reach, so the simulated "
                      f"modem sent an SMS to {sms.number}: \"{sms.text}\"")
        self.shot("fall-raised", f"resident told: \"{w.help.title.text()}\"")
        self.clock.advance(minutes=5)
        self.home.heard_from_all()  # the devices went on talking during those minutes
        self.tick()
        # Ola's SMS for this fall (the red reading's ladder may be sending at the same time).
        self.until(lambda: any("Svar JA" in s.text and "kan ha falt" in s.text for s in self.home.sms()[sent_before:]),
                   "the next rung of the ladder")
        to_ola = next(s for s in self.home.sms()[sent_before:] if "Svar JA" in s.text and "kan ha falt" in s.text)
        self.timeline(f"5 minutes and no acknowledgement: the ladder climbs; SMS to {to_ola.number} "
                      "(Ola, who consented)")
        self.shot("fall-escalating", f"resident told: \"{w.help.title.text()}\" \"{w.help.body.text()}\"")
        self.until(lambda: any("Ola Nordmann" in a.told for a in self.core.call(self.core.alarms.active)
                               if a.type == "fall"), "Ola's SMS recorded with the alarm")
        code = to_ola.text.split("Svar JA ", 1)[1].split()[0]  # he has had more than one alarm's SMS today
        answer = f"Ja {code}, jeg kommer"
        home.host.call(home.modem.deliver_sms, to_ola.number, answer)
        self.until(lambda: w.help.title.text().startswith("Ola"), "Ola's answer on the resident's screen")
        self.timeline(f"Ola answers \"{answer}\" from his phone; the hub reads it through the modem, the "
                      f"ladder waits for him, and the resident is told (aloud too): \"{w.help.title.text()}\"")
        self.shot("fall-ola-coming", f"resident told: \"{w.help.title.text()}\"")
        self.service.start()
        self.timeline("the care service is back; the hub hears it at its next heartbeat and sends what waited, "
                      "alarms first")
        uid = next(a.uid for a in self.core.call(self.core.alarms.active) if a.type == "fall")
        alarm = self.at_console(uid)
        wait(lambda: next(a for a in self.nurse.alarms() if a["uid"] == uid)["on_the_way"], "Ola's answer at the service")
        coming = next(a for a in self.nurse.alarms() if a["uid"] == uid)["on_the_way"]
        self.console_shot("console-fall", f"the fall on the nurse's console after the outage: {coming} is on the way",
                          "article.alarm.open >> text=er på vei")
        self.nurse.acknowledge(alarm["id"])
        # The hub's event channel reconnects after the outage with its backoff (at most 30 s).
        self.until(lambda: w.help.title.text().endswith(NURSE_NAME), "the acknowledgement", timeout=45)
        self.timeline(f"the nurse acknowledges on the console: \"{w.help.title.text()}\"")
        w.help.ok_button.click()

    def evening_dose(self) -> None:
        w, home = self.window, self.home
        self.at(20, 0)
        self.until(lambda: w.currentWidget() is w.reminder, "the evening reminder")
        self.shot("reminder-evening", f"evening reminder: \"{w.reminder.what.text()}\"")
        w.reminder.later_button.click()
        home.host.call(home.dispenser.dose_due, 2)
        self.at(21, 0)
        home.host.call(home.dispenser.dose_missed, 2)
        self.timeline("dispenser: the window for compartment 2 closed; the dose was not taken")
        wait(lambda: any(a.type == "missed_dose" for a in self.core.call(self.core.alarms.active)), "the missed dose")
        self.timeline("the missed dose is recorded and reported: an alarm for the nurse, in the outbox first")
        self.until(lambda: w.currentWidget() is w.home or w.currentWidget() is w.reminder, "the screen")
        if w.currentWidget() is not w.home:
            w.show_home()

    def technician(self) -> None:
        w = self.window
        w.home.technician_button.pressed.emit()
        self.until(lambda: w.currentWidget() is w.pin, "the technician door")
        w.home.technician_button.released.emit()
        self.shot("technician-pin", "technician held the corner button; PIN prompt shown")
        for digit in DEMO_PIN:
            w.pin.keys[digit].click()
        w.pin.open_key.click()
        self.until(lambda: w.currentWidget() is w.technician and w.system.values["database"].text(), "the system page")
        self.shot("technician-system", "technician PIN accepted; system page shown")
        w.technician.tabs.setCurrentWidget(w.serial)
        self.until(lambda: w.serial.devices.rowCount() == 3, "the wired devices")
        w.serial.devices.selectRow(1)
        self.until(lambda: w.serial.sensors.rowCount() == 2, "the sensor list")
        self.shot("technician-wired-devices", "wired devices page: dispenser, receiver with its sensors, modem")
        w.technician.close_button.click()
        self.settle()

    def close(self) -> None:
        self.camera.close()
        self.window.close()


def _readings(core) -> int:
    return len([e for e in core.call(core.diagnostics.recent_events, 200) if e.kind.value == "reading"])
