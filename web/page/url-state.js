// State in the URL fragment, compressed: a link restores the file, the expression, the user and
// the tab, and no server ever sees it.

import { $ } from "./dom.js";
import { state, currentText } from "./context.js";
import { encodeState, decodeState } from "./state.js";

let saveTimer = null;
export function saveSoon() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(save, 150);
}

export async function save() {
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

export async function restore() {
  const hash = location.hash.slice(1);
  if (!hash) return null;
  try {
    return await decodeState(hash);
  } catch (error) {
    $("load-error").textContent = `The link's state cannot be read (${error.message}); showing an example instead.`;
    return null;
  }
}
