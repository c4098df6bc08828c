// Reference harness: parse Mermaid architecture-beta text with the real
// mermaid-js (under jsdom) and print a normalised JSON reading of its db.
//
// Usage:
//   node parse_architecture.mjs [file]          one diagram (file or stdin) -> one JSON object
//   node parse_architecture.mjs --batch [file]  stdin/file is a JSON array of diagram texts
//                                               -> JSON array of results (one node process)
// On a parse error (single mode) prints {"error": "..."} and exits 1.
// In batch mode every element is either a reading or {"error": "..."}; exit 0.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!DOCTYPE html><html><body></body></html>', { pretendToBeVisual: true });
const g = globalThis;
g.window = dom.window;
g.document = dom.window.document;
for (const k of ['DOMParser', 'Element', 'HTMLElement', 'Node', 'SVGElement', 'XMLSerializer', 'MutationObserver']) {
  if (dom.window[k] && !(k in g)) g[k] = dom.window[k];
}
try { if (!('navigator' in g)) g.navigator = dom.window.navigator; } catch { /* read-only in newer node */ }

const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', logLevel: 'fatal' });

// mermaid.render() passes the front-matter title as metadata (as in parse_flowchart.mjs).
function frontMatterTitle(text) {
  const m = /^\s*-{3}\s*[\n\r]([\s\S]*?)[\n\r]-{3}\s*[\n\r]+/.exec(text);
  if (!m) return undefined;
  const t = /^title:[ \t]*(.*?)[ \t]*$/m.exec(m[1]);
  if (!t) return undefined;
  let v = t[1];
  if (v.length >= 2 && v[0] === v[v.length - 1] && (v[0] === '"' || v[0] === "'")) v = v.slice(1, -1);
  return v;
}

const opt = (v) => (v === undefined || v === '' ? null : v);

async function readingOf(text) {
  const title = frontMatterTitle(text);
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text, title ? { title } : {});
  if (diagram.type !== 'architecture') return { error: `not an architecture diagram: ${diagram.type}` };
  const db = diagram.db;
  return {
    title: db.getDiagramTitle?.() || null,
    accTitle: db.getAccTitle?.() || null,
    accDescr: db.getAccDescription?.() || null,
    groups: db.getGroups().map((x) => ({ id: x.id, icon: opt(x.icon), title: opt(x.title), in: opt(x.in) })),
    services: db.getServices().map((x) => ({
      id: x.id, icon: opt(x.icon), iconText: opt(x.iconText), title: opt(x.title), in: opt(x.in),
    })),
    junctions: db.getJunctions().map((x) => ({ id: x.id, in: opt(x.in) })),
    edges: db.getEdges().map((e) => ({
      lhsId: e.lhsId, lhsDir: e.lhsDir, lhsInto: !!e.lhsInto, lhsGroup: !!e.lhsGroup,
      rhsId: e.rhsId, rhsDir: e.rhsDir, rhsInto: !!e.rhsInto, rhsGroup: !!e.rhsGroup,
      title: opt(e.title),
    })),
    aligns: (db.getLayoutHints?.() ?? []).map((h) => ({ direction: h.direction, members: [...h.members] })),
  };
}

async function safeReading(text) {
  try {
    return await readingOf(text);
  } catch (err) {
    return { error: String(err?.message ?? err) };
  }
}

const args = process.argv.slice(2);
const batch = args[0] === '--batch';
if (batch) args.shift();
const input = args.length ? readFileSync(args[0], 'utf8') : readFileSync(0, 'utf8');

if (batch) {
  const texts = JSON.parse(input);
  const out = [];
  for (const t of texts) out.push(await safeReading(t));
  process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0));
} else {
  const res = await safeReading(input);
  process.stdout.write(JSON.stringify(res) + '\n', () => process.exit(res.error ? 1 : 0));
}
