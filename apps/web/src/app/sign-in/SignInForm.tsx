"use client";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import type { Provider } from "@supabase/supabase-js";
import { engineClient, errorMessage } from "@/lib/api/client";
import { browserSupabase, setDevToken } from "@/lib/auth/browser";
import { OAUTH_PROVIDERS, USE_SUPABASE } from "@/lib/config";

export function SignInForm() {
  const router = useRouter();
  const params = useSearchParams();
  const next = params.get("next") ?? "/jobs";
  const [email, setEmail] = useState("");
  const [status, setStatus] = useState<string | null>(
    params.get("error") ? "That sign-in link did not work; ask for a new one." : null,
  );
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setStatus(null);
    try {
      if (USE_SUPABASE) {
        const redirect = `${location.origin}/auth/callback?next=${encodeURIComponent(next)}`;
        const { error } = await browserSupabase().auth.signInWithOtp({
          email,
          options: { emailRedirectTo: redirect },
        });
        setStatus(error ? error.message : "Check your email for a sign-in link.");
      } else {
        // development: the engine issues a token itself (loopback only)
        const { data, error } = await engineClient(async () => null).POST("/v1/dev/token", {
          body: { email },
        });
        if (error) throw error;
        setDevToken(data.access_token, data.expires_in);
        router.push(next);
        router.refresh();
      }
    } catch (error) {
      setStatus(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card" style={{ maxWidth: "26rem", margin: "3rem auto" }}>
      <h1>Sign in to Soundstage</h1>
      {!USE_SUPABASE && (
        <p className="muted">
          Development sign-in: the engine runs without Supabase and issues a token for any email.
        </p>
      )}
      <form onSubmit={submit} className="row" aria-describedby="sign-in-status">
        <label style={{ flex: 1 }}>
          Email
          <input
            type="email"
            name="email"
            required
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          {USE_SUPABASE ? "Email me a link" : "Sign in"}
        </button>
      </form>
      {USE_SUPABASE && OAUTH_PROVIDERS.length > 0 && (
        <div className="actions" style={{ marginTop: "1rem" }}>
          {OAUTH_PROVIDERS.map((provider) => (
            <button
              key={provider}
              type="button"
              className="secondary"
              onClick={() =>
                browserSupabase().auth.signInWithOAuth({
                  provider: provider as Provider,
                  options: { redirectTo: `${location.origin}/auth/callback?next=${encodeURIComponent(next)}` },
                })
              }
            >
              Continue with {provider}
            </button>
          ))}
        </div>
      )}
      <p id="sign-in-status" role="status" aria-live="polite" className={status ? "" : "muted"}>
        {status ?? "\u00a0"}
      </p>
    </div>
  );
}
