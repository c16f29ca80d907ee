// Golden events: what each official phoenix_live_view client sends for user actions.
//
// For every fixture and client profile this loads the release's own bundle (with the Phoenix
// socket of its era) into a fresh jsdom window, joins one view whose join reply renders the
// fixture, then performs the fixture's steps with real DOM events (click, input/change,
// submit, keydown/keyup, focusin/focusout, window focus/blur, hook pushEvent/pushEventTo,
// live links) on a fake clock, and records per step the frames the client sent and the
// body's HTML afterwards (loading classes, data-phx-ref*, phx-disable-with). A "reply" step
// answers every pending push with ok {}, so the undoing of loading states is recorded too.
//
//   node make-events.mjs [OUT.json]      (default: stdout)
//
// Nothing of the clients is copied: their files are read from node_modules at run time.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { FIXTURES } from './events-fixtures.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const NODE_MODULES = process.env.LVH_NODE_MODULES || path.resolve(here, '../../../node_modules');
const nmRequire = createRequire(path.join(NODE_MODULES, 'noop.js'));
const { JSDOM, VirtualConsole } = nmRequire('jsdom');

const PROFILES = {
  '0.15.7': { lv: 'phoenix_live_view-0.15.7', phx: 'phoenix-1.5.14', global: 'phoenix_live_view' },
  '0.18': { lv: 'phoenix_live_view-0.18.0', phx: 'phoenix-1.6.16', global: 'LiveView' },
  '0.20': { lv: 'phoenix_live_view-0.20.1', phx: 'phoenix-1.7.21', global: 'LiveView' },
  '1.0': { lv: 'phoenix_live_view-1.0.19', phx: 'phoenix-1.8.9', global: 'LiveView' },
  '1.2': { lv: 'phoenix_live_view-1.2.12', phx: 'phoenix-1.8.9', global: 'LiveView' },
};

const sources = new Map();
function source(file) {
  if (!sources.has(file)) sources.set(file, fs.readFileSync(path.join(NODE_MODULES, file), 'utf8'));
  return sources.get(file);
}

const tick = () => new Promise((r) => setImmediate(r));

// setTimeout & co. on a clock that moves only when told.
function installClock(w) {
  const clock = { now: 0, seq: 0, timers: new Map() };
  w.setTimeout = (fn, ms = 0, ...args) => {
    const id = ++clock.seq;
    clock.timers.set(id, { at: clock.now + Math.max(0, Number(ms) || 0), fn: () => fn(...args) });
    return id;
  };
  w.clearTimeout = (id) => { clock.timers.delete(id); };
  w.setInterval = () => 0;
  w.clearInterval = () => {};
  w.requestAnimationFrame = (fn) => w.setTimeout(() => fn(clock.now), 0);
  w.cancelAnimationFrame = (id) => w.clearTimeout(id);
  clock.runUntil = async (until) => {
    for (;;) {
      await tick();
      let next = null;
      for (const [id, t] of clock.timers) {
        if (t.at <= until && (next === null || t.at < next[1].at || (t.at === next[1].at && id < next[0]))) next = [id, t];
      }
      if (!next) break;
      clock.timers.delete(next[0]);
      clock.now = Math.max(clock.now, next[1].at);
      next[1].fn();
    }
    clock.now = Math.max(clock.now, until);
    await tick();
  };
  return clock;
}

// Splits "<p>{{1}}</p>" into statics and component dynamics.
function rendered(fx) {
  const parts = fx.html.split(/\{\{(\d+)\}\}/);
  const r = { s: [] };
  let d = 0;
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) r.s.push(parts[i]);
    else r[String(d++)] = Number(parts[i]);
  }
  if (fx.components) {
    r.c = {};
    for (const [cid, html] of Object.entries(fx.components)) r.c[cid] = { s: [html], r: 1 };
  }
  return r;
}

async function runFixture(profile, fx) {
  const p = PROFILES[profile];
  const viewId = 'phx-F';
  const attrs = profile === '0.15.7'
    ? `data-phx-view="V" data-phx-session="S" data-phx-static="" data-phx-main="true" id="${viewId}"`
    : `data-phx-session="S" data-phx-static="" data-phx-main="true" id="${viewId}"`;
  const body = `${fx.before || ''}<div ${attrs}></div>${fx.after || ''}`;
  const vc = new VirtualConsole();
  const dom = new JSDOM(`<!DOCTYPE html><html><head><title>t</title></head><body>${body}</body></html>`,
    { url: 'http://localhost/page?x=1', runScripts: 'outside-only', pretendToBeVisual: true, virtualConsole: vc });
  const w = dom.window;
  const clock = installClock(w);
  w.console.error = () => {};
  w.console.log = () => {};
  w.console.warn = () => {};
  w.HTMLElement.prototype.scrollIntoView = function () {};
  w.scrollTo = () => {};
  // jsdom lays nothing out; elements count as visible (phx-click-away checks).
  Object.defineProperty(w.HTMLElement.prototype, 'offsetWidth', { configurable: true, get() { return 10; } });
  Object.defineProperty(w.HTMLElement.prototype, 'innerText', {
    configurable: true,
    get() { return this.textContent; },
    set(v) { this.textContent = v === null ? '' : String(v); },
  });

  const frames = [];
  const pending = [];
  const joinRender = rendered(fx);
  class FakeWS {
    constructor() {
      this.readyState = 0;
      this.bufferedAmount = 0;
      w.setTimeout(() => { this.readyState = 1; this.onopen && this.onopen(); }, 0);
    }
    send(text) {
      const msg = JSON.parse(text);
      const [joinRef, ref, topic, event, payload] = Array.isArray(msg) ? msg : [msg.join_ref, msg.ref, msg.topic, msg.event, msg.payload];
      if (topic === 'phoenix') return;
      const reply = (response) => {
        const out = [joinRef, ref, topic, 'phx_reply', { status: 'ok', response }];
        w.setTimeout(() => this.onmessage && this.onmessage({ data: JSON.stringify(out) }), 0);
      };
      if (event === 'phx_join' && topic === `lv:${viewId}` && !this.joined) {
        this.joined = true;
        reply({ rendered: joinRender });
        return;
      }
      if (event === 'phx_join') {
        frames.push({ topic, event, payload: { url: payload.url, redirect: payload.redirect } });
        return;
      }
      frames.push({ topic, event, payload });
      pending.push(reply);
    }
    close() { this.readyState = 3; }
  }

  w.eval(source(`${p.phx}/priv/static/phoenix.js`));
  w.eval(source(`${p.lv}/priv/static/phoenix_live_view.js`));
  const Phoenix = w.Phoenix;
  const LV = w[p.global];
  const hooks = {};
  const liveSocket = new LV.LiveSocket('/live', Phoenix.Socket, {
    transport: FakeWS,
    hooks: { H: { mounted() { hooks[this.el.id] = this; } } },
  });
  liveSocket.connect();
  await clock.runUntil(clock.now);

  const doc = w.document;
  const result = { html: doc.body.innerHTML, steps: [] };
  const q = (sel) => {
    const el = doc.querySelector(sel);
    if (!el) throw new Error(`${fx.name}: no element for ${sel}`);
    return el;
  };
  for (const step of fx.steps) {
    const before = frames.length;
    const el = step.sel ? q(step.sel) : null;
    switch (step.act) {
      case 'click':
        el.dispatchEvent(new w.MouseEvent('mousedown', { bubbles: true, cancelable: true, detail: 1 }));
        el.dispatchEvent(new w.MouseEvent('click', { bubbles: true, cancelable: true, detail: 1 }));
        break;
      case 'input':  // type into a text control
        el.value = step.value;
        el.dispatchEvent(new w.Event('input', { bubbles: true }));
        break;
      case 'check':
        el.checked = step.checked;
        el.dispatchEvent(new w.Event('input', { bubbles: true }));
        el.dispatchEvent(new w.Event('change', { bubbles: true }));
        break;
      case 'select':  // pick options by value
        for (const o of el.options) o.selected = step.values.includes(o.value);
        el.dispatchEvent(new w.Event('input', { bubbles: true }));
        el.dispatchEvent(new w.Event('change', { bubbles: true }));
        break;
      case 'submit':
        if (step.submitter) el.requestSubmit(q(step.submitter)); else el.requestSubmit();
        break;
      case 'keydown':
      case 'keyup':
        (el || doc.body).dispatchEvent(new w.KeyboardEvent(step.act, { key: step.key, bubbles: true, cancelable: true }));
        break;
      case 'focus':
        el.dispatchEvent(new w.FocusEvent('focus'));
        el.dispatchEvent(new w.FocusEvent('focusin', { bubbles: true }));
        break;
      case 'blur':
        el.dispatchEvent(new w.FocusEvent('blur'));
        el.dispatchEvent(new w.FocusEvent('focusout', { bubbles: true }));
        break;
      case 'window_focus':
      case 'window_blur':
        w.dispatchEvent(new w.FocusEvent(step.act.slice(7)));
        break;
      case 'hook': {
        const hook = hooks[step.sel.slice(1)];
        if (!hook) throw new Error(`${fx.name}: no hook on ${step.sel}`);
        const push = step.target === undefined
          ? hook.pushEvent(step.event, step.payload)
          : hook.pushEventTo(step.target, step.event, step.payload);
        if (push && typeof push.catch === 'function') push.catch(() => {});
        break;
      }
      case 'advance':
        break;
      case 'reply':
        while (pending.length) pending.shift()({});
        break;
      default:
        throw new Error(`${fx.name}: unknown step ${step.act}`);
    }
    await clock.runUntil(clock.now + (step.act === 'advance' ? step.ms : 0));
    result.steps.push({ frames: frames.slice(before), html: doc.body.innerHTML });
  }
  w.close();
  return result;
}

const out = { generator: 'client-sim/test/golden/make-events.mjs', profiles: Object.keys(PROFILES), fixtures: [] };
for (const fx of FIXTURES) {
  const entry = { name: fx.name, steps: fx.steps, results: {} };
  for (const profile of Object.keys(PROFILES)) {
    if (fx.profiles && !fx.profiles.includes(profile)) continue;
    try {
      entry.results[profile] = await runFixture(profile, fx);
    } catch (e) {
      entry.results[profile] = { error: String(e && e.stack || e) };
    }
  }
  out.fixtures.push(entry);
}
const text = JSON.stringify(out, null, 1) + '\n';
if (process.argv[2]) fs.writeFileSync(process.argv[2], text);
else process.stdout.write(text);
process.exit(0);
