/**
 * Runs before every page (Next's proxy, formerly middleware): refreshes the
 * Supabase session cookie so server components see a valid token, and sends
 * signed-out visitors to /sign-in.
 */
import { NextResponse, type NextRequest } from "next/server";
import { createServerClient } from "@supabase/ssr";
import { DEV_TOKEN_COOKIE, SUPABASE_ANON_KEY, SUPABASE_URL, USE_SUPABASE } from "@/lib/config";

const PUBLIC = ["/sign-in", "/auth/"];

export async function proxy(request: NextRequest) {
  let response = NextResponse.next({ request });
  let signedIn: boolean;
  if (USE_SUPABASE) {
    const supabase = createServerClient(SUPABASE_URL, SUPABASE_ANON_KEY, {
      cookies: {
        getAll: () => request.cookies.getAll(),
        setAll: (all) => {
          for (const { name, value } of all) request.cookies.set(name, value);
          response = NextResponse.next({ request });
          for (const { name, value, options } of all) response.cookies.set(name, value, options);
        },
      },
    });
    // getUser() refreshes an expired access token (and sets the new cookies)
    const { data } = await supabase.auth.getUser();
    signedIn = Boolean(data.user);
  } else {
    signedIn = request.cookies.has(DEV_TOKEN_COOKIE);
  }
  const path = request.nextUrl.pathname;
  if (!signedIn && !PUBLIC.some((p) => path.startsWith(p))) {
    const url = request.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = path === "/" ? "" : `?next=${encodeURIComponent(path)}`;
    return NextResponse.redirect(url);
  }
  return response;
}

export const config = {
  // every page, not Next's own files or static assets
  matcher: ["/((?!_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|jpg|ico)$).*)"],
};
