// Measures the dry run in the page against `entramap preview` on this machine (not a test: the
// figures go to BENCHMARKS.md). A synthetic export (`entramap synth`, JSON Lines) through the
// IDmelon example, three alternating runs of each; the CLI writes the payloads to /dev/null,
// the page keeps them for download. The page's time runs from handing the file to the picker
// to the summary shown; the worker's own time is reported beside it, and the longest gap
// between two animation frames of the page meanwhile (how long the page was unresponsive).
//
// Run: node web/bench-preview.mjs [USERS]   (after web/build.sh and a release build:
// cargo build --release; ENTRAMAP_BIN overrides target/release/entramap, CHROMIUM
// /usr/bin/chromium)

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const web = resolve(dirname(fileURLToPath(import.meta.url)));
const root = dirname(web);
const bin = process.env.ENTRAMAP_BIN || join(root, "target/release/entramap");
const users = Number(process.argv[2] || 200000);
const mapping = join(root, "examples/idmelon.entramap.yaml");
const NOW = "2025-01-01T00:00:00Z";
const RUNS = 3;

const dir = mkdtempSync(join(tmpdir(), "entramap-bench-"));
const exportPath = join(dir, "users.jsonl");
execFileSync(bin, ["synth", "--users", String(users), "--seed", "42", "--output", exportPath]);
const size = statSync(exportPath).size;

function cli(jobs) {
  const started = process.hrtime.bigint();
  let output;
  const args = ["preview", mapping, "--users", exportPath, "--out", "/dev/null", "--now", NOW, "--jobs", String(jobs)];
  try {
    output = execFileSync(bin, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  } catch (error) {
    output = error.stdout;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, summary: output.trimEnd().split("\n").at(-1) };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu"],
});

async function page_() {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(join(web, "dist/index.html")).href);
  await page.waitForSelector("body[data-ready=true]");
  await page.selectOption("#starter", "idmelon.entramap.yaml");
  await page.evaluate((now) => (window.entramapPlayground.previewSettings.now = now), NOW);
  await page.click("[data-tab=preview]");
  // The page's responsiveness during the run: the longest gap between animation frames.
  await page.evaluate(() => {
    window.longestFrameGap = 0;
    let last = performance.now();
    const frame = (now) => {
      window.longestFrameGap = Math.max(window.longestFrameGap, now - last);
      last = now;
      if (!window.entramapPlayground.previewStats.runs) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  const started = Date.now();
  await page.setInputFiles("[data-testid=export-input]", exportPath);
  await page.waitForFunction(() => window.entramapPlayground.previewStats.runs > 0, null, { timeout: 600000 });
  const ms = Date.now() - started;
  const worker = await page.evaluate(() => window.entramapPlayground.previewStats.lastMs);
  const summary = await page.textContent("[data-testid=preview-summary]");
  const gap = await page.evaluate(() => window.longestFrameGap);
  await page.close();
  return { ms, worker, summary, gap };
}

const results = { cli_jobs_default: [], cli_jobs_1: [], page: [] };
for (let i = 0; i < RUNS; i += 1) {
  results.cli_jobs_default.push(cli(0));
  results.cli_jobs_1.push(cli(1));
  results.page.push(await page_());
}
await browser.close();
rmSync(dir, { recursive: true, force: true });

const min = (runs, key = "ms") => Math.min(...runs.map((r) => r[key]));
const summaries = new Set(Object.values(results).flatMap((runs) => runs.map((r) => r.summary)));
console.log(
  JSON.stringify(
    {
      users,
      export_bytes: size,
      summaries: [...summaries],
      cli_jobs_default_ms: results.cli_jobs_default.map((r) => Math.round(r.ms)),
      cli_jobs_1_ms: results.cli_jobs_1.map((r) => Math.round(r.ms)),
      page_ms: results.page.map((r) => r.ms),
      page_worker_ms: results.page.map((r) => Math.round(r.worker)),
      page_longest_frame_gap_ms: results.page.map((r) => Math.round(r.gap)),
      ratio_page_to_cli_default: +(min(results.page) / min(results.cli_jobs_default)).toFixed(2),
      ratio_page_to_cli_jobs_1: +(min(results.page) / min(results.cli_jobs_1)).toFixed(2),
    },
    null,
    2,
  ),
);
