// Bundles the page into one self-contained dist/index.html: the script (CodeMirror, the page
// code and the wasm-bindgen glue), the wasm inlined as base64 and the style sheet. One file
// with no module imports and no fetch works opened from disk (file://) as well as from any
// static host, and makes no request at all.
import { build } from "esbuild";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const options = {
  bundle: true,
  format: "iife",
  minify: true,
  write: false,
  target: ["chrome111", "firefox113", "safari16.4"],
  loader: { ".wasm": "binary" },
  legalComments: "none",
  logLevel: "warning",
};
// The dry run's Web Worker (page/worker.js, with its own copy of the glue but not the wasm: the
// page hands it the compiled module), inlined into the page's script as a string that the page
// starts from a Blob.
const worker = await build({
  ...options,
  entryPoints: [join(here, "page/worker.js")],
  define: { "import.meta.url": "undefined" },
});
const result = await build({
  ...options,
  entryPoints: [join(here, "page/main.js")],
  // wasm-bindgen's glue names import.meta.url only to find the .wasm file by URL, which this
  // page never does (the bytes are inlined): define it away.
  define: {
    "import.meta.url": "undefined",
    WORKER_SOURCE: JSON.stringify(worker.outputFiles[0].text),
  },
});
const script = result.outputFiles[0].text.replace(/<\/(script)/gi, "<\\/$1");
const style = await readFile(join(here, "page/style.css"), "utf8");
const template = await readFile(join(here, "page/index.html"), "utf8");
const html = template.replace("/*STYLE*/", () => style).replace("/*SCRIPT*/", () => script);
await mkdir(join(here, "dist"), { recursive: true });
await writeFile(join(here, "dist/index.html"), html);
console.log(`dist/index.html: ${html.length} bytes`);
