// What the page's modules share: the state (kept in the link's fragment), the timings, and the
// editor's view (set once by main.js).

import { SAMPLE_USERS } from "./samples.js";

export const DEFAULT_EXAMPLE = "broken/idmelon-typo.entramap.yaml";
const DEFAULT_EXPRESSION = 'Switch([IsSoftDeleted], , "False", "True", "True", "False")';

export const state = {
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
export const target = () => (state.target === "pasted" ? state.pasted : state.target);

// Hooks for tests and users' own automation (timings in milliseconds, performance.now()).
// firstFindingsMs, wasmReadyMs and lastLintEndMs are times since the start of navigation;
// firstLintMs is the first lint alone (it builds the library's tables on first use),
// catalogueMs the call that lists the profiles, examples and starters, lastLintMs the last lint
// (the library's lint, the editor's underlines and the findings list).
export const stats = {
  lints: 0,
  lastLintMs: 0,
  lastLintEndMs: null,
  firstLintMs: null,
  firstFindingsMs: null,
  wasmReadyMs: null,
  catalogueMs: null,
};

// The CodeMirror view of the mapping file.
export let view;
export function setView(editorView) {
  view = editorView;
}

export function currentText() {
  return view.state.doc.toString();
}
