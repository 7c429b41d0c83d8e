// The cooperation network in SVG, readable with hundreds of parks and links:
// - a deterministic force-directed layout (Fruchterman-Reingold with a pull to the centre);
// - agreements as typed, coloured edges between parks; an alliance as a hub (a square) linked
//   to its members, instead of a clique of member-to-member edges;
// - pan (drag) and zoom (wheel, +/- buttons), with nodes and labels kept at screen size;
// - labels placed without overlap: each tries eight spots around its node, the most linked
//   parks first, and stays hidden when none is free (zoom in to see more; hover shows one);
// - filters by link kind and by country; a click on a link shows its agreement or alliance,
//   its date and the source's quote when the graph has one.
import { COLOURS, el, html, title } from "./svg.js";

const WIDTH = 960;
const HEIGHT = 600;
const MARGIN = 30;
const FONT = 11; // label font size, in view-box units (see viz.css)
const MIN_ZOOM = 0.5;
const MAX_ZOOM = 16;
const TYPES = [["sister-park-agreement", "sister-park agreement"],
               ["agreement", "other agreement"],
               ["alliance", "alliance membership"]];

/** Positions {id: [x, y]} for nodes [{iri}] and edges [{source, target}]. */
export function layout(nodes, edges, { width = WIDTH, height = HEIGHT, iterations = 0 } = {}) {
  const n = nodes.length;
  const pos = new Map();
  // Start on a spiral (not at random) so the same graph always gives the same picture.
  nodes.forEach((node, i) => {
    const angle = i * 2.399963; // the golden angle spreads the start evenly
    const r = Math.sqrt((i + 0.5) / Math.max(n, 1)) * Math.min(width, height) * 0.45;
    pos.set(node.iri, [width / 2 + r * Math.cos(angle), height / 2 + r * Math.sin(angle)]);
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
  const steps = iterations || (n > 200 ? 220 : 300);
  const k = 0.9 * Math.sqrt(((width - 2 * MARGIN) * (height - 2 * MARGIN)) / n);
  const gravity = 0.02;
  let temperature = width / 8;
  const ids = nodes.map((node) => node.iri);
  const xy = ids.map((id) => pos.get(id));
  const index = new Map(ids.map((id, i) => [id, i]));
  const linkIndex = links.map(([s, t]) => [index.get(s), index.get(t)]);
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  for (let step = 0; step < steps; step += 1) {
    dx.fill(0); dy.fill(0);
    for (let i = 0; i < n; i += 1) {
      const a = xy[i];
      for (let j = i + 1; j < n; j += 1) {
        const b = xy[j];
        let ox = a[0] - b[0];
        let oy = a[1] - b[1];
        let d = Math.hypot(ox, oy);
        if (d < 0.01) { ox = 0.01 * (1 + (i % 3)); oy = 0.01 * (1 + (j % 3)); d = Math.hypot(ox, oy); }
        const force = (k * k) / d / d;
        dx[i] += ox * force; dy[i] += oy * force;
        dx[j] -= ox * force; dy[j] -= oy * force;
      }
    }
    for (const [s, t] of linkIndex) {
      const ox = xy[s][0] - xy[t][0];
      const oy = xy[s][1] - xy[t][1];
      const d = Math.max(Math.hypot(ox, oy), 0.01);
      const force = d / k;
      dx[s] -= ox * force; dy[s] -= oy * force;
      dx[t] += ox * force; dy[t] += oy * force;
    }
    for (let i = 0; i < n; i += 1) {
      const p = xy[i];
      // The pull to the centre keeps unlinked groups from drifting to the border.
      dx[i] -= (p[0] - width / 2) * gravity * k;
      dy[i] -= (p[1] - height / 2) * gravity * k;
      const d = Math.max(Math.hypot(dx[i], dy[i]), 0.01);
      const move = Math.min(d, temperature);
      p[0] = Math.min(width - MARGIN, Math.max(MARGIN, p[0] + (dx[i] / d) * move));
      p[1] = Math.min(height - MARGIN, Math.max(MARGIN, p[1] + (dy[i] / d) * move));
    }
    temperature = Math.max(temperature * 0.975, 0.5);
  }
  return pos;
}

function shortLabel(text, max = 28) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function when(start, end, precision) {
  if (!start) return "date not known";
  const from = precision === "year" ? `in ${start.slice(0, 4)}`
    : precision === "by" ? `by ${start} (date of the reporting source)` : `on ${start}`;
  return end ? `${from}, until ${end}` : from;
}

// -- label placement ----------------------------------------------------------------------------
/** Boxes {x, y, w, h} in a uniform grid, to ask "does this box overlap one already placed?". */
class BoxIndex {
  constructor(cell = 48) { this.cell = cell; this.cells = new Map(); }

  *keys(b) {
    const c = this.cell;
    for (let i = Math.floor(b.x / c); i <= Math.floor((b.x + b.w) / c); i += 1) {
      for (let j = Math.floor(b.y / c); j <= Math.floor((b.y + b.h) / c); j += 1) yield `${i},${j}`;
    }
  }

  hits(b, ignore = null) {
    for (const key of this.keys(b)) {
      for (const o of this.cells.get(key) || []) {
        if (o.owner !== ignore && b.x < o.x + o.w && o.x < b.x + b.w
            && b.y < o.y + o.h && o.y < b.y + b.h) return true;
      }
    }
    return false;
  }

  add(b) {
    for (const key of this.keys(b)) {
      if (!this.cells.has(key)) this.cells.set(key, []);
      this.cells.get(key).push(b);
    }
  }
}

/**
 * Show the labels of as many visible nodes as fit without overlapping each other or another
 * node's mark; nodes come in priority order. Each node: {x, y, r, width, text (SVG <text>)}.
 */
export function placeLabels(nodes, { width = WIDTH, height = HEIGHT, gap = 2 } = {}) {
  const taken = new BoxIndex();
  for (const n of nodes) taken.add({ x: n.x - n.r, y: n.y - n.r, w: 2 * n.r, h: 2 * n.r, owner: n });
  const h = FONT * 1.15;
  let shown = 0;
  for (const n of nodes) {
    const w = n.width;
    const d = n.r + 3;
    // Right, left, above, below, then the four corners: the first free spot wins.
    const spots = [[n.x + d, n.y - h / 2], [n.x - d - w, n.y - h / 2],
                   [n.x - w / 2, n.y - d - h], [n.x - w / 2, n.y + d],
                   [n.x + d * 0.7, n.y - d * 0.7 - h], [n.x + d * 0.7, n.y + d * 0.7],
                   [n.x - d * 0.7 - w, n.y - d * 0.7 - h], [n.x - d * 0.7 - w, n.y + d * 0.7]];
    let placed = null;
    for (const [x, y] of spots) {
      const box = { x: x - gap, y: y - gap, w: w + 2 * gap, h: h + 2 * gap, owner: n };
      if (x < 0 || y < 0 || x + w > width || y + h > height) continue;
      if (!taken.hits(box, n)) { placed = [x, y, box]; break; }
    }
    if (placed) {
      const [x, y, box] = placed;
      taken.add(box);
      n.text.setAttribute("x", x.toFixed(1));
      n.text.setAttribute("y", (y + FONT * 0.9).toFixed(1));
      n.text.classList.remove("hidden");
      shown += 1;
    } else {
      n.text.classList.add("hidden");
    }
  }
  return shown;
}

// -- the picture --------------------------------------------------------------------------------
function measure(text, label) {
  // Real text width when the page lays the SVG out; an estimate when it is not displayed.
  const real = typeof text.getComputedTextLength === "function" ? text.getComputedTextLength() : 0;
  return real > 0 ? real : label.length * FONT * 0.58;
}

/**
 * Draw {nodes, edges, memberships?, evidence?} into container. Options: focus (an IRI, drawn
 * larger), label (aria label), filters (an element for the kind and country filters),
 * evidence (an element where a clicked link's evidence is shown), note (an element for counts).
 */
export function drawNetwork(container, data, { focus = "", label = "Cooperation network",
                                               filters = null, evidence = null,
                                               note = null } = {}) {
  container.replaceChildren();
  const toolbar = html("div", { class: "viz-zoom" }, container);
  const svg = el("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "viz-network-svg",
                          role: "img", "aria-label": label }, container);
  if (data.nodes.length === 0) {
    el("text", { x: WIDTH / 2, y: HEIGHT / 2, "text-anchor": "middle", class: "viz-empty" }, svg)
      .textContent = "No cooperation links on this date.";
    if (note) note.textContent = "";
    return svg;
  }
  const memberships = data.memberships || null; // results.js draws plain edges only
  const parks = new Map(data.nodes.map((p) => [p.iri, p]));
  const hubs = new Map();
  for (const m of memberships || []) {
    if (parks.has(m.member) && !hubs.has(m.alliance)) {
      hubs.set(m.alliance, { iri: m.alliance, href: m.allianceHref, label: m.allianceLabel,
                             hub: true });
    }
  }
  // Links drawn: agreements between parks, and member-to-hub links (or, without memberships,
  // every edge as given).
  const links = [];
  for (const e of data.edges) {
    if (memberships && e.type === "alliance") continue;
    if (parks.has(e.source) && parks.has(e.target)) links.push({ ...e, kind: e.type });
  }
  for (const m of memberships || []) {
    if (parks.has(m.member)) {
      links.push({ id: m.id, source: m.member, target: m.alliance, type: "alliance",
                   kind: "alliance", membership: m });
    }
  }
  const all = [...data.nodes, ...hubs.values()];
  const degree = new Map(all.map((n) => [n.iri, 0]));
  for (const l of links) {
    degree.set(l.source, degree.get(l.source) + 1);
    degree.set(l.target, degree.get(l.target) + 1);
  }
  const pos = layout(all, links);

  const background = el("rect", { x: 0, y: 0, width: WIDTH, height: HEIGHT,
                                  class: "viz-pan-area" }, svg);
  const viewport = el("g", { class: "edges" }, svg);
  const nodeLayer = el("g", { class: "nodes" }, svg);
  const labelLayer = el("g", { class: "labels", "aria-hidden": "true" }, svg);
  const hover = el("g", { class: "hover-label", visibility: "hidden" }, svg);
  const hoverBox = el("rect", { rx: 3 }, hover);
  const hoverText = el("text", {}, hover);

  const seen = new Map(); // parallel edges between one pair are bent apart
  const drawn = [];
  for (const l of links) {
    const [a, b] = [pos.get(l.source), pos.get(l.target)];
    const key = `${l.source} ${l.target}`;
    const index = seen.get(key) || 0;
    seen.set(key, index + 1);
    const bend = index === 0 ? 0 : (index % 2 ? 1 : -1) * Math.ceil(index / 2) * 12;
    const [mx, my] = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const len = Math.max(Math.hypot(b[0] - a[0], b[1] - a[1]), 1);
    const [cx, cy] = [mx - ((b[1] - a[1]) / len) * bend, my + ((b[0] - a[0]) / len) * bend];
    const d = `M${a[0].toFixed(1)} ${a[1].toFixed(1)}Q${cx.toFixed(1)} ${cy.toFixed(1)} `
      + `${b[0].toFixed(1)} ${b[1].toFixed(1)}`;
    const cls = l.membership ? "edge edge-alliance edge-membership" : `edge edge-${l.type}`;
    const path = el("path", { d, class: cls, stroke: COLOURS[l.type] || "#888",
                              "data-type": l.type, "data-id": l.id || "" }, viewport);
    // A wider invisible stroke under the pointer makes a thin link easy to click.
    const hit = el("path", { d, class: "edge-hit", "data-id": l.id || "" }, viewport);
    const text = l.membership
      ? `${parks.get(l.source).label} in ${l.membership.allianceLabel}`
      : `${l.viaLabel} (${when(l.start, l.end, l.precision)})`;
    title(hit, text);
    drawn.push({ link: l, path, hit });
  }

  const nodes = [];
  for (const node of all) {
    const link = el("a", { href: node.href, class: node.hub ? "node-link hub-link" : "node-link" },
                    nodeLayer);
    const g = el("g", { class: `${node.hub ? "node hub" : "node"}${node.iri === focus ? " focus" : ""}`,
                        "data-iri": node.iri }, link);
    const r = node.iri === focus ? 8 : node.hub ? 6 : 4 + Math.min(3, Math.sqrt(degree.get(node.iri)));
    if (node.hub) el("rect", { x: -r, y: -r, width: 2 * r, height: 2 * r }, g);
    else el("circle", { r: r.toFixed(1) }, g);
    const full = [node.label, node.hub ? "alliance" : node.countryLabel].filter(Boolean).join(", ");
    title(link, full);
    const text = el("text", { class: node.hub ? "label hub-label" : "label" }, labelLayer);
    text.textContent = shortLabel(node.label);
    nodes.push({ node, g, link, text, r, x: 0, y: 0, width: 0, visible: true,
                 rank: [node.iri === focus ? 0 : 1, node.hub ? 0 : 1, -degree.get(node.iri),
                        node.label] });
  }
  const byIri = new Map(nodes.map((n) => [n.node.iri, n]));
  const hideHover = () => hover.setAttribute("visibility", "hidden");
  for (const n of nodes) {
    n.width = measure(n.text, n.text.textContent);
    // The full name of any park on hover or keyboard focus, whether its label fits or not.
    n.link.addEventListener("mouseenter", () => showHover(n));
    n.link.addEventListener("focus", () => showHover(n));
    n.link.addEventListener("mouseleave", hideHover);
    n.link.addEventListener("blur", hideHover);
  }
  nodes.sort((a, b) => {
    for (let i = 0; i < 3; i += 1) if (a.rank[i] !== b.rank[i]) return a.rank[i] - b.rank[i];
    return a.rank[3].localeCompare(b.rank[3]);
  });

  function showHover(n) {
    hoverText.textContent = n.node.label;
    hoverText.setAttribute("x", (n.x + n.r + 4).toFixed(1));
    hoverText.setAttribute("y", (n.y + FONT * 0.35).toFixed(1));
    const w = measure(hoverText, n.node.label);
    hoverBox.setAttribute("x", (n.x + n.r + 2).toFixed(1));
    hoverBox.setAttribute("y", (n.y - FONT * 0.75).toFixed(1));
    hoverBox.setAttribute("width", (w + 4).toFixed(1));
    hoverBox.setAttribute("height", (FONT * 1.5).toFixed(1));
    hover.setAttribute("visibility", "visible");
  }

  // -- pan and zoom: edges are scaled as a group; nodes and labels keep their screen size.
  const view = { k: 1, x: 0, y: 0 };
  let frame = 0;
  function update() {
    frame = 0;
    viewport.setAttribute("transform",
                          `translate(${view.x.toFixed(2)} ${view.y.toFixed(2)}) scale(${view.k.toFixed(4)})`);
    for (const n of nodes) {
      const [x, y] = pos.get(n.node.iri);
      n.x = x * view.k + view.x;
      n.y = y * view.k + view.y;
      n.g.setAttribute("transform", `translate(${n.x.toFixed(1)} ${n.y.toFixed(1)})`);
    }
    const inside = nodes.filter((n) => n.visible && n.x >= 0 && n.y >= 0
                                && n.x <= WIDTH && n.y <= HEIGHT);
    const candidates = new Set(inside);
    for (const n of nodes) if (!candidates.has(n)) n.text.classList.add("hidden");
    const shown = placeLabels(inside);
    svg.dataset.labelsShown = String(shown);
    svg.dataset.zoom = view.k.toFixed(3);
    hover.setAttribute("visibility", "hidden");
  }
  const schedule = () => { if (!frame) frame = requestAnimationFrame(update); };
  function zoomAt(factor, cx = WIDTH / 2, cy = HEIGHT / 2) {
    const k = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.k * factor));
    view.x = cx - ((cx - view.x) * k) / view.k;
    view.y = cy - ((cy - view.y) * k) / view.k;
    view.k = k;
    schedule();
  }
  function toView(event) {
    const point = svg.createSVGPoint();
    point.x = event.clientX; point.y = event.clientY;
    const m = svg.getScreenCTM();
    return m ? point.matrixTransform(m.inverse()) : { x: WIDTH / 2, y: HEIGHT / 2 };
  }
  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const p = toView(event);
    zoomAt(Math.exp(-event.deltaY * 0.0015), p.x, p.y);
  }, { passive: false });
  let drag = null;
  let dragged = false;
  svg.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    const p = toView(event);
    drag = { x: p.x, y: p.y, vx: view.x, vy: view.y, id: event.pointerId };
    dragged = false;
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.id) return;
    const p = toView(event);
    if (!dragged && Math.hypot(p.x - drag.x, p.y - drag.y) < 4) return;
    if (!dragged) svg.setPointerCapture(event.pointerId);
    dragged = true;
    view.x = drag.vx + p.x - drag.x;
    view.y = drag.vy + p.y - drag.y;
    schedule();
  });
  const endDrag = () => { drag = null; };
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);
  // A drag that ends on a park must not follow its link.
  svg.addEventListener("click", (event) => {
    if (dragged) { event.preventDefault(); event.stopPropagation(); dragged = false; }
  }, true);
  const reset = () => { Object.assign(view, { k: 1, x: 0, y: 0 }); schedule(); };
  for (const [text, key, name, act] of [["+", "in", "zoom in", () => zoomAt(1.5)],
                                        ["−", "out", "zoom out", () => zoomAt(1 / 1.5)],
                                        ["reset", "reset", "show the whole network", reset]]) {
    const button = html("button", { type: "button", title: name, "aria-label": name,
                                    "data-zoom": key }, toolbar, text);
    button.addEventListener("click", act);
  }
  html("span", { class: "viz-hint" }, toolbar,
       "Drag to pan, scroll to zoom; labels that do not fit appear as you zoom in.");
  background.addEventListener("dblclick", () => zoomAt(2));

  // -- evidence of a link, on click.
  function showEvidence(l) {
    if (!evidence) return;
    evidence.replaceChildren();
    for (const d of drawn) d.path.classList.toggle("selected", d.link === l);
    const box = html("div", { class: "viz-evidence-item", "data-edge": l.id || "" }, evidence);
    const passages = (data.evidence || {})[l.membership ? l.membership.iri : l.via] || [];
    if (l.membership) {
      const m = l.membership;
      const head = html("p", {}, box);
      html("a", { href: parks.get(m.member).href }, head, parks.get(m.member).label);
      head.append(" is a member of ");
      html("a", { href: m.allianceHref }, head, m.allianceLabel);
      if (m.roles && m.roles.length) head.append(` (${m.roles.join(", ")})`);
      html("p", { class: "viz-evidence-when" }, box, `Member ${when(m.start, m.end, m.precision)}.`);
    } else {
      const head = html("p", {}, box);
      html("a", { href: l.viaHref }, head, l.viaLabel);
      if (l.kindLabel) head.append(` (${l.kindLabel})`);
      head.append(": ");
      html("a", { href: parks.get(l.source).href }, head, parks.get(l.source).label);
      head.append(" and ");
      html("a", { href: parks.get(l.target).href }, head, parks.get(l.target).label);
      html("p", { class: "viz-evidence-when" }, box,
           `Signed ${when(l.start, l.end, l.precision)}.`);
    }
    for (const p of passages) {
      if (!p.quote && !p.url) continue;
      const figure = html("figure", { class: "viz-quote" }, box);
      if (p.quote) html("blockquote", p.language ? { lang: p.language } : {}, figure, p.quote);
      const cite = html("figcaption", {}, figure, "— ");
      if (p.url) html("a", { href: p.url, rel: "nofollow noopener" }, cite, p.url);
      const bits = [p.language ? `in ${p.language}` : "", p.retrieved ? `retrieved ${p.retrieved}` : ""]
        .filter(Boolean);
      if (bits.length) cite.append(` (${bits.join(", ")})`);
      if (p.note) html("p", { class: "viz-quote-note" }, figure, p.note);
    }
  }
  for (const d of drawn) {
    const open = () => showEvidence(d.link);
    d.hit.addEventListener("click", (event) => { if (!dragged) open(); event.stopPropagation(); });
    d.path.addEventListener("click", open);
  }

  // -- filters by link kind and country.
  const state = { kinds: new Set(TYPES.map(([t]) => t)), country: "" };
  function apply() {
    const countryOf = (iri) => (parks.get(iri) || {}).country || "";
    const visibleNodes = new Set();
    let links = 0;
    for (const d of drawn) {
      const l = d.link;
      const ends = l.membership ? [l.source] : [l.source, l.target];
      const ok = state.kinds.has(l.type)
        && (!state.country || ends.some((iri) => countryOf(iri) === state.country));
      d.path.style.display = ok ? "" : "none";
      d.hit.style.display = ok ? "" : "none";
      if (ok) {
        links += 1;
        visibleNodes.add(l.source); visibleNodes.add(l.target);
      }
    }
    if (focus && byIri.has(focus)) visibleNodes.add(focus);
    let parksShown = 0;
    for (const n of nodes) {
      n.visible = visibleNodes.has(n.node.iri);
      n.link.style.display = n.visible ? "" : "none";
      if (n.visible && !n.node.hub) parksShown += 1;
    }
    if (note) note.textContent = `${parksShown} of ${data.nodes.length} parks, `
      + `${links} of ${drawn.length} links shown.`;
    update();
  }
  if (filters) {
    filters.replaceChildren();
    for (const [type, text] of TYPES) {
      if (!drawn.some((d) => d.link.type === type)) continue;
      const label = html("label", { class: "viz-legend-item" }, filters);
      const box = html("input", { type: "checkbox", "data-filter-kind": type }, label);
      box.checked = true;
      html("span", { class: "viz-swatch", style: `background:${COLOURS[type]}` }, label);
      label.append(text);
      box.addEventListener("change", () => {
        if (box.checked) state.kinds.add(type); else state.kinds.delete(type);
        apply();
      });
    }
    const countries = new Map();
    for (const p of data.nodes) if (p.country) countries.set(p.country, p.countryLabel || p.country);
    if (countries.size > 1) {
      const label = html("label", {}, filters, "Country ");
      const select = html("select", { "data-filter": "country" }, label);
      html("option", { value: "" }, select, "all");
      for (const [value, text] of [...countries.entries()].sort((a, b) => a[1].localeCompare(b[1]))) {
        html("option", { value }, select, text);
      }
      select.addEventListener("change", () => { state.country = select.value; apply(); });
    }
  }
  apply();
  return svg;
}

/** The legend of edge types (the network page puts its filters here instead). */
export function drawLegend(container) {
  container.replaceChildren();
  for (const [type, text] of TYPES) {
    const item = html("span", { class: "viz-legend-item" }, container);
    html("span", { class: "viz-swatch", style: `background:${COLOURS[type]}` }, item);
    item.append(text);
  }
}
