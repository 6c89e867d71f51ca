// The engine's HTTP API: the bearer token, the JSON error envelope, and
// Supabase's token refresh. Every failure becomes an ApiError whose message is
// the API's own `error.message`, so the page never shows raw JSON.

const SESSION_KEY = "soundstage.session";

export class ApiError extends Error {
  constructor(message, { status = 0, code = "error", details = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

let supabaseAuth = null; // {url, anon_key} when the engine has Supabase Auth configured
let onSignedOut = () => {};

export function configure({ supabase, signedOut }) {
  supabaseAuth = supabase || null;
  if (signedOut) onSignedOut = signedOut;
}

// {url, anon_key} when the engine advertises Supabase, else null (realtime.js).
export function supabaseConfig() {
  return supabaseAuth;
}

export const session = {
  get() {
    try {
      const raw = localStorage.getItem(SESSION_KEY);
      return raw ? JSON.parse(raw) : null;
    } catch {
      return null;
    }
  },
  set(value) {
    localStorage.setItem(SESSION_KEY, JSON.stringify(value));
  },
  clear() {
    localStorage.removeItem(SESSION_KEY);
  },
};

// The token's claims, for display only (the engine verifies the signature).
export function tokenClaims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const padded = part + "=".repeat((4 - (part.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

export function sessionFromToken(accessToken, extra = {}) {
  const claims = tokenClaims(accessToken);
  return {
    access_token: accessToken,
    email: claims.email || extra.email || null,
    expires_at: typeof claims.exp === "number" ? claims.exp : null,
    ...extra,
  };
}

// Any failed response -> ApiError with the API's message (or a plain sentence
// when the body is not our envelope, e.g. a proxy's HTML error page).
export async function errorFrom(response) {
  let body = null;
  const type = response.headers.get("content-type") || "";
  if (type.includes("json")) {
    try {
      body = await response.json();
    } catch {
      body = null;
    }
  }
  const err = body && typeof body === "object" ? body.error : null;
  if (err && typeof err === "object" && typeof err.message === "string") {
    return new ApiError(err.message, {
      status: response.status,
      code: err.code || "error",
      details: err.details ?? null,
    });
  }
  const text = response.statusText ? ` (${response.statusText})` : "";
  return new ApiError(`The engine answered with status ${response.status}${text}.`, {
    status: response.status,
  });
}

function networkError(cause) {
  const err = new ApiError("Could not reach the engine. Is it still running?", {
    code: "network",
  });
  err.cause = cause;
  return err;
}

export function authHeaders() {
  const current = session.get();
  return current ? { Authorization: `Bearer ${current.access_token}` } : {};
}

let refreshing = null;

async function refreshSupabase() {
  const current = session.get();
  if (!supabaseAuth || !current?.refresh_token) return false;
  refreshing ??= (async () => {
    try {
      const response = await fetch(`${supabaseAuth.url}/auth/v1/token?grant_type=refresh_token`, {
        method: "POST",
        headers: { apikey: supabaseAuth.anon_key, "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: current.refresh_token }),
      });
      if (!response.ok) return false;
      const body = await response.json();
      session.set(supabaseSession(body));
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

// The session's access token, refreshed first when it ends within a minute
// (Supabase sessions only): Realtime checks the token it is given at the join
// and closes the channel when it expires, and no API call may come in time to
// trigger the refresh-on-401 above. Null when signed out.
export async function freshAccessToken() {
  const current = session.get();
  if (!current) return null;
  const soon = Date.now() / 1000 + 60;
  if (current.refresh_token && current.expires_at && current.expires_at < soon) {
    await refreshSupabase();
  }
  return session.get()?.access_token ?? null;
}

export function supabaseSession(body) {
  return sessionFromToken(body.access_token, {
    refresh_token: body.refresh_token || null,
    email: body.user?.email || null,
    via: "supabase",
  });
}

// fetch() against the engine with the session's token; one Supabase refresh on 401.
export async function request(path, options = {}, retried = false) {
  const headers = { ...authHeaders(), ...(options.headers || {}) };
  let response;
  try {
    response = await fetch(path, { ...options, headers });
  } catch (cause) {
    if (cause?.name === "AbortError") throw cause;
    throw networkError(cause);
  }
  if (response.status === 401 && session.get()) {
    if (!retried && (await refreshSupabase())) return request(path, options, true);
    const err = await errorFrom(response);
    session.clear();
    onSignedOut(`You were signed out: ${err.message}.`);
    throw err;
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

export async function api(path, { method = "GET", json, form, headers, signal } = {}) {
  const options = { method, signal, headers: { Accept: "application/json", ...(headers || {}) } };
  if (json !== undefined) {
    options.body = JSON.stringify(json);
    options.headers["Content-Type"] = "application/json";
  } else if (form !== undefined) {
    options.body = form; // the browser sets the multipart boundary
  }
  const response = await request(path, options);
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  return type.includes("json") ? response.json() : response.text();
}

// For endpoints other engineers are still building: null when absent (404/405).
export async function optionalApi(path, options) {
  try {
    return await api(path, options);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) return null;
    throw err;
  }
}
