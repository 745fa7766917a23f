// Live conversation: receive messages over the websocket, send without reloading, mark read.
// Without JavaScript the page still works (the form posts, the page reloads).
(() => {
  const root = document.querySelector("[data-chat]");
  if (!root) return;
  const list = document.getElementById("messages");
  const form = document.getElementById("chat-form");
  const errorBox = document.getElementById("chat-error");
  const seenBox = document.getElementById("seen");
  const connection = document.getElementById("chat-connection");
  const paused = document.getElementById("chat-paused");
  const csrf = () => (document.querySelector("#chat-form [name=csrfmiddlewaretoken]") || {}).value || "";
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  let socket = null;
  let retry = 500;
  let pauseTimer = null;
  let wasPaused = false;
  // Live updates ride on the websocket (and Redis behind it). When it cannot connect the page
  // keeps working — the form posts and reloads — and says so politely instead of failing silently.
  const showPaused = (on) => {
    if (!paused) return;
    paused.hidden = !on;
    if (on) wasPaused = true;
  };

  const lastId = () => {
    const items = list.querySelectorAll("[data-message-id]");
    return items.length ? Number(items[items.length - 1].dataset.messageId) : 0;
  };
  const markRead = () => {
    if (document.visibilityState === "visible" && socket && socket.readyState === WebSocket.OPEN && lastId()) {
      socket.send(JSON.stringify({ action: "read", message_id: lastId() }));
    }
  };
  const place = (id, html) => {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const node = template.content.firstElementChild;
    node.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach((input) => { input.value = csrf(); });
    const existing = document.getElementById(`message-${id}`);
    if (existing) existing.replaceWith(node);
    else {
      document.getElementById("no-messages")?.remove();
      list.appendChild(node);
      node.scrollIntoView({ block: "end" });
    }
  };

  const connect = () => {
    socket = new WebSocket(scheme + location.host + root.dataset.wsPath);
    socket.addEventListener("open", () => {
      retry = 500;
      clearTimeout(pauseTimer);
      root.dataset.connected = "true";
      if (connection) connection.textContent = "";
      if (wasPaused) catchUp();
      showPaused(false);
      markRead();
    });
    socket.addEventListener("message", (event) => {
      const data = JSON.parse(event.data);
      if (data.type === "message") {
        place(data.id, data.html);
        if (!list.querySelector(`#message-${data.id}[data-own]`)) markRead();
        if (data.event === "created" && list.querySelector(`#message-${data.id}[data-own]`)) seenBox.textContent = "";
      } else if (data.type === "seen") {
        seenBox.textContent = data.names.length ? `Seen by ${data.names.join(", ")}` : "";
      } else if (data.type === "error") {
        errorBox.textContent = data.message;
      }
    });
    socket.addEventListener("close", (event) => {
      root.dataset.connected = "false";
      if (event.code === 4404) return; // not (or no longer) a member: do not retry
      if (connection) connection.textContent = "Reconnecting…";
      // A blip (a deploy, a network hiccup) reconnects before anyone notices; a longer outage
      // shows the notice. Backoff with jitter so many pages do not reconnect in lockstep.
      clearTimeout(pauseTimer);
      pauseTimer = setTimeout(() => { if (root.dataset.connected !== "true") showPaused(true); }, 3000);
      setTimeout(connect, retry * (0.75 + Math.random() / 2));
      retry = Math.min(retry * 2, 30000);
    });
  };
  // Back after a pause: fetch the page once and take its message list, so what was posted
  // meanwhile appears without a reload.
  const catchUp = async () => {
    wasPaused = false;
    try {
      const response = await fetch(location.href, { headers: { Accept: "text/html" } });
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("messages");
      if (!fresh) return;
      fresh.querySelectorAll("[data-message-id]").forEach((node) => place(node.dataset.messageId, node.outerHTML));
    } catch (error) {
      // Still offline: the next reload shows them.
    }
  };

  // Files (and voice notes) go over HTTP as multipart; the message itself arrives over the websocket.
  const postForm = async (data) => {
    const response = await fetch(form.action, { method: "POST", body: data,
      headers: { Accept: "application/json", "X-CSRFToken": csrf() } });
    if (!response.ok) errorBox.textContent = await response.text();
    return response.ok;
  };

  form?.addEventListener("submit", async (event) => {
    const body = form.querySelector("[name=body]");
    const file = form.querySelector("[name=attachment]");
    errorBox.textContent = "";
    if (file && file.files.length) {
      event.preventDefault();
      if (await postForm(new FormData(form))) form.reset();
      return;
    }
    if (socket && socket.readyState === WebSocket.OPEN && body.value.trim()) {
      event.preventDefault();
      socket.send(JSON.stringify({ action: "send", body: body.value }));
      body.value = "";
      body.focus();
    }
  });
  // Voice notes: record in the browser (MediaRecorder), then send as an attachment like any file.
  const voice = document.getElementById("voice-note");
  const voiceStatus = document.getElementById("voice-status");
  const VOICE_LIMIT_SECONDS = 120;
  const voiceType = () => ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus"]
    .find((type) => window.MediaRecorder && MediaRecorder.isTypeSupported(type));
  if (voice && form && navigator.mediaDevices && voiceType()) {
    voice.hidden = false;
    let recorder = null;
    let timer = null;
    const setRecording = (on) => {
      voice.setAttribute("aria-pressed", on ? "true" : "false");
      voice.textContent = on ? voice.dataset.labelStop : voice.dataset.labelStart;
    };
    const send = async (blob, type) => {
      const extension = type.startsWith("audio/ogg") ? "ogg" : "webm";
      const data = new FormData(form);
      data.set("body", "");
      data.set("attachment", new File([blob], `voice-note.${extension}`, { type: type.split(";")[0] }));
      voiceStatus.textContent = "Sending…";
      voiceStatus.textContent = (await postForm(data)) ? "Voice note sent." : "";
    };
    voice.addEventListener("click", async () => {
      errorBox.textContent = "";
      if (recorder) { recorder.stop(); return; }
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch (error) {
        errorBox.textContent = "The microphone is not available (allow it in the browser to record).";
        return;
      }
      const type = voiceType();
      const chunks = [];
      recorder = new MediaRecorder(stream, { mimeType: type });
      recorder.addEventListener("dataavailable", (event) => { if (event.data.size) chunks.push(event.data); });
      recorder.addEventListener("stop", () => {
        clearInterval(timer);
        stream.getTracks().forEach((track) => track.stop());
        recorder = null;
        setRecording(false);
        send(new Blob(chunks, { type }), type);
      });
      const started = Date.now();
      timer = setInterval(() => {
        const seconds = Math.round((Date.now() - started) / 1000);
        voiceStatus.textContent = `Recording… ${seconds} s`;
        if (seconds >= VOICE_LIMIT_SECONDS && recorder) recorder.stop();
      }, 1000);
      recorder.start();
      setRecording(true);
      voiceStatus.textContent = "Recording… 0 s";
    });
  }
  // Enter sends, Shift+Enter starts a new line.
  form?.querySelector("[name=body]")?.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  document.addEventListener("visibilitychange", markRead);
  connect();
})();
