// The entramap playground. Every finding, type, value, table and schema shown here comes from
// the entramap library compiled to WebAssembly (web/src/lib.rs); this file only wires it to the
// editor and the page. Nothing is ever sent over the network: the wasm is inlined in the page,
// and the state is kept in the URL fragment, which browsers never send to a server.

import init, * as entramap from "../pkg/entramap_web.js";
import wasmBytes from "../pkg/entramap_web_bg.wasm";
import { EditorView, basicSetup } from "codemirror";
import { EditorState } from "@codemirror/state";
import { yaml } from "@codemirror/lang-yaml";
import { setDiagnostics, lintGutter } from "@codemirror/lint";
import { SAMPLE_USERS } from "./samples.js";
import { markdownToHtml } from "./markdown.js";
import { encodeState, decodeState } from "./state.js";
import { wirePreview, previewStats } from "./preview.js";

const $ = (id) => document.getElementById(id);
const call = (fn, ...args) => JSON.parse(fn(...args));

const DEFAULT_EXAMPLE = "broken/idmelon-typo.entramap.yaml";
const DEFAULT_EXPRESSION = 'Switch([IsSoftDeleted], , "False", "True", "True", "False")';

const state = {
  name: DEFAULT_EXAMPLE,
  baseline: "",
  expression: DEFAULT_EXPRESSION,
  object: "user",
  sample: "disabled",
  user: JSON.stringify(SAMPLE_USERS.disabled.user, null, 2),
  trace: true,
  tab: "expression",
  // "" = the profile the file's `target:` names; a built-in profile's name; or "pasted".
  target: "",
  pasted: "",
};

// What the library is given as the target: "", a built-in name, or a pasted profile's text.
const target = () => (state.target === "pasted" ? state.pasted : state.target);

// Hooks for tests and users' own automation (timings in milliseconds, performance.now()).
// firstFindingsMs, wasmReadyMs and lastLintEndMs are times since the start of navigation;
// firstLintMs is the first lint alone (it builds the library's tables on first use),
// catalogueMs the call that lists the profiles, examples and starters, lastLintMs the last lint
// (the library's lint, the editor's underlines and the findings list).
const stats = {
  lints: 0,
  lastLintMs: 0,
  lastLintEndMs: null,
  firstLintMs: null,
  firstFindingsMs: null,
  wasmReadyMs: null,
  catalogueMs: null,
};
// `previewSettings`: how the dry run runs (`now`, RFC 3339, for a fixed clock); `previewStats`:
// the last dry run's time and size.
const previewSettings = {};
window.entramapPlayground = { stats, state, previewSettings, previewStats };

let catalogue;
let view;

function severityOf(d) {
  return d.severity === "note" ? "info" : d.severity;
}

function lintNow() {
  const started = performance.now();
  const text = view.state.doc.toString();
  const document_ = call(entramap.lint, text, state.name, target());
  const length = view.state.doc.length;
  const clamp = (n) => Math.max(0, Math.min(length, n));
  const diagnostics = document_.diagnostics.map((d) => ({
    from: clamp(d.span.from),
    to: clamp(d.span.to),
    severity: severityOf(d),
    source: d.rule,
    message: d.help ? `${d.message}\nhelp: ${d.help}` : d.message,
    // The certain fix, also one click in the editor's tooltip.
    actions: d.fix ? [{ name: `Fix: ${d.fix.title}`, apply: () => applyFix(d.fix) }] : [],
  }));
  view.dispatch(setDiagnostics(view.state, diagnostics));
  renderDiagnostics(document_);
  stats.lints += 1;
  stats.lastLintEndMs = performance.now();
  stats.lastLintMs = stats.lastLintEndMs - started;
  if (stats.firstFindingsMs === null) {
    stats.firstFindingsMs = stats.lastLintEndMs;
    stats.firstLintMs = stats.lastLintMs;
  }
}

// One finding's certain fix (the edit `entramap lint --fix` makes): its span is in UTF-16
// offsets of the text just linted, which is the editor's text (every change is linted at once).
function applyFix(fix) {
  view.dispatch({
    changes: { from: fix.span.from, to: fix.span.to, insert: fix.replacement },
    selection: { anchor: fix.span.from + fix.replacement.length },
  });
  view.focus();
}

// Replaces the editor's text by `text`, changing only the range between the common prefix and
// suffix (the cursor and the undo history keep their place).
function replaceText(text) {
  const old = currentText();
  let start = 0;
  while (start < old.length && start < text.length && old[start] === text[start]) start += 1;
  let end = 0;
  while (
    end < old.length - start &&
    end < text.length - start &&
    old[old.length - 1 - end] === text[text.length - 1 - end]
  )
    end += 1;
  if (start === old.length && start === text.length) return;
  view.dispatch({ changes: { from: start, to: old.length - end, insert: text.slice(start, text.length - end) } });
}

// Every certain fix at once, by the library (`entramap lint --fix`).
function fixAll() {
  const fixed = call(entramap.fix_all, currentText(), state.name, target());
  if (fixed.applied > 0) replaceText(fixed.text);
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "onclick") node.addEventListener("click", value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function renderDiagnostics(document_) {
  const list = $("diagnostics");
  list.replaceChildren();
  const { errors, warnings, notes } = document_.summary;
  $("summary").textContent =
    errors + warnings + notes === 0
      ? "No findings."
      : `${errors} error(s), ${warnings} warning(s), ${notes} note(s)`;
  const fixable = document_.diagnostics.filter((d) => d.fix).length;
  const fixAllButton = $("fix-all");
  fixAllButton.hidden = fixable === 0;
  fixAllButton.textContent = `Fix all (${fixable})`;
  for (const d of document_.diagnostics) {
    const at = d.span.start;
    const item = element("li", {
      class: `finding ${d.severity}`,
      "data-testid": "diagnostic",
      "data-rule": d.rule,
      "data-line": String(at.line),
      "data-column": String(at.column),
      "data-offset": String(at.offset),
      "data-end": String(d.span.end.offset),
    });
    const where = element("button", {
      class: "where",
      title: "Show in the editor",
      text: `${at.line}:${at.column}`,
      onclick: () => {
        view.dispatch({ selection: { anchor: d.span.from, head: d.span.to }, scrollIntoView: true });
        view.focus();
      },
    });
    const rule = element("a", {
      class: "rule",
      href: "#",
      title: d.rule_summary || "Explain this rule",
      text: d.rule,
      onclick: (event) => {
        event.preventDefault();
        showRule(d.rule);
      },
    });
    item.append(
      element("span", { class: "severity", text: d.severity }),
      " ",
      where,
      " ",
      rule,
      element("div", { class: "message", text: d.message }),
    );
    if (d.fix) {
      item.append(
        " ",
        element("button", {
          class: "fix",
          "data-testid": "fix",
          title: `Apply the certain fix: ${d.fix.title}`,
          text: "Fix",
          onclick: () => applyFix(d.fix),
        }),
        element("span", { class: "fix-title muted", text: ` ${d.fix.title}` }),
      );
    }
    if (d.help) item.append(element("div", { class: "help", text: `help: ${d.help}` }));
    for (const note of d.notes) item.append(element("div", { class: "note", text: `note: ${note}` }));
    list.append(item);
  }
}

function showRule(id) {
  const explained = call(entramap.explain, id);
  $("rule-text").textContent = explained ? explained.text : `unknown rule ${id}`;
  selectTab("rule");
}

// The expression box: canonical form and type as `entramap check` prints them, then the value
// for the chosen sample user as `entramap eval --trace` prints it.
function runExpression() {
  const checked = call(entramap.check_expression, state.expression, state.object, "app-provisioning");
  const canonical = checked.expression.canonical;
  $("expression-canonical").textContent = canonical === null ? "(does not parse)" : canonical;
  $("expression-type").textContent = checked.expression.type;
  const evaluated = call(entramap.evaluate, state.expression, state.user, state.object, state.trace);
  const result = $("expression-result");
  result.replaceChildren();
  if (evaluated.input_error) {
    result.append(element("div", { class: "finding error", text: evaluated.input_error }));
    return;
  }
  const findings = evaluated.diagnostics.map((d) =>
    element("div", {
      class: `finding ${d.severity}`,
      text: `${d.severity}[${d.rule}] ${d.span.start.line}:${d.span.start.column}: ${d.message}${d.help ? `\nhelp: ${d.help}` : ""}`,
    }),
  );
  if (evaluated.result) {
    const r = evaluated.result;
    const text = r.flows ? r.text : `does not flow: ${r.message}`;
    result.append(element("div", { class: "value", "data-testid": "expression-value", text }));
    if (r.flows) result.append(element("div", { class: "type", text: `: ${r.type}` }));
  }
  if (evaluated.trace_text) {
    result.append(element("pre", { class: "trace", "data-testid": "expression-trace", text: evaluated.trace_text }));
  }
  result.append(...findings);
}

function currentText() {
  return view.state.doc.toString();
}

function renderOutputs() {
  const tab = state.tab;
  if (!["table", "docs", "graph", "diff"].includes(tab)) return;
  const text = currentText();
  if (tab === "diff") {
    const d = call(entramap.diff, state.baseline, text, state.name, target());
    $("diff-output").textContent = d.ok
      ? d.empty
        ? "No change since the file was loaded."
        : d.markdown
      : `The ${d.which === "old" ? "file as first loaded" : "current file"} cannot be used: fix its errors first.\n\n` +
        d.diagnostics.map((x) => `${x.span.start.line}:${x.span.start.column} ${x.rule}: ${x.message}`).join("\n");
    return;
  }
  const out = call(entramap.outputs, text, state.name, target());
  const blocked = out.ok
    ? ""
    : "The file cannot be used yet: fix its errors first.\n\n" +
      out.diagnostics.map((x) => `${x.span.start.line}:${x.span.start.column} ${x.rule}: ${x.message}`).join("\n");
  if (tab === "table") {
    $("table").innerHTML = out.ok ? markdownToHtml(out.table_markdown) : "";
    $("table-markdown").textContent = out.ok ? out.table_markdown : blocked;
  } else if (tab === "docs") {
    $("docs-output").textContent = out.ok ? out.docs : blocked;
  } else if (tab === "graph") {
    $("graph-output").textContent = out.ok ? out.graph : blocked;
    $("graph-notes").textContent = out.ok ? out.graph_notes.map((n) => `note: ${n}`).join("\n") : "";
  }
}

function selectTab(tab) {
  state.tab = tab;
  for (const button of document.querySelectorAll("[data-tab]")) {
    const selected = button.dataset.tab === tab;
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
  }
  for (const panel of document.querySelectorAll("[data-panel]")) {
    panel.hidden = panel.dataset.panel !== tab;
  }
  renderOutputs();
  saveSoon();
}

// State in the URL fragment, compressed: a link restores the file, the expression, the user and
// the tab, and no server ever sees it.
let saveTimer = null;
function saveSoon() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(save, 150);
}

async function save() {
  const fragment = await encodeState({
    v: 1,
    name: state.name,
    text: currentText(),
    baseline: state.baseline === currentText() ? undefined : state.baseline,
    expression: state.expression,
    object: state.object,
    sample: state.sample,
    user: state.sample === "custom" ? state.user : undefined,
    trace: state.trace,
    tab: state.tab,
    target: state.target || undefined,
    pasted: state.target === "pasted" ? state.pasted : undefined,
  });
  history.replaceState(null, "", `#${fragment}`);
  $("share-link").value = location.href;
}

async function restore() {
  const hash = location.hash.slice(1);
  if (!hash) return null;
  try {
    return await decodeState(hash);
  } catch (error) {
    $("load-error").textContent = `The link's state cannot be read (${error.message}); showing an example instead.`;
    return null;
  }
}

function loadFile(name, text, baseline = text) {
  state.name = name;
  state.baseline = baseline;
  $("file-name").value = name;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

let outputTimer = null;
function onDocChanged() {
  lintNow();
  clearTimeout(outputTimer);
  outputTimer = setTimeout(renderOutputs, 120);
  saveSoon();
}

function setSample(sample) {
  state.sample = sample;
  $("sample-user").value = sample;
  if (sample !== "custom") state.user = JSON.stringify(SAMPLE_USERS[sample].user, null, 2);
  $("user-json").value = state.user;
}

function copy(text, button) {
  const done = () => {
    const before = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => (button.textContent = before), 1200);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => fallbackCopy(text, done));
  } else fallbackCopy(text, done);
}

function fallbackCopy(text, done) {
  const area = element("textarea", { style: "position:fixed;opacity:0" });
  area.value = text;
  document.body.append(area);
  area.select();
  document.execCommand("copy");
  area.remove();
  done();
}

function download(name, data, type) {
  const url = URL.createObjectURL(data instanceof Blob ? data : new Blob([data], { type }));
  const link = element("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function wireTarget() {
  const picker = $("target");
  // The built-in profiles as `entramap targets` lists them: generic ones, then the gallery
  // catalogue's apps (from Microsoft's provisioning tutorials), each with its title.
  const groups = [
    ["generic", "Generic profiles"],
    ["gallery", "Gallery apps (Microsoft's provisioning tutorials)"],
  ];
  for (const [group, label] of groups) {
    const optgroup = element("optgroup", { label, "data-testid": `target-group-${group}` });
    for (const profile of catalogue.profiles.filter((p) => p.group === group)) {
      optgroup.append(element("option", { value: profile.name, text: profile.name }));
    }
    picker.append(optgroup);
  }
  picker.append(element("option", { value: "pasted", text: "Pasted profile…" }));
  const pasted = $("pasted-profile");
  const show = () => {
    picker.value = state.target;
    $("pasted-box").hidden = state.target !== "pasted";
  };
  pasted.value = state.pasted;
  show();
  picker.addEventListener("change", () => {
    state.target = picker.value;
    show();
    onDocChanged();
  });
  pasted.addEventListener("input", () => {
    state.pasted = pasted.value;
    onDocChanged();
  });
}

// The profiles' titles in the picker ("Slack (slack)"), from the catalogue (no profile is
// parsed), filled in once the first findings are shown.
function showProfileTitles() {
  const titles = call(entramap.profile_titles);
  for (const option of $("target").querySelectorAll("optgroup option")) {
    const title = titles[option.value];
    if (title) option.textContent = `${title} (${option.value})`;
  }
  document.body.dataset.titles = "true";
}

function wire() {
  wireTarget();
  const starter = $("starter");
  const examples = element("optgroup", { label: "Examples" });
  for (const example of catalogue.examples) {
    examples.append(element("option", { value: example.name, text: example.name }));
  }
  const starters = element("optgroup", { label: "Gallery apps (entramap init --app)" });
  for (const app of catalogue.starters) {
    starters.append(element("option", { value: app.name, text: app.app }));
  }
  starter.append(examples, starters);
  const all = [...catalogue.examples, ...catalogue.starters];
  starter.addEventListener("change", () => {
    const example = all.find((e) => e.name === starter.value);
    if (example) loadFile(example.name, example.text);
    starter.value = "";
  });
  $("file-name").addEventListener("change", () => {
    state.name = $("file-name").value || "mapping.entramap.yaml";
    onDocChanged();
  });
  $("format").addEventListener("click", () => {
    const formatted = call(entramap.format, currentText(), state.name);
    if (formatted.changed) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: formatted.text } });
      $("format-status").textContent = "Expressions rewritten to canonical form.";
    } else {
      $("format-status").textContent = formatted.diagnostics
        ? "The file has errors: fix them first."
        : "Already in canonical form.";
    }
  });
  $("fix-all").addEventListener("click", fixAll);
  $("share").addEventListener("click", async () => {
    await save();
    copy(location.href, $("share"));
  });
  // The tabs as the ARIA tabs pattern: one stop in the Tab order, arrows, Home and End move
  // between them.
  const tabs = [...document.querySelectorAll("[data-tab]")];
  for (const [i, button] of tabs.entries()) {
    button.addEventListener("click", () => selectTab(button.dataset.tab));
    button.addEventListener("keydown", (event) => {
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      const next = tabs[(to + tabs.length) % tabs.length];
      selectTab(next.dataset.tab);
      next.focus();
    });
  }
  const expression = $("expression-input");
  expression.value = state.expression;
  expression.addEventListener("input", () => {
    state.expression = expression.value;
    runExpression();
    saveSoon();
  });
  $("object").value = state.object;
  $("object").addEventListener("change", () => {
    state.object = $("object").value;
    runExpression();
    saveSoon();
  });
  const sample = $("sample-user");
  for (const [key, value] of Object.entries(SAMPLE_USERS)) {
    sample.append(element("option", { value: key, text: value.label }));
  }
  sample.append(element("option", { value: "custom", text: "Custom (edited)" }));
  setSample(state.sample);
  sample.addEventListener("change", () => {
    setSample(sample.value);
    runExpression();
    saveSoon();
  });
  $("user-json").addEventListener("input", () => {
    state.user = $("user-json").value;
    state.sample = "custom";
    sample.value = "custom";
    runExpression();
    saveSoon();
  });
  $("trace").checked = state.trace;
  $("trace").addEventListener("change", () => {
    state.trace = $("trace").checked;
    runExpression();
    saveSoon();
  });
  $("copy-markdown").addEventListener("click", () => copy($("table-markdown").textContent, $("copy-markdown")));
  $("copy-docs").addEventListener("click", () => copy($("docs-output").textContent, $("copy-docs")));
  $("copy-graph").addEventListener("click", () => copy($("graph-output").textContent, $("copy-graph")));
  $("download-graph").addEventListener("click", () => {
    const base = state.name.replace(/^.*\//, "").replace(/\.entramap\.(ya?ml|json)$/, "");
    download(`${base}.graph-schema.json`, $("graph-output").textContent, "application/json");
  });
}

async function main() {
  // Compiled once: the page's instance and the dry run's worker share the module.
  const module = await WebAssembly.compile(wasmBytes);
  await init({ module_or_path: module });
  stats.wasmReadyMs = performance.now();
  catalogue = call(entramap.catalogue);
  stats.catalogueMs = performance.now() - stats.wasmReadyMs;
  $("version").textContent = `entramap ${catalogue.version}`;
  const restored = await restore();
  const example = catalogue.examples.find((e) => e.name === DEFAULT_EXAMPLE);
  let text = example.text;
  if (restored) {
    Object.assign(state, {
      name: restored.name ?? state.name,
      expression: restored.expression ?? state.expression,
      object: restored.object ?? state.object,
      sample: restored.sample ?? state.sample,
      trace: restored.trace ?? state.trace,
      tab: restored.tab ?? state.tab,
      target: restored.target ?? state.target,
      pasted: restored.pasted ?? state.pasted,
    });
    text = restored.text ?? text;
    state.baseline = restored.baseline ?? text;
    if (state.sample === "custom") state.user = restored.user ?? "{}";
  } else {
    state.baseline = text;
  }
  $("file-name").value = state.name;
  view = new EditorView({
    parent: $("editor"),
    state: EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        yaml(),
        lintGutter(),
        EditorView.lineWrapping,
        // A tab stop (explicit, so that checkers see the scroller holds a focusable element).
        EditorView.contentAttributes.of({ "aria-label": "Mapping file", tabindex: "0" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onDocChanged();
        }),
      ],
    }),
  });
  window.entramapPlayground.view = view;
  wire();
  wirePreview({
    module,
    mapping: () => ({ text: currentText(), name: state.name, target: target() }),
    settings: previewSettings,
    element,
    showRule,
    selectTab,
    download: (name, blob) => download(name, blob),
  });
  lintNow();
  runExpression();
  selectTab(state.tab);
  document.body.dataset.ready = "true";
  setTimeout(showProfileTitles, 0);
}

main().catch((error) => {
  $("load-error").textContent = `The playground failed to start: ${error.message}`;
  throw error;
});
