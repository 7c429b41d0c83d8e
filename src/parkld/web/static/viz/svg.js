// Small SVG helpers shared by the parkld pictures (no framework, no build step).
export const SVG_NS = "http://www.w3.org/2000/svg";

/** Create an SVG element with attributes, appended to parent when given. */
export function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(key, String(value));
  }
  if (parent) parent.appendChild(node);
  return node;
}

/** Append a <title> (the browser's tooltip, read by screen readers too). */
export function title(parent, text) {
  el("title", {}, parent).textContent = text;
  return parent;
}

/** Create an HTML element with attributes and text. */
export function html(name, attrs = {}, parent = null, text = null) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(key, String(value));
  }
  if (text !== null) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

/** Colours of the edge and item types, shared by the legend, network and timeline. */
export const COLOURS = {
  "sister-park-agreement": "#b5179e",
  agreement: "#f77f00",
  alliance: "#277da1",
  membership: "#277da1",
  status: "#43aa8b",
  event: "#6c757d",
};
