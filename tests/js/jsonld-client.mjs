// jsonld.js as a client of a live parkld server: fetch a document (Accept as given), then
// print {"framed": <frame by @type>, "nquads": <toRDF>} as JSON on stdout.
// Usage: node jsonld-client.mjs URL ACCEPT TYPE
// The document loader serves the fetched document and refuses every other URL, so a test
// fails if a document needs a remote context.
import jsonld from "jsonld";

const [url, accept, type] = process.argv.slice(2);
const response = await fetch(url, { headers: { Accept: accept } });
if (!response.ok) {
  console.error(`GET ${url}: ${response.status}`);
  process.exit(2);
}
const doc = await response.json();
const documentLoader = async (wanted) => {
  throw new Error(`refused to load ${wanted}: documents must be self-contained`);
};
const framed = await jsonld.frame(doc, { "@context": doc["@context"] ?? {}, "@type": type },
  { documentLoader });
const nquads = await jsonld.toRDF(doc, { format: "application/n-quads", documentLoader });
process.stdout.write(JSON.stringify({ contentType: response.headers.get("content-type"),
  framed, nquads }));
