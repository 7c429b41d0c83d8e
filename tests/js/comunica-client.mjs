// Comunica as a client of a live parkld server: run a SPARQL SELECT over the given sources
// (an entity document IRI, or "sparql@URL" for the endpoint) and print the bindings as JSON.
// Usage: node comunica-client.mjs QUERY SOURCE...
import { QueryEngine } from "@comunica/query-sparql";

const [query, ...sources] = process.argv.slice(2);
const engine = new QueryEngine();
const parsed = sources.map((s) => s.startsWith("sparql@")
  ? { type: "sparql", value: s.slice("sparql@".length) } : s);
const stream = await engine.queryBindings(query, { sources: parsed, lenient: false });
const rows = (await stream.toArray()).map((b) => Object.fromEntries(
  [...b].map(([variable, term]) => [variable.value, { termType: term.termType, value: term.value }])));
process.stdout.write(JSON.stringify(rows));
