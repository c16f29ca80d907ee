// The official phoenix_live_view client as an oracle: runs a release's own `Rendered` class
// (merge + render) and the part of `View.update` that picks what to render, over a stream of
// {rendered, diffs}, under jsdom, and prints what the container holds after every step in
// the same JSONL shape as `liveharness merge --jsonl`.
//
//   node oracle.mjs --client 1.0 [--view-id ID] [--batch] FILE
//   node oracle.mjs --self-test
//
// Nothing of the clients is copied: their files are read from node_modules at run time.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const NODE_MODULES = process.env.LVH_NODE_MODULES || path.resolve(here, '../../node_modules');
const nmRequire = createRequire(path.join(NODE_MODULES, 'noop.js'));

// One entry per client profile. `shape` is how toString/componentToString return their result.
export const PROFILES = {
  '0.15.7': { pkg: 'phoenix_live_view-0.15.7', esm: true, shape: 'string', magic: false, streams: false },
  '0.18': { pkg: 'phoenix_live_view-0.18.0', shape: 'string', magic: false, streams: false },
  '0.20': { pkg: 'phoenix_live_view-0.20.1', shape: 'array', magic: false, streams: true },
  '1.0': { pkg: 'phoenix_live_view-1.0.19', shape: 'array', magic: true, streams: true },
  '1.2': { pkg: 'phoenix_live_view-1.2.12', shape: 'object', magic: true, streams: true, keyed: true },
};
export const PROFILE_NAMES = Object.keys(PROFILES);

const ALIASES = {
  '0.15': '0.15.7', '0.18.0': '0.18', '0.20.1': '0.20', '1.0.19': '1.0', '1.2.12': '1.2',
};
export function profileName(p) {
  const name = ALIASES[p] || p;
  if (!PROFILES[name]) throw new Error(`unknown client profile '${p}' (one of ${PROFILE_NAMES.join(', ')})`);
  return name;
}

// ---------------------------------------------------------------------------------------
// jsdom environment shared by every client (their code reads DOM globals at call time).

let env = null;
export function domEnv() {
  if (env) return env;
  const { JSDOM } = nmRequire('jsdom');
  const dom = new JSDOM('<!DOCTYPE html><html><head><title></title></head><body></body></html>',
    { url: 'http://localhost/' });
  const w = dom.window;
  for (const k of ['window', 'document', 'Node', 'Element', 'HTMLElement', 'DocumentFragment',
    'HTMLTemplateElement', 'NodeFilter', 'Text', 'Comment', 'HTMLInputElement', 'HTMLFormElement']) {
    globalThis[k] = w[k];
  }
  // Browsers have structuredClone on window; 1.2 prefers it to a JSON round trip.
  if (!('structuredClone' in w)) w.structuredClone = globalThis.structuredClone;
  installInnerText(w);
  installTreeOrderById(w);
  env = { dom, window: w, document: w.document };
  return env;
}

// With duplicate ids jsdom's getElementById answers the element attached to the document
// first; a browser answers the first in tree order (DOM standard). 1.2 deletes a stream item
// by getElementById, so with a duplicate id the two can remove different elements.
function installTreeOrderById(w) {
  const byId = w.Document.prototype.getElementById;
  w.Document.prototype.getElementById = function getElementById(id) {
    const found = byId.call(this, id);
    if (!found) return found;
    const walker = this.createTreeWalker(this, w.NodeFilter.SHOW_ELEMENT);
    for (let n = walker.nextNode(); n && n !== found; n = walker.nextNode()) {
      if (n.getAttribute('id') === found.getAttribute('id')) return n;
    }
    return found;
  };
}

// jsdom has no innerText. The 0.15–0.20 clients set it on a span when a component has text
// at its root; a browser turns each line break into a <br> (HTML "rendered text fragment").
function installInnerText(w) {
  Object.defineProperty(w.HTMLElement.prototype, 'innerText', {
    configurable: true,
    get() { return this.textContent; },
    set(value) {
      const text = value === null ? '' : String(value);
      const doc = this.ownerDocument;
      const frag = doc.createDocumentFragment();
      text.split(/\r\n|\n|\r/).forEach((part, i) => {
        if (i > 0) frag.appendChild(doc.createElement('br'));
        if (part !== '') frag.appendChild(doc.createTextNode(part));
      });
      this.replaceChildren(frag);
    },
  });
}

// ---------------------------------------------------------------------------------------
// Loading a release's classes.

const clients = new Map();
export function loadClient(profile) {
  profile = profileName(profile);
  if (clients.has(profile)) return clients.get(profile);
  domEnv();
  const p = PROFILES[profile];
  const dir = path.join(NODE_MODULES, p.pkg);
  let classes;
  if (p.esm) {
    // An ES module importing morphdom; evaluated with the import and `export`s taken out.
    let src = fs.readFileSync(path.join(dir, 'assets/js/phoenix_live_view.js'), 'utf8');
    src = src.replace(/^import morphdom from "morphdom"\s*$/m, '')
      .replace(/^export default .*$/m, '')
      .replace(/^export /gm, '');
    const fn = new Function('morphdom', `"use strict";\n${src}\n;return {Rendered, DOM};`);
    classes = fn(nmRequire('morphdom'));
  } else {
    const src = fs.readFileSync(path.join(dir, 'priv/static/phoenix_live_view.cjs.js'), 'utf8');
    const mod = { exports: {} };
    const fn = new Function('module', 'exports', 'require', `${src}\n;return {Rendered, DOM: dom_default};`);
    classes = fn(mod, mod.exports, nmRequire);
  }
  const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  const client = { profile, version, ...p, ...classes };
  clients.set(profile, client);
  return client;
}

// ---------------------------------------------------------------------------------------
// Running a stream.

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const jclone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

function unpack(client, res) {
  if (client.shape === 'string') return { html: res, streams: [] };
  if (client.shape === 'array') return { html: res[0], streams: Array.from(res[1]) };
  return { html: res.buffer, streams: Array.from(res.streams) };
}

// Silences the clients' console.error (they log, e.g., text at a component's root).
function quietly(fn) {
  const saved = console.error;
  console.error = () => {};
  try { return fn(); } finally { console.error = saved; }
}

function parseFragment(html) {
  const t = document.createElement('template');
  t.innerHTML = html;
  return t.content;
}

// The key by which a skipped element stands for one the DOM already holds.
function skipKey(el) {
  const magic = el.getAttribute('data-phx-id');
  if (magic !== null) return `m:${magic}`;
  return el.id ? `i:${el.id}` : null;
}

function indexKeyed(root) {
  const map = new Map();
  for (const el of root.querySelectorAll('[data-phx-id], [id]')) {
    const k = skipKey(el);
    if (k && !map.has(k)) map.set(k, el);
  }
  return map;
}

// Every data-phx-skip placeholder under `root` becomes a copy of the element the DOM held.
function resolveSkips(root, previous) {
  for (const ph of Array.from(root.querySelectorAll('[data-phx-skip]'))) {
    if (!ph.isConnected && !root.contains(ph)) continue;
    const k = skipKey(ph);
    const old = k && previous.get(k);
    if (old) ph.replaceWith(old.cloneNode(true));
  }
}

// A component's current top-level elements in the container.
function componentElements(client, container, viewId, cid) {
  if (client.magic) {
    const want = `c${cid}-${viewId}`;
    return Array.from(container.querySelectorAll('[data-phx-id]'))
      .filter((el) => el.getAttribute('data-phx-id') === want).slice(0, 1);
  }
  const sel = `[data-phx-component="${cid}"]`;
  return Array.from(container.querySelectorAll(sel)).filter((el) => {
    for (let a = el.parentElement; a && a !== container; a = a.parentElement) {
      if (a.getAttribute('data-phx-component') === String(cid)) return false;
    }
    return true;
  });
}

// The cids View.update hands to componentPatch, by the release's own DOM helper. ≤0.20.1
// (findParentCIDs) keeps cids the DOM does not show; 1.x (findExistingParentCIDs) drops them.
function parentCids(client, container, viewId, cids) {
  const { DOM } = client;
  if (client.profile === '1.2') return Array.from(DOM.findExistingParentCIDs(viewId, cids));
  if (DOM.findExistingParentCIDs) return Array.from(DOM.findExistingParentCIDs(container, cids));
  return Array.from(DOM.findParentCIDs(container, cids));
}

function isEmpty(obj) {
  for (const _ in obj) return false;
  return true;
}

function extras(raw, extracted, out) {
  if (extracted.title !== undefined) out.title = extracted.title;
  if (Array.isArray(extracted.events) && extracted.events.length > 0) out.events = extracted.events;
  if (isPlainObject(raw.r)) out.reply = raw.r;
  return out;
}

/// Runs one stream through the official client of `profile`; returns the step records.
export function runStream(profile, stream, opts = {}) {
  const client = loadClient(profile);
  const viewId = opts.viewId || stream.view_id || 'phx-view';
  const container = document.createElement('div');
  document.body.appendChild(container);
  const steps = [stream.rendered, ...(stream.diffs || [])];
  const records = [];
  let rendered = null;
  try {
    steps.forEach((input, n) => {
      const snapshot = rendered && { tree: structuredClone(rendered.rendered), magicId: rendered.magicId };
      try {
        const rec = quietly(() => step(client, viewId, container, n, input, () => rendered, (r) => { rendered = r; }));
        records.push(rec);
      } catch (e) {
        if (snapshot) {
          rendered.rendered = snapshot.tree;
          rendered.magicId = snapshot.magicId;
        } else if (n === 0) {
          rendered = null;
        }
        records.push({ step: n, error: { code: 'oracle', message: String((e && e.message) || e) } });
      }
    });
  } finally {
    container.remove();
  }
  return records;
}

function step(client, viewId, container, n, input, getRendered, setRendered) {
  const { Rendered } = client;
  if (!isPlainObject(input)) throw new Error('diff is not an object');
  const raw = jclone(input);
  const extracted = Rendered.extract(jclone(input));
  const diff = extracted.diff;
  const previous = indexKeyed(container);
  const rec = { step: n };
  if (n === 0) {
    const r = new Rendered(viewId, diff);
    const { html, streams } = unpack(client, r.toString());
    const next = document.createElement('div');
    next.innerHTML = html;
    resolveSkips(next, previous);
    setRendered(r);
    container.replaceChildren(...next.childNodes);
    rec.patch = 'full';
    extras(raw, extracted, rec);
    if (streams.length) rec.streams = jclone(streams);
    rec.html = container.innerHTML;
    return rec;
  }
  const r = getRendered();
  if (!r) throw new Error('no join before this diff');
  r.mergeDiff(diff);
  let streams = [];
  if (r.isComponentOnlyDiff(diff)) {
    // As componentPatch does, one cid after the other: render it, then patch its elements
    // if the DOM shows it *now* (≤0.20.1: a new component the patch of its parent has just
    // inserted is patched again; one the DOM does not show is rendered but not patched).
    const cids = parentCids(client, container, viewId, r.componentCIDs(diff));
    const saved = Array.from(container.childNodes).map((n) => n.cloneNode(true));
    const patched = [];
    try {
      for (const cid of cids) {
        if (isEmpty(r.getComponent(diff, cid))) continue;
        const out = unpack(client, r.componentToString(cid));
        streams = streams.concat(out.streams);
        const els = componentElements(client, container, viewId, cid);
        if (els.length === 0) continue;
        const frag = parseFragment(out.html);
        resolveSkips(frag, previous);
        els[0].before(...frag.childNodes);
        els.forEach((el) => el.remove());
        patched.push(cid);
      }
    } catch (e) {
      container.replaceChildren(...saved);
      throw e;
    }
    rec.patch = 'components';
    rec.cids = patched;
  } else if (!isEmpty(diff)) {
    const out = unpack(client, r.toString(r.componentCIDs(diff)));
    streams = out.streams;
    const next = document.createElement('div');
    next.innerHTML = out.html;
    resolveSkips(next, previous);
    container.replaceChildren(...next.childNodes);
    rec.patch = 'full';
  } else {
    rec.patch = 'none';
  }
  extras(raw, extracted, rec);
  if (streams.length) rec.streams = jclone(streams);
  rec.html = container.innerHTML;
  return rec;
}

// ---------------------------------------------------------------------------------------
// HTML normalization (what both sides are compared by).

let normDiv = null;
export function normalizeHtml(html, { sortAttributes = false } = {}) {
  domEnv();
  if (!normDiv) normDiv = document.createElement('div');
  normDiv.innerHTML = html;
  if (sortAttributes) {
    for (const el of normDiv.querySelectorAll('*')) {
      const attrs = Array.from(el.attributes).map((a) => [a.name, a.value]);
      attrs.forEach(([name]) => el.removeAttribute(name));
      attrs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).forEach(([k, v]) => el.setAttribute(k, v));
    }
  }
  return normDiv.innerHTML;
}

// ---------------------------------------------------------------------------------------
// Captures (tests/data/real-frames) as streams.

export const REAL_FRAMES = path.resolve(here, '../data/real-frames');

/// Splits a capture into streams: one per successful join, diffs from replies and pushes.
export function captureStreams(file) {
  const text = fs.readFileSync(file, 'utf8');
  const frames = [];
  const doms = [];
  if (file.endsWith('.txt')) {
    for (const line of text.split('\n')) {
      if (!line.startsWith('<< ')) continue;
      try { frames.push(JSON.parse(line.slice(3))); } catch { /* not a frame */ }
    }
  } else {
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const rec = JSON.parse(line);
      if (rec.dir === 'recv') frames.push(rec.frame);
      if (rec.dir === 'dom') doms.push({ after: frames.length, html: rec.frame });
    }
  }
  const base = path.basename(file).replace(/\.(jsonl|txt)$/, '');
  const streams = [];
  let cur = null;
  frames.forEach((f, i) => {
    if (!Array.isArray(f) || f.length < 5) return;
    const [, , topic, event, payload] = f;
    if (typeof topic !== 'string' || !topic.startsWith('lv:')) return;
    const resp = payload && payload.response;
    if (event === 'phx_reply' && resp && isPlainObject(resp.rendered)) {
      cur = { name: `${base}#${streams.length}`, view_id: topic.slice(3), rendered: resp.rendered, diffs: [], frameIndex: [i] };
      streams.push(cur);
    } else if (cur && topic.slice(3) === cur.view_id) {
      let d = null;
      if (event === 'phx_reply' && resp && isPlainObject(resp.diff)) d = resp.diff;
      else if (event === 'diff' && isPlainObject(payload)) d = payload;
      if (d) { cur.diffs.push(d); cur.frameIndex.push(i); }
    }
  });
  // The DOM a real browser showed at the end, when the capture has one: for the last stream.
  if (doms.length && streams.length) streams[streams.length - 1].dom = doms[doms.length - 1].html;
  for (const s of streams) delete s.frameIndex;
  return streams;
}

/// Which captures run on which profile.
export function captureFilesFor(profile) {
  profile = profileName(profile);
  if (!fs.existsSync(REAL_FRAMES)) return [];
  const all = fs.readdirSync(REAL_FRAMES).sort();
  const pick = (re) => all.filter((f) => re.test(f)).map((f) => path.join(REAL_FRAMES, f));
  const old = [...pick(/^phoenix-0\.15\.7-(scripted|official-client)\.jsonl$/), ...pick(/^liveviewjs-0\.8\.1-.*\.txt$/)];
  const new20 = pick(/^phoenix-0\.20\.17-.*\.jsonl$/);
  switch (profile) {
    case '0.15.7': case '0.18': return old;
    case '0.20': case '1.0': return [...old, ...new20];
    default: return [];
  }
}

// ---------------------------------------------------------------------------------------
// CLI

function parseArgs(argv) {
  const a = { batch: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--client') a.client = argv[++i];
    else if (k === '--view-id') a.viewId = argv[++i];
    else if (k === '--batch') a.batch = true;
    else if (k === '--jsonl') { /* the only output format */ }
    else if (k === '--self-test') a.selfTest = true;
    else if (k === '-h' || k === '--help') a.help = true;
    else a.file = k;
  }
  return a;
}

function selfTest() {
  const missing = ['jsdom', 'morphdom', ...Object.values(PROFILES).map((p) => p.pkg)]
    .filter((m) => !fs.existsSync(path.join(NODE_MODULES, m, 'package.json')));
  if (missing.length) {
    console.log(`SKIP: ${NODE_MODULES} lacks ${missing.join(', ')} (run scripts/setup.sh)`);
    return 77;
  }
  // Captures with the DOM a real browser showed: the official client of the same release
  // must end with that DOM (attributes compared as a set: morphdom keeps the order the
  // dead render had, a fresh render puts the client's attributes first).
  let failed = 0;
  const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failed++; };
  const cases = [['0.15.7', 'phoenix-0.15.7-official-client.jsonl'], ['1.0', 'phoenix-0.20.17-official-client.jsonl']];
  for (const [profile, file] of cases) {
    const [s] = captureStreams(path.join(REAL_FRAMES, file)).slice(-1);
    const recs = runStream(profile, s);
    check(recs.every((r) => !r.error), `${profile} ${file}: ${recs.length} steps without error`);
    const last = recs[recs.length - 1].html;
    const exact = normalizeHtml(last) === normalizeHtml(s.dom);
    const sorted = normalizeHtml(last, { sortAttributes: true }) === normalizeHtml(s.dom, { sortAttributes: true });
    check(sorted, `${profile} ${file}: final DOM equals the captured DOM (attribute order ${exact ? 'equal too' : 'differs'})`);
  }
  // Hand-written streams: the official client refuses exactly the steps a file declares
  // invalid (unless it declares the client accepts them), and valid steps never print
  // "undefined" (a statics/dynamics mismatch the client would silently render).
  const dir = path.join(here, 'streams');
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const s = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    const inv = s.invalid || { steps: [], oracle: 'error' };
    for (const profile of s.profiles) {
      const recs = runStream(profile, s);
      const bad = recs.filter((r) => {
        const declared = inv.steps.includes(r.step);
        if (declared) return inv.oracle === 'error' ? !r.error : false;
        return r.error || /undefined/.test(r.html);
      });
      check(bad.length === 0 && recs.length === s.diffs.length + 1,
        `${profile} streams/${f}${bad.length ? `: step ${bad[0].step} ${bad[0].error ? bad[0].error.message : 'unexpected'}` : ''}`);
    }
  }
  for (const profile of PROFILE_NAMES) {
    for (const f of captureFilesFor(profile)) {
      for (const s of captureStreams(f)) {
        const recs = runStream(profile, s);
        check(recs.every((r) => !r.error) && recs.length === s.diffs.length + 1, `${profile} ${s.name}: ${recs.length} steps`);
      }
    }
  }
  return failed === 0 ? 0 : 1;
}

function main() {
  const a = parseArgs(process.argv.slice(2));
  if (a.help || (!a.selfTest && (!a.client || !a.file))) {
    console.log('usage: node oracle.mjs --client PROFILE [--view-id ID] [--batch] FILE | --self-test');
    return a.help ? 0 : 2;
  }
  if (a.selfTest) return selfTest();
  const text = fs.readFileSync(a.file, 'utf8');
  const streams = a.batch ? text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)) : [JSON.parse(text)];
  const lines = [];
  streams.forEach((s, i) => {
    for (const rec of runStream(a.client, s, { viewId: a.viewId })) {
      lines.push(JSON.stringify(a.batch ? { stream: i, ...rec } : rec));
    }
  });
  process.stdout.write(lines.join('\n') + (lines.length ? '\n' : ''));
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
