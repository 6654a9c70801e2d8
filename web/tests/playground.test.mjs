// End-to-end tests of the built playground (web/dist/index.html, made by web/build.sh) in
// Debian's Chromium driven by playwright-core: served by a tiny static server on 127.0.0.1, and
// opened from disk (file://). Every request the browser makes is recorded, and any that leaves
// 127.0.0.1 fails the run. Screenshots of each step and the measured timings go to
// web/test-results/.
//
// Run: node --test web/tests/   (after web/build.sh; CHROMIUM overrides /usr/bin/chromium,
// ENTRAMAP_BIN the CLI used for the parity test, default target/debug/entramap).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const root = dirname(web);
const dist = join(web, "dist");
const results = join(web, "test-results");
const page_file = join(dist, "index.html");

const EXAMPLES = [
  "idmelon.entramap.yaml",
  "configcat.entramap.yaml",
  "cloudsso.entramap.yaml",
  "scim-core-default.entramap.yaml",
  "broken/idmelon-typo.entramap.yaml",
];

let server;
let origin;
const served = [];
let context;
let profileDir;
const requests = [];
const measurements = {};

function serve() {
  return new Promise((done) => {
    server = createServer((request, response) => {
      served.push(request.url);
      const path = new URL(request.url, "http://127.0.0.1").pathname;
      const file = path === "/" ? "index.html" : path.slice(1);
      if (file !== "index.html") {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(readFileSync(page_file));
    });
    server.listen(0, "127.0.0.1", () => {
      origin = `http://127.0.0.1:${server.address().port}`;
      done();
    });
  });
}

// Whether a URL the browser asked for stays on this machine's loopback server or inside the page.
function local(url) {
  return (
    url.startsWith(`${origin}/`) ||
    url.startsWith("file://") ||
    url.startsWith("data:") ||
    url.startsWith("blob:") ||
    url === "about:blank"
  );
}

before(async () => {
  assert.ok(existsSync(page_file), `${page_file} is missing: run web/build.sh first`);
  mkdirSync(results, { recursive: true });
  await serve();
  profileDir = mkdtempSync(join(tmpdir(), "entramap-playground-"));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  // Record every request; let only local ones through.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    requests.push(url);
    return local(url) ? route.continue() : route.abort();
  });
  context.on("request", (request) => requests.push(request.url()));
});

after(async () => {
  await context?.close();
  server?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  writeFileSync(join(results, "measurements.json"), `${JSON.stringify(measurements, null, 2)}\n`);
});

async function open(url = `${origin}/`) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.errors = errors;
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 20000 });
  return page;
}

const findings = (page) =>
  page.$$eval("[data-testid=diagnostics] [data-testid=diagnostic]", (items) =>
    items.map((i) => ({
      rule: i.dataset.rule,
      severity: i.querySelector(".severity").textContent,
      line: Number(i.dataset.line),
      column: Number(i.dataset.column),
      offset: Number(i.dataset.offset),
      end: Number(i.dataset.end),
    })),
  );

async function loadStarter(page, name) {
  await page.selectOption("#starter", name);
  await page.waitForFunction((n) => document.getElementById("file-name").value === n, name);
}

const editorText = (page) => page.evaluate(() => window.entramapPlayground.view.state.doc.toString());

// The mappings of the broken example start after its header comment, which names the mistakes.
const MAPPINGS = (text) => text.indexOf("\nusers:");

// The 1-based line and character column of `shift` characters into the first `needle` of the
// mappings in `text`.
function positionOf(text, needle, shift = 0) {
  const found = text.indexOf(needle, MAPPINGS(text));
  const at = found + shift;
  assert.notEqual(found, -1, `${needle} not in the text`);
  const before = text.slice(0, at).split("\n");
  return { line: before.length, column: [...before.at(-1)].length + 1 };
}

const BROKEN = readFileSync(join(root, "examples/broken/idmelon-typo.entramap.yaml"), "utf8");

test("the broken IDmelon example shows its three errors at their positions, underlined", async () => {
  const page = await open();
  const stats = await page.evaluate(() => window.entramapPlayground.stats);
  measurements.first_load = {
    wasm_ready_ms: stats.wasmReadyMs,
    first_lint_ms: stats.firstLintMs,
    first_findings_ms: stats.firstFindingsMs,
  };
  const errors = (await findings(page)).filter((f) => f.severity === "error");
  const expected = [
    {
      rule: "matching-precedence-duplicate",
      ...positionOf(BROKEN, "matching_precedence: 1\n  - target: name.givenName", "matching_precedence: ".length),
    },
    { rule: "unknown-source-attribute", ...positionOf(BROKEN, "[givenNme]") },
    { rule: "connect-sync-only-function", ...positionOf(BROKEN, "LCase(") },
  ];
  assert.deepEqual(
    errors.map(({ rule, line, column }) => ({ rule, line, column })).sort((a, b) => a.line - b.line),
    expected.sort((a, b) => a.line - b.line),
  );
  const underlined = () => page.$$eval(".cm-lintRange-error", (spans) => spans.map((s) => s.textContent));
  assert.ok((await underlined()).includes("[givenNme]"), `underlined: ${await underlined()}`);
  // The editor draws only the lines in view: the finding's position button scrolls to it.
  await page.click("[data-rule=connect-sync-only-function] .where");
  await page.waitForFunction(() =>
    [...document.querySelectorAll(".cm-lintRange-error")].some((s) => s.textContent === "LCase"),
  );
  await page.screenshot({ path: join(results, "01-broken-example.png") });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("fixing givenNme clears its finding, within one keystroke", async () => {
  const page = await open();
  const before = await findings(page);
  const at = BROKEN.indexOf("[givenNme]", MAPPINGS(BROKEN)) + "[givenN".length;
  await page.evaluate((pos) => {
    const { view } = window.entramapPlayground;
    view.dispatch({ selection: { anchor: pos } });
    view.focus();
  }, at);
  await page.keyboard.type("a");
  await page.waitForFunction(() => !document.querySelector("[data-rule=unknown-source-attribute]"));
  const now = await findings(page);
  assert.equal(now.length, before.length - 1);
  assert.ok((await editorText(page)).includes("[givenName]"));
  measurements.relint_after_keystroke_ms = await page.evaluate(() => window.entramapPlayground.stats.lastLintMs);
  await page.screenshot({ path: join(results, "02-typo-fixed.png") });
  await page.close();
});

// Speed is measured and reported (web/test-results/measurements.json, BENCHMARKS.md), never
// asserted: the figures follow the machine's load. What is asserted is that each keystroke was
// linted.
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (ms) => Math.round(ms * 10) / 10;

test("each example's first findings and re-lint after a keystroke are measured", async () => {
  const page = await open();
  const timings = {};
  for (const name of EXAMPLES) {
    await loadStarter(page, name);
    // A link to this example (its state in the fragment), opened in a fresh page: the time to
    // its first findings from the start of navigation.
    await page.waitForFunction(() => location.hash.length > 0 && document.getElementById("share-link").value === location.href);
    await page.waitForTimeout(300);
    const link = await page.evaluate(() => location.href);
    const fresh = await open(link);
    assert.equal(await fresh.inputValue("#file-name"), name);
    const first = await fresh.evaluate(() => window.entramapPlayground.stats);
    await fresh.close();

    // Real keystrokes at the end of the file (a space, then Backspace: the file stays valid
    // YAML): the lint alone (library, underlines, findings list) and from the keydown event to
    // the findings shown.
    await page.evaluate(() => {
      const { view } = window.entramapPlayground;
      view.dispatch({ selection: { anchor: view.state.doc.length } });
      view.focus();
      window.keydownAt = null;
      document.addEventListener("keydown", (event) => (window.keydownAt = event.timeStamp), true);
    });
    const lint = [];
    const keyToFindings = [];
    for (let i = 0; i < 10; i += 1) {
      const lints = await page.evaluate(() => window.entramapPlayground.stats.lints);
      await page.keyboard.press(i % 2 ? "Backspace" : "Space");
      await page.waitForFunction((n) => window.entramapPlayground.stats.lints > n, lints);
      const stats = await page.evaluate(() => ({ ...window.entramapPlayground.stats, keydownAt: window.keydownAt }));
      lint.push(stats.lastLintMs);
      keyToFindings.push(stats.lastLintEndMs - stats.keydownAt);
    }
    assert.equal((await editorText(page)).length, await page.evaluate(() => window.entramapPlayground.view.state.doc.length));
    timings[name] = {
      first_findings_ms: round(first.firstFindingsMs),
      wasm_ready_ms: round(first.wasmReadyMs),
      catalogue_ms: round(first.catalogueMs),
      first_lint_ms: round(first.firstLintMs),
      relint_median_ms: round(median(lint)),
      relint_max_ms: round(Math.max(...lint)),
      keydown_to_findings_median_ms: round(median(keyToFindings)),
      keydown_to_findings_max_ms: round(Math.max(...keyToFindings)),
    };
  }
  measurements.examples = timings;
  console.log(JSON.stringify(timings, null, 2));
  await page.close();
});

test("one click applies a finding's certain fix, from the findings list or the editor", async () => {
  const page = await open();
  const before = await findings(page);
  assert.ok(before.some((f) => f.rule === "unknown-source-attribute"));
  // Only findings with a certain fix have the button.
  assert.equal(await page.locator("[data-rule=matching-precedence-duplicate] [data-testid=fix]").count(), 0);
  const button = page.locator("[data-rule=unknown-source-attribute] [data-testid=fix]");
  assert.match(await button.getAttribute("title"), /write `givenName`/);
  await button.click();
  await page.waitForFunction(() => !document.querySelector("[data-rule=unknown-source-attribute]"));
  const at = BROKEN.indexOf("[givenNme]", MAPPINGS(BROKEN));
  const expected = `${BROKEN.slice(0, at)}[givenName]${BROKEN.slice(at + "[givenNme]".length)}`;
  assert.equal(await editorText(page), expected);
  assert.deepEqual(
    (await findings(page)).map((f) => f.rule),
    before.filter((f) => f.rule !== "unknown-source-attribute").map((f) => f.rule),
  );
  await page.screenshot({ path: join(results, "08-fix-applied.png") });

  // The same fix is offered in the editor: the tooltip of the underlined LCase.
  await page.click("[data-rule=connect-sync-only-function] .where");
  const lcase = page.locator(".cm-lintRange-error", { hasText: /^LCase$/ });
  await lcase.hover();
  const action = page.locator(".cm-tooltip-lint .cm-diagnosticAction", { hasText: "ToLower" });
  await action.click();
  await page.waitForFunction(() => !document.querySelector("[data-rule=connect-sync-only-function]"));
  const text = await editorText(page);
  assert.ok(text.includes("ToLower([department])") && !text.includes("LCase([department])"), text);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("Fix all applies every certain fix, as `entramap lint --fix` does", async () => {
  const bin = cli();
  const dir = mkdtempSync(join(tmpdir(), "entramap-fix-"));
  const copy = join(dir, "idmelon-typo.entramap.yaml");
  writeFileSync(copy, BROKEN);
  try {
    execFileSync(bin, ["lint", "--fix", copy], { encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    assert.equal(error.status, 1, String(error.stderr)); // findings remain
  }
  const fixedByCli = readFileSync(copy, "utf8");
  rmSync(dir, { recursive: true, force: true });
  assert.notEqual(fixedByCli, BROKEN);

  const page = await open();
  const fixable = await page.locator("[data-testid=fix]").count();
  assert.ok(fixable >= 2, `${fixable} fixable findings`);
  const fixAll = page.locator("[data-testid=fix-all]");
  assert.equal(await fixAll.textContent(), `Fix all (${fixable})`);
  await fixAll.click();
  await page.waitForFunction(() => !document.querySelector("[data-testid=fix]"));
  assert.equal(await editorText(page), fixedByCli);
  assert.ok(await fixAll.isHidden());
  assert.ok((await findings(page)).some((f) => f.rule === "matching-precedence-duplicate"));
  await page.close();
});

test("the ConfigCat example renders the vendor guide's table rows", async () => {
  const page = await open();
  await loadStarter(page, "configcat.entramap.yaml");
  await page.click("[data-tab=table]");
  await page.waitForSelector("[data-testid=table] table");
  // Each mapping table's (target, source) pairs, the columns found by their headers: the source
  // is "Entra ID Attribute", the target "<app> Attribute".
  const tables = await page.$$eval("[data-testid=table] table", (ts) =>
    ts.map((t) => {
      const header = [...t.querySelectorAll("thead th")].map((h) => h.textContent);
      const source = header.indexOf("Entra ID Attribute");
      const target = header.findIndex((h, i) => i !== source && h.endsWith(" Attribute"));
      if (source < 0 || target < 0) return [];
      return [...t.querySelectorAll("tbody tr")].map((r) => [r.cells[target].textContent, r.cells[source].textContent]);
    }),
  ).then((ts) => ts.filter((rows) => rows.length > 0));
  // The guide's "Provisioning Attribute | Microsoft Entra ID Attribute" rows (ConfigCat's
  // "User Provisioning (SCIM) with Entra ID" page, as in tests/it/table.rs).
  const pairs = (rows) => rows;
  assert.deepEqual(pairs(tables[0]), [
    ["externalId", "objectId"],
    ["userName", "userPrincipalName"],
    ["displayName", "displayName"],
    ["active", 'Switch([IsSoftDeleted], , "False", "True", "True", "False")'],
  ]);
  assert.deepEqual(pairs(tables[1]), [
    ["externalId", "objectId"],
    ["displayName", "displayName"],
    ["members", "members"],
  ]);
  const markdown = await page.textContent("#table-markdown");
  assert.ok(markdown.includes("| userPrincipalName | userName | 1 |"), markdown);
  await page.screenshot({ path: join(results, "03-configcat-table.png") });
  for (const tab of ["docs", "graph"]) {
    await page.click(`[data-tab=${tab}]`);
    const text = await page.textContent(`[data-testid=${tab}]`);
    assert.doesNotThrow(() => JSON.parse(text), `${tab} is JSON`);
  }
  await page.close();
});

test("an expression evaluates against the disabled sample user, with its trace", async () => {
  const page = await open();
  await page.click("[data-tab=expression]");
  await page.fill("[data-testid=expression-input]", 'IIF([accountEnabled], "active", Join(" ", "disabled:", [givenName]))');
  await page.selectOption("#sample-user", "disabled");
  await page.check("#trace");
  const result = page.locator("[data-testid=expression-result]");
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=expression-value]")?.textContent === '"disabled: Megan"',
  );
  const trace = await page.textContent("[data-testid=expression-trace]");
  assert.match(trace, /\[accountEnabled\]\n {4}=> False/);
  assert.match(trace, /=> "disabled: Megan"\n$/);
  assert.equal(await page.textContent("[data-testid=expression-type]"), "String");
  assert.equal(
    await page.textContent("[data-testid=expression-canonical]"),
    'IIF([accountEnabled], "active", Join(" ", "disabled:", [givenName]))',
  );
  assert.ok((await result.textContent()).length > 0);
  await page.screenshot({ path: join(results, "04-expression-disabled-user.png") });
  // IsSoftDeleted is derived from accountEnabled, as `entramap eval --user` derives it.
  await page.fill("[data-testid=expression-input]", 'Switch([IsSoftDeleted], , "False", "True", "True", "False")');
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=expression-value]")?.textContent === '"False"',
  );
  assert.match(
    await page.textContent("[data-testid=expression-trace]"),
    /\[IsSoftDeleted\]\n {4}=> True \(from accountEnabled = false\)/,
  );
  await page.close();
});

test("a shared link restores the file, the expression and the tab", async () => {
  const page = await open();
  const at = BROKEN.indexOf("[givenNme]", MAPPINGS(BROKEN)) + "[givenN".length;
  await page.evaluate((pos) => {
    const { view } = window.entramapPlayground;
    view.dispatch({ changes: { from: pos, insert: "a" } });
  }, at);
  await page.fill("[data-testid=expression-input]", 'ToUpper([surname])');
  await page.selectOption("#sample-user", "diacritics");
  await page.click("[data-tab=diff]");
  await page.waitForFunction(() => document.getElementById("share-link").value.includes("#s="));
  await page.waitForTimeout(400);
  const link = await page.evaluate(() => location.href);
  const text = await editorText(page);
  await page.close();

  const restored = await open(link);
  assert.equal(await editorText(restored), text);
  assert.equal(await restored.inputValue("[data-testid=expression-input]"), "ToUpper([surname])");
  assert.equal(await restored.textContent("[data-testid=expression-value]"), '"L\'OISEAU-ÅNGSTRÖM"');
  assert.equal(await restored.getAttribute("[data-tab=diff]", "aria-selected"), "true");
  const diff = await restored.textContent("[data-testid=diff]");
  assert.match(diff, /name\.formatted/);
  assert.equal((await findings(restored)).filter((f) => f.rule === "unknown-source-attribute").length, 0);
  await restored.screenshot({ path: join(results, "05-shared-link.png") });
  await restored.close();
});

test("the target picker checks the file against a built-in or a pasted profile", async () => {
  const page = await open();
  await loadStarter(page, "idmelon.entramap.yaml");
  assert.deepEqual(await findings(page), []);
  await page.selectOption("[data-testid=target-picker]", "configcat");
  await page.waitForSelector("[data-rule=unknown-target-attribute]");
  await page.selectOption("[data-testid=target-picker]", "pasted");
  await page.fill("[data-testid=pasted-profile]", "entramap-target: 1\nname: mine\nextends: idmelon\n");
  await page.waitForFunction(() => !document.querySelector("[data-testid=diagnostic]"));
  await page.fill("[data-testid=pasted-profile]", "entramap-target: 1\nname: [");
  await page.waitForSelector("[data-rule=invalid-target-profile]");
  await page.screenshot({ path: join(results, "07-pasted-profile.png") });
  await page.close();
});

test("the target picker offers the gallery catalogue, grouped, and checks against the app chosen", async () => {
  const page = await open();
  await page.waitForSelector("body[data-titles=true]");
  const group = (name) =>
    page.$$eval(`[data-testid=target-picker] [data-testid=target-group-${name}] option`, (os) =>
      os.map((o) => [o.value, o.textContent]),
    );
  const generic = await group("generic");
  const gallery = await group("gallery");
  assert.ok(generic.some(([value]) => value === "scim-core"));
  assert.ok(!generic.some(([value]) => value === "slack"));
  assert.deepEqual(gallery.find(([value]) => value === "slack"), ["slack", "Slack (slack)"]);
  assert.ok(gallery.length >= 20, `${gallery.length} gallery apps`);

  // The Slack starter lints clean against Slack, and not against another gallery app.
  await loadStarter(page, "slack.entramap.yaml");
  assert.deepEqual(await findings(page), []);
  await page.selectOption("[data-testid=target-picker]", "zoom");
  await page.waitForSelector("[data-rule=unknown-target-attribute]");
  await page.selectOption("[data-testid=target-picker]", "slack");
  await page.waitForFunction(() => !document.querySelector("[data-testid=diagnostic]"));
  // A generic example checked against a gallery app: IDmelon's file is not Slack's schema.
  await loadStarter(page, "idmelon.entramap.yaml");
  await page.waitForFunction(() => document.querySelector("[data-testid=diagnostic]"));
  await page.selectOption("[data-testid=target-picker]", "");
  await page.waitForFunction(() => !document.querySelector("[data-testid=diagnostic]"));
  await page.screenshot({ path: join(results, "09-gallery-target.png") });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("the page works opened from disk (file://)", async () => {
  const page = await open(pathToFileURL(page_file).href);
  const rules = (await findings(page)).map((f) => f.rule);
  assert.ok(rules.includes("unknown-source-attribute"), rules.join(", "));
  await page.screenshot({ path: join(results, "06-file-url.png") });
  assert.deepEqual(page.errors, []);
  await page.close();
});

function cli() {
  const bin = process.env.ENTRAMAP_BIN || join(root, "target/debug/entramap");
  if (!existsSync(bin)) execFileSync("cargo", ["build", "--quiet", "--bin", "entramap"], { cwd: root, stdio: "inherit" });
  return bin;
}

test("every example gives the same findings in the page as `entramap lint --format json`", async () => {
  const bin = cli();
  const page = await open();
  for (const name of EXAMPLES) {
    let output;
    try {
      output = execFileSync(bin, ["lint", "--format", "json", `examples/${name}`], { cwd: root, encoding: "utf8" });
    } catch (error) {
      output = error.stdout; // exit status 1: findings
    }
    const expected = JSON.parse(output).diagnostics.map((d) => ({
      rule: d.rule,
      severity: d.severity,
      line: d.span.start.line,
      column: d.span.start.column,
      offset: d.span.start.offset,
      end: d.span.end.offset,
    }));
    await loadStarter(page, name);
    assert.deepEqual(await findings(page), expected, name);
  }
  await page.close();
});

// Accessibility: axe-core (npm, pinned in package.json) with the WCAG 2.1 A and AA rules, in
// every tab, at desktop and phone width; and the controls used by keyboard alone.
const AXE = readFileSync(join(web, "node_modules/axe-core/axe.min.js"), "utf8");
const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    WCAG,
  );
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

const TABS = ["expression", "preview", "table", "docs", "graph", "diff", "rule"];
const PHONE = { width: 390, height: 844 };

for (const [label, viewport, colorScheme] of [
  ["desktop", null, "light"],
  ["phone width (390 px)", PHONE, "light"],
  ["desktop, with a dark colour-scheme preference", null, "dark"],
]) {
  test(`no axe-core WCAG 2.1 A/AA violation in any tab at ${label}`, async () => {
    const page = await open();
    await page.emulateMedia({ colorScheme });
    if (viewport) await page.setViewportSize(viewport);
    await page.waitForSelector("body[data-titles=true]");
    const found = {};
    for (const tab of TABS) {
      await page.click(`[data-tab=${tab}]`);
      if (tab === "rule") await page.click("[data-rule=unknown-source-attribute] .rule");
      const violations = await axeViolations(page);
      if (violations.length) found[tab] = violations;
    }
    // The pasted profile's box.
    await page.selectOption("[data-testid=target-picker]", "pasted");
    const pasted = await axeViolations(page);
    if (pasted.length) found["pasted profile"] = pasted;
    await page.selectOption("[data-testid=target-picker]", "");
    // The dry run's results and one user's explanation.
    await loadStarter(page, "idmelon.entramap.yaml");
    await dryRun(page, join(root, "tests/fixtures/preview/users.jsonl"));
    await page.click("[data-testid=preview-group] .user-link");
    await page.waitForSelector("[data-testid=preview-user-payload], [data-testid=preview-user] h2");
    await page.click("#preview-problems-title");
    const violations = await axeViolations(page);
    if (violations.length) found["preview (results)"] = violations;
    assert.deepEqual(found, {});
    await page.close();
  });
}

// The element that has the focus, described for the assertions below.
const focused = (page) =>
  page.evaluate(() => {
    const e = document.activeElement;
    if (e.classList.contains("cm-content")) return "editor";
    if (e.dataset.tab) return `tab:${e.dataset.tab}`;
    if (e.dataset.testid) return e.dataset.testid;
    if (e.classList.contains("where")) return "where";
    if (e.classList.contains("rule")) return "rule";
    return e.id || e.tagName.toLowerCase();
  });

async function tabUntil(page, wanted, limit = 80) {
  const seen = [];
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press("Tab");
    const now = await focused(page);
    seen.push(now);
    if (now === wanted) return seen;
  }
  assert.fail(`${wanted} never got the focus by Tab; the focus went through ${seen.join(", ")}`);
}

test("the editor, the tabs, the findings and their fixes work by keyboard alone", async () => {
  const page = await open();
  await page.evaluate(() => document.activeElement?.blur());
  // The editor takes the focus and typing, and Tab leaves it (no trap).
  const seen = await tabUntil(page, "editor");
  assert.ok(seen.includes("target-picker"), seen.join(", "));
  await page.keyboard.press("Control+End");
  await page.keyboard.type("# typed");
  assert.ok((await editorText(page)).endsWith("# typed"));
  await page.keyboard.press("Backspace");
  await page.keyboard.press("Tab");
  assert.notEqual(await focused(page), "editor");
  // The findings: the position button moves the editor's selection there.
  await tabUntil(page, "where");
  await page.keyboard.press("Enter");
  assert.equal(await focused(page), "editor");
  // A fix by Enter on its button.
  await tabUntil(page, "fix");
  const before = (await findings(page)).length;
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=diagnostic]").length === n - 1, before);
  // The tabs: one stop, the arrows move between them and show the panel.
  await tabUntil(page, "tab:expression");
  await page.keyboard.press("ArrowRight");
  assert.equal(await focused(page), "tab:preview");
  assert.equal(await page.getAttribute("[data-tab=preview]", "aria-selected"), "true");
  assert.ok(await page.isVisible("[data-testid=export-input]"));
  await page.keyboard.press("End");
  assert.equal(await focused(page), "tab:rule");
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowRight");
  // The file picker is the next stop after the panel.
  await tabUntil(page, "export-input", 4);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("at phone width the page is one column: the editor above the outputs, nothing cut off", async () => {
  const page = await open();
  await page.setViewportSize(PHONE);
  // A file that loads, so that the table and the schemas are shown.
  await loadStarter(page, "configcat.entramap.yaml");
  for (const tab of TABS) {
    await page.click(`[data-tab=${tab}]`);
    const layout = await page.evaluate(() => {
      const box = (selector) => document.querySelector(selector).getBoundingClientRect();
      const cut = [...document.querySelectorAll("header *, .findings *, nav *, [data-panel]:not([hidden]) *")]
        .filter((e) => e.getClientRects().length > 0 && !e.closest(".cm-editor"))
        .filter((e) => {
          const r = e.getBoundingClientRect();
          return r.width > 0 && (r.left < -1 || r.right > window.innerWidth + 1);
        })
        .map((e) => e.id || e.className || e.tagName);
      return {
        scrollWidth: document.documentElement.scrollWidth,
        width: window.innerWidth,
        editor: box("#editor"),
        findings: box(".findings"),
        tabs: box("nav"),
        cut,
      };
    });
    assert.ok(layout.scrollWidth <= layout.width, `${tab}: the page is ${layout.scrollWidth} px wide`);
    assert.deepEqual(layout.cut, [], `${tab}: cut off`);
    assert.ok(layout.editor.width >= layout.width - 2, `${tab}: the editor is ${layout.editor.width} px wide`);
    assert.ok(layout.editor.height >= 200, `${tab}: the editor is ${layout.editor.height} px high`);
    assert.ok(layout.editor.bottom <= layout.findings.top + 1 && layout.findings.bottom <= layout.tabs.top + 1, `${tab}: not one column`);
  }
  await page.click("[data-tab=expression]");
  await page.screenshot({ path: join(results, "10-phone.png"), fullPage: true });
  await page.click("[data-tab=table]");
  await page.screenshot({ path: join(results, "10-phone-table.png"), fullPage: true });
  await loadStarter(page, "idmelon.entramap.yaml");
  await dryRun(page, join(root, "tests/fixtures/preview/users.jsonl"));
  await page.screenshot({ path: join(results, "11-phone-dry-run.png"), fullPage: true });
  assert.deepEqual(page.errors, []);
  await page.close();
});

// The dry run: the mapping in the editor over an export given to the file picker, with the
// clock fixed as the CLI's --now.
const NOW = "2025-01-01T00:00:00Z";

async function dryRun(page, file, state = "done") {
  await page.evaluate((now) => (window.entramapPlayground.previewSettings.now = now), NOW);
  await page.click("[data-tab=preview]");
  const runs = await page.evaluate(() => window.entramapPlayground.previewStats.runs);
  await page.setInputFiles("[data-testid=export-input]", file);
  await page.waitForFunction((n) => window.entramapPlayground.previewStats.runs > n, runs, { timeout: 120000 });
  assert.equal(await page.getAttribute("body", "data-preview"), state, await page.textContent("#preview-status"));
}

async function setMapping(page, name, text, profile) {
  await page.evaluate(
    ([text]) => {
      const { view } = window.entramapPlayground;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    [text],
  );
  await page.fill("#file-name", name);
  await page.dispatchEvent("#file-name", "change");
  if (profile) {
    await page.selectOption("[data-testid=target-picker]", "pasted");
    await page.fill("[data-testid=pasted-profile]", profile);
  } else {
    await page.selectOption("[data-testid=target-picker]", "");
  }
}

function cliPreview(mapping, users, extra = []) {
  const args = ["preview", mapping, "--users", users, "--now", NOW, ...extra];
  try {
    return execFileSync(cli(), args, { cwd: root, encoding: "utf8", stdio: "pipe", maxBuffer: 1 << 28 });
  } catch (error) {
    assert.equal(error.status, 1, String(error.stderr));
    return error.stdout;
  }
}

// Out-of-scope users: counted in the summary line, never listed as problems (as the CLI's report).
const OUT_OF_SCOPE = "preview-out-of-scope";

// The `note:` lines of the CLI's report (what its reader noticed about the export).
const notesOf = (human) => human.filter((line) => line.startsWith("note: "));

const groupsOf = (page) =>
  page.$$eval("[data-testid=preview-group]", (rows) =>
    rows.map((r) => ({ rule: r.dataset.rule, target: r.dataset.target || null, count: Number(r.dataset.count) })),
  );

test("the dry run in the page gives the summary and problems of `entramap preview`", async () => {
  const dir = mkdtempSync(join(tmpdir(), "entramap-dry-run-"));
  const synthetic = (format) => {
    const path = join(dir, `synth.${format}`);
    execFileSync(cli(), ["synth", "--users", "3000", "--seed", "5", "--format", format, "--output", path]);
    return path;
  };
  const fixture = join(root, "tests/fixtures/preview");
  let outOfScope = 0;
  const cases = [
    ["mapping.entramap.yaml", join(fixture, "mapping.entramap.yaml"), join(fixture, "profile.yaml"), join(fixture, "users.jsonl")],
    ["mapping.entramap.yaml", join(fixture, "mapping.entramap.yaml"), join(fixture, "profile.yaml"), join(fixture, "users.graph.json")],
    ["mapping.entramap.yaml", join(fixture, "mapping.entramap.yaml"), join(fixture, "profile.yaml"), join(fixture, "users.csv")],
    ["mapping.entramap.yaml", join(fixture, "mapping.entramap.yaml"), join(fixture, "profile.yaml"), synthetic("jsonl")],
    ["idmelon.entramap.yaml", join(root, "examples/idmelon.entramap.yaml"), null, synthetic("graph")],
    ["cloudsso.entramap.yaml", join(root, "examples/cloudsso.entramap.yaml"), null, synthetic("csv")],
    ["scim-core-default.entramap.yaml", join(root, "examples/scim-core-default.entramap.yaml"), null, join(fixture, "bulk-create.csv")],
    ["scim-core-default.entramap.yaml", join(root, "examples/scim-core-default.entramap.yaml"), null, join(fixture, "bulk-create-semicolons.csv")],
  ];
  const page = await open();
  for (const [name, mapping, profile, users] of cases) {
    await setMapping(page, name, readFileSync(mapping, "utf8"), profile && readFileSync(profile, "utf8"));
    await dryRun(page, users);
    const human = cliPreview(mapping, users).trimEnd().split("\n");
    const expected = JSON.parse(cliPreview(mapping, users, ["--format", "json"])).summary;
    assert.equal(await page.textContent("[data-testid=preview-summary]"), human.at(-1), `${name} over ${users}`);
    assert.deepEqual(
      await page.$$eval("[data-testid=preview-note]", (items) => items.map((i) => i.textContent)),
      notesOf(human),
      `${name} over ${users}`,
    );
    assert.deepEqual(
      (await groupsOf(page)).sort((a, b) => `${a.rule}${a.target}`.localeCompare(`${b.rule}${b.target}`)),
      expected.groups
        .filter((g) => g.rule !== OUT_OF_SCOPE)
        .map((g) => ({ rule: g.rule, target: g.target, count: g.count }))
        .sort((a, b) => `${a.rule}${a.target}`.localeCompare(`${b.rule}${b.target}`)),
      `${name} over ${users}`,
    );
    const listed = await page.$$eval("[data-testid=preview-problem]", (items) => items.map((i) => i.dataset.rule));
    assert.ok(!listed.includes(OUT_OF_SCOPE), `${name} over ${users}: an out-of-scope user listed as a problem`);
    const total = Object.entries(expected.problems)
      .filter(([rule]) => rule !== OUT_OF_SCOPE)
      .reduce((a, [, n]) => a + n, 0);
    assert.equal(listed.length, Math.min(total, 1000));
    outOfScope += expected.out_of_scope;
  }
  // The cases exercise both: an out-of-scope user (counted, not listed) and the notes.
  assert.ok(outOfScope > 0, "no case has an out-of-scope user");
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("the portal's `;`-separated CSV: the page shows the note `entramap preview` prints", async () => {
  const mapping = join(root, "examples/scim-core-default.entramap.yaml");
  const users = join(root, "tests/fixtures/preview/bulk-create-semicolons.csv");
  const page = await open();
  await setMapping(page, "scim-core-default.entramap.yaml", readFileSync(mapping, "utf8"));
  await dryRun(page, users);
  const notes = await page.$$eval("[data-testid=preview-notes] [data-testid=preview-note]", (items) => items.map((i) => i.textContent));
  assert.ok(
    notes.some((n) => n.startsWith("note: the CSV export is read as separated by semicolons")),
    notes.join("\n"),
  );
  assert.deepEqual(notes, notesOf(cliPreview(mapping, users).trimEnd().split("\n")));
  // A new run starts without the last run's notes.
  await dryRun(page, join(root, "tests/fixtures/preview/users.jsonl"));
  assert.deepEqual(await page.$$eval("[data-testid=preview-note]", (items) => items.length), 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("a file with lint errors is not previewed, as `entramap preview` refuses it", async () => {
  const mapping = join(root, "tests/fixtures/gate/idmelon-typo-tolower.entramap.yaml");
  const users = join(root, "examples/exports/users.jsonl");
  const name = "idmelon-typo-tolower.entramap.yaml";
  // The CLI refuses it: exit 1, nothing on stdout, the lint errors and why on stderr.
  let refused;
  try {
    execFileSync(cli(), ["preview", mapping, "--users", users, "--now", NOW], { cwd: root, encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    refused = error;
  }
  assert.ok(refused, "entramap preview ran a file with lint errors");
  assert.equal(refused.status, 1, String(refused.stderr));
  assert.equal(refused.stdout, "");
  assert.match(String(refused.stderr), /has lint errors; nothing is previewed until they are fixed/);
  // Its errors, as `entramap lint` locates them.
  let lint;
  try {
    lint = execFileSync(cli(), ["lint", mapping, "--format", "json"], { cwd: root, encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    lint = error.stdout;
  }
  const errors = JSON.parse(lint)
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${d.span.start.line}:${d.span.start.column} ${d.rule}: ${d.message}`);
  assert.ok(errors.length > 0, lint);

  const page = await open();
  await setMapping(page, name, readFileSync(mapping, "utf8"));
  await dryRun(page, users, "error");
  const status = await page.textContent("#preview-status");
  assert.ok(status.includes(`${name} has lint errors; nothing is previewed until they are fixed.`), status);
  for (const error of errors) assert.ok(status.includes(error), `${error} not in: ${status}`);
  assert.equal(await page.textContent("[data-testid=preview-summary]"), "");
  assert.equal(await page.locator("[data-testid=preview-problem]").count(), 0);
  assert.equal(await page.isHidden("[data-testid=download-payloads]"), true);
  // Without its errors (the clean example it was copied from), the same export runs.
  await setMapping(page, name, readFileSync(join(root, "examples/idmelon.entramap.yaml"), "utf8"));
  const runs = await page.evaluate(() => window.entramapPlayground.previewStats.runs);
  await page.click("[data-testid=preview-rerun]");
  await page.waitForFunction((n) => window.entramapPlayground.previewStats.runs > n, runs);
  assert.equal(await page.getAttribute("body", "data-preview"), "done", await page.textContent("#preview-status"));
  assert.match(await page.textContent("[data-testid=preview-summary]"), /^Summary: \d+ users read - /);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("one user's payload, problems and trace on click, and the payloads to download, as the CLI gives them", async () => {
  const fixture = join(root, "tests/fixtures/preview");
  const mapping = join(fixture, "mapping.entramap.yaml");
  const users = join(fixture, "users.jsonl");
  const page = await open();
  await setMapping(page, "mapping.entramap.yaml", readFileSync(mapping, "utf8"), readFileSync(join(fixture, "profile.yaml"), "utf8"));
  await dryRun(page, users);
  await page.screenshot({ path: join(results, "12-dry-run.png") });
  // Every user the groups name: the page's explanation against `preview --user KEY`.
  const keys = await page.$$eval("[data-testid=preview-group] .user-link", (bs) => [...new Set(bs.map((b) => b.dataset.user))]);
  assert.ok(keys.length >= 3, keys.join(", "));
  for (const key of keys) {
    await page.click(`[data-testid=preview-group] .user-link[data-user="${key}"]`);
    await page.waitForFunction(() => !document.getElementById("preview-user").textContent.startsWith("Reading"));
    const shown = await page.textContent("#preview-user");
    let output;
    try {
      output = execFileSync(cli(), ["preview", mapping, "--users", users, "--now", NOW, "--user", key, "--format", "json"], { cwd: root, encoding: "utf8", stdio: "pipe" });
    } catch (error) {
      if (error.status !== 1) {
        // A row the CLI cannot read either: the page says why, as the CLI does.
        const reason = String(error.stderr).replace(/^entramap: [^:]*: /, "").trim();
        assert.equal(shown, reason, key);
        continue;
      }
      output = error.stdout;
    }
    const expected = JSON.parse(output);
    assert.match(await page.textContent("#preview-user h2"), new RegExp(`line ${expected.line}$`), key);
    const payload = await page.textContent("[data-testid=preview-user-payload]");
    assert.deepEqual(payload.startsWith("{") ? JSON.parse(payload) : null, expected.payload, key);
    const problems = await page.$$eval("[data-testid=preview-user-problems] li", (items) => items.map((i) => i.textContent));
    const wantedProblems = expected.problems.map((p) => `${p.rule}: ${p.message}${p.target ? ` (${p.target})` : ""}`);
    assert.deepEqual(problems, wantedProblems.length ? wantedProblems : ["None."], key);
    assert.match(await page.textContent("[data-testid=preview-user-scope]"), expected.scope.in_scope ? /in scope/ : /out of scope/);
  }
  // A trace: the expression mappings of an in-scope user show their steps.
  await page.fill("[data-testid=user-key]", "1");
  await page.click("#user-form button");
  await page.waitForFunction(() => document.querySelector("#preview-user h2")?.textContent.includes("line 1"));
  assert.ok((await page.locator("[data-testid=preview-user-mappings] .trace").count()) > 0);
  await page.screenshot({ path: join(results, "13-dry-run-user.png") });
  // The payloads, downloaded: the bytes `preview --out` writes.
  const dir = mkdtempSync(join(tmpdir(), "entramap-payloads-"));
  const out = join(dir, "cli.jsonl");
  cliPreview(mapping, users, ["--out", out]);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=download-payloads]")]);
  const saved = join(dir, "page.jsonl");
  await download.saveAs(saved);
  assert.equal(readFileSync(saved, "utf8"), readFileSync(out, "utf8"));
  assert.equal(download.suggestedFilename(), "users.payloads.jsonl");
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("an export dropped on the page runs the dry run, also opened from disk", async () => {
  const csv = readFileSync(join(root, "tests/fixtures/preview/users.csv"), "utf8");
  for (const url of [undefined, pathToFileURL(page_file).href]) {
    const page = await open(url);
    await page.evaluate((now) => (window.entramapPlayground.previewSettings.now = now), NOW);
    const drop = async () => {
      const runs = await page.evaluate(() => window.entramapPlayground.previewStats.runs);
      const transfer = await page.evaluateHandle((text) => {
        const data = new DataTransfer();
        data.items.add(new File([text], "users.csv", { type: "text/csv" }));
        return data;
      }, csv);
      await page.dispatchEvent("#editor", "dragover", { dataTransfer: transfer });
      await page.dispatchEvent("[data-testid=mapping-editor]", "drop", { dataTransfer: transfer });
      await page.waitForFunction((n) => window.entramapPlayground.previewStats.runs > n, runs);
    };
    // The broken example cannot be previewed: it has lint errors, which the page lists, as the
    // CLI refuses it.
    await drop();
    assert.equal(await page.getAttribute("body", "data-preview"), "error");
    const status = await page.textContent("#preview-status");
    assert.match(status, /has lint errors; nothing is previewed until they are fixed/);
    assert.match(status, /connect-sync-only-function: `LCase` exists only in Entra Connect Sync/);
    assert.equal(await page.textContent("[data-testid=preview-summary]"), "");
    // Once the file is fixed, the same export runs again with one click.
    await loadStarter(page, "idmelon.entramap.yaml");
    const runs = await page.evaluate(() => window.entramapPlayground.previewStats.runs);
    await page.click("[data-testid=preview-rerun]");
    await page.waitForFunction((n) => window.entramapPlayground.previewStats.runs > n, runs);
    assert.equal(await page.getAttribute("body", "data-preview"), "done");
    const again = await page.textContent("[data-testid=preview-summary]");
    await drop();
    assert.equal(await page.getAttribute("body", "data-preview"), "done");
    assert.equal(await page.textContent("[data-testid=preview-summary]"), again);
    assert.equal(await page.getAttribute("[data-tab=preview]", "aria-selected"), "true");
    assert.match(await page.textContent("[data-testid=preview-summary]"), /^Summary: \d+ users read - /);
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});

test("no request left 127.0.0.1", () => {
  const outside = requests.filter((url) => !local(url));
  assert.deepEqual(outside, []);
  assert.ok(requests.length > 0, "requests were recorded");
  assert.ok(served.length > 0, "the page was served by the local server");
  measurements.requests = [...new Set(requests.map((u) => u.replace(/#.*$/, "")))];
});
