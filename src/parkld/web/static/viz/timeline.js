// The timeline in SVG: one lane per kind of item, a year axis, periods as bars, the "as of"
// day as a line; and the same items as a list below for reading and screen readers.
import { COLOURS, el, html, title } from "./svg.js";

const WIDTH = 800;
const LANES = [["agreement", "Agreements"], ["membership", "Memberships"],
               ["status", "Status"], ["event", "Events"]];
const LANE_HEIGHT = 34;
const LEFT = 100;
const RIGHT = 20;
const TOP = 10;

const day = (text) => new Date(`${text}T00:00:00Z`).getTime();

/** Draw {items, status, asOf} into container (the SVG) and list (an <ol>, optional). */
export function drawTimeline(container, data, list = null) {
  container.replaceChildren();
  const height = TOP + LANES.length * LANE_HEIGHT + 30;
  const svg = el("svg", { viewBox: `0 0 ${WIDTH} ${height}`, class: "viz-timeline-svg",
                          role: "img", "aria-label": "Timeline" }, container);
  const items = data.items;
  if (items.length === 0) {
    el("text", { x: WIDTH / 2, y: height / 2, "text-anchor": "middle", class: "viz-empty" }, svg)
      .textContent = "Nothing dated up to this day.";
    if (list) list.replaceChildren();
    return svg;
  }
  const times = items.flatMap((i) => [day(i.date), i.end ? day(i.end) : day(i.date)]);
  if (data.asOf) times.push(day(data.asOf));
  const firstYear = new Date(Math.min(...times)).getUTCFullYear();
  const lastYear = new Date(Math.max(...times)).getUTCFullYear() + 1;
  const t0 = Date.UTC(firstYear, 0, 1);
  const t1 = Date.UTC(lastYear, 0, 1);
  const x = (t) => LEFT + ((t - t0) / (t1 - t0)) * (WIDTH - LEFT - RIGHT);
  const axisY = TOP + LANES.length * LANE_HEIGHT;

  LANES.forEach(([, text], i) => {
    const y = TOP + i * LANE_HEIGHT + LANE_HEIGHT / 2;
    el("line", { x1: LEFT, x2: WIDTH - RIGHT, y1: y, y2: y, class: "lane" }, svg);
    el("text", { x: 4, y: y + 4, class: "lane-label" }, svg).textContent = text;
  });
  const span = lastYear - firstYear;
  const every = span > 40 ? 10 : span > 16 ? 5 : span > 8 ? 2 : 1;
  for (let year = firstYear; year <= lastYear; year += 1) {
    if (year % every) continue;
    const tx = x(Date.UTC(year, 0, 1));
    el("line", { x1: tx, x2: tx, y1: TOP, y2: axisY + 4, class: "tick" }, svg);
    el("text", { x: tx, y: axisY + 18, "text-anchor": "middle", class: "tick-label" }, svg)
      .textContent = String(year);
  }
  const marks = el("g", { class: "items" }, svg);
  const stack = new Map(); // items on the same lane and spot are nudged apart
  for (const item of items) {
    const lane = LANES.findIndex(([type]) => type === item.type);
    const x0 = x(day(item.date));
    const slot = `${lane} ${Math.round(x0 / 6)}`;
    const n = stack.get(slot) || 0;
    stack.set(slot, n + 1);
    const y = TOP + lane * LANE_HEIGHT + LANE_HEIGHT / 2 + ((n % 3) - 1) * 7 * (n > 0);
    const link = el("a", { href: item.href, class: `timeline-item item-${item.type}`,
                           "data-type": item.type }, marks);
    const colour = COLOURS[item.type] || "#444";
    if (item.end) {
      el("line", { x1: x0, x2: x(day(item.end)), y1: y, y2: y, stroke: colour,
                   class: "period" }, link);
    }
    // Filled: a day is known; hollow: only the year, or only the reporting source's date.
    el("circle", { cx: x0.toFixed(1), cy: y.toFixed(1), r: 5, stroke: colour,
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
