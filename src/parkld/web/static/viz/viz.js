// Boots every picture on the page: elements with data-viz="map|network|timeline" fetch their
// JSON (data-src, with the page's asOf and data-focus) and draw. A form[data-viz-asof] moves
// the day: pictures and download links follow without reloading the page.
import { addFilters, drawMap, loadWorld } from "./map.js";
import { drawLegend, drawNetwork } from "./network.js";
import { drawStatus, drawTimeline } from "./timeline.js";

function pageAsOf() {
  return new URLSearchParams(window.location.search).get("asOf") || "";
}

function withParams(url, params) {
  const target = new URL(url, window.location.href);
  for (const [key, value] of Object.entries(params)) {
    if (value) target.searchParams.set(key, value); else target.searchParams.delete(key);
  }
  return target.pathname + target.search;
}

let generation = 0; // a newer day wins over answers still on their way for an older one

async function render(figure, asOf, ticket) {
  const part = (name) => figure.querySelector(`[data-part="${name}"]`);
  figure.dataset.state = "loading";
  const response = await fetch(withParams(figure.dataset.src,
                                          { asOf, focus: figure.dataset.focus }));
  if (ticket !== generation) return;
  if (!response.ok) {
    part("canvas").textContent = `Could not load the picture: ${await response.text()}`;
    figure.dataset.state = "error";
    return;
  }
  const data = await response.json();
  if (ticket !== generation) return;
  const note = part("note");
  if (figure.dataset.viz === "map") {
    const world = await loadWorld(figure.dataset.world);
    if (ticket !== generation) return;
    const svg = drawMap(part("canvas"), data.parks, world, { fit: Boolean(figure.dataset.focus) });
    if (part("filters")) addFilters(part("filters"), svg, data.parks);
    if (note) note.textContent = data.withoutCoordinates
      ? `${data.withoutCoordinates} more park(s) have no coordinates yet.` : "";
  } else if (figure.dataset.viz === "network") {
    if (part("legend")) drawLegend(part("legend"));
    const evidence = part("evidence");
    if (evidence) evidence.replaceChildren();
    drawNetwork(part("canvas"), data, { focus: figure.dataset.focus, filters: part("filters"),
                                        evidence, note });
  } else if (figure.dataset.viz === "timeline") {
    drawTimeline(part("canvas"), data, part("list"));
    if (part("status")) drawStatus(part("status"), data);
    if (note) note.textContent = data.undated ? `${data.undated} undated item(s) not shown.` : "";
  }
  // A static copy of the site (parkld export-site) holds the pictures for all dates only: its
  // web server ignores ?asOf=, so say what is shown rather than label it with the day asked.
  const shown = data.asOf || "";
  for (const label of figure.querySelectorAll("[data-part=as-of]")) {
    label.textContent = shown ? `as of ${shown}` : "all dates";
  }
  if (asOf && shown !== asOf && note) {
    note.textContent = `This copy of the site shows all dates only (asked: ${asOf}). ${note.textContent}`;
  }
  figure.dataset.state = "ready";
}

function renderAll(asOf) {
  for (const link of document.querySelectorAll("a[data-viz-download]")) {
    link.setAttribute("href", withParams(link.getAttribute("href"), { asOf }));
  }
  generation += 1;
  const ticket = generation;
  return Promise.all([...document.querySelectorAll("[data-viz]")]
    .map((f) => render(f, asOf, ticket)));
}

function shift(text, { months = 0, years = 0 }) {
  const base = text ? new Date(`${text}T00:00:00Z`) : new Date();
  base.setUTCMonth(base.getUTCMonth() + months + 12 * years);
  return base.toISOString().slice(0, 10);
}

function setUpControl(form) {
  const input = form.querySelector("input[name=asOf]");
  // The page may come from a cache shared by every asOf: the address is what counts.
  input.value = pageAsOf();
  let shown = input.value;
  const go = (value) => {
    if (value === shown && value === pageAsOf()) return;
    shown = value;
    input.value = value;
    const url = withParams(window.location.href, { asOf: value });
    // Pages whose own lists follow the day (data-reload) are fetched again for it.
    if (form.hasAttribute("data-reload")) { window.location.assign(url); return; }
    window.history.replaceState(null, "", url);
    renderAll(value);
  };
  form.addEventListener("submit", (event) => { event.preventDefault(); go(input.value); });
  input.addEventListener("change", () => go(input.value));
  for (const button of form.querySelectorAll("[data-step]")) {
    button.addEventListener("click", (event) => {
      event.preventDefault();
      const [amount, unit] = button.dataset.step.split(" ");
      go(shift(input.value, { [unit]: Number(amount) }));
    });
  }
  const clear = form.querySelector("[data-clear]");
  if (clear) clear.addEventListener("click", (event) => { event.preventDefault(); go(""); });
}

const forms = [...document.querySelectorAll("form[data-viz-asof]")];
forms.forEach((form, i) => {
  // One control per page is enough: a page that includes several partials keeps the first.
  if (i > 0) form.hidden = true; else setUpControl(form);
});
renderAll(pageAsOf());
