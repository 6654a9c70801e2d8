// The entramap playground. Every finding, type, value, table and schema shown here comes from
// the entramap library compiled to WebAssembly (web/src/lib.rs); this file only wires it to the
// editor and the page. Nothing is ever sent over the network: the wasm is inlined in the page,
// and the state is kept in the URL fragment, which browsers never send to a server.

// The modules: findings.js (the lint, the findings list and fixes), expression.js (the expression
// box), tabs.js (the output tabs), url-state.js (the link), clipboard.js (copy and download);
// context.js holds what they share and dom.js the small helpers.

import init, * as entramap from "../pkg/entramap_web.js";
import wasmBytes from "../pkg/entramap_web_bg.wasm";
import { EditorView, basicSetup } from "codemirror";
import { EditorState } from "@codemirror/state";
import { yaml } from "@codemirror/lang-yaml";
import { lintGutter } from "@codemirror/lint";
import { $, call, element } from "./dom.js";
import { DEFAULT_EXAMPLE, state, stats, target, view, setView, currentText } from "./context.js";
import { lintNow, fixAll } from "./findings.js";
import { runExpression, wireExpression } from "./expression.js";
import { renderOutputs, selectTab, showRule, wireTabs } from "./tabs.js";
import { save, saveSoon, restore } from "./url-state.js";
import { copy, download } from "./clipboard.js";
import { wirePreview, previewStats } from "./preview.js";

// `previewSettings`: how the dry run runs (`now`, RFC 3339, for a fixed clock); `previewStats`:
// the last dry run's time and size.
const previewSettings = {};
window.entramapPlayground = { stats, state, previewSettings, previewStats };

let catalogue;

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
  wireTabs();
  wireExpression();
  // Each copy button copies its output's text.
  for (const [button, output] of [
    ["copy-markdown", "table-markdown"],
    ["copy-docs", "docs-output"],
    ["copy-graph", "graph-output"],
  ]) {
    $(button).addEventListener("click", () => copy($(output).textContent, $(button)));
  }
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
  const editor = new EditorView({
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
  setView(editor);
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
