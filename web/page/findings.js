// The findings: the library's lint of the mapping file as underlines in the editor and as the
// findings list, and their certain fixes (one, or all at once as `entramap lint --fix`).

import * as entramap from "../pkg/entramap_web.js";
import { setDiagnostics } from "@codemirror/lint";
import { $, call, element } from "./dom.js";
import { state, stats, target, view, currentText } from "./context.js";
import { showRule } from "./tabs.js";

function severityOf(d) {
  return d.severity === "note" ? "info" : d.severity;
}

export function lintNow() {
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
export function fixAll() {
  const fixed = call(entramap.fix_all, currentText(), state.name, target());
  if (fixed.applied > 0) replaceText(fixed.text);
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
