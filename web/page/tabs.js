// The output tabs (table, docs, graph, diff, rule; the expression and dry-run panels are tabs
// too) as the ARIA tabs pattern, and what the output tabs show for the current file.

import * as entramap from "../pkg/entramap_web.js";
import { $, call } from "./dom.js";
import { state, target, currentText } from "./context.js";
import { markdownToHtml } from "./markdown.js";
import { saveSoon } from "./url-state.js";

export function renderOutputs() {
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

export function selectTab(tab) {
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

export function showRule(id) {
  const explained = call(entramap.explain, id);
  $("rule-text").textContent = explained ? explained.text : `unknown rule ${id}`;
  selectTab("rule");
}

// The tabs as the ARIA tabs pattern: one stop in the Tab order, arrows, Home and End move
// between them.
export function wireTabs() {
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
}
