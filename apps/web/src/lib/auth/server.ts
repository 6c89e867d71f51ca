/** The signed-in user on the server (server components, route handlers). */
import { cookies } from "next/headers";
import { createServerClient } from "@supabase/ssr";
import { engineClient, type Api } from "@/lib/api/client";
import { DEV_TOKEN_COOKIE, SUPABASE_ANON_KEY, SUPABASE_URL, USE_SUPABASE } from "@/lib/config";

export async function serverSupabase() {
  const store = await cookies();
  return createServerClient(SUPABASE_URL, SUPABASE_ANON_KEY, {
    cookies: {
      getAll: () => store.getAll(),
      setAll: (all) => {
        try {
          for (const { name, value, options } of all) store.set(name, value, options);
        } catch {
          // a server component cannot set cookies; the middleware refreshes them
        }
      },
    },
  });
}

export async function serverToken(): Promise<string | null> {
  if (!USE_SUPABASE) return (await cookies()).get(DEV_TOKEN_COOKIE)?.value ?? null;
  const supabase = await serverSupabase();
  // getUser() checks the token with Supabase Auth; only then use the session's
  const { data } = await supabase.auth.getUser();
  if (!data.user) return null;
  const { data: session } = await supabase.auth.getSession();
  return session.session?.access_token ?? null;
}

/** The engine client for server components: the same types, the caller's token. */
export async function serverApi(): Promise<Api | null> {
  const token = await serverToken();
  return token ? engineClient(async () => token) : null;
}
