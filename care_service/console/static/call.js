// The call page (docs/video-calls.md): the camera and microphone (or what there is of
// them), a WebRTC connection to the other side with the service passing the few
// signaling messages over a WebSocket, and window.callState for the hub and the tests
// (mirrored in data- attributes on <body>). Everything shown is put in with textContent.
"use strict";

const body = document.body;
const role = body.dataset.role;
const room = body.dataset.room;
const key = body.dataset.key;
const words = JSON.parse(body.dataset.words);
const FINAL = ["declined", "missed", "cancelled", "ended"];
const remoteVideo = document.getElementById("remote-video");
const ownVideo = document.getElementById("own-video");
const soundButton = document.getElementById("call-sound");
const endButton = document.getElementById("call-end");

const callState = {role, state: "waiting", camera: false, microphone: false, framesDecoded: 0, framesSent: 0};
window.callState = callState;

let local = null;          // our camera and microphone, or null
let socket = null;
let pc = null;
let iceServers = [];
let roomState = "ringing";
let finished = false;
let failedTries = 0;       // sockets that closed before saying hello
let pendingCandidates = [];
let endTimer = null;
let queue = Promise.resolve();
let remoteStream = new MediaStream();

function mirror() {
  body.dataset.state = callState.state;
  body.dataset.camera = String(callState.camera);
  body.dataset.microphone = String(callState.microphone);
  body.dataset.framesDecoded = String(callState.framesDecoded);
  body.dataset.framesSent = String(callState.framesSent);
}

function setState(state) {
  callState.state = state;
  mirror();
  const node = document.getElementById("call-state");
  if (node) node.textContent = words["call.state." + state] || state;
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

// -- the camera and microphone ----------------------------------------------------------------

async function media() {
  // Both, else sound only, else picture only, else nothing (the call still receives).
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return [null, false];
  const tries = [{video: {facingMode: "user"}, audio: true}, {audio: true}, {video: {facingMode: "user"}}];
  let refused = false;
  for (const wanted of tries) {
    try {
      return [await navigator.mediaDevices.getUserMedia(wanted), refused];
    } catch (error) {
      if (error.name === "NotAllowedError" || error.name === "SecurityError") refused = true;
    }
  }
  return [null, refused];
}

function tellDevices(refused) {
  const camera = callState.camera, microphone = callState.microphone;
  let text = "";
  if (!camera && !microphone) text = words["call.no_devices"];
  else if (!camera) text = words["call.no_camera"];
  else if (!microphone) text = words["call.no_microphone"];
  if (text && refused) text += " " + words["call.not_allowed"];
  body.dataset.devices = camera && microphone ? "all" : !camera && !microphone ? "none"
    : camera ? "no-microphone" : "no-camera";
  const node = document.getElementById("call-devices");
  if (node) {
    node.textContent = text;
    node.hidden = !text;
  }
}

// -- the connection to the other side ---------------------------------------------------------

function closePeer() {
  if (pc) {
    pc.onicecandidate = pc.ontrack = pc.onconnectionstatechange = null;
    pc.close();
  }
  pc = null;
  pendingCandidates = [];
  remoteStream = new MediaStream();
  remoteVideo.srcObject = null;
}

function play() {
  if (remoteVideo.srcObject !== remoteStream) remoteVideo.srcObject = remoteStream;
  remoteVideo.play().catch(() => {
    // No sound before a tap on this browser: the picture at once, the sound on a tap.
    remoteVideo.muted = true;
    remoteVideo.play().catch(() => {});
    soundButton.hidden = false;
  });
}

function newPeer() {
  closePeer();
  const peer = new RTCPeerConnection({iceServers});
  pc = peer;
  let reported = false;
  if (local) for (const track of local.getTracks()) peer.addTrack(track, local);
  if (role === "caller") {  // the offer asks for both, whatever we have to send
    for (const kind of ["audio", "video"]) {
      if (!local || !local.getTracks().some(track => track.kind === kind)) {
        peer.addTransceiver(kind, {direction: "recvonly"});
      }
    }
  }
  peer.ontrack = event => {
    remoteStream.addTrack(event.track);
    play();
  };
  peer.onicecandidate = event => {
    if (event.candidate) send({type: "signal", data: {candidate: event.candidate.toJSON()}});
  };
  peer.onconnectionstatechange = () => {
    if (peer !== pc || finished) return;
    if (peer.connectionState === "connected") {
      setState("connected");
      if (!reported) send({type: "connected"});
      reported = true;
    } else if (peer.connectionState === "failed") {
      setState("failed");
    }
  };
  return peer;
}

async function offer() {
  const peer = newPeer();
  await peer.setLocalDescription(await peer.createOffer());
  send({type: "signal", data: {sdp: peer.localDescription.toJSON()}});
}

async function addCandidates() {
  for (const candidate of pendingCandidates.splice(0)) {
    await pc.addIceCandidate(candidate).catch(() => {});
  }
}

async function onSignal(data) {
  if (data.sdp && data.sdp.type === "offer" && role === "home") {
    const peer = newPeer();
    await peer.setRemoteDescription(data.sdp);
    await peer.setLocalDescription(await peer.createAnswer());
    send({type: "signal", data: {sdp: peer.localDescription.toJSON()}});
    await addCandidates();
  } else if (data.sdp && data.sdp.type === "answer" && role === "caller" && pc
             && pc.signalingState === "have-local-offer") {
    await pc.setRemoteDescription(data.sdp);
    await addCandidates();
  } else if (data.candidate) {
    pendingCandidates.push(data.candidate);
    if (pc && pc.remoteDescription) await addCandidates();
  }
}

function together() {
  if (callState.state !== "connected") setState("connecting");
  if (role === "caller") return offer();  // the caller offers; the home side waits for it
  closePeer();
}

function alone() {
  closePeer();
  setState(role === "home" ? "waiting" : roomState === "ringing" ? "ringing" : "connecting");
}

function finish(state) {
  if (finished) return;
  finished = true;
  clearTimeout(endTimer);
  setState(state);
  closePeer();
  if (local) for (const track of local.getTracks()) track.stop();
  if (socket) socket.close();
  if (endButton) endButton.hidden = true;
}

async function handle(message) {
  if (finished) return;
  if (message.type === "hello") {
    failedTries = 0;
    iceServers = message.ice_servers || [];
    roomState = message.state;
    if (FINAL.includes(roomState)) return finish(roomState);
    return message.peer ? together() : alone();
  }
  if (message.type === "peer") return message.present ? together() : alone();
  if (message.type === "signal") return onSignal(message.data || {});
  if (message.type === "state") {
    roomState = message.state;
    if (FINAL.includes(roomState)) finish(roomState);
  }
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${location.host}/call/${encodeURIComponent(room)}/ws?k=${encodeURIComponent(key)}`);
  socket.onmessage = event => {
    const message = JSON.parse(event.data);
    queue = queue.then(() => handle(message)).catch(error => console.error("call:", error));
  };
  socket.onclose = event => {
    if (finished) return;
    if (event.code === 4000) return finish("ended");  // this call is open on a newer page
    failedTries += 1;
    if (failedTries > 5) return finish("failed");
    setTimeout(connect, 1500);  // a dropped connection: the picture goes on meanwhile
  };
}

function end() {
  if (finished) return;
  const state = roomState === "ringing" && callState.state !== "connected" ? "cancelled" : "ended";
  send({type: "bye"});
  endTimer = setTimeout(() => finish(state), 2000);  // the service's answer normally comes first
}
window.callEnd = end;  // the hub's own "End call" button

// -- the pictures' numbers, twice a second ----------------------------------------------------

setInterval(async () => {
  if (!pc) return;
  const peer = pc;
  let decoded = 0, sent = 0;
  (await peer.getStats()).forEach(report => {
    if (report.type === "inbound-rtp" && report.kind === "video") decoded += report.framesDecoded || 0;
    if (report.type === "outbound-rtp" && report.kind === "video") sent += report.framesSent || 0;
  });
  if (peer !== pc) return;
  callState.framesDecoded = decoded;
  callState.framesSent = sent;
  mirror();
}, 500);

async function start() {
  setState("waiting");
  if (endButton) endButton.addEventListener("click", end);
  soundButton.addEventListener("click", () => {
    remoteVideo.muted = false;
    remoteVideo.play().catch(() => {});
    soundButton.hidden = true;
  });
  const [stream, refused] = await media();
  local = stream;
  callState.camera = Boolean(stream && stream.getVideoTracks().length);
  callState.microphone = Boolean(stream && stream.getAudioTracks().length);
  tellDevices(refused);
  if (callState.camera) ownVideo.srcObject = stream;
  else ownVideo.hidden = true;
  mirror();
  connect();
}

start();
