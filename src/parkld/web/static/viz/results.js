// Pictures of SPARQL SELECT results (application/sparql-results+json), for the query page:
//   pictureKinds(results)                 -> ["map"] / ["network"] / both / []
//   drawResultMap(element, results, opts) -> an SVG map of rows with coordinates
//   drawResultNetwork(element, results, opts) -> an SVG network of the first two IRI columns
// opts: {base: "https://w3id.org/parkld/" (IRIs under it link to local pages),
//        world: URL of world-110m.json (defaults to the one beside this module)}.
import { drawMap, loadWorld } from "./map.js";
import { drawNetwork } from "./network.js";

const LAT = /^(lat|latitude)$/i;
const LONG = /^(long|lon|lng|longitude)$/i;
const WKT_POINT = /^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)\s*$/i;
const DEFAULT_WORLD = new URL("./world-110m.json", import.meta.url).href;

function vars(results) { return results.head?.vars || []; }
function rows(results) { return results.results?.bindings || []; }

function localHref(iri, base) {
  return base && iri.startsWith(base) ? `/${iri.slice(base.length)}` : iri;
}

function coordinates(results) {
  const names = vars(results);
  const lat = names.find((v) => LAT.test(v));
  const long = names.find((v) => LONG.test(v));
  const wkt = names.find((v) => rows(results).some((r) => r[v] && WKT_POINT.test(r[v].value)));
  return { lat, long, wkt };
}

function iriColumns(results) {
  const all = rows(results);
  return vars(results).filter((v) => all.length > 0
    && all.every((r) => !r[v] || r[v].type === "uri") && all.some((r) => r[v]));
}

/** Which pictures these results can be shown as. */
export function pictureKinds(results) {
  const kinds = [];
  const { lat, long, wkt } = coordinates(results);
  if ((lat && long) || wkt) kinds.push("map");
  if (iriColumns(results).length >= 2) kinds.push("network");
  return kinds;
}

function labelOf(row, names, skip) {
  const literal = names.find((v) => !skip.includes(v) && row[v] && row[v].type !== "uri");
  return literal ? row[literal].value : null;
}

/** Rows with coordinates as map points; the first IRI column is what a marker links to. */
export async function drawResultMap(element, results, { base = "", world = DEFAULT_WORLD } = {}) {
  const { lat, long, wkt } = coordinates(results);
  const names = vars(results);
  const link = iriColumns(results)[0];
  const points = [];
  for (const row of rows(results)) {
    let y = lat && row[lat] ? Number(row[lat].value) : NaN;
    let x = long && row[long] ? Number(row[long].value) : NaN;
    const match = wkt && row[wkt] ? WKT_POINT.exec(row[wkt].value) : null;
    if (match) { x = Number(match[1]); y = Number(match[2]); } // WKT is "POINT(long lat)"
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const iri = link && row[link] ? row[link].value : "";
    points.push({ lat: y, long: x, href: iri ? localHref(iri, base) : "#",
                  label: labelOf(row, names, [lat, long, wkt]) || iri || `${y}, ${x}`,
                  kind: "", country: "" });
  }
  return drawMap(element, points, await loadWorld(world), { label: "Query results on a map" });
}

/** The first two IRI columns as edges (a third literal column, if any, labels them). */
export function drawResultNetwork(element, results, { base = "" } = {}) {
  const [source, target] = iriColumns(results);
  const names = vars(results);
  const nodes = new Map();
  const edges = [];
  const labelColumn = names.find((v) => ![source, target].includes(v)
    && rows(results).some((r) => r[v] && r[v].type !== "uri"));
  for (const row of rows(results)) {
    if (!row[source] || !row[target]) continue;
    for (const iri of [row[source].value, row[target].value]) {
      if (!nodes.has(iri)) {
        nodes.set(iri, { iri, href: localHref(iri, base),
                         label: iri.replace(/[/#]$/, "").split(/[/#]/).pop() });
      }
    }
    edges.push({ source: row[source].value, target: row[target].value, type: "agreement",
                 viaLabel: labelColumn && row[labelColumn] ? row[labelColumn].value
                   : `${source} → ${target}` });
  }
  return drawNetwork(element, { nodes: [...nodes.values()], edges },
                     { label: "Query results as a network" });
}
