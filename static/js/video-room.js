// Video room: WebRTC peer-to-peer (a mesh, up to a circle of 8), signalling over the app's websocket.
// Existing members make the offer to whoever joins, so two sides never offer at once.
(() => {
  const root = document.getElementById("video-room");
  if (!root) return;
  const status = document.getElementById("room-status");
  const localVideo = document.getElementById("local-video");
  const remotes = document.getElementById("remote-videos");
  const button = (name) => root.querySelector(`[data-action=${name}]`);
  const peers = new Map(); // peer id → {pc, figure, pending: ICE candidates before the remote description}
  let socket = null;
  let farewell = ""; // why the server is about to close the room's connection ("full", "replaced")
  let localStream = null;
  let cameraTrack = null;
  let iceServers = JSON.parse(document.getElementById("ice-servers").textContent);
  let chain = Promise.resolve();

  const say = (text) => { status.textContent = text; };
  const send = (message) => socket?.readyState === WebSocket.OPEN && socket.send(JSON.stringify(message));
  const setPressed = (name, on) => button(name).setAttribute("aria-pressed", on ? "true" : "false");

  const figureFor = (id, name) => {
    const figure = document.createElement("figure");
    figure.dataset.peer = id;
    const video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute("aria-label", `Video of ${name}`);
    const caption = document.createElement("figcaption");
    caption.textContent = name;
    figure.append(video, caption);
    remotes.append(figure);
    return figure;
  };

  const peer = (id, name) => {
    if (peers.has(id)) return peers.get(id);
    const pc = new RTCPeerConnection({ iceServers });
    const entry = { pc, figure: figureFor(id, name), pending: [] };
    peers.set(id, entry);
    localStream.getTracks().forEach((track) => pc.addTrack(track, localStream));
    pc.addEventListener("icecandidate", ({ candidate }) => {
      if (candidate) send({ type: "signal", to: id, data: { candidate: candidate.toJSON() } });
    });
    pc.addEventListener("track", ({ streams }) => {
      const video = entry.figure.querySelector("video");
      if (video.srcObject !== streams[0]) video.srcObject = streams[0];
    });
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState === "connected") say(`Connected with ${peers.size} other(s).`);
      if (pc.connectionState === "failed") say(`The connection with ${name} failed; a TURN server may be needed.`);
    });
    return entry;
  };

  const drop = (id) => {
    const entry = peers.get(id);
    if (!entry) return;
    entry.pc.close();
    entry.figure.remove();
    peers.delete(id);
    say(peers.size ? `Connected with ${peers.size} other(s).` : root.dataset.noPeers);
  };

  const handle = async (message) => {
    if (message.type === "welcome") {
      if (message.ice_servers) iceServers = message.ice_servers;
      say(root.dataset.noPeers);
    } else if (message.type === "join") {
      const { pc } = peer(message.peer_id, message.name);
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      send({ type: "signal", to: message.peer_id, data: { sdp: pc.localDescription.toJSON() } });
    } else if (message.type === "leave") {
      drop(message.peer_id);
    } else if (message.type === "signal") {
      const entry = peer(message.from, message.name);
      const { sdp, candidate } = message.data;
      if (sdp) {
        await entry.pc.setRemoteDescription(sdp);
        for (const waiting of entry.pending.splice(0)) await entry.pc.addIceCandidate(waiting);
        if (sdp.type === "offer") {
          await entry.pc.setLocalDescription(await entry.pc.createAnswer());
          send({ type: "signal", to: message.from, data: { sdp: entry.pc.localDescription.toJSON() } });
        }
      } else if (candidate) {
        if (entry.pc.remoteDescription) await entry.pc.addIceCandidate(candidate);
        else entry.pending.push(candidate);
      }
    }
  };

  const join = async () => {
    button("join").disabled = true;
    say("Starting camera and microphone…");
    try {
      localStream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    } catch (error) {
      say(`Camera or microphone unavailable (${error.name}). Check the browser's permissions.`);
      button("join").disabled = false;
      return;
    }
    cameraTrack = localStream.getVideoTracks()[0];
    localVideo.srcObject = localStream;
    ["mic", "camera", "screen", "leave"].forEach((name) => { button(name).disabled = false; });
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.wsPath);
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      // Said at once (not after the queued signalling): the server closes right after these.
      if (message.type === "full") farewell = `This room is full: a video room holds ${message.capacity} people.`;
      if (message.type === "replaced") farewell = "You joined this room from another window; this one has left.";
      chain = chain.then(() => handle(message)).catch((error) => console.error(error));
    });
    const ping = setInterval(() => send({ type: "ping" }), 30000);
    socket.addEventListener("close", (event) => {
      clearInterval(ping);
      if (event.code === 4404) say("The room is closed, or you are not a member of this meeting.");
      else if (farewell) { leave(); say(farewell); farewell = ""; }
      else if (localStream) say("Disconnected.");
    });
  };

  const toggle = (name, tracks) => {
    const on = button(name).getAttribute("aria-pressed") !== "true";
    tracks().forEach((track) => { track.enabled = on; });
    setPressed(name, on);
  };

  const replaceVideo = (track) => {
    peers.forEach(({ pc }) => {
      pc.getSenders().filter((s) => s.track && s.track.kind === "video").forEach((s) => s.replaceTrack(track));
    });
    localVideo.srcObject = new MediaStream([track, ...localStream.getAudioTracks()]);
  };

  const shareScreen = async () => {
    if (button("screen").getAttribute("aria-pressed") === "true") {
      replaceVideo(cameraTrack);
      setPressed("screen", false);
      return;
    }
    try {
      const screen = await navigator.mediaDevices.getDisplayMedia({ video: true });
      const track = screen.getVideoTracks()[0];
      track.addEventListener("ended", () => { replaceVideo(cameraTrack); setPressed("screen", false); });
      replaceVideo(track);
      setPressed("screen", true);
    } catch (error) {
      say(`Screen sharing was not started (${error.name}).`);
    }
  };

  const leave = () => {
    [...peers.keys()].forEach(drop);
    socket?.close();
    localStream?.getTracks().forEach((track) => track.stop());
    localStream = null;
    localVideo.srcObject = null;
    ["mic", "camera", "screen", "leave"].forEach((name) => { button(name).disabled = true; });
    button("join").disabled = false;
    say("You left the room.");
  };

  button("join").addEventListener("click", join);
  button("mic").addEventListener("click", () => toggle("mic", () => localStream.getAudioTracks()));
  button("camera").addEventListener("click", () => toggle("camera", () => [cameraTrack]));
  button("screen").addEventListener("click", shareScreen);
  button("leave").addEventListener("click", leave);
  window.addEventListener("pagehide", () => socket?.close());
})();
