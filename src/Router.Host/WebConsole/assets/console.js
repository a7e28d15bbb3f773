// Router console: a live view of one tenant, and the reference browser client for Router.
//
// It uses only the public API, the same as any application would: the SSE streams, POST /v1/tenants/{t}/events,
// the health endpoints and /metrics. No framework and no build step; the part to copy into an application is
// the first section (streamUrl, RouterSubscription, publish), which the README shows under "Browser client".

// The API sits beside /console/, so this also works behind a proxy that mounts the router under a path prefix.
const API = new URL("../", import.meta.url);

// ---------------------------------------------------------------------------------------------------------------
// The client: subscribe (EventSource, resume with Last-Event-ID) and publish (fetch).
// ---------------------------------------------------------------------------------------------------------------

/**
 * The stream URL for a tenant and its queues. One queue: that queue's stream. Several, "*" or none: the tenant
 * stream, following the queues on the same connection (browsers allow only 6 HTTP/1.1 connections per origin).
 * EventSource cannot set headers, so a token travels as ?access_token= (or in the router_token cookie), and a
 * resume position chosen by the page as ?lastEventId= (the Last-Event-ID header, which EventSource sends by
 * itself when it reconnects, wins over it).
 */
export function streamUrl({ tenant, queues = [], token = "", lastEventId = null }) {
  const t = encodeURIComponent(tenant);
  const oneQueue = queues.length === 1 && queues[0] !== "*";
  const url = oneQueue
    ? new URL(`v1/tenants/${t}/queues/${encodeURIComponent(queues[0])}/stream`, API)
    : new URL(`v1/tenants/${t}/stream`, API);
  if (!oneQueue) {
    for (const queue of queues) url.searchParams.append("queue", queue);
  }
  if (lastEventId !== null && lastEventId !== "") url.searchParams.set("lastEventId", lastEventId);
  if (token) url.searchParams.set("access_token", token);
  return url;
}

/** Headers for fetch: publishers (and health, metrics) send the token as a bearer token. */
export function authHeaders(token) {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/**
 * One subscription. EventSource does the heavy lifting: when the connection drops it reconnects after the
 * server's `retry:` and sends the last `id:` it saw as Last-Event-ID, and the router replays exactly what was
 * missed. What EventSource does not do is retry after a refusal (any answer but 200): then it closes for good,
 * so this class asks the same URL with fetch for the problem details, and retries only what is worth retrying
 * (503, 429, a router that is not up yet).
 *
 * handlers: connection(info), event(envelope, position), reset(info), shutdown(info), status(state, detail),
 * refused(status, problem).
 */
export class RouterSubscription {
  #source = null;
  #retryTimer = 0;
  #failures = 0;
  #head = null;

  constructor({ tenant, queues = [], token = "" }, handlers) {
    this.options = { tenant, queues, token };
    this.handlers = handlers;
    /** The position of the last event received; the resume point of the next open(). */
    this.lastEventId = null;
  }

  open(lastEventId = this.lastEventId) {
    this.close();
    this.lastEventId = lastEventId;
    const source = new EventSource(streamUrl({ ...this.options, lastEventId }));
    this.#source = source;
    this.#emit("status", "connecting");

    // First frame of every (re)connection: who we are, and where the replay starts.
    source.addEventListener("connection", (e) => {
      const info = JSON.parse(e.data);
      this.#failures = 0;
      this.#head = info.head;
      this.#emit("status", "open");
      this.#emit("connection", info);
    });
    // Events have no `event:` line, so they arrive here; e.lastEventId is the event's position.
    source.onmessage = (e) => {
      this.lastEventId = e.lastEventId;
      this.#emit("event", JSON.parse(e.data), e.lastEventId);
    };
    // The resume position was older than the retained history, or unknown: refetch your state.
    source.addEventListener("reset", (e) => {
      const info = JSON.parse(e.data);
      // A position the tenant does not have: the stream goes on from the head, so the next open() starts there.
      if (info.reason === "unknown-position") this.lastEventId = this.#head;
      this.#emit("reset", info);
    });
    // The server is stopping (or the token expired): EventSource reconnects after `retry:` by itself.
    source.addEventListener("shutdown", (e) => this.#emit("shutdown", JSON.parse(e.data)));
    source.addEventListener("heartbeat", () => this.#emit("status", "open"));

    source.onerror = () => {
      if (source !== this.#source) return;
      if (source.readyState === EventSource.CONNECTING) {
        this.#emit("status", "reconnecting", this.lastEventId);
      } else {
        this.#diagnose(source.url);
      }
    };
  }

  close() {
    clearTimeout(this.#retryTimer);
    this.#source?.close();
    this.#source = null;
  }

  async #diagnose(url) {
    const source = this.#source;
    let response;
    try {
      const controller = new AbortController();
      response = await fetch(url, { headers: { Accept: "text/event-stream" }, signal: controller.signal });
      if (response.ok) controller.abort(); // a live stream: the status was all we wanted
    } catch {
      response = null; // the router is not reachable
    }
    if (source !== this.#source) return; // closed or reopened meanwhile
    if (response?.ok) return this.#retry(0);
    if (response === null || response.status === 503 || response.status === 429) {
      const retryAfter = Number(response?.headers.get("Retry-After")) || 0;
      const delay = Math.max(retryAfter * 1000, Math.min(30_000, 1000 * 2 ** this.#failures++));
      this.#emit("status", "unavailable", delay);
      return this.#retry(delay);
    }
    const problem = await response.json().catch(() => ({ title: response.statusText }));
    this.close();
    this.#emit("status", "refused");
    this.#emit("refused", response.status, problem);
  }

  #retry(delay) {
    this.#source?.close();
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = 0;
      this.open(this.lastEventId);
    }, delay);
  }

  #emit(name, ...args) {
    this.handlers[name]?.(...args);
  }
}

/**
 * Publishes one event or an array of them. Resolves { ok: true, events: [{ id, sequence, duplicate }] } once the
 * events are committed, or { ok: false, status, problem } with the RFC 9457 problem details (field, index).
 */
export async function publish(tenant, events, token = "") {
  const response = await fetch(new URL(`v1/tenants/${encodeURIComponent(tenant)}/events`, API), {
    method: "POST",
    headers: { "Content-Type": "application/json", ...authHeaders(token) },
    body: JSON.stringify(events),
  });
  const body = await response.json().catch(() => null);
  return response.status === 201
    ? { ok: true, events: body.events }
    : { ok: false, status: response.status, problem: body ?? { title: response.statusText } };
}

// ---------------------------------------------------------------------------------------------------------------
// The page.
// ---------------------------------------------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = "router.console.token"; // sessionStorage: the token lives only as long as the tab
const SETTINGS_KEY = "router.console.settings";
const CHART_SECONDS = 300;
const RATE_SECONDS = 5;

const state = {
  subscription: null,
  connectedTo: null, // "tenant|queues" of the last subscription, so Connect resumes only the same scope
  paused: false,
  pending: [], // rows held back while paused
  received: 0,
  thisSecond: 0,
  samples: [], // one { received, published } per second, newest last
  lastMetrics: null, // { at, published } of the previous /metrics poll
  nodePublishedRate: null,
  polling: false,
};

// ---- settings -------------------------------------------------------------------------------------------------

function loadSettings() {
  $("token").value = sessionStorage.getItem(TOKEN_KEY) ?? "";
  const saved = JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? "{}");
  for (const id of ["tenant", "queues", "pub-type", "pub-queue"]) {
    if (saved[id] !== undefined) $(id).value = saved[id];
  }
  showTokenInfo();
}

function saveSettings() {
  sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
  const saved = {};
  for (const id of ["tenant", "queues", "pub-type", "pub-queue"]) saved[id] = $(id).value;
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(saved));
}

const token = () => $("token").value.trim();
const tenant = () => $("tenant").value.trim();
const queues = () => $("queues").value.split(",").map((q) => q.trim()).filter(Boolean);

/** Shows what a pasted JWT allows (decoded locally, not verified: the router verifies it). */
function showTokenInfo() {
  const text = token();
  const info = $("token-info");
  if (!text) {
    info.textContent = "No token: works while the router runs open (the default on loopback).";
    return;
  }
  try {
    const claims = JSON.parse(atob(text.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    const parts = [];
    if (claims.sub) parts.push(`sub ${claims.sub}`);
    if (claims.exp) parts.push(`expires ${new Date(claims.exp * 1000).toLocaleString()}`);
    if (claims.router?.publish) parts.push(`publish ${claims.router.publish.join(" ")}`);
    if (claims.router?.subscribe) parts.push(`subscribe ${claims.router.subscribe.join(" ")}`);
    info.textContent = parts.join(" · ") || "JWT without router claims";
  } catch {
    info.textContent = "Not a JWT; it is sent as is.";
  }
}

// ---- connection -----------------------------------------------------------------------------------------------

/** Sets the status pill; returns whether the state changed (so a retry loop logs one notice, not one per try). */
function setStatus(state, text) {
  const pill = $("status");
  const changed = pill.dataset.state !== state;
  pill.dataset.state = state;
  pill.textContent = text;
  return changed;
}

function connect(resumeFrom) {
  saveSettings();
  state.subscription?.close();
  const scope = `${tenant()}|${queues().join(",")}`;
  if (state.connectedTo !== scope) clearTail();
  state.connectedTo = scope;

  const subscription = new RouterSubscription({ tenant: tenant(), queues: queues(), token: token() }, {
    status: (s, detail) => {
      const texts = {
        connecting: "connecting…",
        open: `live: ${tenant()}`,
        reconnecting: `reconnecting (Last-Event-ID ${detail ?? "none"})…`,
        unavailable: `unavailable, retrying in ${Math.round(detail / 1000)} s`,
        refused: "refused",
      };
      if (!setStatus(s, texts[s])) return;
      if (s === "reconnecting") notice("warn", `Connection lost; EventSource reconnects with Last-Event-ID ${detail ?? "(none)"}.`);
      if (s === "unavailable") notice("warn", `Router unavailable (stopping, over a limit, or down); retrying in ${Math.round(detail / 1000)} s.`);
    },
    connection: (info) => {
      const scopeText = info.queues.length ? `queues ${info.queues.join(", ")}` : "tenant-level events";
      notice("ok", info.resumedFrom === null
        ? `Connected to ${info.tenant} (${scopeText}), live from head ${info.head}.`
        : `Resumed from ${info.resumedFrom} (head ${info.head})${BigInt(info.resumedFrom) < BigInt(info.head)
          ? "; replaying what was missed" : ""}.`);
      rememberQueues(info.queues);
      $("from").value = "";
    },
    event: (envelope, position) => addEvent(envelope, position),
    reset: (info) => notice("warn", `Reset: ${info.reason}${info.requested ? `, requested ${info.requested}` : ""}` +
      `${info.earliest ? `, earliest ${info.earliest}` : ""}${info.dropped ? `, dropped ${info.dropped}` : ""}: refetch state.`),
    shutdown: (info) => notice("warn", `Server shutdown (${info.reason}); EventSource reconnects ${info.retryMs ? `in ${info.retryMs} ms` : "shortly"}.`),
    refused: (status, problem) => notice("error", `Stream refused: ${formatProblem(status, problem)}`),
  });
  state.subscription = subscription;
  subscription.open(resumeFrom);
  $("connect").textContent = "Connect";
  $("reconnect").disabled = false;
  $("disconnect").disabled = false;
  pollCounters();
}

function disconnect() {
  const subscription = state.subscription;
  if (!subscription) return;
  subscription.close();
  $("from").value = subscription.lastEventId ?? "";
  notice("info", `Disconnected at position ${subscription.lastEventId ?? "(none)"}. Connect resumes from there.`);
  setStatus("idle", "disconnected");
  $("disconnect").disabled = true;
}

// ---- tail -----------------------------------------------------------------------------------------------------

function timeOf(iso) {
  const d = iso ? new Date(iso) : new Date();
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function addEvent(envelope, position) {
  state.received++;
  state.thisSecond++;
  $("c-received").textContent = state.received;
  if (envelope.queue) rememberQueues([envelope.queue]);

  const row = document.createElement("tr");
  row.className = "event";
  row.dataset.type = envelope.type;
  row.dataset.position = position;
  const payload = cell(JSON.stringify(envelope.data), "payload");
  payload.title = "click to expand";
  row.append(cell(position, "pos"), cell(timeOf(envelope.time), "time"), cell(envelope.type, "type"),
    cell(envelope.queue ?? "(tenant)", "queue"), payload);
  row.addEventListener("click", () => {
    row.classList.toggle("expanded");
    payload.textContent = row.classList.contains("expanded")
      ? JSON.stringify(envelope, null, 2)
      : JSON.stringify(envelope.data);
  });
  addRow(row);
}

/** A line in the tail about the connection itself: connected, resumed, reset, shutdown, refused. */
function notice(kind, text) {
  const row = document.createElement("tr");
  row.className = `notice ${kind}`;
  const td = cell(`${timeOf()}  ${text}`);
  td.colSpan = 5;
  row.append(td);
  addRow(row);
}

function addRow(row) {
  if (state.paused) {
    state.pending.push(row);
    if (state.pending.length > cap()) state.pending.shift();
    $("pause").textContent = `Resume (${state.pending.length} new)`;
    return;
  }
  applyFilter(row, filterPattern());
  $("tail").tBodies[0].prepend(row);
  trimTail();
}

/** Keeps at most cap() rows: a tail left open for hours must not grow the page without bound. */
function trimTail() {
  const body = $("tail").tBodies[0];
  while (body.rows.length > cap()) body.lastElementChild.remove();
  showTailInfo();
}

const cap = () => Math.max(10, Number($("cap").value) || 500);

/** "question.*" matches as a pattern; anything else matches as a substring of the type. */
function filterPattern() {
  const text = $("filter").value.trim();
  if (!text) return null;
  if (!text.includes("*")) return (type) => type.includes(text);
  const regex = new RegExp(`^${text.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return (type) => regex.test(type);
}

function applyFilter(row, matches) {
  row.hidden = row.classList.contains("event") && matches !== null && !matches(row.dataset.type);
}

function refilter() {
  const matches = filterPattern();
  for (const row of $("tail").tBodies[0].rows) applyFilter(row, matches);
  showTailInfo();
}

function showTailInfo() {
  const rows = [...$("tail").tBodies[0].rows].filter((r) => r.classList.contains("event"));
  const shown = rows.filter((r) => !r.hidden).length;
  $("tail-info").textContent = `${shown} of ${rows.length} events shown (newest first, at most ${cap()} rows kept)`;
}

function togglePause() {
  state.paused = !state.paused;
  $("pause").setAttribute("aria-pressed", String(state.paused));
  $("pause").textContent = state.paused ? "Resume (0 new)" : "Pause";
  if (!state.paused) {
    const rows = state.pending;
    state.pending = [];
    for (const row of rows) addRow(row);
  }
}

function clearTail() {
  $("tail").tBodies[0].replaceChildren();
  state.pending = [];
  showTailInfo();
}

function rememberQueues(names) {
  const list = $("known-queues");
  const known = new Set([...list.options].map((o) => o.value));
  for (const name of names) {
    if (known.has(name)) continue;
    const option = document.createElement("option");
    option.value = name;
    list.append(option);
  }
}

// ---- publish --------------------------------------------------------------------------------------------------

/** Parses the data field; returns { value } or { error } so nothing invalid is ever sent. */
function checkData() {
  const text = $("pub-data").value.trim();
  if (!text) return { value: {} };
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { error: e.message };
  }
}

function showDataCheck() {
  const { error } = checkData();
  $("pub-data").setAttribute("aria-invalid", String(Boolean(error)));
  $("pub-data-check").textContent = error ? `Not valid JSON: ${error}` : "Valid JSON.";
  $("pub-data-check").className = error ? "small error-text" : "small muted";
}

function showResult(kind, lines) {
  const result = $("publish-result");
  result.hidden = false;
  result.className = `result ${kind}`;
  result.replaceChildren(...lines.map((line) => {
    const p = document.createElement("p");
    p.textContent = line;
    return p;
  }));
}

function formatProblem(status, problem) {
  const where = [problem.field && `field ${problem.field}`, problem.index !== undefined && `index ${problem.index}`]
    .filter(Boolean).join(", ");
  return `${status} ${problem.title ?? ""}${problem.detail ? `: ${problem.detail}` : ""}${where ? ` (${where})` : ""}`;
}

async function submitPublish() {
  saveSettings();
  for (const id of ["pub-type", "pub-queue", "pub-data"]) $(id).removeAttribute("aria-invalid");
  const data = checkData();
  if (data.error) {
    $("pub-data").setAttribute("aria-invalid", "true");
    showResult("error", ["Not sent: the data is not valid JSON.", data.error]);
    return;
  }
  if (!tenant()) {
    $("tenant").setAttribute("aria-invalid", "true");
    showResult("error", ["Not sent: choose a tenant first."]);
    return;
  }
  const event = { type: $("pub-type").value.trim(), data: data.value };
  const queue = $("pub-queue").value.trim();
  if (queue) event.queue = queue;

  $("publish").disabled = true;
  try {
    const result = await publish(tenant(), event, token());
    if (result.ok) {
      const [{ id, sequence, duplicate }] = result.events;
      showResult("ok", [`Committed at position ${sequence}${duplicate ? " (duplicate)" : ""}.`, `id ${id}`]);
    } else {
      const { problem } = result;
      const field = { type: "pub-type", queue: "pub-queue", data: "pub-data", body: "pub-data" }[problem.field];
      if (field) $(field).setAttribute("aria-invalid", "true");
      showResult("error", [formatProblem(result.status, problem), problem.type ?? ""].filter(Boolean));
    }
  } catch (e) {
    showResult("error", [`Not sent: ${e.message}`]);
  } finally {
    $("publish").disabled = false;
    pollCounters();
  }
}

// ---- counters and chart ---------------------------------------------------------------------------------------

async function getJson(path) {
  const response = await fetch(new URL(path, API), { headers: authHeaders(token()) });
  if (!response.ok) throw new Error(`${response.status}`);
  return response.json();
}

/** Connections and heads from the health endpoints; node-wide rates from /metrics (when it is reachable). */
async function pollCounters() {
  if (state.polling || !state.subscription || !tenant()) return;
  state.polling = true;
  try {
    const t = encodeURIComponent(tenant());
    const named = queues().filter((q) => q !== "*").slice(0, 16);
    const [health, ...queueHealth] = await Promise.allSettled([
      getJson(`v1/tenants/${t}/health`),
      ...named.map((q) => getJson(`v1/tenants/${t}/queues/${encodeURIComponent(q)}/health`)),
    ]);
    if (health.status === "fulfilled") {
      $("c-tenant-connections").textContent = health.value.activeConnections;
      $("c-head").textContent = health.value.head;
    }
    showQueueCounters(named, queueHealth);
    await pollMetrics();
  } finally {
    state.polling = false;
  }
}

function showQueueCounters(names, results) {
  const table = $("queue-counters");
  table.hidden = names.length === 0;
  table.tBodies[0].replaceChildren(...names.map((name, i) => {
    const row = document.createElement("tr");
    const value = results[i].status === "fulfilled" ? results[i].value : null;
    row.dataset.queue = name;
    row.append(cell(name), cell(value?.activeConnections ?? "–", "connections"), cell(value?.head ?? "–", "head"));
    return row;
  }));
}

function metricValue(text, name) {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? null : Number(line.slice(name.length + 1));
}

async function pollMetrics() {
  try {
    const response = await fetch(new URL("metrics", API), { headers: authHeaders(token()) });
    if (!response.ok) throw new Error(`${response.status}`);
    const text = await response.text();
    const now = performance.now();
    // Polls also follow each publish; a rate over a fraction of a second would be noise.
    if (state.lastMetrics && now - state.lastMetrics.at < 900) return;
    const published = metricValue(text, "router_events_published_total") ?? 0;
    $("c-node-connections").textContent = metricValue(text, "router_connections") ?? "–";
    if (state.lastMetrics) {
      const seconds = (now - state.lastMetrics.at) / 1000;
      state.nodePublishedRate = Math.max(0, published - state.lastMetrics.published) / seconds;
      $("c-node-rate").textContent = state.nodePublishedRate.toFixed(1);
    }
    state.lastMetrics = { at: now, published };
  } catch {
    $("c-node-rate").textContent = "n/a";
  }
}

/** Once a second: close the current sample, update events/s, redraw, poll. */
function tick() {
  state.samples.push({ received: state.thisSecond, published: state.nodePublishedRate });
  state.thisSecond = 0;
  if (state.samples.length > CHART_SECONDS) state.samples.shift();
  const recent = state.samples.slice(-RATE_SECONDS);
  $("c-rate").textContent = (recent.reduce((sum, s) => sum + s.received, 0) / RATE_SECONDS).toFixed(1);
  drawChart();
  pollCounters();
}

function drawChart() {
  const canvas = $("chart");
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const g = canvas.getContext("2d");
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);

  const samples = state.samples;
  const peak = Math.max(1, ...samples.map((s) => Math.max(s.received, s.published ?? 0)));
  canvas.dataset.peak = String(Math.max(0, ...samples.map((s) => s.received)));
  const top = 14, bottom = height - 14, step = width / CHART_SECONDS;
  const y = (v) => bottom - (v / peak) * (bottom - top);
  const x = (i) => width - (samples.length - i) * step;

  const styles = getComputedStyle(document.documentElement);
  g.strokeStyle = styles.getPropertyValue("--grid");
  g.fillStyle = styles.getPropertyValue("--muted");
  g.font = "11px system-ui, sans-serif";
  g.beginPath();
  g.moveTo(0, top);
  g.lineTo(width, top);
  g.moveTo(0, bottom);
  g.lineTo(width, bottom);
  g.stroke();
  g.fillText(`${peak.toFixed(peak < 10 ? 1 : 0)}/s`, 2, top - 3);
  for (let m = 5; m >= 1; m--) g.fillText(`-${m}m`, width - (m * 60) * step + 2, height - 2);

  g.fillStyle = styles.getPropertyValue("--received");
  samples.forEach((s, i) => {
    if (s.received > 0) g.fillRect(x(i), y(s.received), Math.max(1, step - 0.5), bottom - y(s.received));
  });
  g.strokeStyle = styles.getPropertyValue("--published");
  g.lineWidth = 1.5;
  g.beginPath();
  let drawing = false;
  samples.forEach((s, i) => {
    if (s.published === null) return (drawing = false);
    drawing ? g.lineTo(x(i) + step / 2, y(s.published)) : g.moveTo(x(i) + step / 2, y(s.published));
    drawing = true;
  });
  g.stroke();
}

// ---- wiring ---------------------------------------------------------------------------------------------------

function start() {
  loadSettings();
  showDataCheck();
  showTailInfo();
  $("node").textContent = `${location.host}`;

  $("connect-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const from = $("from").value.trim();
    if (from !== "" && !/^\d+$/.test(from)) {
      $("from").setAttribute("aria-invalid", "true");
      return;
    }
    $("from").removeAttribute("aria-invalid");
    connect(from === "" ? null : from);
  });
  $("reconnect").addEventListener("click", () => {
    const last = state.subscription?.lastEventId ?? null;
    notice("info", `Reconnecting from position ${last ?? "(live)"}.`);
    connect(last);
  });
  $("disconnect").addEventListener("click", disconnect);
  $("token").addEventListener("input", () => {
    saveSettings();
    showTokenInfo();
  });
  $("publish-form").addEventListener("submit", (e) => {
    e.preventDefault();
    submitPublish();
  });
  $("pub-data").addEventListener("input", showDataCheck);
  $("filter").addEventListener("input", refilter);
  $("cap").addEventListener("change", trimTail);
  $("pause").addEventListener("click", togglePause);
  $("clear").addEventListener("click", clearTail);

  drawChart();
  setInterval(tick, 1000);
}

start();
