/** Where Supabase sends the magic link / OAuth redirect: trade the code for a session. */
import { NextResponse, type NextRequest } from "next/server";
import { serverSupabase } from "@/lib/auth/server";

export async function GET(request: NextRequest) {
  const url = request.nextUrl;
  const code = url.searchParams.get("code");
  const next = url.searchParams.get("next") ?? "/jobs";
  if (code) {
    const supabase = await serverSupabase();
    const { error } = await supabase.auth.exchangeCodeForSession(code);
    if (!error) return NextResponse.redirect(new URL(next.startsWith("/") ? next : "/jobs", url));
  }
  return NextResponse.redirect(new URL("/sign-in?error=link", url));
}
