// The cooperation network in SVG: a deterministic force-directed layout (Fruchterman-Reingold),
// typed edges coloured by type, nodes linking to the park pages.
import { COLOURS, el, html, title } from "./svg.js";

const WIDTH = 800;
const HEIGHT = 480;
const MARGIN = 40;

/** Positions {id: [x, y]} for nodes [{iri}] and edges [{source, target}]. */
export function layout(nodes, edges, { width = WIDTH, height = HEIGHT, iterations = 300 } = {}) {
  const n = nodes.length;
  const pos = new Map();
  // Start on a circle (not at random) so the same graph always gives the same picture.
  nodes.forEach((node, i) => {
    const angle = (2 * Math.PI * i) / Math.max(n, 1);
    pos.set(node.iri, [width / 2 + (width / 3) * Math.cos(angle),
                       height / 2 + (height / 3) * Math.sin(angle)]);
  });
  if (n < 2) {
    if (n === 1) pos.set(nodes[0].iri, [width / 2, height / 2]);
    return pos;
  }
  const pairs = new Set();
  const links = [];
  for (const e of edges) {
    const key = `${e.source} ${e.target}`;
    if (pos.has(e.source) && pos.has(e.target) && !pairs.has(key)) {
      pairs.add(key);
      links.push([e.source, e.target]);
    }
  }
  const k = 0.9 * Math.sqrt(((width - 2 * MARGIN) * (height - 2 * MARGIN)) / n);
  let temperature = width / 8;
  const ids = nodes.map((node) => node.iri);
  for (let step = 0; step < iterations; step += 1) {
    const shift = new Map(ids.map((id) => [id, [0, 0]]));
    for (let i = 0; i < n; i += 1) {
      for (let j = i + 1; j < n; j += 1) {
        const [a, b] = [pos.get(ids[i]), pos.get(ids[j])];
        let dx = a[0] - b[0];
        let dy = a[1] - b[1];
        const d = Math.max(Math.hypot(dx, dy), 0.01);
        const force = (k * k) / d;
        dx = (dx / d) * force; dy = (dy / d) * force;
        shift.get(ids[i])[0] += dx; shift.get(ids[i])[1] += dy;
        shift.get(ids[j])[0] -= dx; shift.get(ids[j])[1] -= dy;
      }
    }
    for (const [s, t] of links) {
      const [a, b] = [pos.get(s), pos.get(t)];
      const dx = a[0] - b[0];
      const dy = a[1] - b[1];
      const d = Math.max(Math.hypot(dx, dy), 0.01);
      const force = (d * d) / k;
      shift.get(s)[0] -= (dx / d) * force; shift.get(s)[1] -= (dy / d) * force;
      shift.get(t)[0] += (dx / d) * force; shift.get(t)[1] += (dy / d) * force;
    }
    for (const id of ids) {
      const [dx, dy] = shift.get(id);
      const d = Math.max(Math.hypot(dx, dy), 0.01);
      const p = pos.get(id);
      p[0] = Math.min(width - MARGIN, Math.max(MARGIN, p[0] + (dx / d) * Math.min(d, temperature)));
      p[1] = Math.min(height - MARGIN, Math.max(MARGIN, p[1] + (dy / d) * Math.min(d, temperature)));
    }
    temperature *= 0.97;
  }
  return pos;
}

function shortLabel(text, max = 28) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Draw {nodes, edges} into container; focus (an IRI) is drawn larger. */
export function drawNetwork(container, data, { focus = "", label = "Cooperation network" } = {}) {
  container.replaceChildren();
  const svg = el("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "viz-network-svg",
                          role: "img", "aria-label": label }, container);
  if (data.nodes.length === 0) {
    el("text", { x: WIDTH / 2, y: HEIGHT / 2, "text-anchor": "middle", class: "viz-empty" }, svg)
      .textContent = "No cooperation links on this date.";
    return svg;
  }
  const pos = layout(data.nodes, data.edges);
  const edgeLayer = el("g", { class: "edges" }, svg);
  const seen = new Map(); // parallel edges between one pair are bent apart
  for (const e of data.edges) {
    const [a, b] = [pos.get(e.source), pos.get(e.target)];
    if (!a || !b) continue;
    const key = `${e.source} ${e.target}`;
    const index = seen.get(key) || 0;
    seen.set(key, index + 1);
    const bend = index === 0 ? 0 : (index % 2 ? 1 : -1) * Math.ceil(index / 2) * 18;
    const [mx, my] = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const len = Math.max(Math.hypot(b[0] - a[0], b[1] - a[1]), 1);
    const [cx, cy] = [mx - ((b[1] - a[1]) / len) * bend, my + ((b[0] - a[0]) / len) * bend];
    const path = el("path", { d: `M${a[0].toFixed(1)} ${a[1].toFixed(1)}Q${cx.toFixed(1)} ${cy.toFixed(1)} ${b[0].toFixed(1)} ${b[1].toFixed(1)}`,
                              class: `edge edge-${e.type}`, stroke: COLOURS[e.type] || "#888",
                              "data-type": e.type }, edgeLayer);
    const when = e.start ? ` (since ${e.start}${e.end ? `, until ${e.end}` : ""})` : "";
    title(path, `${e.viaLabel}${when}`);
  }
  const nodeLayer = el("g", { class: "nodes" }, svg);
  for (const node of data.nodes) {
    const [x, y] = pos.get(node.iri);
    const link = el("a", { href: node.href, class: "node-link" }, nodeLayer);
    const g = el("g", { class: node.iri === focus ? "node focus" : "node",
                        transform: `translate(${x.toFixed(1)} ${y.toFixed(1)})` }, link);
    el("circle", { r: node.iri === focus ? 9 : 6 }, g);
    el("text", { x: 10, y: 4 }, g).textContent = shortLabel(node.label);
    title(link, [node.label, node.countryLabel].filter(Boolean).join(", "));
  }
  return svg;
}

/** The legend of edge types. */
export function drawLegend(container) {
  container.replaceChildren();
  for (const [type, text] of [["sister-park-agreement", "sister-park agreement"],
                              ["agreement", "other agreement"],
                              ["alliance", "same alliance"]]) {
    const item = html("span", { class: "viz-legend-item" }, container);
    html("span", { class: "viz-swatch", style: `background:${COLOURS[type]}` }, item);
    item.append(text);
  }
}
