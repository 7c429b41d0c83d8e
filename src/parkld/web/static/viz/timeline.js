// The timeline in SVG: one lane per kind of item (items close in time stacked in rows), a
// linear year axis, periods as bars, the "as of" day as a line; and the same items as a list
// below for reading and screen readers.
import { COLOURS, el, html, title } from "./svg.js";

const WIDTH = 800;
const LANES = [["agreement", "Agreements"], ["membership", "Memberships"],
               ["status", "Status"], ["event", "Events"]];
const ROW = 12; // height of one row of marks inside a lane
const PAD = 11; // space above and below a lane's rows
const R = 5; // mark radius
const LEFT = 100;
const RIGHT = 20;
const TOP = 10;

const day = (text) => new Date(`${text}T00:00:00Z`).getTime();

/**
 * Rows for the items of one lane: each item goes to the first row where it does not touch
 * the item before it (its mark, or its period bar), so that nothing drawn overlaps.
 */
function stack(placed) {
  const ends = []; // per row: the x where its last item ends
  for (const p of placed) {
    const from = p.x0 - R - 1;
    let row = ends.findIndex((end) => end <= from);
    if (row < 0) { row = ends.length; ends.push(0); }
    ends[row] = Math.max(p.x0, p.x1) + R + 1;
    p.row = row;
  }
  return Math.max(ends.length, 1);
}

/** Draw {items, status, asOf} into container (the SVG) and list (an <ol>, optional). */
export function drawTimeline(container, data, list = null) {
  container.replaceChildren();
  const items = data.items;
  if (items.length === 0) {
    const height = TOP + LANES.length * (ROW + 2 * PAD) + 30;
    const svg = el("svg", { viewBox: `0 0 ${WIDTH} ${height}`, class: "viz-timeline-svg",
                            role: "img", "aria-label": "Timeline" }, container);
    el("text", { x: WIDTH / 2, y: height / 2, "text-anchor": "middle", class: "viz-empty" }, svg)
      .textContent = "Nothing dated up to this day.";
    if (list) list.replaceChildren();
    return svg;
  }
  // A linear scale by date from the first item's year to the year after the last one: the
  // years between are as wide as they are long, whether crowded or empty.
  const times = items.flatMap((i) => [day(i.date), i.end ? day(i.end) : day(i.date)]);
  if (data.asOf) times.push(day(data.asOf));
  const firstYear = new Date(Math.min(...times)).getUTCFullYear();
  const lastYear = new Date(Math.max(...times)).getUTCFullYear() + 1;
  const t0 = Date.UTC(firstYear, 0, 1);
  const t1 = Date.UTC(lastYear, 0, 1);
  const x = (t) => LEFT + ((t - t0) / (t1 - t0)) * (WIDTH - LEFT - RIGHT);

  const placed = items.map((item) => ({ item, lane: LANES.findIndex(([t]) => t === item.type),
                                        x0: x(day(item.date)),
                                        x1: item.end ? x(day(item.end)) : x(day(item.date)),
                                        row: 0 }));
  const rows = LANES.map((_, lane) => stack(placed.filter((p) => p.lane === lane)
    .sort((a, b) => a.x0 - b.x0)));
  const laneTop = [];
  let y = TOP;
  for (const n of rows) { laneTop.push(y); y += n * ROW + 2 * PAD; }
  const axisY = y;
  const height = axisY + 30;
  const svg = el("svg", { viewBox: `0 0 ${WIDTH} ${height}`, class: "viz-timeline-svg",
                          role: "img", "aria-label": "Timeline" }, container);
  svg.dataset.from = String(firstYear);
  svg.dataset.to = String(lastYear);

  LANES.forEach(([, text], i) => {
    const top = laneTop[i];
    el("rect", { x: LEFT, y: top, width: WIDTH - LEFT - RIGHT, height: rows[i] * ROW + 2 * PAD,
                 class: `lane-band lane-${i % 2}` }, svg);
    el("text", { x: 4, y: top + PAD + 4, class: "lane-label" }, svg).textContent = text;
  });
  const span = lastYear - firstYear;
  const every = span > 40 ? 10 : span > 16 ? 5 : span > 8 ? 2 : 1;
  for (let year = firstYear; year <= lastYear; year += 1) {
    const tx = x(Date.UTC(year, 0, 1));
    el("line", { x1: tx, x2: tx, y1: TOP, y2: axisY + (year % every ? 2 : 4),
                 class: year % every ? "tick minor" : "tick" }, svg);
    if (year % every) continue;
    el("text", { x: tx, y: axisY + 18, "text-anchor": "middle", class: "tick-label" }, svg)
      .textContent = String(year);
  }
  const marks = el("g", { class: "items" }, svg);
  for (const p of placed) {
    const { item } = p;
    const cy = laneTop[p.lane] + PAD + p.row * ROW + ROW / 2;
    const link = el("a", { href: item.href, class: `timeline-item item-${item.type}`,
                           "data-type": item.type, "data-date": item.date,
                           "data-row": String(p.row) }, marks);
    const colour = COLOURS[item.type] || "#444";
    if (item.end) {
      el("line", { x1: p.x0, x2: p.x1, y1: cy, y2: cy, stroke: colour, class: "period" }, link);
    }
    // Filled: a day is known; hollow: only the year, or only the reporting source's date.
    el("circle", { cx: p.x0.toFixed(1), cy: cy.toFixed(1), r: R, stroke: colour,
                   fill: item.precision === "day" ? colour : "#fff", class: "mark" }, link);
    const when = item.precision === "year" ? item.date.slice(0, 4)
      : item.precision === "by" ? `by ${item.date}` : item.date;
    title(link, `${when}: ${item.label}${item.end ? ` (until ${item.end})` : ""}`);
  }
  if (data.asOf) {
    const ax = x(day(data.asOf));
    el("line", { x1: ax, x2: ax, y1: TOP - 4, y2: axisY, class: "as-of" }, svg);
  }
  if (list) {
    list.replaceChildren();
    for (const item of items) {
      const li = html("li", { "data-type": item.type }, list);
      const when = item.precision === "year" ? item.date.slice(0, 4)
        : item.precision === "by" ? `by ${item.date}` : item.date;
      html("time", { datetime: item.date }, li, when);
      li.append(` ${item.type}: `);
      html("a", { href: item.href }, li, item.label);
      if (item.end) li.append(` (until ${item.end})`);
    }
  }
  return svg;
}

/** A sentence per organisation: its status on the day (from its latest record). */
export function drawStatus(container, data) {
  container.replaceChildren();
  for (const s of data.status) {
    const when = s.precision === "year" ? s.since.slice(0, 4) : s.since;
    html("p", { class: "viz-status" }, container,
         `${s.aboutLabel}: ${s.statusLabel} (since ${when})`);
  }
}
