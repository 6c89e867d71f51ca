"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { signOut } from "@/lib/auth/browser";

const LINKS = [
  ["/jobs", "Jobs"],
  ["/new/audiobook", "New audiobook"],
  ["/new/music", "New music"],
  ["/new/tone", "New tone"],
  ["/uploads", "Uploads"],
  ["/usage", "Usage"],
] as const;

export function Nav() {
  const path = usePathname();
  const router = useRouter();
  if (path.startsWith("/sign-in")) return null;
  return (
    <header className="top">
      <span className="brand">Soundstage</span>
      <nav aria-label="Main">
        <ul>
          {LINKS.map(([href, label]) => (
            <li key={href}>
              <Link href={href} aria-current={path === href ? "page" : undefined}>
                {label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <button
        className="secondary"
        type="button"
        onClick={async () => {
          await signOut();
          router.push("/sign-in");
          router.refresh();
        }}
      >
        Sign out
      </button>
    </header>
  );
}
