// The shared client code of every system's web front end (served by the gateway at /).
// Plain ES modules, no framework: each screen is a few forms and tables (see web/README.md).
// What it gives a screen: api() with messages a person can read, the login (token in memory
// only), live tables fed by GET /<collection>/live (server-sent events through the gateway) with
// polling as the fallback, and the debug corner timing a click to the view's update on screen.

let token = null;        // the access token: in memory only, never in storage (gone on reload)
let user = null;         // {name, roles} of the signed-in user, or null
const authListeners = [];

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// A sentence for a refused or failed request; the server's own `message` when it gives one,
// never the raw body.
export function explain(status, serverMessage) {
  const said = serverMessage ? String(serverMessage) : "";
  if (status === 503) return said ? capitalize(said) : "The service is busy, please try again later.";
  if (status === 409) return `Not possible now: ${said || "the item changed meanwhile"}.`;
  if (status === 401) return "Please sign in first.";
  if (status === 403) return "Your account may not do this.";
  if (status === 404) return `Not found${said ? `: ${said}` : ""}.`;
  if (status === 429) return "Too many requests, please wait a moment and try again.";
  if (status >= 400 && status < 500) return `Please check the form: ${said || "the request was refused"}.`;
  return `The service is unavailable right now (${status}), please try again later.`;
}

function capitalize(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function headers(extra = {}) {
  const h = { Accept: "application/json", ...extra };
  if (token) h.Authorization = `Bearer ${token}`;
  return h;
}

async function messageOf(res) {
  try {
    const body = await res.json();
    return body.message || body.error_description || body.error || "";
  } catch {
    return "";
  }
}

// One call through the gateway: the answer's JSON, or an ApiError with a readable message.
export async function api(method, path, body) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "Cannot reach the server, please check your connection.");
  }
  if (res.status === 401) setSession(null, null);
  if (!res.ok) throw new ApiError(res.status, explain(res.status, await messageOf(res)));
  return res.status === 204 ? null : res.json();
}

// ---- login (OAuth2 password grant at the auth service, through the gateway) ----

function claimsOf(jwt) {
  try {
    const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  } catch {
    return {};
  }
}

function setSession(newToken, newUser) {
  const changed = token !== newToken;
  token = newToken;
  user = newUser;
  if (changed) authListeners.forEach((f) => f(user));
}

export async function login(username, password) {
  const form = new URLSearchParams({ grant_type: "password", username, password, client_id: "web" });
  let res;
  try {
    res = await fetch("/oauth/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: form,
    });
  } catch {
    throw new ApiError(0, "Cannot reach the server, please check your connection.");
  }
  if (res.status === 400 || res.status === 401) throw new ApiError(res.status, "Wrong user name or password.");
  if (!res.ok) throw new ApiError(res.status, explain(res.status, await messageOf(res)));
  const body = await res.json();
  const claims = claimsOf(body.access_token);
  const roles = claims.roles || (claims.scope ? String(claims.scope).split(" ") : []);
  setSession(body.access_token, { name: claims.sub || username, roles });
}

export function logout() {
  setSession(null, null);
}

export const currentUser = () => user;
export const hasRole = (role) => !!user && (user.roles || []).includes(role);
export const onAuthChange = (f) => authListeners.push(f);

// True when the gateway asks for a token (profile `secure`): `probe` is a GET path.
export async function securityEnabled(probe) {
  try {
    const res = await fetch(probe, { headers: headers() });
    return res.status === 401;
  } catch {
    return false;
  }
}

// ---- tiny DOM helpers ----

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
}

// A row's action: its visible text, the label a screen reader says (naming the row), what it does.
export function button(text, label, onclick, { secondary = false } = {}) {
  return el("button", { type: "button", class: secondary ? "secondary" : undefined, text, "aria-label": label, onclick });
}

// A message for the user: role=status for news, role=alert for refusals (read out at once).
export function say(text, kind = "info") {
  const box = document.getElementById("message");
  box.className = `message ${kind}`;
  box.setAttribute("role", kind === "error" ? "alert" : "status");
  box.textContent = text;
}

// Runs an action of a form or button: a message on success, the explained refusal on failure.
export async function act(what, work, success) {
  try {
    const result = await work();
    if (success) say(typeof success === "function" ? success(result) : success, "ok");
    return result;
  } catch (e) {
    timing.cancel();
    say(e instanceof ApiError ? e.message : `${what} failed, please try again.`, "error");
    return null;
  }
}

// ---- debug corner: time from a click to the view's update on screen ----

export const timing = {
  pending: null,
  start(label, view) {
    this.pending = { label, view, at: performance.now() };
  },
  cancel() {
    this.pending = null;
  },
  rendered(view) {
    if (!this.pending || this.pending.view !== view) return;
    const ms = Math.round(performance.now() - this.pending.at);
    const corner = document.getElementById("debug");
    if (corner) {
      corner.querySelector("output").textContent = `${this.pending.label}: ${ms} ms`;
      corner.dataset.lastMs = String(ms);
    }
    this.pending = null;
  },
};

// The corner says "live (SSE)" once every table on screen follows its stream, "polling" when
// one of them polls instead.
function showLiveMode() {
  const corner = document.getElementById("debug");
  const modes = [...running].map((t) => t.mode);
  const text = modes.includes("polling") ? "polling" : modes.length && modes.every((m) => m === "live") ? "live (SSE)" : "…";
  if (corner) corner.querySelector(".mode").textContent = text;
}

// ---- live tables ----

const running = new Set(); // the tables on screen: stopped when the screens are rebuilt
const stripOrigin = (href) => href.replace(/^https?:\/\/[^/]+/, "");
// A row's identity: its self link's path (the same whether it came from a list or a stream).
const keyOf = (row) => (row?._links?.self?.href ? stripOrigin(row._links.self.href) : JSON.stringify(row));

// A table of one collection's rows, kept current: by GET /<collection>/live when the gateway
// offers it, else by polling; `refresh()` after each action in any case.
export class LiveTable {
  // columns: [{key, label, format?}]; actions(row) -> [button elements]; filter(row) -> bool
  constructor({ collection, caption, columns, actions, filter, sort }) {
    Object.assign(this, { collection, caption, columns, actions, filter, sort });
    this.rows = new Map();
    this.streamed = new Map(); // key -> when the stream last changed that row
    running.add(this);
    this.body = el("tbody");
    this.node = el("section", { class: "card wide", "aria-live": "polite" },
      el("h2", { text: caption }),
      el("div", { class: "scroll" },
        el("table", { "data-collection": collection },
          el("thead", {}, el("tr", {}, columns.map((c) => el("th", { scope: "col", text: c.label })),
            actions ? el("th", { scope: "col", text: "동작 Action" }) : null)),
          this.body)));
    this.empty = el("p", { class: "empty", text: "아직 없음 — nothing yet." });
    this.node.append(this.empty);
  }

  // Reads the list afresh. A row the stream changed while the list was on its way is newer
  // than the list's copy: it stays.
  async refresh() {
    const asked = performance.now();
    try {
      const page = await api("GET", `/${this.collection}?size=200`);
      const items = page?._embedded?.[this.collection] || [];
      const rows = new Map(items.map((r) => [keyOf(r), r]));
      for (const [key, at] of this.streamed) {
        if (at <= asked) continue;
        if (this.rows.has(key)) rows.set(key, this.rows.get(key));
        else rows.delete(key);  // deleted meanwhile
      }
      this.rows = rows;
      this.render();
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        this.rows.clear();
        this.render();
      } else say(e.message, "error");
    }
  }

  upsert(row) {
    this.rows.set(keyOf(row), row);
    this.streamed.set(keyOf(row), performance.now());
    this.render();
  }

  remove(row) {
    this.rows.delete(keyOf(row));
    this.streamed.set(keyOf(row), performance.now());
    this.render();
  }

  render() {
    const rows = [...this.rows.values()].filter((r) => !this.filter || this.filter(r));
    rows.sort(this.sort || ((a, b) => (Number(b.id) || 0) - (Number(a.id) || 0)));
    const before = this.body.innerHTML;
    this.body.replaceChildren(...rows.map((r) => el("tr", { "data-href": keyOf(r) },
      this.columns.map((c) => el("td", { "data-key": c.key, text: c.format ? c.format(r[c.key], r) : fmt(r[c.key]) })),
      this.actions ? el("td", { class: "actions" }, this.actions(r)) : null)));
    this.empty.hidden = rows.length > 0;
    if (this.body.innerHTML !== before) timing.rendered(this);
  }

  // Live updates: the event stream when it is there, else a poll each second. A dropped stream
  // is opened again and the table read afresh (changes meanwhile were not sent); when it cannot
  // be, polling takes over.
  // The stream is opened before the list is read, so no change falls between the two.
  start() {
    this.abort = new AbortController();
    return this.connect();
  }

  connect() {
    const signal = this.abort.signal;
    const dropped = () => !signal.aborted && setTimeout(() => this.connect(), 1000);
    const onFrame = (event, row) => (event === "deleted" ? this.remove(row) : this.upsert(row));
    const opened = streamChanges(`/${this.collection}/live`, signal, onFrame, dropped);
    const slow = new Promise((_, reject) => setTimeout(() => reject(new Error("stream too slow")), 5000));
    return Promise.race([opened, slow])
      .then(() => {
        this.mode = "live";
        showLiveMode();
        return this.refresh();
      })
      .catch(() => {
        if (signal.aborted || this.poll) return null;
        this.mode = "polling";
        showLiveMode();
        this.poll = setInterval(() => this.refresh(), 1000);
        return this.refresh();
      });
  }

  stop() {
    this.abort?.abort();
    clearInterval(this.poll);
    running.delete(this);
  }
}

function fmt(value) {
  if (value === undefined || value === null || value === "") return "—";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

// Reads a text/event-stream over fetch (EventSource cannot send the Authorization header).
// Resolves once the server says the subscription is in place (its ": live" comment, or a first
// frame); rejects when the gateway offers no stream. `onFrame(event, row)` gets each `change`
// and `deleted`; `dropped()` runs when an open stream ends.
export async function streamChanges(path, signal, onFrame, dropped) {
  const res = await fetch(path, { headers: headers({ Accept: "text/event-stream" }), signal });
  if (!res.ok || !(res.headers.get("content-type") || "").startsWith("text/event-stream")) {
    throw new Error(`no event stream at ${path}`);
  }
  return new Promise((resolve, reject) => {
    readFrames(res.body.getReader(), resolve, onFrame)
      .catch(() => {})
      .finally(() => {
        reject(new Error("stream ended"));  // no effect once resolved
        dropped();
      });
  });
}

async function readFrames(reader, subscribed, onFrame) {
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      subscribed();
      const lines = frame.split("\n");
      const event = (lines.find((l) => l.startsWith("event:")) || "event: message").slice(6).trim();
      const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
      if ((event === "change" || event === "deleted") && data) {
        try {
          onFrame(event, JSON.parse(data));
        } catch { /* a frame that is not JSON: ignored */ }
      }
    }
  }
}

// ---- the page's frame: header, login form, message line, debug corner ----

// Builds the shell into document.body; calls `ready()` whenever the screens should (re)load.
// `probe` is a GET path that needs a token under `secure`.
export async function shell({ title, probe, ready }) {
  document.title = title;  // one index.html for every system (web/common/index.html)
  const main = el("main", { id: "screens" });
  const loginForm = el("form", { id: "login", class: "card", hidden: true },
    el("h2", { text: "로그인 Sign in" }),
    field("User name 사용자", "username", { autocomplete: "username", required: true }),
    field("Password 비밀번호", "password", { type: "password", autocomplete: "current-password", required: true }),
    el("button", { type: "submit", text: "Sign in" }));
  const who = el("span", { id: "who" });
  const logoutButton = el("button", { type: "button", id: "logout", hidden: true, text: "Sign out", onclick: () => logout() });
  document.body.replaceChildren(
    el("header", {}, el("h1", { text: title }), el("div", { class: "user" }, who, logoutButton)),
    el("p", { id: "message", class: "message", role: "status" }),
    loginForm, main,
    el("aside", { id: "debug", "aria-label": "debug" },
      el("span", { class: "mode", text: "…" }), " · ", el("output", { text: "click → view: —" })));
  loginForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(loginForm);
    loginForm.reset();  // the password leaves the page with the form's fields
    await act("Sign in", () => login(data.get("username"), data.get("password")));
  });
  const secure = await securityEnabled(probe);
  const show = () => {
    const signedIn = !!currentUser();
    loginForm.hidden = !secure || signedIn;
    main.hidden = secure && !signedIn;
    logoutButton.hidden = !signedIn;
    who.textContent = signedIn ? `${currentUser().name} (${currentUser().roles.join(", ")})` : "";
    [...running].forEach((t) => t.stop());
    main.replaceChildren();
    if (!main.hidden) ready(main);
    else say("Please sign in.", "info");
  };
  onAuthChange(show);
  show();
}

// A labelled input (the label names it for screen readers and tests).
export function field(label, name, attrs = {}) {
  const id = `f-${name}-${Math.random().toString(36).slice(2, 7)}`;
  return el("div", { class: "field" },
    el("label", { for: id, text: label }),
    el("input", { id, name, type: "text", ...attrs }));
}

// A form from fields; `submit(values)` runs on submit.
export function form(heading, fields, buttonText, submit) {
  const node = el("form", { class: "card" }, el("h2", { text: heading }), fields,
    el("button", { type: "submit", text: buttonText }));
  node.addEventListener("submit", (e) => {
    e.preventDefault();
    submit(Object.fromEntries(new FormData(node)), node);
  });
  return node;
}
