// The dashboard's entry point: configuration, session, and a hash router
// (#/ the jobs, #/jobs/<id> one job), so the engine serves a single page.

import { clearError, showError } from "./alerts.js";
import { configure, errorFrom, session } from "./api.js";
import { signInView } from "./auth.js";
import { h, replace } from "./dom.js";
import { homeView } from "./home.js";
import { jobView } from "./job_page.js";
import { closeRealtime } from "./realtime.js";

const main = document.getElementById("main");
const nav = document.getElementById("session");
let config = { dev_sign_in: false, supabase: null };
let dispose = null;

function signOut() {
  const current = session.get();
  session.clear();
  closeRealtime();
  if (current?.via === "supabase" && config.supabase) {
    // Best effort: revoke the refresh token too.
    fetch(`${config.supabase.url}/auth/v1/logout`, {
      method: "POST",
      headers: { apikey: config.supabase.anon_key, Authorization: `Bearer ${current.access_token}` },
    }).catch(() => {});
  }
  route("You are signed out.");
}

function renderNav(current) {
  if (!current) {
    replace(nav);
    return;
  }
  replace(
    nav,
    h("span", { class: "who", title: current.email || "" }, current.email || "signed in"),
    h("button", { type: "button", class: "small quiet", id: "sign-out", onclick: signOut }, "Sign out"),
  );
}

function expired(current) {
  return current.expires_at && current.expires_at * 1000 < Date.now() && !current.refresh_token;
}

function route(reason) {
  dispose?.();
  dispose = null;
  let current = session.get();
  if (current && expired(current)) {
    session.clear();
    current = null;
    reason ??= "Your session has expired; sign in again.";
  }
  renderNav(current);
  if (!current) {
    replace(
      main,
      signInView(
        config,
        () => {
          clearError();
          if (location.hash === "#/") route();
          else location.hash = "#/";
        },
        reason,
      ),
    );
    return;
  }
  const match = location.hash.match(/^#\/jobs\/([0-9a-fA-F-]{36})$/);
  dispose = match ? jobView(main, match[1]) : homeView(main);
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

async function boot() {
  window.addEventListener("unhandledrejection", (event) => showError(event.reason));
  window.addEventListener("error", (event) => showError(event.error || new Error(event.message)));
  try {
    const response = await fetch("/app/config.json", { headers: { Accept: "application/json" } });
    if (!response.ok) throw await errorFrom(response);
    config = await response.json();
  } catch (err) {
    showError(err, "Could not load the dashboard's settings");
  }
  configure({ supabase: config.supabase, signedOut: (reason) => route(reason) });
  window.addEventListener("hashchange", () => {
    clearError();
    route();
  });
  route();
}

boot();
