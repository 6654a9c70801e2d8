// The expression box: canonical form and type as `entramap check` prints them, then the value
// for the chosen sample user as `entramap eval --trace` prints it.

import * as entramap from "../pkg/entramap_web.js";
import { $, call, element } from "./dom.js";
import { state } from "./context.js";
import { SAMPLE_USERS } from "./samples.js";
import { saveSoon } from "./url-state.js";

export function runExpression() {
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

function setSample(sample) {
  state.sample = sample;
  $("sample-user").value = sample;
  if (sample !== "custom") state.user = JSON.stringify(SAMPLE_USERS[sample].user, null, 2);
  $("user-json").value = state.user;
}

// One listener for every control of the box: on `event`, `update` takes the control's value
// into the state, then the expression runs again and the link is saved.
function onControl(control, event, update) {
  control.addEventListener(event, () => {
    update(control);
    runExpression();
    saveSoon();
  });
}

// The box's controls, shown as the state says.
export function wireExpression() {
  const expression = $("expression-input");
  expression.value = state.expression;
  onControl(expression, "input", () => (state.expression = expression.value));
  const object = $("object");
  object.value = state.object;
  onControl(object, "change", () => (state.object = object.value));
  const sample = $("sample-user");
  for (const [key, value] of Object.entries(SAMPLE_USERS)) {
    sample.append(element("option", { value: key, text: value.label }));
  }
  sample.append(element("option", { value: "custom", text: "Custom (edited)" }));
  setSample(state.sample);
  onControl(sample, "change", () => setSample(sample.value));
  const user = $("user-json");
  onControl(user, "input", () => {
    state.user = user.value;
    state.sample = "custom";
    sample.value = "custom";
  });
  const trace = $("trace");
  trace.checked = state.trace;
  onControl(trace, "change", () => (state.trace = trace.checked));
}
