// Sign-in: the development token route (development engines only), Supabase
// Auth's email + password grant (when the engine has SUPABASE_URL and
// SUPABASE_ANON_KEY), or a pasted access token.

import { ApiError, api, errorFrom, session, sessionFromToken, supabaseSession } from "./api.js";
import { clearError, showError } from "./alerts.js";
import { h } from "./dom.js";

function busy(form, on) {
  for (const el of form.querySelectorAll("button, input, textarea")) el.disabled = on;
}

function devForm(done) {
  const email = h("input", {
    type: "email",
    name: "email",
    id: "dev-email",
    required: true,
    autocomplete: "email",
    placeholder: "you@example.com",
  });
  const form = h(
    "form",
    { class: "stack", id: "dev-sign-in" },
    h("label", { for: "dev-email" }, "Email"),
    email,
    h("button", { type: "submit", class: "primary" }, "Sign in"),
    h(
      "p",
      { class: "hint" },
      "Development sign-in: no password, and the user is created on first use. ",
      "A production engine has no such route.",
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError();
    busy(form, true);
    try {
      const body = await api("/v1/dev/token", { method: "POST", json: { email: email.value.trim() } });
      session.set(sessionFromToken(body.access_token, { email: body.user.email, via: "dev" }));
      done();
    } catch (err) {
      showError(err, "Sign-in failed");
    } finally {
      busy(form, false);
    }
  });
  return form;
}

function supabaseForm(supabase, done) {
  const email = h("input", { type: "email", id: "sb-email", required: true, autocomplete: "email" });
  const password = h("input", {
    type: "password",
    id: "sb-password",
    required: true,
    autocomplete: "current-password",
  });
  const form = h(
    "form",
    { class: "stack", id: "supabase-sign-in" },
    h("label", { for: "sb-email" }, "Email"),
    email,
    h("label", { for: "sb-password" }, "Password"),
    password,
    h("button", { type: "submit", class: "primary" }, "Sign in with Supabase"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError();
    busy(form, true);
    try {
      let response;
      try {
        response = await fetch(`${supabase.url}/auth/v1/token?grant_type=password`, {
          method: "POST",
          headers: { apikey: supabase.anon_key, "Content-Type": "application/json" },
          body: JSON.stringify({ email: email.value.trim(), password: password.value }),
        });
      } catch {
        throw new ApiError("Could not reach Supabase Auth.");
      }
      let body = null;
      try {
        body = await response.json();
      } catch {
        body = null;
      }
      if (!response.ok || !body?.access_token) {
        // Supabase's error shapes: {msg}, {error_description}, {message}.
        const message =
          body?.msg || body?.error_description || body?.message || `Supabase Auth answered ${response.status}.`;
        throw new ApiError(String(message), { status: response.status });
      }
      session.set(supabaseSession(body));
      done();
    } catch (err) {
      showError(err, "Sign-in failed");
    } finally {
      password.value = "";
      busy(form, false);
    }
  });
  return form;
}

function tokenForm(done, open) {
  const token = h("textarea", {
    id: "pasted-token",
    rows: 4,
    required: true,
    spellcheck: "false",
    autocomplete: "off",
    placeholder: "eyJhbGciOi…",
  });
  const form = h(
    "form",
    { class: "stack", id: "token-sign-in" },
    h("label", { for: "pasted-token" }, "Access token"),
    token,
    h("button", { type: "submit" }, "Use this token"),
    h(
      "p",
      { class: "hint" },
      "A Supabase access token, or in development the output of ",
      h("code", {}, ".venv/bin/soundstage token --email you@example.com"),
      ".",
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError();
    const value = token.value.trim().replace(/^Bearer\s+/i, "");
    busy(form, true);
    try {
      // Check it with the engine before keeping it.
      const response = await fetch("/v1/queue", { headers: { Authorization: `Bearer ${value}` } });
      if (!response.ok) throw await errorFrom(response);
      session.set(sessionFromToken(value, { via: "token" }));
      done();
    } catch (err) {
      showError(err, "That token was refused");
    } finally {
      busy(form, false);
    }
  });
  return h("details", { class: "paste", open: open || undefined }, h("summary", {}, "Paste an access token"), form);
}

export function signInView(config, done, reason) {
  const methods = [];
  if (config.dev_sign_in) methods.push(devForm(done));
  if (config.supabase) methods.push(supabaseForm(config.supabase, done));
  const onlyToken = methods.length === 0;
  return h(
    "section",
    { class: "signin card", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, "Sign in"),
    h(
      "p",
      { class: "lede" },
      "Soundstage turns requests into audio. Sign in to create jobs and listen to the results.",
    ),
    reason ? h("p", { class: "callout" }, reason) : null,
    methods.flatMap((m, i) => (i ? [h("div", { class: "or" }, "or"), m] : [m])),
    methods.length ? h("div", { class: "or" }, "or") : null,
    tokenForm(done, onlyToken),
  );
}
