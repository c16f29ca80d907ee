// The official client's DOM patching as an oracle: a release's own LiveSocket and View
// (View.onJoin → applyJoinPatch, View.update → DOMPatch over the morphdom it ships with)
// run under jsdom over a stream of {rendered, diffs}; after every step the container's
// innerHTML is recorded. The socket is a stub: joins of nested views never get a reply, so
// their containers keep what the parent put there.
//
//   node patch-oracle.mjs --client 1.0 FILE      (FILE: a stream, or JSONL of streams)
//
// Nothing of the clients is copied: their files are read from node_modules at run time.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { NODE_MODULES, PROFILES, profileName, domEnv } from './oracle.mjs';

const nmRequire = createRequire(path.join(NODE_MODULES, 'noop.js'));

function installGlobals() {
  const { window: w } = domEnv();
  if (globalThis.__lvhPatchGlobals) return w;
  for (const k of Object.getOwnPropertyNames(w)) {
    if (/^(HTML|SVG)\w*Element$/.test(k) || ['CustomEvent', 'Event', 'KeyboardEvent', 'MouseEvent',
      'FocusEvent', 'InputEvent', 'MutationObserver', 'FormData', 'location', 'history',
      'localStorage', 'sessionStorage', 'getComputedStyle', 'DOMParser', 'XMLSerializer',
      'NodeList', 'HTMLCollection', 'Range', 'Attr', 'CharacterData', 'customElements'].includes(k)) {
      if (!(k in globalThis) || k === 'Event' || k === 'CustomEvent') globalThis[k] = w[k];
    }
  }
  if (!('requestAnimationFrame' in globalThis)) globalThis.requestAnimationFrame = (cb) => setTimeout(() => cb(Date.now()), 0);
  if (!('cancelAnimationFrame' in globalThis)) globalThis.cancelAnimationFrame = (id) => clearTimeout(id);
  w.requestAnimationFrame = globalThis.requestAnimationFrame;
  w.scrollTo = () => {};
  globalThis.scrollTo = () => {};
  globalThis.__lvhPatchGlobals = true;
  return w;
}

const clients = new Map();
export function loadPatchClient(profile) {
  profile = profileName(profile);
  if (clients.has(profile)) return clients.get(profile);
  installGlobals();
  const p = PROFILES[profile];
  const dir = path.join(NODE_MODULES, p.pkg);
  let classes;
  if (p.esm) {
    let src = fs.readFileSync(path.join(dir, 'assets/js/phoenix_live_view.js'), 'utf8');
    src = src.replace(/^import morphdom from "morphdom"\s*$/m, '')
      .replace(/^export default .*$/m, '')
      .replace(/^export /gm, '');
    const fn = new Function('morphdom', `"use strict";\n${src}\n;return {Rendered, DOM, View, LiveSocket};`);
    classes = fn(nmRequire('morphdom'));
  } else {
    const src = fs.readFileSync(path.join(dir, 'priv/static/phoenix_live_view.cjs.js'), 'utf8');
    const mod = { exports: {} };
    const fn = new Function('module', 'exports', 'require',
      `${src}\n;return {Rendered, DOM: dom_default, View, LiveSocket};`);
    classes = fn(mod, mod.exports, nmRequire);
  }
  const client = { profile, ...p, ...classes };
  clients.set(profile, client);
  return client;
}

// A phoenix Socket that never connects: channels accept joins and pushes and never answer.
class StubPush {
  receive() { return this; }
}
class StubChannel {
  constructor(topic) { this.topic = topic; this.state = 'joined'; this.joinPush = new StubPush(); }
  on() { return 0; }
  off() {}
  onError() {}
  onClose() {}
  join() { return new StubPush(); }
  leave() { return new StubPush(); }
  push() { return new StubPush(); }
  canPush() { return true; }
}
export class StubSocket {
  constructor() { this.channels = []; }
  channel(topic) { const c = new StubChannel(topic); this.channels.push(c); return c; }
  onOpen() {}
  onError() {}
  onClose() {}
  onMessage() {}
  connect() {}
  disconnect() {}
  isConnected() { return true; }
  hasLogger() { return false; }
  log() {}
  remove() {}
  replaceTransport() {}
  ping() { return true; }
}

const jclone = (v) => JSON.parse(JSON.stringify(v));
const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function quietly(fn) {
  const saved = [console.error, console.warn, console.log];
  console.error = () => {};
  console.warn = () => {};
  try { return fn(); } finally { [console.error, console.warn] = saved; }
}

/// The container element every stream's view lives in (attributes as a dead render has).
export const CONTAINER_ATTRS = [['data-phx-main', ''], ['data-phx-session', 'SESSION'],
  ['data-phx-static', 'STATIC'], ['data-phx-view', 'View']];

/// Runs one stream through the official client's View; returns one record per step:
/// {step, html} or {step, error}. `stream.dead` is the container's markup before the join;
/// `stream.focus` maps a step index to the id of the element focused before it (null: blur).
export function runPatchStream(profile, stream) {
  const client = loadPatchClient(profile);
  const viewId = stream.view_id || 'phx-view';
  document.body.replaceChildren();
  window.sessionStorage.clear();
  const el = document.createElement('div');
  el.id = viewId;
  for (const [k, v] of CONTAINER_ATTRS) el.setAttribute(k, v);
  if (stream.dead) el.innerHTML = stream.dead;
  document.body.appendChild(el);
  const records = [];
  let view = null;
  const steps = [stream.rendered, ...(stream.diffs || [])];
  const focus = stream.focus || {};
  steps.forEach((input, n) => {
    try {
      quietly(() => {
        const sel = focus[String(n)];
        if (sel) {
          const f = document.getElementById(sel);
          if (f) f.focus();
        } else if (sel === null && document.activeElement) {
          document.activeElement.blur();
        }
        if (!isPlainObject(input)) throw new Error('diff is not an object');
        if (n === 0) {
          const liveSocket = new client.LiveSocket('/live', StubSocket, {});
          view = client.profile === '0.15.7'
            ? new client.View(el, liveSocket, null, null, null)
            : new client.View(el, liveSocket, null, null, null);
          liveSocket.roots[view.id] = view;
          liveSocket.main = view;
          view.onJoin({ rendered: jclone(input), liveview_version: liveSocket.version && liveSocket.version() });
          if (view.joinPending) view.onAllChildJoinsComplete();
        } else {
          if (!view || view.joinPending) throw new Error('not joined');
          view.applyDiff('update', jclone(input), ({ diff, events }) => view.update(diff, events));
        }
      });
      records.push({ step: n, html: document.getElementById(viewId).innerHTML });
    } catch (e) {
      records.push({ step: n, error: String((e && e.stack) || e) });
    }
  });
  return records;
}

function main() {
  const argv = process.argv.slice(2);
  let profile = null;
  let file = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--client') profile = argv[++i];
    else file = argv[i];
  }
  if (!profile || !file) {
    console.log('usage: node patch-oracle.mjs --client PROFILE FILE');
    return 2;
  }
  const text = fs.readFileSync(file, 'utf8');
  const streams = text.trim().startsWith('{') && !text.trim().includes('\n{')
    ? [JSON.parse(text)] : text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  const from = Number(process.env.LVH_PATCH_FROM || 0);
  // One write per stream, so a caller that has to kill a hung client keeps what finished.
  streams.forEach((s, i) => {
    if (i < from) return;
    const lines = runPatchStream(profile, s).map((r) => JSON.stringify({ stream: i, ...r }));
    fs.writeSync(1, lines.join('\n') + '\n');
  });
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
  setTimeout(() => process.exit(process.exitCode), 0);
}
