// Live job updates through Supabase Realtime Broadcast, with no dependency.
//
// When the dashboard is signed in through Supabase, the database broadcasts
// every change of the user's jobs on the private topic soundstage:user:<id>
// (docs/realtime.md): job.status, job.progress (at most once a second per
// job), job.output, job.deleted. One WebSocket per page carries that topic for
// the jobs list and a job page alike, so following jobs costs the engine
// nothing; the SSE stream (sse.js) is what a page falls back to whenever this
// socket is not joined (development sign-in, no Supabase, Realtime down).
//
// The wire protocol is Phoenix channels as supabase realtime-js speaks it, in
// its JSON serializer (vsn 1.0.0, which Realtime still accepts; realtime-js
// defaults to 2.0.0, an array/binary framing that buys nothing here): every
// frame is one JSON object {topic, event, payload, ref, join_ref}.
//   -> phx_join on "realtime:<topic>" with the channel config and the user's
//      access token (private channels are authorized by RLS on
//      realtime.messages with that token);
//   <- phx_reply {status: "ok" | "error", response};
//   <- broadcast {type: "broadcast", event, payload} for each message;
//   -> heartbeat on topic "phoenix" every 25 s, answered by a phx_reply (no
//      answer by the next beat: the socket is dead, reconnect);
//   -> access_token when the session's token changed (Realtime closes a
//      channel whose token expired);
//   <- phx_close / phx_error / system {status: "error"}: the channel is gone.

import { freshAccessToken, session, supabaseConfig, tokenClaims } from "./api.js";

export const VSN = "1.0.0";
export const JOB_EVENTS = ["job.status", "job.progress", "job.output", "job.deleted"];
const HEARTBEAT_MS = 25000; // realtime-js's interval
const JOIN_TIMEOUT_MS = 10000; // realtime-js's default push timeout
const RECONNECT_MS = [1000, 2000, 5000, 10000]; // then every 10 s, as realtime-js
// Going from the list to a job page (or back) keeps the socket: the next view
// subscribes within this time.
const LEAVE_AFTER_MS = 5000;

export function userTopic(userId) {
  return `soundstage:user:${userId}`;
}

export function socketUrl(supabase) {
  const base = supabase.url.replace(/\/+$/, "").replace(/^http/, "ws");
  return `${base}/realtime/v1/websocket?apikey=${encodeURIComponent(supabase.anon_key)}&vsn=${VSN}`;
}

// One socket joined to one topic. state: "connecting" (opening or joining),
// "joined", "down" (failed or closed; a reconnect is scheduled) or "stopped".
// onMessage(event, payload) for each broadcast; onState(state) on each change.
export class RealtimeTopic {
  constructor({
    url,
    topic,
    token,
    onMessage,
    onState = () => {},
    heartbeatMs = HEARTBEAT_MS,
    joinTimeoutMs = JOIN_TIMEOUT_MS,
    reconnectMs = RECONNECT_MS,
  }) {
    this.url = url;
    this.topic = `realtime:${topic}`;
    this.token = token; // async () => the access token (or null: cannot join)
    this.onMessage = onMessage;
    this.onState = onState;
    this.heartbeatMs = heartbeatMs;
    this.joinTimeoutMs = joinTimeoutMs;
    this.reconnectMs = reconnectMs;
    this.state = "stopped";
    this.failures = 0;
    this.ref = 0;
    this.ws = null;
    this.timers = {};
  }

  start() {
    if (this.state !== "stopped") return;
    this.connect();
  }

  stop() {
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      if (this.state === "joined") this.push(ws, this.topic, "phx_leave", {}, this.joinRef);
      ws.close(1000);
    }
    this.setState("stopped");
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.onState(state);
  }

  nextRef() {
    this.ref += 1;
    return String(this.ref);
  }

  push(ws, topic, event, payload, joinRef = null) {
    const ref = this.nextRef();
    if (ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ topic, event, payload, ref, join_ref: joinRef }));
    }
    return ref;
  }

  clearTimers() {
    clearTimeout(this.timers.join);
    clearInterval(this.timers.heartbeat);
    clearTimeout(this.timers.reconnect);
    this.timers = {};
  }

  connect() {
    this.clearTimers();
    this.setState("connecting");
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.fail();
      return;
    }
    this.ws = ws;
    this.pendingHeartbeat = null;
    this.joinRef = null;
    // A socket that never opens, or a join never answered, counts as a failure.
    this.timers.join = setTimeout(() => this.fail(ws), this.joinTimeoutMs);
    ws.onopen = () => this.join(ws);
    ws.onmessage = (event) => this.receive(ws, event.data);
    ws.onerror = () => this.fail(ws);
    ws.onclose = () => this.fail(ws);
  }

  async join(ws) {
    let token = null;
    try {
      token = await this.token();
    } catch {
      token = null;
    }
    if (ws !== this.ws) return;
    if (!token) {
      this.fail(ws);
      return;
    }
    this.sentToken = token;
    this.joinRef = this.nextRef();
    const payload = {
      config: { broadcast: { ack: false, self: false }, presence: { key: "" }, postgres_changes: [], private: true },
      access_token: token,
    };
    ws.send(JSON.stringify({ topic: this.topic, event: "phx_join", payload, ref: this.joinRef, join_ref: this.joinRef }));
    this.timers.heartbeat = setInterval(() => this.beat(ws), this.heartbeatMs);
  }

  async beat(ws) {
    if (ws !== this.ws) return;
    if (this.pendingHeartbeat) {
      // the previous beat was never answered: the connection is dead
      this.fail(ws);
      return;
    }
    this.pendingHeartbeat = this.push(ws, "phoenix", "heartbeat", {});
    if (this.state !== "joined") return;
    // A refreshed session: hand Realtime the new token before the old expires.
    let token = null;
    try {
      token = await this.token();
    } catch {
      token = null;
    }
    if (ws === this.ws && token && token !== this.sentToken) {
      this.sentToken = token;
      this.push(ws, this.topic, "access_token", { access_token: token }, this.joinRef);
    }
  }

  receive(ws, data) {
    if (ws !== this.ws) return;
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (!msg || typeof msg !== "object") return;
    const { topic, event, payload, ref } = msg;
    if (topic === "phoenix") {
      if (event === "phx_reply" && ref === this.pendingHeartbeat) this.pendingHeartbeat = null;
      return;
    }
    if (topic !== this.topic) return;
    if (event === "phx_reply" && ref === this.joinRef && this.state === "connecting") {
      if (payload?.status === "ok") {
        clearTimeout(this.timers.join);
        this.failures = 0;
        this.setState("joined");
      } else {
        this.fail(ws); // refused (not this user's topic, bad token...)
      }
    } else if (event === "broadcast" && payload?.type === "broadcast") {
      if (this.state === "joined" && typeof payload.event === "string") {
        this.onMessage(payload.event, payload.payload ?? {});
      }
    } else if (event === "phx_close" || event === "phx_error") {
      this.fail(ws);
    } else if (event === "system" && payload?.status === "error") {
      this.fail(ws); // e.g. the token expired: Realtime shuts the channel
    }
  }

  // The socket failed or closed: down now (followers switch to SSE), and a new
  // socket after a backoff.
  fail(ws = this.ws) {
    if (ws !== this.ws || this.state === "stopped") return;
    this.clearTimers();
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      try {
        ws.close();
      } catch {
        /* already closed */
      }
    }
    const delay = this.reconnectMs[this.failures] ?? this.reconnectMs[this.reconnectMs.length - 1];
    this.failures += 1;
    this.timers.reconnect = setTimeout(() => this.connect(), delay);
    this.setState("down"); // last: a listener may stop() this topic
  }
}

// ------------------------------------------------- one socket for the page

let shared = null; // {userId, topic: RealtimeTopic, listeners: Set, leaveTimer}

// Follow the signed-in user's jobs through Realtime: onEvent(event, payload)
// for each broadcast, onState(state) when the socket joins or goes down.
// Null when this session cannot (not a Supabase sign-in, no Supabase config,
// no WebSocket): the caller uses SSE. Returns {state, close()}.
export function subscribeJobs({ onEvent, onState }) {
  const supabase = supabaseConfig();
  const current = session.get();
  if (!supabase?.url || !supabase.anon_key || current?.via !== "supabase" || typeof WebSocket === "undefined") {
    return null;
  }
  const userId = tokenClaims(current.access_token).sub;
  if (typeof userId !== "string" || !userId) return null;
  if (shared && shared.userId !== userId) closeRealtime();
  if (!shared) {
    const entry = { userId, listeners: new Set(), leaveTimer: null };
    entry.topic = new RealtimeTopic({
      url: socketUrl(supabase),
      topic: userTopic(userId),
      token: freshAccessToken,
      onMessage: (event, payload) => {
        if (!JOB_EVENTS.includes(event)) return;
        for (const l of [...entry.listeners]) l.onEvent(event, payload);
      },
      onState: (state) => {
        for (const l of [...entry.listeners]) l.onState?.(state);
      },
    });
    shared = entry;
    entry.topic.start();
  }
  const entry = shared;
  clearTimeout(entry.leaveTimer);
  entry.leaveTimer = null;
  const listener = { onEvent, onState };
  entry.listeners.add(listener);
  return {
    get state() {
      return entry.topic.state;
    },
    // Joined, or joining for the first time: follow through Realtime (a socket
    // that is reconnecting after a failure is not counted on until it joins).
    get usable() {
      const { state, failures } = entry.topic;
      return state === "joined" || (state === "connecting" && failures === 0);
    },
    close() {
      if (!entry.listeners.delete(listener) || entry.listeners.size) return;
      entry.leaveTimer = setTimeout(() => {
        if (entry.listeners.size) return;
        entry.topic.stop();
        if (shared === entry) shared = null;
      }, LEAVE_AFTER_MS);
    },
  };
}

// Signing out: the socket goes at once (it holds the old user's token).
export function closeRealtime() {
  if (!shared) return;
  clearTimeout(shared.leaveTimer);
  shared.topic.stop();
  shared = null;
}

// What a broadcast changes, as the SSE event the views already apply
// (job_ui.applyEvent): job.status -> "status", job.progress -> "progress".
export function asSseEvent(event, payload) {
  if (event === "job.status") return { id: null, type: "status", data: payload };
  if (event === "job.progress") return { id: null, type: "progress", data: payload };
  return null;
}
