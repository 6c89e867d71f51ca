// Every ```ts / ```tsx block of docs/frontend.md, written to
// docs-snippets/generated/ so `npm run typecheck` compiles it against the
// app's real modules and generated types: the docs cannot drift from the API.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const doc = path.resolve(here, "../../../docs/frontend.md");
const out = path.resolve(here, "../docs-snippets/generated");

const text = await readFile(doc, "utf8");
const blocks = [...text.matchAll(/^```(ts|tsx)\n([\s\S]*?)^```$/gm)];
if (!blocks.length) throw new Error("docs/frontend.md has no TypeScript snippets");
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
for (const [i, [, lang, body]] of blocks.entries()) {
  const line = text.slice(0, blocks[i].index).split("\n").length + 1;
  const name = `snippet-${String(i + 1).padStart(2, "0")}.${lang}`;
  // a module each, so top-level await and local names stay apart
  await writeFile(path.join(out, name), `// docs/frontend.md line ${line}\n${body}\nexport {};\n`);
}
console.log(`extracted ${blocks.length} snippets from docs/frontend.md`);
