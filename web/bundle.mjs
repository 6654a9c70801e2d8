// Bundles the page into one self-contained dist/index.html: the script (CodeMirror, the page
// code and the wasm-bindgen glue), the wasm inlined as base64 and the style sheet. One file
// with no module imports and no fetch works opened from disk (file://) as well as from any
// static host, and makes no request at all.
import { build } from "esbuild";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const result = await build({
  entryPoints: [join(here, "page/main.js")],
  bundle: true,
  format: "iife",
  minify: true,
  write: false,
  target: ["chrome111", "firefox113", "safari16.4"],
  loader: { ".wasm": "binary" },
  legalComments: "none",
  logLevel: "warning",
  // wasm-bindgen's glue names import.meta.url only to find the .wasm file by URL, which this
  // page never does (the bytes are inlined): define it away.
  define: { "import.meta.url": "undefined" },
});
const script = result.outputFiles[0].text.replace(/<\/(script)/gi, "<\\/$1");
const style = await readFile(join(here, "page/style.css"), "utf8");
const template = await readFile(join(here, "page/index.html"), "utf8");
const html = template.replace("/*STYLE*/", () => style).replace("/*SCRIPT*/", () => script);
await mkdir(join(here, "dist"), { recursive: true });
await writeFile(join(here, "dist/index.html"), html);
console.log(`dist/index.html: ${html.length} bytes`);
