// The demo page: plain browser APIs only (fetch, EventSource), against an open gateway (no API keys).
"use strict";

const $ = (id) => document.getElementById(id);
let stream = null; // { id, events: EventSource, poll: interval id }
const watched = new Map(); // stream id -> EventSource, for the streams watched beside the current one

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

  showEvents(stream.events, $("results"), {
    onResult: () => $("received").textContent = Number($("received").textContent) + 1,
    onEnd: () => {
      refreshCounters();
      closeStream();
    },
  });
  stream.poll = setInterval(refreshCounters, 1000);
  refreshCounters();
}

/** Lists a stream's results and signals as they arrive; the end closes the EventSource (else it would reconnect). */
function showEvents(events, list, { onResult = () => {}, onEnd = () => {} } = {}) {
  events.addEventListener("result", (message) => {
    const result = JSON.parse(message.data);
    onResult(result);
    addLine(list, `#${result.seq} ${typeof result.data === "string" ? result.data : message.data}`);
  });
  events.addEventListener("end", (message) => {
    addLine(list, `end: ${JSON.parse(message.data).reason}`, "signal");
    events.close();
    onEnd();
  });
  // The browser reconnects by itself after these, with the last id it saw; the page only shows that they happened.
  for (const signal of ["gap", "overflow", "reconnect"]) {
    events.addEventListener(signal, (message) => addLine(list, `${signal}: ${message.data}`, "signal"));
  }
}

$("watch-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const id = $("watch-id").value.trim();
  if (id && !watched.has(id)) {
    watch(id);
  }
  $("watch-id").value = "";
});

/** One more stream on the page, with its own EventSource and result list, until it ends or the user stops it. */
function watch(id) {
  const panel = document.createElement("article");
  panel.className = "watched";
  panel.dataset.streamId = id;
  const title = document.createElement("h3");
  title.textContent = id;
  const stop = document.createElement("button");
  stop.type = "button";
  stop.textContent = "Stop watching";
  const list = document.createElement("ol");
  panel.append(title, stop, list);
  $("watched").append(panel);

  const events = new EventSource(`stream/${encodeURIComponent(id)}/results`);
  watched.set(id, events);
  showEvents(events, list, { onEnd: () => watched.delete(id) });
  // A refused reader (unknown stream, no access) fails for good: EventSource does not retry a non-200 answer.
  events.addEventListener("error", () => {
    if (events.readyState === EventSource.CLOSED && watched.has(id)) {
      addLine(list, "the gateway refused this reader (unknown stream?)", "signal");
      watched.delete(id);
    }
  });
  stop.addEventListener("click", () => {
    events.close();
    watched.delete(id);
    panel.remove();
  });
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

function addLine(list, text, kind) {
  const line = document.createElement("li");
  line.textContent = text;
  if (kind) {
    line.className = kind;
  }
  list.append(line);
  line.scrollIntoView({ block: "nearest" });
}

function say(text, isError = false) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}

function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
