// The world map: Natural Earth outlines (vendored, pre-projected) and one marker per park.
// Equirectangular projection: x = longitude + 180, y = 90 - latitude, as in world-110m.json.
import { el, html, title } from "./svg.js";

const worlds = new Map();

/** The vendored country outlines, fetched once per page. */
export function loadWorld(url) {
  if (!worlds.has(url)) worlds.set(url, fetch(url).then((r) => r.json()));
  return worlds.get(url);
}

/** SVG coordinates of a latitude / longitude. */
export function project(lat, long) {
  return [Number(long) + 180, 90 - Number(lat)];
}

/** The view box showing every point with a margin (the whole world for none or one far off). */
function fitBox(points, world) {
  const [wx, wy, ww, wh] = world.viewBox;
  if (points.length === 0) return [wx, wy, ww, wh];
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  let w = Math.max(...xs) - Math.min(...xs) + 30;
  let h = Math.max(...ys) - Math.min(...ys) + 20;
  // Keep the world's aspect ratio so countries are not stretched.
  if (w / h > ww / wh) h = (w * wh) / ww; else w = (h * ww) / wh;
  if (w >= ww) return [wx, wy, ww, wh];
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
  const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  const x = Math.min(Math.max(cx - w / 2, wx), wx + ww - w);
  const y = Math.min(Math.max(cy - h / 2, wy), wy + wh - h);
  return [x, y, w, h];
}

/**
 * Draw parks ({href, label, lat, long, kind, kindLabel, country, countryLabel}) on the map
 * into container. Options: fit (zoom to the parks), label (aria label).
 */
export function drawMap(container, parks, world, { fit = false, label = "World map of parks" } = {}) {
  container.replaceChildren();
  const points = parks.map((p) => project(p.lat, p.long));
  const box = fit ? fitBox(points, world) : world.viewBox;
  const scale = box[2] / world.viewBox[2]; // markers keep their size when zoomed in
  const svg = el("svg", { viewBox: box.join(" "), class: "viz-map-svg", role: "img",
                          "aria-label": label }, container);
  el("rect", { x: world.viewBox[0], y: world.viewBox[1], width: world.viewBox[2],
               height: world.viewBox[3], class: "sea" }, svg);
  const land = el("g", { class: "land" }, svg);
  for (const country of world.countries) {
    title(el("path", { d: country.d, class: "country" }, land), country.name);
  }
  const markers = el("g", { class: "markers" }, svg);
  parks.forEach((park, i) => {
    const [x, y] = points[i];
    const link = el("a", { href: park.href, class: "park-link", "data-kind": park.kind,
                           "data-country": park.country }, markers);
    el("circle", { cx: x.toFixed(3), cy: y.toFixed(3), r: (1.5 * scale).toFixed(3),
                   class: "park-marker", "stroke-width": (0.4 * scale).toFixed(3) }, link);
    const where = [park.kindLabel, park.countryLabel].filter(Boolean).join(", ");
    title(link, where ? `${park.label} (${where})` : park.label);
  });
  return svg;
}

/** Kind and country selects that show only the matching markers. */
export function addFilters(container, svg, parks) {
  container.replaceChildren();
  const choices = (key, labelKey) => {
    const seen = new Map();
    for (const p of parks) if (p[key]) seen.set(p[key], p[labelKey] || p[key]);
    return [...seen.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  };
  const count = html("span", { class: "viz-count" });
  const selects = {};
  for (const [key, labelKey, name] of [["kind", "kindLabel", "Kind"],
                                       ["country", "countryLabel", "Country"]]) {
    const label = html("label", {}, container, `${name} `);
    const select = html("select", { "data-filter": key }, label);
    html("option", { value: "" }, select, "all");
    for (const [value, text] of choices(key, labelKey)) html("option", { value }, select, text);
    select.addEventListener("change", apply);
    selects[key] = select;
  }
  container.appendChild(count);
  function apply() {
    let shown = 0;
    for (const link of svg.querySelectorAll("a.park-link")) {
      const ok = ["kind", "country"].every(
        (k) => !selects[k].value || link.dataset[k] === selects[k].value);
      link.style.display = ok ? "" : "none";
      if (ok) shown += 1;
    }
    count.textContent = `${shown} of ${parks.length} parks shown`;
  }
  apply();
}
