/** Public configuration, read once (NEXT_PUBLIC_* are inlined at build time). */
export const ENGINE_URL = (process.env.NEXT_PUBLIC_ENGINE_URL ?? "http://127.0.0.1:8000").replace(
  /\/$/,
  "",
);
export const SUPABASE_URL = process.env.NEXT_PUBLIC_SUPABASE_URL ?? "";
export const SUPABASE_ANON_KEY = process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY ?? "";
/** With Supabase: magic link / OAuth sign-in, live progress through Realtime.
 *  Without: the engine's development sign-in, live progress through SSE. */
export const USE_SUPABASE = Boolean(SUPABASE_URL && SUPABASE_ANON_KEY);
export const OAUTH_PROVIDERS = (process.env.NEXT_PUBLIC_SUPABASE_OAUTH_PROVIDERS ?? "")
  .split(",")
  .map((p) => p.trim())
  .filter(Boolean);
/** The cookie holding a development token (no Supabase): readable by the server too. */
export const DEV_TOKEN_COOKIE = "soundstage_dev_token";
