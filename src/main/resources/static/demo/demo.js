// The demo page: plain browser APIs only (fetch, EventSource), against an open gateway (no API keys).
"use strict";

const $ = (id) => document.getElementById(id);
let stream = null; // { id, events: EventSource, poll: interval id }

$("start-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  closeStream();
  const id = $("stream-id").value.trim();
  const processor = $("processor").value.trim();
  const answer = await call("POST", id ? `stream/${encodeURIComponent(id)}/start` : "stream/start",
      processor ? { processor } : undefined);
  if (answer) {
    openStream(answer.stream_id);
  }
});

$("send-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("chunk").value;
  const chunks = $("per-line").checked ? text.split("\n").filter((line) => line.length > 0) : [text];
  $("send").disabled = true;
  try {
    for (const data of chunks) {
      // Sent one after another, so the stream keeps the order they were typed in.
      const answer = await call("POST", `stream/${encodeURIComponent(stream.id)}/send`, { data },
          { "Idempotency-Key": newKey() });
      if (!answer) {
        return;
      }
      $("sent").textContent = Number($("sent").textContent) + 1;
      say(`Chunk ${answer.seq} is durable in Kafka.`);
    }
    $("chunk").value = "";
  } finally {
    $("send").disabled = stream === null;
  }
});

$("end").addEventListener("click", async () => {
  const answer = await call("POST", `stream/${encodeURIComponent(stream.id)}/end`);
  if (answer) {
    say(answer.message);
  }
});

function openStream(id) {
  stream = { id, events: new EventSource(`stream/${encodeURIComponent(id)}/results`), poll: null };
  $("current-id").textContent = id;
  $("sent").textContent = "0";
  $("received").textContent = "0";
  $("results").replaceChildren();
  setSending(true);
  say(`Stream ${id} started.`);

  stream.events.addEventListener("result", (message) => {
    const result = JSON.parse(message.data);
    $("received").textContent = Number($("received").textContent) + 1;
    addLine(`#${result.seq} ${typeof result.data === "string" ? result.data : message.data}`);
  });
  stream.events.addEventListener("end", (message) => {
    addLine(`end: ${JSON.parse(message.data).reason}`, "signal");
    refreshCounters();
    closeStream();
  });
  // The browser reconnects by itself after these, with the last id it saw; the page only shows that they happened.
  for (const signal of ["gap", "overflow", "reconnect"]) {
    stream.events.addEventListener(signal, (message) => addLine(`${signal}: ${message.data}`, "signal"));
  }
  stream.poll = setInterval(refreshCounters, 1000);
  refreshCounters();
}

function closeStream() {
  if (stream) {
    stream.events.close();
    clearInterval(stream.poll);
    stream = null;
  }
  setSending(false);
}

async function refreshCounters() {
  if (!stream) {
    return;
  }
  const response = await fetch(`stream/${encodeURIComponent(stream.id)}`);
  if (response.ok) {
    const status = await response.json();
    $("state").textContent = status.state;
    $("server-results").textContent = status.results;
    $("readers").textContent = status.readers;
  }
}

/** One API call; shows a problem's title and detail and answers null when the gateway refused. */
async function call(method, path, body, headers = {}) {
  try {
    const response = await fetch(path, {
      method,
      headers: body === undefined ? headers : { ...headers, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) {
      say(`${response.status} ${answer.title}: ${answer.detail}`, true);
      return null;
    }
    return answer;
  } catch (failure) {
    say(`The gateway did not answer: ${failure.message}`, true);
    return null;
  }
}

function setSending(enabled) {
  for (const control of ["chunk", "send", "end"]) {
    $(control).disabled = !enabled;
  }
}

function addLine(text, kind) {
  const line = document.createElement("li");
  line.textContent = text;
  if (kind) {
    line.className = kind;
  }
  $("results").append(line);
  line.scrollIntoView({ block: "nearest" });
}

function say(text, isError = false) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}

function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
