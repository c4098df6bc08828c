// Reference harness: parse Mermaid flowchart text with the real mermaid-js
// (under jsdom) and print a normalised JSON graph.
//
// Usage:
//   node parse_flowchart.mjs [file]          one diagram (file or stdin) -> one JSON object
//   node parse_flowchart.mjs --batch [file]  stdin/file is a JSON array of diagram texts
//                                            -> JSON array of results (one node process)
//   node parse_flowchart.mjs --batch --config  each result also has "config": the configuration
//                                            mermaid.parse() gathers from front matter and
//                                            %%{init: ...}%% directives (injection tests)
// On a parse error (single mode) prints {"error": "..."} and exits 1.
// In batch mode every element is either a graph or {"error": "..."}; exit 0.
//
// Entity codes (#quot;, #35;) are pre-encoded exactly like mermaid's render()
// does (encodeEntities) and decoded back in the output, so texts keep the
// entity codes as written.
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

// Same as mermaid's utils encodeEntities (used by mermaid.render before parsing).
function encodeEntities(text) {
  let txt = text;
  txt = txt.replace(/style.*:\S*#.*;/g, (s) => s.substring(0, s.length - 1));
  txt = txt.replace(/classDef.*:\S*#.*;/g, (s) => s.substring(0, s.length - 1));
  txt = txt.replace(/#\w+;/g, (s) => {
    const inner = s.substring(1, s.length - 1);
    return /^\+?\d+$/.test(inner) ? 'ﬂ°°' + inner + '¶ß' : 'ﬂ°' + inner + '¶ß';
  });
  return txt;
}
function decodeEntities(text) {
  if (typeof text !== 'string') return text;
  return text.replace(/ﬂ°°/g, '#').replace(/ﬂ°/g, '#').replace(/¶ß/g, ';');
}

// mermaid.render() passes the front-matter title as metadata; getDiagramFromText
// does not extract it, so do the same here (simple `title:` line, like mermaid's YAML).
function frontMatterTitle(text) {
  const m = /^\s*-{3}\s*[\n\r]([\s\S]*?)[\n\r]-{3}\s*[\n\r]+/.exec(text);
  if (!m) return undefined;
  const t = /^title:[ \t]*(.*?)[ \t]*$/m.exec(m[1]);
  if (!t) return undefined;
  let v = t[1];
  if (v.length >= 2 && v[0] === v[v.length - 1] && (v[0] === '"' || v[0] === "'")) v = v.slice(1, -1);
  return v;
}

async function graphOf(text) {
  const title = frontMatterTitle(text);
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(encodeEntities(text), title ? { title } : {});
  const type = diagram.type;
  if (type !== 'flowchart-v2' && type !== 'flowchart' && type !== 'flowchart-elk') {
    return { error: `not a flowchart: ${type}` };
  }
  const db = diagram.db;
  const vertices = [];
  for (const [id, v] of db.getVertices()) {
    vertices.push({
      id,
      text: decodeEntities(v.text),
      labelType: v.labelType ?? null,
      type: v.type ?? null,
      classes: [...(v.classes ?? [])],
      styles: [...(v.styles ?? [])],
    });
  }
  const edges = db.getEdges().map((e) => ({
    id: e.id ?? null,
    start: e.start,
    end: e.end,
    type: e.type ?? null,
    stroke: e.stroke ?? null,
    text: decodeEntities(e.text ?? ''),
    labelType: e.labelType ?? null,
    length: e.length ?? null,
    style: [...(e.style ?? [])],
    interpolate: e.interpolate ?? null,
    animate: e.animate ?? null,
    animation: e.animation ?? null,
  }));
  const subgraphs = db.getSubGraphs().map((s) => ({
    id: s.id,
    title: decodeEntities(s.title),
    labelType: s.labelType ?? null,
    nodes: [...s.nodes],
    dir: s.dir ?? null,
    classes: [...(s.classes ?? [])],
  }));
  const classDefs = [];
  for (const [name, c] of db.getClasses()) {
    classDefs.push({ name, styles: [...(c.styles ?? [])], textStyles: [...(c.textStyles ?? [])] });
  }
  const edgeDefaults = db.edges?.defaultStyle ?? null;
  return {
    direction: db.getDirection?.() ?? null,
    title: diagram.db.getDiagramTitle?.() || null,
    vertices,
    edges,
    subgraphs,
    classDefs,
    defaultLinkStyle: edgeDefaults ? [...edgeDefaults] : null,
    defaultInterpolate: db.edges?.defaultInterpolate ?? null,
  };
}

async function safeGraph(text) {
  try {
    const graph = await graphOf(text);
    if (withConfig) graph.config = (await mermaid.parse(encodeEntities(text))).config ?? {};
    return graph;
  } catch (err) {
    return { error: String(err?.message ?? err) };
  }
}

const args = process.argv.slice(2);
const batch = args[0] === '--batch';
if (batch) args.shift();
const withConfig = args[0] === '--config';
if (withConfig) args.shift();
const input = args.length ? readFileSync(args[0], 'utf8') : readFileSync(0, 'utf8');

if (batch) {
  const texts = JSON.parse(input);
  const out = [];
  for (const t of texts) out.push(await safeGraph(t));
  process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0));
} else {
  const res = await safeGraph(input);
  process.stdout.write(JSON.stringify(res) + '\n', () => process.exit(res.error ? 1 : 0));
}
