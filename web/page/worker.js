// The dry run's Web Worker: runs `entramap preview` (the library, compiled to WebAssembly) over
// the user export the page was given, so that the page never freezes. The export is read slice
// by slice with FileReaderSync as the library asks for bytes: a file of any size costs the
// preview's buffers, not its size. The payloads are kept as Blobs, which the browser may keep
// on disk, with where each user's payload starts; the problems are kept by line for the users
// the page asks about. Nothing is sent anywhere but to the page.

import { initSync, preview_export, explain_user } from "../pkg/entramap_web.js";

// Problems passed to the page for its list (every problem is counted in the summary).
const LISTED = 1000;
// Problems kept by line for one user's explanation.
const KEPT = 200000;
// Not listed (the summary line counts out-of-scope users, as `entramap preview` prints them),
// but kept for one user's explanation.
const OUT_OF_SCOPE = "preview-out-of-scope";

let current = null;

// `read(n)`: the next slice of `file`, at most `n` bytes, empty at the end.
function reader(file) {
  const sync = new FileReaderSync();
  let position = 0;
  return (n) => {
    if (position >= file.size) return new Uint8Array(0);
    const end = Math.min(file.size, position + n);
    const bytes = new Uint8Array(sync.readAsArrayBuffer(file.slice(position, end)));
    position = end;
    return bytes;
  };
}

function run(message) {
  const started = performance.now();
  const id = message.id;
  current = { ...message, batches: [], problems: new Map(), kept: 0, dropped: false, listed: 0 };
  const state = current;
  const emit = (bytes, rows, problemsJson, payloads, lines) => {
    const problems = JSON.parse(problemsJson);
    if (lines.length > 0) {
      state.batches.push({ blob: new Blob([payloads]), lines, first: lines[0], last: lines[lines.length - 3] });
    }
    for (const problem of problems) {
      if (state.kept >= KEPT) {
        state.dropped = true;
        break;
      }
      const list = state.problems.get(problem.line) ?? [];
      list.push(problem);
      state.problems.set(problem.line, list);
      state.kept += 1;
    }
    const listed = problems.filter((p) => p.rule !== OUT_OF_SCOPE).slice(0, Math.max(0, LISTED - state.listed));
    state.listed += listed.length;
    postMessage({ type: "progress", id, bytes, rows, problems: listed });
  };
  const result = JSON.parse(
    preview_export(message.text, message.name, message.target, message.settings, reader(message.file), emit),
  );
  const payloads = new Blob(
    state.batches.map((b) => b.blob),
    { type: "application/x-ndjson" },
  );
  postMessage({ type: "done", id, result, payloads, ms: performance.now() - started });
}

// The payload the run wrote for the user on `line`, or null.
function payloadOf(line) {
  const batch = current.batches.find((b) => b.first <= line && line <= b.last);
  if (!batch) return null;
  for (let i = 0; i < batch.lines.length; i += 3) {
    if (batch.lines[i] === line) {
      const bytes = new FileReaderSync().readAsText(batch.blob.slice(batch.lines[i + 1], batch.lines[i + 2]));
      return JSON.parse(bytes);
    }
  }
  return null;
}

function explain(message) {
  const run_ = current;
  const user = JSON.parse(
    explain_user(run_.text, run_.name, run_.target, run_.settings, message.key, reader(run_.file)),
  );
  if (user.found) {
    user.payload = payloadOf(user.line);
    user.problems = run_.problems.get(user.line) ?? [];
    user.problems_complete = !run_.dropped;
  }
  postMessage({ type: "user", id: message.id, user });
}

onmessage = (event) => {
  const message = event.data;
  try {
    if (message.type === "init") {
      initSync({ module: message.module });
      postMessage({ type: "ready" });
    } else if (message.type === "run") {
      run(message);
    } else if (message.type === "user" && current) {
      explain(message);
    }
  } catch (error) {
    postMessage({ type: "error", id: message.id, message: String(error?.message ?? error) });
  }
};
