"use client";
/** The signed-in user's token in the browser: Supabase's session, or the
 *  development token the engine issued (POST /v1/dev/token). */
import { createBrowserClient } from "@supabase/ssr";
import type { SupabaseClient } from "@supabase/supabase-js";
import { engineClient, type Api } from "@/lib/api/client";
import type { Database } from "@/lib/database.types";
import { DEV_TOKEN_COOKIE, SUPABASE_ANON_KEY, SUPABASE_URL, USE_SUPABASE } from "@/lib/config";

// Typed by the committed `supabase gen types` output (soundstage db types):
// .schema("soundstage").from("jobs_view") knows its rows.
let supabase: SupabaseClient<Database> | null = null;

export function browserSupabase(): SupabaseClient<Database> {
  supabase ??= createBrowserClient<Database>(SUPABASE_URL, SUPABASE_ANON_KEY);
  return supabase;
}

export function readCookie(name: string): string | null {
  if (typeof document === "undefined") return null;
  const hit = document.cookie.split("; ").find((c) => c.startsWith(`${name}=`));
  return hit ? decodeURIComponent(hit.slice(name.length + 1)) : null;
}

export function setDevToken(token: string | null, maxAgeSeconds = 24 * 3600): void {
  document.cookie = token
    ? `${DEV_TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; Max-Age=${maxAgeSeconds}; SameSite=Lax`
    : `${DEV_TOKEN_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax`;
}

export async function getToken(): Promise<string | null> {
  if (!USE_SUPABASE) return readCookie(DEV_TOKEN_COOKIE);
  const { data } = await browserSupabase().auth.getSession();
  return data.session?.access_token ?? null;
}

let api: Api | null = null;

/** The engine client for client components. */
export function browserApi(): Api {
  api ??= engineClient(getToken);
  return api;
}

export async function signOut(): Promise<void> {
  if (USE_SUPABASE) await browserSupabase().auth.signOut();
  else setDevToken(null);
}
