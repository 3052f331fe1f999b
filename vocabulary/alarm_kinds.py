"""The kinds of alarm the hub raises for a person (not the technical ones), in the
order the nurse's plan editor shows them. A contact may be asked first for some of
them (a neighbour for a fall or a door at night): the plan, the hub's ladder and the
console read this one list."""

from __future__ import annotations

PERSON_ALARM_KINDS = ("help_button", "fall", "out_of_bed_at_night", "door_open_at_night", "inactivity",
                      "vital_sign_red", "missed_dose")
