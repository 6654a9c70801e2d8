// The dry run in the page: `entramap preview` over a user export the admin picks or drops. The
// library runs in a Web Worker (worker.js, started from the script bundle.mjs inlines as
// WORKER_SOURCE) so that the page stays responsive; this file shows what the worker reports:
// progress, the summary line and root causes as `preview` prints them, the problems grouped by
// rule and target, one user's payload and trace on request, and the payloads to download.

/* global WORKER_SOURCE */

const $ = (id) => document.getElementById(id);

// Problems shown one by one (the worker sends at most this many; the groups count them all).
const LISTED = 1000;

// Out-of-scope users are not problems to people: as `entramap preview` prints its report, the
// summary line counts them and neither the groups nor the list name them (the worker keeps them
// for one user's explanation).
const OUT_OF_SCOPE = "preview-out-of-scope";

// Hooks for tests and users' own automation: the last run's figures (milliseconds).
export const previewStats = { runs: 0, lastMs: null, lastRows: 0, lastBytes: 0 };

/**
 * Wires the dry-run panel. `context` gives the compiled wasm module (`module`), the mapping
 * being edited (`mapping()`: `{text, name, target}`), `element(tag, attributes, ...children)`,
 * `showRule(id)`, `download(name, blob)` and `selectTab(tab)`.
 */
export function wirePreview(context) {
  const source = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
  const { element } = context;
  let worker = null;
  let run = null;
  let runs = 0;
  let payloads = null;
  let pendingUser = null;

  function startWorker() {
    worker?.terminate();
    worker = new Worker(source);
    worker.onmessage = (event) => onMessage(event.data);
    worker.onerror = (event) => fail(event.message || "the worker stopped");
    worker.postMessage({ type: "init", module: context.module });
  }

  function fail(message) {
    $("preview-progress").hidden = true;
    $("preview-rerun").hidden = !run;
    $("preview-status").textContent = `The dry run stopped: ${message}`;
    document.body.dataset.preview = "error";
  }

  function start(file) {
    runs += 1;
    const mapping = context.mapping();
    run = { id: runs, file, mapping, rows: 0, problems: 0, started: performance.now() };
    startWorker();
    payloads = null;
    document.body.dataset.preview = "running";
    $("preview-summary").textContent = "";
    $("preview-notes").replaceChildren();
    $("preview-causes").replaceChildren();
    $("preview-groups").replaceChildren();
    $("preview-problems").replaceChildren();
    $("preview-user").replaceChildren();
    $("preview-groups-box").hidden = true;
    $("user-form").hidden = true;
    $("download-payloads").hidden = true;
    $("preview-rerun").hidden = true;
    const progress = $("preview-progress");
    progress.hidden = false;
    progress.max = Math.max(1, file.size);
    progress.value = 0;
    $("preview-status").textContent = `Reading ${file.name}…`;
    worker.postMessage({
      type: "run",
      id: run.id,
      file,
      text: mapping.text,
      name: mapping.name,
      target: mapping.target,
      settings: JSON.stringify(context.settings ?? {}),
    });
  }

  function onMessage(message) {
    if (message.type === "error") return fail(message.message);
    if (!run || (message.id !== undefined && message.id !== run.id)) return;
    if (message.type === "progress") {
      run.rows = message.rows;
      $("preview-progress").value = message.bytes;
      $("preview-status").textContent = `${message.rows.toLocaleString("en")} users read…`;
      for (const problem of message.problems) listProblem(problem);
    } else if (message.type === "done") {
      finish(message);
    } else if (message.type === "user") {
      showUser(message.user);
    }
  }

  function userButton(label, key) {
    return element("button", {
      class: "user-link",
      type: "button",
      title: `Show the payload and trace of ${label}`,
      "data-user": key,
      text: label,
      onclick: () => askUser(key),
    });
  }

  function listProblem(problem) {
    run.problems += 1;
    if (run.problems > LISTED) return;
    const who = problem.user ?? `line ${problem.line}`;
    $("preview-problems").append(
      element(
        "li",
        { class: `finding ${problem.severity}`, "data-testid": "preview-problem", "data-rule": problem.rule },
        element("span", { class: "severity", text: problem.severity }),
        " ",
        userButton(who, String(problem.line)),
        ` line ${problem.line}: `,
        ruleLink(problem.rule),
        `: ${problem.message}${problem.target ? ` (${problem.target})` : ""}`,
      ),
    );
  }

  function ruleLink(rule) {
    return element("a", {
      class: "rule",
      href: "#",
      title: "Explain this rule",
      text: rule,
      onclick: (event) => {
        event.preventDefault();
        context.showRule(rule);
      },
    });
  }

  function finish(message) {
    const { result } = message;
    $("preview-progress").hidden = true;
    previewStats.runs += 1;
    previewStats.lastMs = message.ms;
    previewStats.lastRows = run.rows;
    previewStats.lastBytes = run.file.size;
    if (!result.ok) {
      const where = (result.diagnostics ?? [])
        .map((d) => `${d.span.start.line}:${d.span.start.column} ${d.rule}: ${d.message}`)
        .join("\n");
      // A file with lint errors is refused as `entramap preview` refuses it (`error` says so);
      // one that does not load at all has only its findings.
      const why = result.error ?? "the mapping cannot be used: fix its errors first";
      fail(where ? `${why}.\n${where}` : result.error);
      return;
    }
    const summary = result.summary;
    const took = message.ms < 1000 ? `${Math.round(message.ms)} ms` : `${(message.ms / 1000).toFixed(1)} s`;
    $("preview-status").textContent = `Done: ${run.file.name} in ${took}.`;
    $("preview-summary").textContent = summary.line;
    // What the reader noticed about the export, as `preview` prints it: a `note:` line each.
    for (const note of summary.notes) {
      $("preview-notes").append(element("p", { class: "preview-note", "data-testid": "preview-note", text: `note: ${note}` }));
    }
    for (const attribute of summary.absent_attributes) {
      const caused = summary.groups
        .filter((g) => g.caused_by.includes(attribute))
        .map((g) => `${g.count} ${g.rule}${g.target ? ` (${g.target})` : ""}`);
      $("preview-causes").append(
        element("p", {
          class: "root-cause",
          text:
            `Root cause: no user of the export has \`${attribute}\`, which the mapping reads` +
            (caused.length ? `; it explains ${caused.join(", ")}` : ""),
        }),
      );
    }
    // As `preview` prints them: "rule (target): count; first: users, …", most severe first.
    const list = $("preview-groups");
    const groups = summary.groups.filter((g) => g.rule !== OUT_OF_SCOPE);
    for (const group of groups) {
      const item = element(
        "li",
        {
          class: `finding ${group.severity}`,
          "data-testid": "preview-group",
          "data-rule": group.rule,
          "data-target": group.target ?? "",
          "data-count": String(group.count),
        },
        element("span", { class: "severity", text: group.severity }),
        " ",
        ruleLink(group.rule),
        `${group.target ? ` (${group.target})` : ""}: ${group.count}; first: `,
      );
      group.users.forEach((user, i) => {
        if (i > 0) item.append(", ");
        item.append(userButton(user, user.startsWith("line ") ? user.slice(5) : user));
      });
      if (group.count > group.users.length) item.append(", …");
      list.append(item);
    }
    $("preview-groups-box").hidden = groups.length === 0;
    const problems = Object.entries(summary.problems)
      .filter(([rule]) => rule !== OUT_OF_SCOPE)
      .reduce((n, [, count]) => n + count, 0);
    $("preview-problems-title").textContent =
      problems > LISTED ? `Problems one by one (the first ${LISTED} of ${problems})` : "Problems one by one";
    payloads = message.payloads;
    const button = $("download-payloads");
    button.hidden = summary.payloads === 0;
    button.textContent = `Download ${summary.payloads.toLocaleString("en")} payloads (JSON Lines)`;
    $("user-form").hidden = summary.users_read === 0;
    $("preview-rerun").hidden = false;
    document.body.dataset.preview = "done";
  }

  function askUser(key) {
    if (!worker || document.body.dataset.preview !== "done") return;
    pendingUser = key;
    $("user-key").value = key;
    $("preview-user").replaceChildren(element("p", { class: "muted", text: `Reading ${key}…` }));
    worker.postMessage({ type: "user", id: run.id, key });
  }

  function showUser(user) {
    const out = $("preview-user");
    out.replaceChildren();
    if (user.error || !user.found) {
      out.append(element("p", { text: user.error ?? `No user of the export has ${pendingUser}.` }));
      return;
    }
    out.append(
      element("h2", { text: `${user.user ?? "(no UPN or objectId)"}, line ${user.line}` }),
      element("p", {
        "data-testid": "preview-user-scope",
        text: `Scope: ${user.scope.in_scope ? "in scope" : "out of scope"} (${user.scope.reason})`,
      }),
    );
    for (const derived of user.derived) {
      out.append(element("p", { text: `Derived: [${derived.attribute}] = ${derived.value} (from ${derived.from})` }));
    }
    out.append(element("h3", { text: "Payload" }));
    out.append(
      element("pre", {
        "data-testid": "preview-user-payload",
        text: user.payload ? JSON.stringify(user.payload, null, 2) : "None: the user is not provisioned.",
      }),
    );
    out.append(element("h3", { text: "Problems" }));
    const problems = element("ul", { "data-testid": "preview-user-problems" });
    for (const p of user.problems) {
      problems.append(
        element("li", { class: `finding ${p.severity}` }, ruleLink(p.rule), `: ${p.message}${p.target ? ` (${p.target})` : ""}`),
      );
    }
    if (user.problems.length === 0) problems.append(element("li", { text: "None." }));
    out.append(problems);
    if (!user.problems_complete) {
      out.append(element("p", { class: "muted", text: "The export has too many problems to keep each user's: the summary counts them all." }));
    }
    out.append(element("h3", { text: "Mappings" }));
    const mappings = element("div", { "data-testid": "preview-user-mappings" });
    for (const m of user.mappings) {
      const flat = m.text.split(/\s+/).join(" ");
      const value = m.falls_back ? `${m.result}; the default ${m.default} is sent` : m.result;
      mappings.append(
        element("div", { class: "mapping" }, element("code", { text: `${m.target} <- ${m.kind} ${flat}` })),
      );
      if (m.trace_text) mappings.append(element("pre", { class: "trace", text: m.trace_text }));
      mappings.append(element("div", { class: "mapping-value", text: `= ${value}` }));
    }
    out.append(mappings);
    out.querySelector("h2").scrollIntoView({ block: "nearest" });
  }

  const input = $("export-input");
  input.addEventListener("change", () => {
    if (input.files.length > 0) start(input.files[0]);
  });
  $("preview-rerun").addEventListener("click", () => run && start(run.file));
  $("download-payloads").addEventListener("click", () => {
    if (!payloads) return;
    const base = run.file.name.replace(/\.[^.]*$/, "");
    context.download(`${base}.payloads.jsonl`, payloads);
  });
  $("user-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = $("user-key").value.trim();
    if (key) askUser(key);
  });
  // Drag and drop: onto the drop zone, or anywhere on the page (the dry run is then shown).
  const zone = $("drop-zone");
  const files = (event) => [...(event.dataTransfer?.types ?? [])].includes("Files");
  document.addEventListener("dragover", (event) => {
    if (!files(event)) return;
    event.preventDefault();
    zone.classList.add("dragging");
  });
  document.addEventListener("dragleave", (event) => {
    if (event.relatedTarget === null) zone.classList.remove("dragging");
  });
  document.addEventListener("drop", (event) => {
    if (!files(event)) return;
    event.preventDefault();
    zone.classList.remove("dragging");
    const file = event.dataTransfer.files[0];
    if (!file) return;
    context.selectTab("preview");
    start(file);
  });
}
