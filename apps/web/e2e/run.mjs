// End-to-end: playwright-core drives Debian's Chromium through the app against
// a live engine (started here, in development mode, with its embedded
// Postgres and worker): sign in, create a tone and a short audiobook, watch
// progress reach 100, play, download. Screenshots go to artifacts/e2e/.
//
//   npm run e2e                   start an engine and the app, then test
//   ENGINE_URL=http://... npm run e2e   use an engine already running
//
// Chromium: CHROMIUM (default /usr/bin/chromium; `apt-get install chromium`).
// The engine: SOUNDSTAGE_PYTHON (default ../../.venv/bin/python).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const web = path.resolve(here, "..");
const repo = path.resolve(web, "../..");
const artifacts = path.join(web, "artifacts", "e2e");
const WEB_PORT = Number(process.env.E2E_WEB_PORT ?? 3107);
const ENGINE_PORT = Number(process.env.E2E_ENGINE_PORT ?? 8765);
const APP = `http://127.0.0.1:${WEB_PORT}`;
const STEP_TIMEOUT = 240_000; // a 2-core CI machine, a cold worker
const children = [];
let failed = 0;
let passed = 0;

function start(cmd, args, options) {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], detached: true, ...options });
  const name = path.basename(cmd);
  const log = [];
  const keep = (chunk) => {
    log.push(chunk.toString());
    if (log.length > 200) log.shift();
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.on("error", (error) => console.error(`${name}: ${error.message}`));
  child.on("exit", (code) => {
    if (code && !child.stopping) console.error(`${name} exited with ${code}:\n${log.join("").slice(-4000)}`);
  });
  children.push(child);
  return child;
}

function stopAll() {
  for (const child of children.reverse()) {
    child.stopping = true;
    try {
      process.kill(-child.pid, "SIGTERM"); // its process group: next's workers too
    } catch {
      // already gone
    }
  }
}

async function waitFor(url, what, timeoutMs = 180_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not come up at ${url}`);
}

async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok - ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failed++;
    console.log(`not ok - ${name}\n  ${String(error?.stack ?? error).split("\n").slice(0, 6).join("\n  ")}`);
    throw error;
  }
}

async function main() {
  await rm(artifacts, { recursive: true, force: true });
  await mkdir(artifacts, { recursive: true });
  let engine = process.env.ENGINE_URL;
  let dataDir = null;
  if (!engine) {
    engine = `http://127.0.0.1:${ENGINE_PORT}`;
    dataDir = await mkdtemp(path.join(os.tmpdir(), "soundstage-e2e-"));
    const python = process.env.SOUNDSTAGE_PYTHON ?? path.join(repo, ".venv/bin/python");
    start(python, ["-m", "soundstage", "run", "--host", "127.0.0.1", "--port", String(ENGINE_PORT)], {
      cwd: repo,
      env: {
        ...process.env,
        SOUNDSTAGE_ENV: "development",
        SOUNDSTAGE_DATA_DIR: dataDir,
        SOUNDSTAGE_CORS_ORIGINS: JSON.stringify([APP]),
      },
    });
  }
  const distDir = ".next-e2e";
  const env = { ...process.env, NEXT_PUBLIC_ENGINE_URL: engine, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" };
  for (const key of ["NEXT_PUBLIC_SUPABASE_URL", "NEXT_PUBLIC_SUPABASE_ANON_KEY"]) delete env[key];
  // a production build: what users get, and build errors fail the run
  const nextBin = path.join(web, "node_modules/next/dist/bin/next");
  const build = start(process.execPath, [nextBin, "build"], { cwd: web, env });
  const built = await new Promise((resolve) => build.on("exit", resolve));
  if (built !== 0) throw new Error("next build failed");
  start(process.execPath, [nextBin, "start", "--hostname", "127.0.0.1", "--port", String(WEB_PORT)], { cwd: web, env });
  await waitFor(`${engine}/health`, "the engine");
  await waitFor(`${APP}/sign-in`, "the app");

  const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}`);
  const browser = await chromium.launch({
    executablePath,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
  try {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const consoleErrors = [];
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    const shot = (name) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

    await step("sign in (development, no Supabase)", async () => {
      await page.goto(`${APP}/jobs`);
      await page.waitForURL(/\/sign-in/);
      await page.getByLabel("Email").fill(`e2e-${Date.now()}@example.com`);
      await shot("01-sign-in");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(/\/jobs$/);
      await page.getByRole("heading", { name: "Jobs" }).waitFor();
    });

    async function waitDone(name) {
      await page.waitForFunction(
        () => document.querySelector('[data-testid="progress-value"]')?.textContent === "100%",
        null,
        { timeout: STEP_TIMEOUT },
      );
      await page.locator(".pill.succeeded").first().waitFor({ timeout: STEP_TIMEOUT });
      await shot(name);
    }

    async function playFirst() {
      const audio = page.locator("audio").first();
      await audio.waitFor();
      const played = await audio.evaluate(async (el) => {
        el.muted = true;
        await el.play();
        await new Promise((r) => setTimeout(r, 700));
        return { time: el.currentTime, error: el.error?.code ?? null, duration: el.duration };
      });
      if (played.error || !(played.time > 0)) throw new Error(`audio did not play: ${JSON.stringify(played)}`);
    }

    async function download(pattern) {
      const link = page.getByTestId("download").filter({ hasText: pattern }).first();
      const [file] = await Promise.all([page.waitForEvent("download"), link.click()]);
      const target = path.join(artifacts, file.suggestedFilename());
      await file.saveAs(target);
      const { size } = await stat(target);
      if (size < 1000) throw new Error(`${target}: only ${size} bytes`);
    }

    await step("create a tone job, watch it reach 100, play it, download it", async () => {
      await page.getByRole("link", { name: "New tone" }).click();
      await page.getByLabel("Seconds").fill("1.5");
      await page.getByRole("button", { name: "Create tone" }).click();
      await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
      await waitDone("02-tone-done");
      await playFirst();
      await download(/\.mp3$/);
    });

    await step("preview and create a short audiobook, watch it, play, see the ACX report, download", async () => {
      await page.getByRole("link", { name: "New audiobook" }).click();
      await page
        .getByRole("textbox", { name: "Text" })
        .fill("# Chapter One\n\nThe lane was quiet. \"Good morning,\" said Ann.\n\n# Chapter Two\n\nThe end came soon.");
      await page.getByLabel("Title").fill("The Lane");
      await page.getByRole("button", { name: "Preview chapters" }).click();
      await page.getByTestId("preview-duration").waitFor();
      await page.getByTestId("preview-cost").waitFor();
      await shot("03-audiobook-preview");
      await page.getByRole("button", { name: "Create audiobook" }).click();
      await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
      await waitDone("04-audiobook-done");
      await page.getByTestId("acx-result").waitFor();
      await playFirst();
      await download(/\.mp3$/);
      await shot("05-audiobook-report");
    });

    await step("the jobs list shows both, finished", async () => {
      await page.getByRole("link", { name: "Jobs", exact: true }).click();
      await page.locator('[data-testid="job-row"][data-status="succeeded"]').nth(1).waitFor();
      await shot("06-jobs");
      await page.setViewportSize({ width: 390, height: 844 });
      await shot("07-jobs-phone");
    });

    await step("usage renders on the server with the caller's token", async () => {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.getByRole("link", { name: "Usage" }).click();
      await page.getByRole("heading", { name: "Usage" }).waitFor();
      await shot("08-usage");
    });

    if (consoleErrors.length) throw new Error(`page errors: ${consoleErrors.join("\n")}`);
  } finally {
    await browser.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => {});
  }
}

try {
  await main();
} catch (error) {
  if (!failed) console.error(error);
  failed = failed || 1;
} finally {
  stopAll();
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
