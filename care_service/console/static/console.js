// The nurse console's script: the live alarm list (server-sent events) with residents
// calling by video, actions without a page reload, the alarm sound, ages that keep
// counting, and copying an invitation's link.
// Everything shown is put in with textContent: no text from the server becomes markup.
"use strict";

const csrf = document.body.dataset.csrf;
let audio = null;          // made on the nurse's click: browsers only play sound after one
let knownIds = null;       // alarms seen so far (null until the first list)

function element(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === "class") node.className = value; else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function say(words, key, values) {
  let text = words[key] || key;
  for (const [name, value] of Object.entries(values || {})) text = text.replace("{" + name + "}", value);
  return text;
}

function age(words, raisedAt) {
  const minutes = Math.floor((Date.now() - Date.parse(raisedAt)) / 60000);
  if (minutes < 1) return say(words, "just_now");
  if (minutes < 60) return say(words, "minutes_ago", {n: minutes});
  return say(words, "hours_ago", {h: Math.floor(minutes / 60), m: minutes % 60});
}

function actionForm(id, action, words) {
  const form = element("form", {method: "post", action: `/console/alarms/${id}/${action}`,
                                class: action === "resolve" ? "act resolve" : "act"});
  form.append(element("input", {type: "hidden", name: "csrf", value: csrf}));
  if (action === "resolve") {
    form.append(element("input", {name: "note", placeholder: words.note, "aria-label": words.note, required: ""}));
  }
  form.append(element("button", {type: "submit", class: action === "acknowledge" ? "primary" : ""},
                      say(words, action)));
  return form;
}

function card(alarm, words) {
  const classes = ["alarm", alarm.state];
  if (alarm.escalated) classes.push("escalated");
  const kind = say(words, alarm.kind_key);
  const link = element("a", {href: `/console/residents/${alarm.patient_id}`}, alarm.resident);
  const node = element("article", {class: classes.join(" "), "data-id": alarm.id, "aria-label": `${kind}, ${alarm.resident}`},
    element("div", {class: "what"}, element("strong", {}, kind), " ", link),
    element("div", {class: "when"},
            element("span", {class: "time-of-day"}, alarm.raised_text), " ",
            element("time", {datetime: alarm.raised_at}, age(words, alarm.raised_at))),
    element("div", {class: "state"}, alarm.state_text));
  if (alarm.reading) {
    node.append(element("div", {class: "reading"}, words.reading + ": ", element("strong", {}, alarm.reading)));
  }
  if (alarm.state !== "resolved") {
    if (alarm.step_texts.length) {
      node.append(element("ol", {class: "steps", "aria-label": words.steps},
                          ...alarm.step_texts.map(text => element("li", {}, text))));
    }
    const contact = element("div", {class: "contact"});
    if (alarm.phone) {
      contact.append(element("span", {class: "phone"}, words.phone + ": ",
                             element("a", {href: "tel:" + alarm.phone.replace(/ /g, "")}, alarm.phone)));
    }
    if (alarm.address) contact.append(element("span", {class: "address"}, words.address + ": " + alarm.address));
    if (!alarm.phone && !alarm.address) contact.append(element("span", {class: "missing"}, words.no_contact));
    node.append(contact);
  }
  if (alarm.state === "open") node.append(actionForm(alarm.id, "acknowledge", words));
  if (alarm.state !== "resolved") node.append(actionForm(alarm.id, "resolve", words));
  else node.append(element("div", {class: "note"}, say(words, "resolved_by", {name: alarm.resolved_by}) + ": " + alarm.note));
  return node;
}

// New alarms said to a screen reader (the live region), as the sound says them to the room.
function announce(fresh, words) {
  const region = document.getElementById("announcer");
  if (!region || !fresh.length) return;
  region.textContent = fresh.map(a => say(words, "announce_new",
    {kind: say(words, a.kind_key), name: a.resident}) + (a.reading ? ` (${a.reading})` : "")).join(". ");
}

function cue() {
  document.body.dataset.cues = String(Number(document.body.dataset.cues || 0) + 1);
  if (!audio) return;
  // Three short rising tones: heard across a room, unlike any notification sound.
  const start = audio.currentTime;
  [660, 880, 1100].forEach((hz, i) => {
    const tone = audio.createOscillator(), gain = audio.createGain();
    tone.frequency.value = hz;
    gain.gain.setValueAtTime(0.4, start + i * 0.25);
    gain.gain.exponentialRampToValueAtTime(0.001, start + i * 0.25 + 0.22);
    tone.connect(gain).connect(audio.destination);
    tone.start(start + i * 0.25);
    tone.stop(start + i * 0.25 + 0.23);
  });
}

function show(list, alarms, words) {
  const fresh = alarms.filter(a => a.state === "open" && knownIds !== null && !knownIds.has(a.id));
  knownIds = new Set(alarms.map(a => a.id));
  // Keep a note the nurse is typing: a list update must not throw it away.
  const typing = document.activeElement && document.activeElement.name === "note"
    ? [document.activeElement.closest("article").dataset.id, document.activeElement.value] : null;
  list.replaceChildren(...(alarms.length ? alarms.map(a => card(a, words))
                                          : [element("p", {class: "empty"}, words.no_alarms)]));
  if (typing) {
    const input = list.querySelector(`article[data-id="${CSS.escape(typing[0])}"] input[name=note]`);
    if (input) { input.value = typing[1]; input.focus(); }
  }
  if (fresh.length) { cue(); announce(fresh, words); }
  document.body.dataset.alarmsShown = String(alarms.length);
}

async function act(form) {
  const response = await fetch(form.action, {method: "POST", body: new FormData(form),
    headers: {"Accept": "application/json", "X-CSRF-Token": csrf}});
  if (!response.ok) {
    const answer = await response.json().catch(() => ({problem: response.statusText}));
    alert(answer.problem || response.statusText);
  }
}

let knownCalls = null;     // residents' calls seen so far

function showCalls(list, calls, words) {
  const fresh = calls.filter(c => knownCalls !== null && !knownCalls.has(c.room));
  knownCalls = new Set(calls.map(c => c.room));
  list.replaceChildren(...calls.map(c => element("article", {class: "incoming-call", "data-room": c.room},
    element("strong", {}, say(words, "call.incoming", {name: c.resident})), " ",
    element("a", {class: "button join", href: `/console/calls/${encodeURIComponent(c.room)}`}, words["call.join"]))));
  if (fresh.length) cue();
  document.body.dataset.callsShown = String(calls.length);
}

function liveAlarms() {
  const list = document.getElementById("alarm-list");
  if (!list) return;
  const words = JSON.parse(list.dataset.words);
  let alarms = [];
  const source = new EventSource("/console/live" + location.search);  // the same page of resolved alarms
  source.addEventListener("alarms", event => {
    document.getElementById("live-lost").hidden = true;
    alarms = JSON.parse(event.data);
    show(list, alarms, words);
  });
  const callList = document.getElementById("call-list");
  source.addEventListener("calls", event => showCalls(callList, JSON.parse(event.data), words));
  source.onerror = () => {
    document.getElementById("live-lost").hidden = false;
    // The list also ends when the session does (logged out elsewhere, the shift over):
    // then the login page, not "trying again" for ever on a shared screen.
    fetch("/console", {headers: {Accept: "application/json"}, redirect: "manual"}).then(answer => {
      if (answer.status === 401 || answer.type === "opaqueredirect") location.assign("/console/login");
    }).catch(() => {});
  };
  list.addEventListener("submit", event => { event.preventDefault(); act(event.target); });
  setInterval(() => list.querySelectorAll("time").forEach(node => {
    node.textContent = age(words, node.getAttribute("datetime"));
  }), 30000);
  const sound = document.getElementById("sound");
  // The sound is on while `audio` plays; the button says so and turns it off again.
  const soundOn = () => {
    audio = audio || new AudioContext();
    audio.resume();
    sound.textContent = words.sound_is_on;
    sound.setAttribute("aria-pressed", "true");
  };
  const soundOff = () => {
    if (audio) audio.suspend();
    audio = null;
    sound.textContent = words.sound_on;
    sound.setAttribute("aria-pressed", "false");
  };
  const keep = choice => {
    try { localStorage.setItem("console.sound", choice); } catch (error) { /* a private window: this time only */ }
  };
  sound.setAttribute("aria-pressed", "false");
  sound.addEventListener("click", () => {
    if (sound.getAttribute("aria-pressed") === "true") { soundOff(); keep("off"); } else { soundOn(); keep("on"); }
  });
  let kept = null;
  try { kept = localStorage.getItem("console.sound"); } catch (error) { /* no storage: asked each time */ }
  if (kept === "on") {
    // Turned on before, in this browser: on again. A browser that plays sound only after a
    // click starts it at her first touch of the page.
    soundOn();
    if (audio.state !== "running") {
      const wake = () => { if (audio) audio.resume(); };
      document.addEventListener("pointerdown", wake, {once: true});
      document.addEventListener("keydown", wake, {once: true});
    }
  }
}

// An invitation's link on the resident's page, copied with one press.
function copyLinks() {
  document.querySelectorAll("button.copy-link").forEach(button => button.addEventListener("click", async () => {
    const input = button.parentElement.querySelector(".invite-link");
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
    } catch (error) {
      document.execCommand("copy");
    }
    button.textContent = button.dataset.copied;
  }));
}

document.addEventListener("DOMContentLoaded", liveAlarms);
document.addEventListener("DOMContentLoaded", copyLinks);
