// The official phoenix_live_view client, whole, as a DOM-level oracle: a release's LiveSocket
// (and the phoenix.js Socket of its era) runs in a jsdom window against a scripted server,
// on a virtual clock, performing a scenario's user actions with real DOM events. After every
// step it records what the browser shows (the main container, title, URL) and what the client
// sent (frames, refs renumbered), one JSON object per line — the same shape
// `liveharness simulate --jsonl` prints. Scenario format: README.md, "DOM-level interop".
//
//   node dom-oracle.mjs --client 1.0 SCENARIO.json
//   node dom-oracle.mjs --self-test
//
// Nothing of the clients is copied: their bundles are read from node_modules at run time.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const NODE_MODULES = process.env.LVH_NODE_MODULES || path.resolve(here, '../../node_modules');
const nmRequire = createRequire(path.join(NODE_MODULES, 'noop.js'));

// Per profile: the LiveView bundle and the phoenix.js of the same era (both self-contained).
export const DOM_PROFILES = {
  '0.15.7': { lv: 'phoenix_live_view-0.15.7/priv/static/phoenix_live_view.js', phx: 'phoenix-1.5.14/priv/static/phoenix.js' },
  '0.18': { lv: 'phoenix_live_view-0.18.0/priv/static/phoenix_live_view.cjs.js', phx: 'phoenix-1.6.16/priv/static/phoenix.cjs.js' },
  '0.20': { lv: 'phoenix_live_view-0.20.1/priv/static/phoenix_live_view.cjs.js', phx: 'phoenix-1.7.21/priv/static/phoenix.cjs.js' },
  '1.0': { lv: 'phoenix_live_view-1.0.19/priv/static/phoenix_live_view.cjs.js', phx: 'phoenix-1.7.21/priv/static/phoenix.cjs.js' },
  '1.2': { lv: 'phoenix_live_view-1.2.12/priv/static/phoenix_live_view.cjs.js', phx: 'phoenix-1.8.9/priv/static/phoenix.cjs.js' },
};
export const DOM_PROFILE_NAMES = Object.keys(DOM_PROFILES);
const ALIASES = { '0.15': '0.15.7', '0.18.0': '0.18', '0.20.1': '0.20', '1.0.19': '1.0', '1.2.12': '1.2' };
export function profileName(p) {
  const name = ALIASES[p] || p;
  if (!DOM_PROFILES[name]) throw new Error(`unknown client profile '${p}' (one of ${DOM_PROFILE_NAMES.join(', ')})`);
  return name;
}

export const CLOCK_START = 1700000000000;
const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const jclone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

// ---------------------------------------------------------------------------------------
// Scenarios

/// Reads a scenario file and resolves what it refers to (page files, captures).
export function loadScenario(file) {
  const s = JSON.parse(fs.readFileSync(file, 'utf8'));
  s.file = file;
  const dir = path.dirname(file);
  if (s.capture) fromCapture(s, dir);
  if (isPlainObject(s.page) && s.page.file) s.page = fs.readFileSync(path.resolve(dir, s.page.file), 'utf8');
  if (typeof s.page !== 'string') throw new Error(`${file}: "page" must be HTML or {"file": …}`);
  if (s.container_id) s.page = s.page.replace(/(<div\b[^>]*\bdata-phx-main\b[^>]*>)/, (tag) => tag.replace(/\bid="[^"]*"/, `id="${s.container_id}"`));
  s.steps = s.steps || [];
  s.replies = s.replies || [];
  return s;
}

// A capture of a real browser session becomes a scenario: its page, the replies and pushes it
// received in order, and the actions the scenario lists for the sends it made. The capture's
// own sends are kept to check the oracle against them ("expect_sent").
function fromCapture(s, dir) {
  const text = fs.readFileSync(path.resolve(dir, s.capture.frames), 'utf8');
  const recs = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  const sent = recs.filter((r) => r.dir === 'send' && Array.isArray(r.frame));
  const recv = recs.filter((r) => r.dir === 'recv' && Array.isArray(r.frame));
  const lvTopic = (f) => typeof f[2] === 'string' && f[2].startsWith('lv:');
  const replies = recv.filter((r) => lvTopic(r.frame) && r.frame[3] === 'phx_reply')
    .map((r) => ({ status: r.frame[4].status, response: r.frame[4].response }));
  s.replies = [...replies, ...(s.replies || [])];
  s.expect_sent = sent.filter((r) => lvTopic(r.frame)).map((r) => [r.frame[3], r.frame[4]]);
  const dom = recs.filter((r) => r.dir === 'dom');
  if (dom.length) s.expect_final_html = dom[dom.length - 1].frame;
  if (!s.page && s.capture.page) s.page = { file: s.capture.page };
  // The page and the frames come from different loads: the container takes the id the
  // capture's join used, so magic ids (1.x) come out as the browser showed them.
  const join = sent.find((r) => r.frame[3] === 'phx_join' && lvTopic(r.frame));
  if (join) s.container_id = join.frame[2].slice(3);
}

// ---------------------------------------------------------------------------------------
// Virtual clock: every timer of the page (setTimeout, setInterval, requestAnimationFrame)
// and Date.now run on it; nothing waits for real time.

class Clock {
  constructor(start) { this.now = start; this.seq = 0; this.timers = new Map(); }
  add(fn, ms, args, repeat) {
    const id = ++this.seq;
    const delay = Math.max(0, Number(ms) || 0);
    this.timers.set(id, { id, fn, args, due: this.now + delay, every: repeat ? Math.max(1, delay) : 0 });
    return id;
  }
  clear(id) { this.timers.delete(id); }
  // The earliest timer due at or before `limit` (ties: the one set first).
  next(limit) {
    let best = null;
    for (const t of this.timers.values()) {
      if (t.due > limit) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    }
    return best;
  }
  fire(t) {
    if (t.every) t.due += t.every; else this.timers.delete(t.id);
    if (typeof t.fn === 'function') t.fn(...t.args);
  }
}

function installClock(w, clock) {
  w.setTimeout = (fn, ms, ...args) => clock.add(fn, ms, args, false);
  w.setInterval = (fn, ms, ...args) => clock.add(fn, ms, args, true);
  w.clearTimeout = (id) => clock.clear(id);
  w.clearInterval = (id) => clock.clear(id);
  // A frame is "now": steps settle every frame before recording.
  w.requestAnimationFrame = (fn) => clock.add(() => fn(clock.now), 0, [], false);
  w.cancelAnimationFrame = (id) => clock.clear(id);
  w.Date.now = () => clock.now;
  if (w.performance) w.performance.now = () => clock.now - CLOCK_START;
}

// ---------------------------------------------------------------------------------------
// The scripted server behind a fake WebSocket. It computes nothing: replies come from the
// scenario's queue in order, pushes from its "server" steps. Heartbeats and phx_leave are
// answered "ok" by itself, as any Phoenix server would.

class ScriptedServer {
  constructor(session) {
    this.s = session;
    this.queue = [];
    this.held = [];
    this.joinRefs = new Map(); // topic -> join_ref of its current join
    this.socket = null;
  }
  connect(ws) { this.socket = ws; }
  receive(text) {
    let frame;
    try { frame = JSON.parse(text); } catch { this.s.note(`client sent non-JSON: ${text}`); return; }
    this.s.sent(frame);
    if (!Array.isArray(frame) || frame.length !== 5) return;
    const [joinRef, ref, topic, event] = frame;
    if (event === 'phx_join') this.joinRefs.set(topic, joinRef);
    if (ref === null) return;
    if (topic === 'phoenix' && event === 'heartbeat') return this.reply(frame, { status: 'ok', response: {} });
    if (event === 'phx_leave') return this.reply(frame, { status: 'ok', response: {} });
    // The component destroy handshake is answered as a server does (protocol.md §3.8.3,
    // none of them rendered again) unless the next scripted reply names that event.
    const head = this.queue[0];
    if ((event === 'cids_will_destroy' || event === 'cids_destroyed') && !(head && head.event === event)) {
      const response = event === 'cids_destroyed' ? { cids: (frame[4] && frame[4].cids) || [] } : {};
      return this.reply(frame, { status: 'ok', response });
    }
    const item = this.queue.shift();
    if (!item) { this.s.note(`no reply scripted for ${event} on ${topic}`); return; }
    if (item.event && item.event !== event) this.s.note(`reply scripted for ${item.event} but the client sent ${event}`);
    if (item.topic && item.topic !== topic) this.s.note(`reply scripted for ${item.topic} but the client sent on ${topic}`);
    if (item.hold) { this.held.push(frame); return; }
    if (item.ignore) return;
    this.reply(frame, item);
  }
  reply(frame, item) {
    const [joinRef, ref, topic] = frame;
    let response = item.response;
    if (response === undefined) {
      response = {};
      for (const k of ['rendered', 'diff', 'reason', 'live_redirect', 'redirect', 'liveview_version']) {
        if (item[k] !== undefined) response[k] = item[k];
      }
    }
    this.push([joinRef, ref, topic, 'phx_reply', { status: item.status || 'ok', response }]);
  }
  replyHeld(item) {
    const frame = this.held.shift();
    if (!frame) { this.s.note('no held push to answer'); return; }
    this.reply(frame, item);
  }
  serverPush(spec) {
    if (spec.frame) return this.push(spec.frame);
    const topic = spec.topic || this.s.mainTopic;
    const joinRef = spec.join_ref !== undefined ? spec.join_ref : (this.joinRefs.get(topic) ?? null);
    const event = spec.event || 'diff';
    const payload = spec.payload !== undefined ? spec.payload : (spec.diff || {});
    this.push([joinRef, null, topic, event, payload]);
  }
  push(frame) {
    const ws = this.socket;
    if (!ws || ws.readyState !== 1) { this.s.note(`server push dropped (socket not open): ${JSON.stringify(frame).slice(0, 80)}`); return; }
    ws._deliver(JSON.stringify(frame));
  }
  closeSocket(code = 1000) { if (this.socket) this.socket._serverClose(code); }
}

function makeWebSocket(w, clock, server, session) {
  return class FakeWebSocket {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;
    constructor(url, protocols) {
      this.url = url;
      this.protocol = '';
      this.readyState = 0;
      this.bufferedAmount = 0;
      this.binaryType = 'blob';
      this.onopen = this.onclose = this.onerror = this.onmessage = null;
      session.connects.push(url);
      void protocols;
      clock.add(() => {
        if (this.readyState !== 0) return;
        this.readyState = 1;
        server.connect(this);
        this.onopen && this.onopen(new w.Event('open'));
      }, 0, [], false);
    }
    send(text) {
      if (this.readyState !== 1) throw new w.DOMException('not open', 'InvalidStateError');
      server.receive(String(text));
    }
    close(code = 1000, reason = '') {
      if (this.readyState >= 2) return;
      this.readyState = 2;
      clock.add(() => this._closed(code, reason, true), 0, [], false);
    }
    _deliver(text) {
      clock.add(() => { if (this.readyState === 1 && this.onmessage) this.onmessage({ data: text }); }, 0, [], false);
    }
    _serverClose(code) {
      if (this.readyState >= 2) return;
      this.readyState = 2;
      clock.add(() => this._closed(code, '', false), 0, [], false);
    }
    _closed(code, reason, clean) {
      this.readyState = 3;
      this.onclose && this.onclose({ code, reason, wasClean: clean });
    }
    addEventListener() {}
    removeEventListener() {}
  };
}

// Live redirects of 0.15 fetch the next container over HTTP: answered from the scenario's
// "http" map ({path: html}, served with the live-link headers), 404 otherwise.
function makeXhr(w, clock, session) {
  return class FakeXhr {
    constructor() { this.readyState = 0; this.status = 0; this.responseText = ''; this.responseURL = ''; this.headers = {}; }
    open(method, url) { this.method = method; this.url = new w.URL(url, w.location.href).href; this.readyState = 1; }
    setRequestHeader() {}
    getResponseHeader(name) { return this.headers[String(name).toLowerCase()] ?? null; }
    send() {
      session.note(`http ${this.method} ${this.url}`);
      const pathq = new w.URL(this.url).pathname + new w.URL(this.url).search;
      const body = (session.sc.http || {})[pathq];
      clock.add(() => {
        this.readyState = 4;
        if (body !== undefined) {
          this.status = 200;
          this.responseText = body;
          this.responseURL = this.url;
          this.headers = { 'x-requested-with': 'live-link', 'x-response-url': this.url };
        } else {
          this.status = 404;
        }
        this.onreadystatechange && this.onreadystatechange();
        this.onload && this.onload();
      }, 0, [], false);
    }
    abort() {}
  };
}

// ---------------------------------------------------------------------------------------
// One run of one scenario on one profile.

// Window events the clients dispatch for their own purposes (not server push events).
const OWN_WINDOW_EVENTS = /^phx:(page-loading-(start|stop)|update|live-file:|navigate|before-navigate|exec|dispatch|live-view:)/;

// jsdom cannot load another document. A navigation away from the page (a hard redirect, a
// reload) is recorded as "navigate" in the step instead, and the page stays as it was.
let jsdomLoaded = null;
function loadJsdom() {
  if (jsdomLoaded) return jsdomLoaded;
  const nav = nmRequire('jsdom/lib/jsdom/living/window/navigation.js');
  const { serializeURL } = nmRequire('whatwg-url');
  const original = nav.navigate;
  nav.navigate = (window, newURL, flags) => {
    const doc = window._document && window._document._URL;
    const sameDoc = doc && !flags.reloadTriggered && serializeURL(doc, true) === serializeURL(newURL, true);
    if (sameDoc || newURL.scheme === 'javascript' || !current) return original(window, newURL, flags);
    current.out.navigate.push(serializeURL(newURL) + (flags.reloadTriggered ? ' (reload)' : ''));
    return undefined;
  };
  jsdomLoaded = nmRequire('jsdom');
  return jsdomLoaded;
}

class Session {
  constructor(profile, scenario) {
    this.profile = profile;
    this.sc = scenario;
    this.clock = new Clock(CLOCK_START);
    this.server = new ScriptedServer(this);
    this.connects = [];
    this.refMap = new Map();
    this.reset();
  }
  reset() { this.out = { sent: [], events: [], hooks: [], replies: [], navigate: [], notes: [], errors: [] }; }
  note(msg) { this.out.notes.push(msg); }
  // Refs renumbered by first appearance (join refs and refs share phoenix's counter).
  label(ref) {
    if (ref === null || ref === undefined) return null;
    if (!this.refMap.has(ref)) this.refMap.set(ref, String(this.refMap.size + 1));
    return this.refMap.get(ref);
  }
  sent(frame) {
    if (!Array.isArray(frame) || frame.length !== 5) { this.out.sent.push(frame); return; }
    const [j, r, topic, event, payload] = frame;
    this.out.sent.push([this.label(j), this.label(r), topic, event, payload]);
  }

  async start() {
    const { JSDOM, VirtualConsole } = loadJsdom();
    const vc = new VirtualConsole();
    vc.on('jsdomError', (e) => this.out.errors.push(`jsdom: ${String(e.message || e).split('\n')[0]}`));
    vc.on('error', (...a) => this.out.errors.push(`console.error: ${a.map(String).join(' ').slice(0, 300)}`));
    const url = this.sc.url || 'http://localhost:4000/';
    this.dom = new JSDOM(this.sc.page, { url, runScripts: 'outside-only', virtualConsole: vc });
    const w = this.dom.window;
    this.window = w;
    if (w.document.readyState === 'loading') {
      await new Promise((res) => w.document.addEventListener('DOMContentLoaded', res, { once: true }));
    }
    installClock(w, this.clock);
    // Scrolling is layout, which jsdom has not; the clients scroll after navigation.
    w.scroll = w.scrollTo = w.scrollBy = () => {};
    // jsdom has no innerText (layout again), which the clients use for phx-disable-with:
    // without it a browser's "Saving..." would read as undefined. For the plain text such
    // elements hold, a browser's innerText is their text content.
    if (!('innerText' in w.HTMLElement.prototype)) {
      Object.defineProperty(w.HTMLElement.prototype, 'innerText', {
        configurable: true,
        get() { return this.textContent; },
        set(v) { this.textContent = String(v); },
      });
    }
    // jsdom has no CSS namespace; 1.2 builds selectors with CSS.escape.
    if (typeof w.CSS !== 'object' || !w.CSS) w.CSS = {};
    if (typeof w.CSS.escape !== 'function') w.CSS.escape = cssEscape;
    w.XMLHttpRequest = makeXhr(w, this.clock, this);
    w.WebSocket = makeWebSocket(w, this.clock, this.server, this);
    const origDispatch = w.dispatchEvent.bind(w);
    w.dispatchEvent = (ev) => {
      if (typeof ev.type === 'string' && ev.type.startsWith('phx:') && !OWN_WINDOW_EVENTS.test(ev.type)) {
        this.out.events.push([ev.type.replace(/^phx:(hook:)?/, ''), jclone(ev.detail ?? null)]);
      }
      return origDispatch(ev);
    };
    const ctx = this.dom.getInternalVMContext();
    const load = (rel) => {
      const file = path.join(NODE_MODULES, rel);
      const src = fs.readFileSync(file, 'utf8');
      const fn = vm.runInContext(`(function(module, exports){${src}\n})`, ctx, { filename: file });
      const mod = { exports: {} };
      fn.call(w, mod, mod.exports);
      return mod.exports;
    };
    const p = DOM_PROFILES[this.profile];
    const { Socket } = load(p.phx);
    const { LiveSocket } = load(p.lv);
    const meta = w.document.querySelector("meta[name='csrf-token']");
    const sock = this.sc.socket || {};
    const params = sock.params || (meta ? { _csrf_token: meta.getAttribute('content') } : {});
    const main = w.document.querySelector('[data-phx-main]') || w.document.querySelector('[data-phx-session]');
    this.mainId = main ? main.id : null;
    this.mainTopic = `lv:${this.mainId}`;
    this.server.queue.push(...jclone(this.sc.replies || []));
    this.liveSocket = this.guard(() => new LiveSocket(sock.path || '/live', Socket, { params, hooks: this.hooks(), ...(sock.options || {}) }));
    if (this.liveSocket) this.guard(() => this.liveSocket.connect());
    await this.settle();
  }

  // Hooks from the scenario, as objects the client instantiates per element: every callback
  // is recorded; "push" pushes on mount, "handle" subscribes to server push events.
  hooks() {
    const defs = this.sc.hooks || {};
    const out = {};
    const session = this;
    this.hookInstances = new Map();
    for (const [name, def] of Object.entries(defs)) {
      const rec = (what, el) => session.out.hooks.push([what, name, el && el.id ? el.id : null]);
      out[name] = {
        mounted() {
          session.hookInstances.set(this.el.id, this);
          rec('mounted', this.el);
          for (const ev of def.handle || []) {
            this.handleEvent(ev, (payload) => session.out.hooks.push(['event', name, this.el.id || null, ev, jclone(payload)]));
          }
          for (const p of def.push_on_mount || []) this.pushEvent(p.event, p.payload || {}, (reply) => session.out.replies.push([p.event, jclone(reply)]));
        },
        beforeUpdate() { rec('beforeUpdate', this.el); },
        updated() { rec('updated', this.el); },
        destroyed() { session.hookInstances.delete(this.el.id); rec('destroyed', this.el); },
        disconnected() { rec('disconnected', this.el); },
        reconnected() { rec('reconnected', this.el); },
      };
    }
    return out;
  }

  guard(fn) {
    try { return fn(); } catch (e) { this.out.errors.push(`client threw: ${String((e && e.stack) || e).split('\n').slice(0, 3).join(' | ')}`); return undefined; }
  }

  // Runs everything due now (timers at the current virtual time, socket messages, microtasks).
  async settle() {
    for (let i = 0; i < 100000; i++) {
      await new Promise((r) => setImmediate(r));
      const t = this.clock.next(this.clock.now);
      if (!t) return;
      this.guard(() => this.clock.fire(t));
    }
    this.note('settle: gave up after 100000 timers');
  }

  async advance(ms) {
    const target = this.clock.now + Math.max(0, Number(ms) || 0);
    for (;;) {
      await this.settle();
      const t = this.clock.next(target);
      if (!t) break;
      this.clock.now = Math.max(this.clock.now, t.due);
    }
    this.clock.now = target;
    await this.settle();
  }

  find(selector) {
    const doc = this.window.document;
    if (selector === 'window') return this.window;
    if (selector === 'document') return doc;
    const all = doc.querySelectorAll(selector);
    if (all.length !== 1) throw new Error(`selector ${selector} matched ${all.length} elements`);
    return all[0];
  }

  async act(a) {
    const w = this.window;
    const kind = a.kind;
    const el = a.selector ? this.find(a.selector) : null;
    const fire = (target, ev) => this.guard(() => target.dispatchEvent(ev));
    const mouse = (type) => new w.MouseEvent(type, { bubbles: true, cancelable: true, composed: true, view: w, detail: 1, button: 0, ...(a.modifiers || {}) });
    switch (kind) {
      case 'click':
      case 'link':
        fire(el, mouse('mousedown'));
        fire(el, mouse('mouseup'));
        fire(el, mouse('click'));
        break;
      case 'set':
        setValue(w, el, a);
        break;
      case 'change': {
        setValue(w, el, a);
        const events = a.events || defaultChangeEvents(el);
        for (const type of events) fire(el, new w.Event(type, { bubbles: true, cancelable: type !== 'input' }));
        break;
      }
      case 'submit':
        if (el instanceof w.HTMLFormElement) {
          const submitter = a.submitter ? this.find(a.submitter) : null;
          this.guard(() => (submitter ? el.requestSubmit(submitter) : el.requestSubmit()));
        } else {
          fire(el, mouse('click'));
        }
        break;
      case 'keydown':
      case 'keyup': {
        const target = el || w.document.activeElement || w.document.body;
        const init = { bubbles: true, cancelable: true, key: a.key, code: a.code || '', ...(a.modifiers || {}) };
        fire(target, new w.KeyboardEvent(kind, init));
        break;
      }
      case 'focus':
        this.guard(() => el.focus());
        break;
      case 'blur':
        this.guard(() => (el || w.document.activeElement).blur());
        break;
      case 'hook': {
        const hook = this.hookInstances && this.hookInstances.get(el.id);
        if (!hook) throw new Error(`no mounted hook on ${a.selector}`);
        const onReply = (reply) => this.out.replies.push([a.event, jclone(reply)]);
        if (a.target !== undefined) this.guard(() => hook.pushEventTo(a.target, a.event, a.payload || {}, onReply));
        else this.guard(() => hook.pushEvent(a.event, a.payload || {}, onReply));
        break;
      }
      case 'back':
        this.guard(() => w.history.back());
        break;
      default:
        throw new Error(`unknown action kind '${kind}'`);
    }
  }

  async doStep(st) {
    if (st.replies) this.server.queue.push(...jclone(st.replies));
    if (st.server) {
      const sv = st.server;
      if (sv.reply_held) this.server.replyHeld(sv.reply_held);
      else if (sv.close) this.server.closeSocket(sv.close === true ? 1000 : sv.close);
      else this.server.serverPush(sv);
      await this.settle();
    } else if (st.action) {
      try { await this.act(st.action); } catch (e) { this.out.errors.push(`action: ${e.message}`); }
      await this.settle();
    } else if (st.advance !== undefined) {
      await this.advance(st.advance);
    } else {
      this.note(`unknown step ${JSON.stringify(st).slice(0, 80)}`);
    }
  }

  record(n, st) {
    const w = this.window;
    const doc = w.document;
    const main = this.mainId ? doc.getElementById(this.mainId) : null;
    const rec = { step: n, do: stepKind(st), now: this.clock.now - CLOCK_START };
    rec.sent = this.out.sent;
    rec.html = main ? main.innerHTML : null;
    rec.container = main ? Array.from(main.attributes).map((at) => [at.name, at.value]) : null;
    rec.title = doc.title;
    rec.url = w.location.href;
    if (n === 0) rec.connects = this.connects.slice();
    if (this.out.events.length) rec.events = this.out.events;
    if (this.out.hooks.length) rec.hooks = this.out.hooks;
    if (this.out.replies.length) rec.replies = this.out.replies;
    if (this.out.navigate.length) rec.navigate = this.out.navigate;
    const active = doc.activeElement;
    if (active && active !== doc.body) rec.focus = describe(active);
    if (this.out.notes.length) rec.notes = this.out.notes;
    if (this.out.errors.length) rec.errors = this.out.errors;
    this.reset();
    return rec;
  }

  close() {
    try { this.window.close(); } catch { /* nothing to do */ }
  }
}

// CSSOM's "serialize an identifier" (what CSS.escape returns in a browser).
function cssEscape(value) {
  const s = String(value);
  const digit = (c) => c >= 0x30 && c <= 0x39;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) out += '\uFFFD';
    else if ((c >= 0x01 && c <= 0x1f) || c === 0x7f || (i === 0 && digit(c)) || (i === 1 && digit(c) && s.charCodeAt(0) === 0x2d)) out += `\\${c.toString(16)} `;
    else if (i === 0 && c === 0x2d && s.length === 1) out += `\\${s[i]}`;
    else if (c >= 0x80 || c === 0x2d || c === 0x5f || digit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) out += s[i];
    else out += `\\${s[i]}`;
  }
  return out;
}

function stepKind(st) {
  if (!st) return 'load';
  if (st.server) return 'server';
  if (st.action) return `action:${st.action.kind}`;
  if (st.advance !== undefined) return 'advance';
  return 'unknown';
}

function describe(el) {
  if (el.id) return `#${el.id}`;
  const name = el.getAttribute && el.getAttribute('name');
  return name ? `${el.localName}[name="${name}"]` : el.localName;
}

// The events a browser fires when the user changes a control: typing fires "input" per
// keystroke (and "change" only on commit: add "commit": true or list "events");
// checkboxes, radios, selects and files fire both.
function defaultChangeEvents(el) {
  const type = (el.getAttribute('type') || '').toLowerCase();
  if (el.localName === 'select' || ['checkbox', 'radio', 'file'].includes(type)) return ['input', 'change'];
  return ['input'];
}

function setValue(w, el, a) {
  if (el.localName === 'select') {
    const want = a.values !== undefined ? a.values.map(String) : [String(a.value)];
    for (const opt of el.options) opt.selected = want.includes(opt.value);
    return;
  }
  const type = (el.getAttribute('type') || '').toLowerCase();
  if (type === 'checkbox' || type === 'radio') {
    el.checked = a.checked !== undefined ? !!a.checked : (type === 'radio' ? true : !el.checked);
    return;
  }
  if (a.value !== undefined) el.value = String(a.value);
  if (a.commit && !(a.events || []).includes('change')) {
    a.events = [...(a.events || defaultChangeEvents(el)), 'change'];
  }
  void w;
}

/// The scenario as one profile sees it: steps and replies for other profiles dropped, the
/// dialect options applied. This is what `liveharness simulate` reads (see README.md).
export function resolveScenario(scenario, profile) {
  profile = profileName(profile);
  const forMe = (x) => !x.profiles || x.profiles.map(profileName).includes(profile);
  const strip = (x) => { const y = jclone(x); delete y.profiles; return y; };
  const r = {
    name: scenario.name,
    profile,
    url: scenario.url || 'http://localhost:4000/',
    page: scenario.page,
    socket: scenario.socket || {},
    hooks: scenario.hooks || {},
    replies: (scenario.replies || []).filter(forMe).map(strip),
    steps: [],
  };
  if (scenario.http) r.http = scenario.http;
  // Steps keep their index in the authored file, so records of all profiles line up.
  (scenario.steps || []).forEach((st, i) => {
    if (!forMe(st)) return;
    const y = strip(st);
    if (y.replies) y.replies = st.replies.filter(forMe).map(strip);
    y.index = i + 1;
    r.steps.push(y);
  });
  if (scenario.component_root_flag && ['0.20', '1.0', '1.2'].includes(profile)) addRootFlags(r);
  return r;
}

// Servers from 0.20.2 flag every stateful component's root ("r": 1, protocol.md §5.8); a
// scenario written once for all profiles asks for the flag where its profile's server sends it.
function addRootFlags(r) {
  const visit = (v) => {
    if (Array.isArray(v)) { v.forEach(visit); return; }
    if (!isPlainObject(v)) return;
    if (isPlainObject(v.c)) {
      for (const comp of Object.values(v.c)) {
        if (isPlainObject(comp) && comp.s !== undefined && comp.r === undefined) comp.r = 1;
      }
    }
    Object.values(v).forEach(visit);
  };
  visit(r.replies);
  visit(r.steps);
}

// A client promise that rejects (e.g. a reply it cannot handle) is an error of the session
// running, not of this process.
let current = null;
process.on('unhandledRejection', (e) => {
  const msg = `client rejected: ${String((e && e.stack) || e).split('\n').slice(0, 3).join(' | ')}`;
  if (current) current.out.errors.push(msg); else console.error(msg);
});

/// Runs a scenario on a profile; returns the step records (step 0 = the page load and join).
export async function runScenario(profile, authored) {
  profile = profileName(profile);
  const scenario = authored.profile === profile && !authored.profiles ? authored : resolveScenario(authored, profile);
  loadJsdom();
  const s = new Session(profile, scenario);
  current = s;
  const records = [];
  try {
    await s.start();
    records.push(s.record(0, null));
    for (let i = 0; i < scenario.steps.length; i++) {
      const st = scenario.steps[i];
      await s.doStep(st);
      records.push(s.record(st.index ?? i + 1, st));
    }
  } finally {
    s.close();
    current = null;
  }
  return records;
}

export function scenarioProfiles(sc) {
  return (sc.profiles || DOM_PROFILE_NAMES).map(profileName);
}

export const SCENARIO_DIR = path.join(here, 'scenarios');
export function scenarioFiles() {
  if (!fs.existsSync(SCENARIO_DIR)) return [];
  return fs.readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(SCENARIO_DIR, f));
}

// ---------------------------------------------------------------------------------------
// CLI

let normDoc = null;
function normalizeHtml(html) {
  if (!normDoc) normDoc = new (nmRequire('jsdom').JSDOM)('<!DOCTYPE html><body></body>').window.document;
  const d = normDoc.createElement('div');
  d.innerHTML = html;
  return d.innerHTML;
}

// Logged by the clients on pages that are fine for this test (e.g. a capture from another
// release than the client's).
const BENIGN = /asset version mismatch/;

async function selfTest() {
  const missing = ['jsdom', ...new Set(Object.values(DOM_PROFILES).flatMap((p) => [p.lv, p.phx]))]
    .filter((m) => !fs.existsSync(path.join(NODE_MODULES, m)));
  if (missing.length) {
    console.log(`SKIP: ${NODE_MODULES} lacks ${missing.join(', ')} (run scripts/setup.sh)`);
    return 77;
  }
  let failed = 0;
  const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failed++; };
  for (const file of scenarioFiles()) {
    const sc = loadScenario(file);
    for (const profile of scenarioProfiles(sc)) {
      const name = `${profile} ${path.basename(file)}`;
      let recs;
      try { recs = await runScenario(profile, sc); } catch (e) { check(false, `${name}: ${e.message}`); continue; }
      const bad = recs.find((r) => (r.errors && r.errors.some((e) => !BENIGN.test(e)))
        || (r.notes && !r.notes.every((x) => (sc.allow_notes || []).some((n) => x.includes(n)))));
      check(!bad, `${name}: ${recs.length} records${bad ? `; step ${bad.step}: ${JSON.stringify(bad.errors || bad.notes)}` : ''}`);
      if (sc.expect_sent && (sc.capture.sent_profiles || []).includes(profile)) {
        // The real browser's lv pushes, event and payload, in order (the join payload
        // differs by page load, so only its event name is compared).
        const got = recs.flatMap((r) => r.sent).filter((f) => Array.isArray(f) && String(f[2]).startsWith('lv:'))
          .map((f) => (f[3] === 'phx_join' ? [f[3]] : [f[3], f[4]]));
        const want = sc.expect_sent.map(([e, p]) => (e === 'phx_join' ? [e] : [e, p]));
        const same = JSON.stringify(got) === JSON.stringify(want);
        check(same, `${name}: sends equal the captured browser's${same ? '' : `\n  got  ${JSON.stringify(got)}\n  want ${JSON.stringify(want)}`}`);
      }
      if (sc.expect_final_html && (sc.capture.dom_profiles || []).includes(profile)) {
        {
          const last = recs[recs.length - 1].html;
          const eq = normalizeHtml(last) === normalizeHtml(sc.expect_final_html);
          check(eq, `${name}: final DOM equals the captured browser's${eq ? '' : `\n  got  ${last}\n  want ${sc.expect_final_html}`}`);
        }
      }
    }
  }
  return failed === 0 ? 0 : 1;
}

async function main() {
  const argv = process.argv.slice(2);
  const a = {};
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--client') a.client = argv[++i];
    else if (k === '--jsonl') { /* the only output format */ }
    else if (k === '--self-test') a.selfTest = true;
    else if (k === '--resolve') a.resolve = true;
    else if (k === '-h' || k === '--help') a.help = true;
    else a.file = k;
  }
  if (a.help || (!a.selfTest && (!a.client || !a.file))) {
    console.log('usage: node dom-oracle.mjs --client PROFILE [--resolve] SCENARIO.json | --self-test');
    return a.help ? 0 : 2;
  }
  if (a.selfTest) return selfTest();
  if (a.resolve) { process.stdout.write(JSON.stringify(resolveScenario(loadScenario(a.file), a.client), null, 1) + '\n'); return 0; }
  const recs = await runScenario(a.client, loadScenario(a.file));
  process.stdout.write(recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => { process.exitCode = code; }, (e) => { console.error(e); process.exitCode = 1; });
}
