// Renders the Markdown that `entramap table` prints (headings, paragraphs, bullet lists and
// pipe tables, nothing else) as HTML, so the rendered table and the Markdown to copy are the
// same text. Every piece of text is escaped: the file's content never becomes markup.

const escapeHtml = (text) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

// The cells of one `| a | b |` line: `\|` is a pipe inside a cell and `\\` a backslash.
export function tableCells(line) {
  const cells = [];
  let cell = "";
  const inner = line.trim().replace(/^\|/, "");
  for (let i = 0; i < inner.length; i += 1) {
    const c = inner[i];
    if (c === "\\" && i + 1 < inner.length && (inner[i + 1] === "|" || inner[i + 1] === "\\")) {
      cell += inner[i + 1];
      i += 1;
    } else if (c === "|") {
      cells.push(cell.trim());
      cell = "";
    } else cell += c;
  }
  if (cell.trim() !== "") cells.push(cell.trim());
  return cells;
}

const isSeparator = (line) => /^\|(\s*:?-{3,}:?\s*\|)+\s*$/.test(line.trim());

export function markdownToHtml(markdown) {
  const out = [];
  const lines = markdown.split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.startsWith("<!--") || line.trim() === "") {
      i += 1;
    } else if (line.startsWith("#")) {
      const level = Math.min(6, line.match(/^#+/)[0].length + 1);
      out.push(`<h${level}>${escapeHtml(line.replace(/^#+\s*/, ""))}</h${level}>`);
      i += 1;
    } else if (line.startsWith("|")) {
      const header = tableCells(line);
      i += 1;
      if (i < lines.length && isSeparator(lines[i])) i += 1;
      const rows = [];
      while (i < lines.length && lines[i].startsWith("|")) {
        rows.push(tableCells(lines[i]));
        i += 1;
      }
      const head = header.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
      const body = rows
        .map((r) => `<tr>${header.map((_, k) => `<td>${escapeHtml(r[k] ?? "")}</td>`).join("")}</tr>`)
        .join("");
      out.push(`<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`);
    } else if (line.startsWith("- ")) {
      const items = [];
      while (i < lines.length && lines[i].startsWith("- ")) {
        items.push(`<li>${escapeHtml(lines[i].slice(2))}</li>`);
        i += 1;
      }
      out.push(`<ul>${items.join("")}</ul>`);
    } else {
      out.push(`<p>${escapeHtml(line)}</p>`);
      i += 1;
    }
  }
  return out.join("\n");
}
