// Small helpers shared by the page's modules: an element by id, a call into the library (every
// function of web/src/lib.rs answers JSON), and an element built from attributes and children.

export const $ = (id) => document.getElementById(id);
export const call = (fn, ...args) => JSON.parse(fn(...args));

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "onclick") node.addEventListener("click", value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}
