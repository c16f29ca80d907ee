// A seeded generator of valid LiveView streams ({rendered, diffs}) for one client profile.
//
// It models a server: random templates with fingerprints (nesting, conditionals switching
// subtrees, comprehensions, stateful components, streams, keyed comprehensions for 1.2),
// random assign changes per step, and encodes the join and every diff by Phoenix's rules
// (protocol-notes §4.4, §4.6): same fingerprint → only changed dynamics; new fingerprint →
// with statics; comprehension entries complete; nested statics shared through "p"; cids from
// 1; new components sent in full or sharing statics with "s": -cid / +cid; component-only
// diffs; "t"/"e"/"r" now and then.
//
//   node generate.mjs --profile 1.0 --seed S --index I     print one stream as JSON
//   node generate.mjs --self-test [--profile P] [--count N] [--seed S]
//       every generated stream must run through the official client without an error
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStream, profileName, PROFILE_NAMES } from './oracle.mjs';

// ---------------------------------------------------------------------------------------
// Randomness

export function rngFrom(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
  };
}

/// The seed of stream `index` of a run seeded with `seed` (so one stream can be replayed).
export function streamSeed(seed, index) {
  let h = (seed >>> 0) ^ Math.imul(index + 1, 0x9E3779B1);
  h = Math.imul(h ^ (h >>> 16), 0x85EBCA6B);
  h = Math.imul(h ^ (h >>> 13), 0xC2B2AE35);
  return (h ^ (h >>> 16)) >>> 0;
}

// ---------------------------------------------------------------------------------------
// What each profile's server side sends.

const FEATURES = {
  '0.15.7': { share: 'none', streams: null, rootFlag: false, keyed: false, looseComponents: true },
  '0.18': { share: 'comprehension', streams: null, rootFlag: false, keyed: false, looseComponents: true },
  // 0.19.0–0.20.3 servers send stream inserts as a map {dom_id: [at, limit]} (the 0.20.1
  // client reads them with Object.entries); 0.20.4+ as a list [[dom_id, at, limit], …].
  '0.20': { share: 'comprehension', streams: 'map', rootFlag: 'sometimes', keyed: false, looseComponents: true },
  '1.0': { share: 'comprehension', streams: 'v019', rootFlag: true, keyed: false, looseComponents: false },
  '1.2': { share: 'root', streams: 'v11', rootFlag: true, keyed: true, looseComponents: false },
};

const TEXTS = ['', 'a', 'b', 'hello', 'Hello, world', 'x y', ' lead', 'trail ', 'café', 'naïve',
  '日本語', 'ünïcødé', '😀', 'A & B', '<tag>', '"quoted"', "it's", '1 < 2 > 0', 'tab\there',
  'two\nlines', '&amp; literal', 'nbsp\u00a0here', '0', '42', 'null', 'true', 'a  b', '€ $'];
const STATIC_TEXTS = ['', ' ', '\n  ', 'Label: ', 'n = ', ' &amp; ', '&nbsp;', ' — ', 'é ',
  '&#39;q&#39;', ' &lt;x&gt; ', '¡olé! ', '\n'];

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const isEmptyObj = (o) => o !== null && typeof o === 'object' && !Array.isArray(o) && Object.keys(o).length === 0;

class Sharing {
  constructor() { this.byTpl = new Map(); this.p = {}; this.n = 0; }
  idx(tpl) {
    if (!this.byTpl.has(tpl)) { this.byTpl.set(tpl, this.n); this.p[this.n] = tpl.statics; this.n++; }
    return this.byTpl.get(tpl);
  }
  get empty() { return this.n === 0; }
}

// Builds statics around slots.
class Builder {
  constructor() { this.statics = ['']; this.slots = []; }
  s(str) { this.statics[this.statics.length - 1] += str; return this; }
  slot(spec) { this.slots.push(spec); this.statics.push(''); return this; }
}

// ---------------------------------------------------------------------------------------
// The server model.

export class StreamGenerator {
  constructor(profile, seed, opts = {}) {
    this.profile = profileName(profile);
    this.F = FEATURES[this.profile];
    this.rng = rngFrom(seed);
    this.seed = seed;
    this.maxDiffs = opts.maxDiffs ?? 15;
    this.fp = 0;
    this.sid = 0;
    this.keySeq = 0;
    this.domSeq = 0;
    this.streamRefSeq = 0;
    this.nextCid = 1;
    this.table = new Map();
    this.modules = [];
    this.uids = new Map();
    this.rootFlags = this.F.rootFlag === true || (this.F.rootFlag === 'sometimes' && this.rng.chance(0.5));
    this.stats = {};
    this.viewId = `phx-F${(seed >>> 0).toString(16)}`;
  }

  count(k, n = 1) { this.stats[k] = (this.stats[k] || 0) + n; }

  // -- templates ------------------------------------------------------------------------

  newTpl(b, rooted) {
    return { fp: ++this.fp, statics: b.statics, slots: b.slots, rooted };
  }

  // `id`: 'static' (only where the template is rendered once), 'unique' (a dynamic id
  // derived from the owner, as `id={@id}` would be), or false. Duplicate ids would make
  // the DOM ambiguous for skipped elements, which real apps avoid.
  attrs(b, depth, { id = false } = {}) {
    const r = this.rng;
    if (id === 'static') b.s(` id="n${this.fp}-${r.int(1000)}"`);
    if (id === 'unique') b.s(' id="').slot({ k: 'uid', sid: ++this.sid }).s('"');
    if (r.chance(0.4)) b.s(` class="c${r.int(5)}"`);
    if (depth < 3 && r.chance(0.35)) {
      b.s(` ${r.pick(['title', 'data-x', 'aria-label', 'class'])}="`).slot({ k: 'attr' }).s('"');
    }
    if (r.chance(0.1)) b.s(r.pick([' data-id="d1"', ' aid="a"', ' hidden', " data-q='x'"]));
  }

  // Content of a block element.
  content(b, depth, ctx, n) {
    const r = this.rng;
    for (let i = 0; i < n; i++) {
      const deep = depth >= 3;
      const roll = r.int(deep ? 4 : 14);
      switch (roll) {
        case 0: b.s(r.pick(STATIC_TEXTS)); break;
        case 1: b.slot({ k: 'text' }); break;
        case 2: {
          const t = r.pick(['span', 'b', 'em']);
          b.s(`<${t}>`);
          if (r.chance(0.7)) b.slot({ k: 'text' }); else b.s(r.pick(STATIC_TEXTS));
          b.s(`</${t}>`);
          break;
        }
        case 3: b.s(r.pick(['<br>', '<br/>', '<hr>', '<img alt="i">', '<!-- note -->']));
          if (r.chance(0.3)) { b.s('<input name="q" value="').slot({ k: 'attr' }).s('">'); }
          break;
        case 4: case 5:
          b.slot({ k: 'nested', tpl: this.makeTpl(depth + 1, ctx, { rooted: r.chance(0.6) }) });
          break;
        case 6: case 7: {
          const opts = [this.makeTpl(depth + 1, ctx, { rooted: r.chance(0.6) })];
          if (r.chance(0.5)) opts.push(this.makeTpl(depth + 1, ctx, { rooted: r.chance(0.5) }));
          opts.push(r.chance(0.5) ? null : 'text');
          b.slot({ k: 'cond', opts });
          break;
        }
        case 8: case 9:
          if (ctx.compLevel < 2 && !ctx.inRow) {
            b.slot({ k: 'comp', mod: this.pickModule(ctx.compLevel + 1), sid: ++this.sid });
          } else {
            b.slot({ k: 'text' });
          }
          break;
        case 10: case 11: this.comprehension(b, depth, ctx); break;
        case 12:
          if (this.F.streams && !ctx.inRow) this.streamSlot(b, depth, ctx);
          else this.comprehension(b, depth, ctx);
          break;
        default: {
          b.s('<div>');
          this.content(b, depth + 1, ctx, r.range(1, 2));
          b.s('</div>');
        }
      }
    }
  }

  comprehension(b, depth, ctx) {
    const r = this.rng;
    const inUl = r.chance(0.6);
    const rowCtx = { ...ctx, inRow: true, compLevel: ctx.compLevel };
    // Components in rows, keyed by the row (the way `for` + live_component is written).
    const compInRow = ctx.compLevel < 2 && r.chance(0.3);
    let row;
    if (inUl) {
      const rb = new Builder();
      rb.s(r.pick(['', '\n  ']) + '<li');
      this.attrs(rb, depth + 1);
      rb.s('>');
      this.content(rb, depth + 2, rowCtx, r.range(1, 2));
      if (compInRow) rb.slot({ k: 'comp', mod: this.pickModule(ctx.compLevel + 1), sid: ++this.sid, row: true });
      rb.s('</li>');
      row = this.newTpl(rb, true);
      b.s('<ul').s(r.chance(0.5) ? ` id="list${this.fp}"` : '').s('>');
    } else {
      const rb = new Builder();
      const rooted = r.chance(0.5);
      if (rooted) {
        rb.s('<div');
        this.attrs(rb, depth + 1);
        rb.s('>');
        this.content(rb, depth + 2, rowCtx, r.range(1, 2));
        if (compInRow) rb.slot({ k: 'comp', mod: this.pickModule(ctx.compLevel + 1), sid: ++this.sid, row: true });
        rb.s('</div>');
      } else {
        this.content(rb, depth + 2, rowCtx, r.range(1, 3));
        if (compInRow) rb.slot({ k: 'comp', mod: this.pickModule(ctx.compLevel + 1), sid: ++this.sid, row: true });
      }
      row = this.newTpl(rb, rooted);
      b.s('<div class="rows">');
    }
    b.slot({ k: 'for', row, hasKey: r.chance(0.7), sid: ++this.sid });
    b.s(inUl ? '</ul>' : '</div>');
  }

  streamSlot(b, depth, ctx) {
    const r = this.rng;
    const rb = new Builder();
    rb.s('<li id="').slot({ k: 'domid' }).s('"');
    if (r.chance(0.4)) rb.s(' class="item"');
    rb.s('>');
    rb.slot({ k: 'text' });
    if (r.chance(0.4)) rb.s(' <b>').slot({ k: 'text' }).s('</b>');
    rb.s('</li>');
    const row = this.newTpl(rb, true);
    const ref = String(this.streamRefSeq++);
    b.s(`<ul id="stream-${ref}" phx-update="stream">`);
    b.slot({ k: 'stream', row, ref, sid: ++this.sid });
    b.s('</ul>');
  }

  makeTpl(depth, ctx, { rooted = false, tag = null } = {}) {
    const r = this.rng;
    const b = new Builder();
    if (rooted) {
      const t = tag || r.pick(['div', 'div', 'section', 'article', 'span']);
      b.s(r.pick(['', '', '\n', '\n  ']) + `<${t}`);
      const once = ctx.compLevel === 0 && !ctx.inRow;
      this.attrs(b, depth, { id: r.chance(0.2) && (once ? 'static' : 'unique') });
      b.s('>');
      if (t === 'span') {
        b.s(r.pick(STATIC_TEXTS));
        b.slot({ k: 'text' });
      } else {
        this.content(b, depth + 1, ctx, r.range(1, depth >= 2 ? 2 : 3));
      }
      b.s(`</${t}>` + r.pick(['', '', '\n']));
    } else {
      this.content(b, depth + 1, ctx, r.range(1, depth >= 2 ? 2 : 4));
    }
    return this.newTpl(b, rooted);
  }

  // -- stateful component modules --------------------------------------------------------

  pickModule(level) {
    const same = this.modules.filter((m) => m.level === level);
    if (same.length && (same.length >= 2 || this.rng.chance(0.6))) return this.rng.pick(same);
    const m = { name: `M${this.modules.length}`, level, tpls: [] };
    this.modules.push(m);
    const n = this.rng.chance(0.6) ? 2 : 1;
    for (let i = 0; i < n; i++) m.tpls.push(this.componentTpl(level));
    return m;
  }

  componentTpl(level) {
    const r = this.rng;
    const ctx = { compLevel: level, inRow: false };
    const roll = r.int(100);
    if (this.F.looseComponents) {
      if (roll < 8) {
        // several root elements
        const b = new Builder();
        b.s('<div');
        this.attrs(b, 1, { id: r.chance(0.5) && 'unique' });
        b.s('>');
        this.content(b, 2, ctx, 1);
        b.s('</div>\n<p class="second">');
        b.slot({ k: 'text' });
        b.s('</p>');
        return this.newTpl(b, false);
      }
      if (roll < 11) {
        // text at the root
        const b = new Builder();
        b.s(r.pick(['Text ', 'line\none ', '']));
        b.slot({ k: 'text' });
        return this.newTpl(b, false);
      }
    }
    if (roll < 16) {
      // comments and whitespace around the root element
      const b = new Builder();
      b.s('\n  <!-- head -->\n<div');
      this.attrs(b, 1, { id: r.chance(0.5) && 'unique' });
      b.s('>');
      this.content(b, 2, ctx, r.range(1, 2));
      b.s('</div>\n<!-- tail -->\n');
      return this.newTpl(b, true);
    }
    if (roll < 19) {
      const b = new Builder();
      b.s('<input type="text" name="c" value="').slot({ k: 'attr' }).s('"/>');
      return this.newTpl(b, true);
    }
    return this.makeTpl(1, ctx, { rooted: true, tag: r.pick(['div', 'div', 'section', 'li'].slice(0, 3)) });
  }

  // -- values -----------------------------------------------------------------------------

  textValue() {
    const r = this.rng;
    const t = r.pick(TEXTS);
    return r.chance(0.1) ? `<b>${esc(t)}</b>` : esc(t);
  }

  genInst(tpl, owner) {
    return { t: 'n', tpl, d: tpl.slots.map((s) => this.genVal(s, owner)) };
  }

  genRows(spec, owner, n) {
    const rows = [];
    for (let i = 0; i < n; i++) {
      const key = ++this.keySeq;
      rows.push({ key, d: spec.row.slots.map((s) => this.genVal(s, `${owner}/r${key}`, key)) });
    }
    return rows;
  }

  genVal(spec, owner, rowKey) {
    const r = this.rng;
    switch (spec.k) {
      case 'text': return { t: 's', v: this.textValue() };
      case 'attr': return { t: 's', v: esc(r.pick(TEXTS)) };
      case 'domid': return { t: 's', v: `item-${rowKey}` };
      case 'uid': {
        const k = `${owner}#${spec.sid}`;
        if (!this.uids.has(k)) this.uids.set(k, `u${this.uids.size + 1}`);
        return { t: 's', v: this.uids.get(k) };
      }
      case 'nested': return this.genInst(spec.tpl, owner);
      case 'cond': {
        const o = r.pick(spec.opts);
        if (o === null) return { t: 's', v: '' };
        if (o === 'text') return { t: 's', v: this.textValue() };
        return this.genInst(o, owner);
      }
      case 'comp': {
        const id = spec.row ? `${owner}` : `${owner}#${spec.sid}:${r.int(3)}`;
        return { t: 'c', key: `${spec.mod.name}|${id}`, mod: spec.mod };
      }
      case 'for': return { t: 'f', spec, rows: this.genRows(spec, owner, r.int(4)) };
      case 'stream': return { t: 'st', spec, ops: this.streamOps(spec, owner, true) };
      default: throw new Error(`slot kind ${spec.k}`);
    }
  }

  streamOps(spec, owner, first) {
    const r = this.rng;
    const ins = [];
    const n = first ? r.int(4) : r.int(3);
    for (let i = 0; i < n; i++) {
      const key = ++this.domSeq;
      const d = spec.row.slots.map((s) => this.genVal(s, owner, `${spec.ref}-${key}`));
      const at = r.pick([-1, -1, 0, r.int(3)]);
      const limit = r.pick([null, null, null, 3, -3]);
      ins.push({ id: `item-${spec.ref}-${key}`, at, limit, d, updateOnly: r.pick([null, null, false, true]) });
    }
    spec.issued = spec.issued || [];
    const deletes = [];
    if (!first && r.chance(0.4) && spec.issued.length) {
      for (let i = 0; i < r.range(1, 2); i++) deletes.push(r.pick(spec.issued));
    }
    if (!first && r.chance(0.1)) deletes.push(`item-${spec.ref}-gone`);
    const reset = !first && r.chance(0.15);
    for (const x of ins) spec.issued.push(x.id);
    return { ins, deletes: [...new Set(deletes)], reset };
  }

  // -- mutation (one step of assign changes) ----------------------------------------------

  mutInst(n, owner, p) {
    let changed = false;
    const d = n.d.map((c, i) => {
      const v = this.mutVal(n.tpl.slots[i], c, owner, p);
      if (v !== c) changed = true;
      return v;
    });
    return changed ? { t: 'n', tpl: n.tpl, d } : n;
  }

  mutVal(spec, v, owner, p, rowKey) {
    const r = this.rng;
    switch (spec.k) {
      case 'text': return r.chance(p) ? { t: 's', v: this.textValue() } : v;
      case 'attr': return r.chance(p) ? { t: 's', v: esc(r.pick(TEXTS)) } : v;
      case 'domid': case 'uid': return v;
      case 'nested': return this.mutInst(v, owner, p);
      case 'cond':
        if (r.chance(p * 0.5)) {
          const o = r.pick(spec.opts);
          if (o === null) return { t: 's', v: '' };
          if (o === 'text') return { t: 's', v: this.textValue() };
          if (v.t === 'n' && v.tpl === o) return this.mutInst(v, owner, p);
          return this.genInst(o, owner);
        }
        return v.t === 'n' ? this.mutInst(v, owner, p) : v;
      case 'comp':
        if (!spec.row && r.chance(p * 0.3)) return this.genVal(spec, owner, rowKey);
        return v;
      case 'for': {
        if (!r.chance(p)) {
          // rows may still change inside (a row's own assigns)
          if (v.rows.length && r.chance(p * 0.5)) return { t: 'f', spec, rows: this.editRows(spec, v.rows, owner, p, 1) };
          return v;
        }
        return { t: 'f', spec, rows: this.mutRows(spec, v.rows, owner, p) };
      }
      case 'stream':
        return r.chance(p * 1.5) ? { t: 'st', spec, ops: this.streamOps(spec, owner, false) } : v;
      default: throw new Error(`slot kind ${spec.k}`);
    }
  }

  editRows(spec, rows, owner, p, n) {
    rows = rows.slice();
    for (let i = 0; i < n && rows.length; i++) {
      const j = this.rng.int(rows.length);
      const row = rows[j];
      const rowOwner = `${owner}/r${row.key}`;
      let changed = false;
      const d = row.d.map((c, x) => {
        const nv = this.mutVal(spec.row.slots[x], c, rowOwner, Math.max(p, 0.5), row.key);
        if (nv !== c) changed = true;
        return nv;
      });
      if (changed) rows[j] = { key: row.key, d };
    }
    return rows;
  }

  mutRows(spec, rows, owner, p) {
    const r = this.rng;
    rows = rows.slice();
    const ops = r.range(1, 3);
    for (let i = 0; i < ops; i++) {
      switch (r.int(8)) {
        case 0: case 1: {
          const [row] = this.genRows(spec, owner, 1);
          rows.splice(r.int(rows.length + 1), 0, row);
          break;
        }
        case 2: if (rows.length) rows.splice(r.int(rows.length), 1); break;
        case 3: if (rows.length > 1) { // move
          const [row] = rows.splice(r.int(rows.length), 1);
          rows.splice(r.int(rows.length + 1), 0, row);
        } break;
        case 4: if (rows.length > 1) { // swap
          const a = r.int(rows.length); const b = r.int(rows.length);
          [rows[a], rows[b]] = [rows[b], rows[a]];
        } break;
        case 5: rows = this.editRows(spec, rows, owner, p, 2); break;
        case 6: if (r.chance(0.3)) rows = []; else rows = rows.slice(0, r.int(rows.length + 1)); break;
        default: if (r.chance(0.2)) rows = this.genRows(spec, owner, r.int(4)); break;
      }
    }
    return rows;
  }

  // -- live components --------------------------------------------------------------------

  liveKeys(root) {
    const seen = new Set();
    const walk = (v) => {
      if (!v) return;
      if (v.t === 'c') {
        if (seen.has(v.key)) return;
        seen.add(v.key);
        const inst = this.table.get(v.key);
        if (inst) walk(inst.tree);
      } else if (v.t === 'n') v.d.forEach(walk);
      else if (v.t === 'f') v.rows.forEach((row) => row.d.forEach(walk));
    };
    walk(root);
    return [...seen].filter((k) => this.table.has(k));
  }

  // -- encoding -----------------------------------------------------------------------------

  cidFor(v, st) {
    let inst = this.table.get(v.key);
    if (!inst) {
      const tpl = this.rng.pick(v.mod.tpls);
      inst = { cid: this.nextCid++, key: v.key, mod: v.mod, tree: null, sent: null };
      this.table.set(v.key, inst);
      inst.tree = this.genInst(tpl, v.key);
      st.queue.push(inst);
      this.count('components.new');
    }
    st.seen.set(inst.cid, inst);
    return inst.cid;
  }

  rootedFlag(o, tpl) {
    if (tpl.rooted && this.rootFlags) o.r = 1;
  }

  full(v, share, st) {
    switch (v.t) {
      case 's': return v.v;
      case 'c': return this.cidFor(v, st);
      case 'n': {
        const o = {};
        v.d.forEach((c, i) => { o[i] = this.full(c, share, st); });
        this.rootedFlag(o, v.tpl);
        o.s = share ? share.idx(v.tpl) : v.tpl.statics;
        return o;
      }
      case 'f': {
        if (v.rows.length === 0) { v.printed = false; return ''; }
        v.printed = true;
        const inner = share || (this.F.share === 'none' ? null : new Sharing());
        const o = this.rowsFull(v.spec, v.rows.map((row) => row.d), inner, st);
        o.s = share ? share.idx(v.spec.row) : v.spec.row.statics;
        if (!share && inner && !inner.empty) o.p = inner.p;
        this.count('comprehensions');
        return o;
      }
      case 'st': return this.streamFull(v, share, st);
      default: throw new Error(v.t);
    }
  }

  // Comprehension entries, all in full.
  rowsFull(spec, rows, inner, st) {
    const enc = (d) => {
      const m = {};
      d.forEach((c, i) => { m[i] = this.full(c, inner, st); });
      return m;
    };
    if (this.F.keyed) {
      const k = {};
      rows.forEach((d, i) => { k[i] = enc(d); });
      k.kc = rows.length;
      return { k };
    }
    return { d: rows.map((d) => d.map((c) => this.full(c, inner, st))) };
  }

  streamArray(v) {
    const { ins, deletes, reset } = v.ops;
    let inserts;
    if (this.F.streams === 'map') {
      inserts = {};
      for (const x of ins) inserts[x.id] = [x.at, x.limit];
    } else {
      inserts = ins.map((x) => (this.F.streams === 'v11' ? [x.id, x.at, x.limit, x.updateOnly] : [x.id, x.at, x.limit]));
    }
    const a = [v.spec.ref, inserts, deletes];
    if (reset) a.push(true);
    this.count('streams');
    if (reset) this.count('streams.reset');
    if (!ins.length && deletes.length) this.count('streams.deletesOnly');
    return a;
  }

  streamFull(v, share, st) {
    const rows = v.ops.ins.map((x) => x.d);
    if (!this.F.keyed && rows.length === 0) {
      v.printed = false;
      return { d: [], s: [], stream: this.streamArray(v) };
    }
    v.printed = true;
    const inner = share || new Sharing();
    const o = this.rowsFull(v.spec, rows, inner, st);
    o.s = share ? share.idx(v.spec.row) : v.spec.row.statics;
    o.stream = this.streamArray(v);
    if (!share && !inner.empty) o.p = inner.p;
    return o;
  }

  streamSame(v, share, st) {
    const rows = v.ops.ins.map((x) => x.d);
    const inner = share || new Sharing();
    const o = this.rowsFull(v.spec, rows, inner, st);
    o.stream = this.streamArray(v);
    if (!share && !inner.empty) o.p = inner.p;
    v.printed = true;
    return o;
  }

  // Change-tracked diff of a value against what the client holds (`prev`); undefined = omit.
  // With `tracked` false (a component sharing another's statics) every dynamic is sent.
  diff(prev, cur, share, st, tracked = true) {
    if (tracked && prev === cur) return undefined;
    switch (cur.t) {
      case 's':
        if (tracked && prev && prev.t === 's' && prev.v === cur.v && !this.rng.chance(0.1)) return undefined;
        return cur.v;
      case 'c': {
        const cid = this.cidFor(cur, st);
        if (tracked && prev && prev.t === 'c' && prev.key === cur.key && !this.rng.chance(0.3)) return undefined;
        return cid;
      }
      case 'n': {
        if (!prev || prev.t !== 'n' || prev.tpl !== cur.tpl) return this.full(cur, share, st);
        const o = {};
        cur.d.forEach((c, i) => {
          const d = this.diff(prev.d[i], c, share, st, tracked);
          if (d !== undefined && !isEmptyObj(d)) o[i] = d;
        });
        return o;
      }
      case 'f': {
        if (!prev || prev.t !== 'f' || prev.spec !== cur.spec || !prev.printed) return this.full(cur, share, st);
        cur.printed = true;
        if (this.F.keyed) return this.keyedDiff(prev, cur, share, st, tracked);
        const inner = this.F.share === 'none' ? null : new Sharing();
        const o = this.rowsFull(cur.spec, cur.rows.map((row) => row.d), inner, st);
        if (inner && !inner.empty) o.p = inner.p;
        return o;
      }
      case 'st':
        if (!prev || prev.t !== 'st' || prev.spec !== cur.spec || !prev.printed) return this.streamFull(cur, share, st);
        return this.streamSame(cur, share, st);
      default: throw new Error(cur.t);
    }
  }

  // 1.1+: keyed comprehension with the same fingerprint.
  keyedDiff(prev, cur, share, st, tracked) {
    const inner = share || new Sharing();
    const keyOf = (row, i) => (cur.spec.hasKey ? row.key : i);
    const prevIndex = new Map(prev.rows.map((row, i) => [keyOf(row, i), i]));
    const k = {};
    let moved = false;
    cur.rows.forEach((row, i) => {
      const j = tracked ? prevIndex.get(keyOf(row, i)) : undefined;
      if (j === undefined) {
        const m = {};
        row.d.forEach((c, x) => { m[x] = this.full(c, inner, st); });
        k[i] = m;
        return;
      }
      const old = prev.rows[j];
      const m = {};
      row.d.forEach((c, x) => {
        const d = this.diff(old.d[x], c, inner, st, true);
        if (d !== undefined && !isEmptyObj(d)) m[x] = d;
      });
      const mv = j !== i;
      if (mv) moved = true;
      if (isEmptyObj(m)) { if (mv) k[i] = j; } else k[i] = mv ? [j, m] : m;
    });
    const n = cur.rows.length;
    if (tracked && isEmptyObj(k) && n > 0 && n === prev.rows.length) return undefined;
    if (moved) { k.km = true; this.count('keyed.moves'); }
    k.kc = n;
    if (n < prev.rows.length) this.count('keyed.shrink');
    const o = { k };
    if (!share && !inner.empty) o.p = inner.p;
    return o;
  }

  renderComponents(st, extraQueue) {
    const c = {};
    st.queue.push(...extraQueue);
    const renderedNow = new Map(); // cid -> inst, rendered into c in this diff
    while (st.queue.length) {
      const inst = st.queue.splice(this.rng.int(st.queue.length), 1)[0];
      if (renderedNow.has(inst.cid)) continue;
      const old = inst.sent;
      const cur = inst.tree;
      if (!old || old.tpl !== cur.tpl) {
        const cands = [];
        for (const other of this.table.values()) {
          if (other === inst || other.mod !== inst.mod) continue;
          if (other.sent && other.sent.tpl === cur.tpl) cands.push({ s: -other.cid, base: other.sent });
          else if (c[other.cid] !== undefined && other.tree.tpl === cur.tpl) cands.push({ s: other.cid, base: other.tree });
        }
        if (cands.length && this.rng.chance(0.75)) {
          const cand = this.rng.pick(cands);
          const d = this.diff(cand.base, cur, null, st, false);
          d.s = cand.s;
          c[inst.cid] = d;
          this.count(cand.s < 0 ? 'components.linkNegative' : 'components.linkPositive');
          if (cand.s > 0 && typeof c[cand.s].s === 'number') this.count('components.linkChain');
        } else {
          c[inst.cid] = this.full(cur, null, st);
        }
      } else {
        const d = this.diff(old, cur, null, st, true);
        if (d !== undefined && !isEmptyObj(d)) c[inst.cid] = d;
      }
      renderedNow.set(inst.cid, inst);
    }
    for (const inst of renderedNow.values()) inst.sent = inst.tree;
    return c;
  }

  extras(d, { join = false } = {}) {
    const r = this.rng;
    if (r.chance(0.08)) { d.t = r.pick(['Title', 'Ünïcode title', '', 'a & b <c>', `step ${r.int(99)}`]); this.count('title'); }
    if (r.chance(0.08)) { d.e = [[r.pick(['hi', 'js:focus', 'phx:x']), { n: r.int(9), s: 'x' }]]; this.count('events'); }
    if (!join && r.chance(0.08)) { d.r = { ok: true, n: r.int(9) }; this.count('reply'); }
  }

  // -- the stream -----------------------------------------------------------------------------

  newRoot() {
    const rooted = this.F.rootFlag && this.rng.chance(0.4);
    return this.makeTpl(0, { compLevel: 0, inRow: false }, { rooted });
  }

  encodeRootFull(st) {
    const share = this.F.share === 'root' ? new Sharing() : null;
    const d = this.full(this.root, share, st);
    if (share && !share.empty) d.p = share.p;
    return d;
  }

  generate() {
    const r = this.rng;
    this.rootTpl = this.newRoot();
    this.root = this.genInst(this.rootTpl, 'lv');
    const st0 = { queue: [], seen: new Map() };
    const rendered = this.encodeRootFull(st0);
    const c0 = this.renderComponents(st0, []);
    if (Object.keys(c0).length) rendered.c = c0;
    this.extras(rendered, { join: true });
    this.destroyUnused();
    const diffs = [];
    const n = r.range(1, this.maxDiffs);
    for (let i = 0; i < n; i++) {
      diffs.push(this.step());
      this.destroyUnused();
    }
    return { name: `gen-${this.profile}-${this.seed}`, view_id: this.viewId, rendered, diffs };
  }

  // Components no longer rendered are destroyed (the client's cids_destroyed round trip,
  // taken as instant): the server forgets them, so using the same id again gets a new cid
  // rendered in full. Keeping them would re-add a component the client skips although
  // its DOM is gone, which no real server does.
  destroyUnused() {
    const live = new Set(this.liveKeys(this.root));
    for (const key of [...this.table.keys()]) {
      if (!live.has(key)) { this.table.delete(key); this.count('components.destroyed'); }
    }
  }

  mutateComponents(keys, p) {
    const out = [];
    for (const key of keys) {
      const inst = this.table.get(key);
      if (!inst || !inst.sent || !this.rng.chance(p)) continue;
      if (this.rng.chance(0.15) && inst.mod.tpls.length > 1) {
        const tpl = this.rng.pick(inst.mod.tpls);
        inst.tree = inst.tree.tpl === tpl ? this.mutInst(inst.tree, key, 0.5) : this.genInst(tpl, key);
        if (inst.tree.tpl !== inst.sent.tpl) this.count('components.rootChange');
      } else {
        inst.tree = this.mutInst(inst.tree, key, 0.4);
      }
      if (inst.tree !== inst.sent) out.push(inst);
    }
    return out;
  }

  step() {
    const r = this.rng;
    const roll = r.int(100);
    const st = { queue: [], seen: new Map() };
    let d;
    if (roll < 5) {
      // new root fingerprint: full render, component table reset (cids keep counting)
      this.count('root.change');
      this.table = new Map();
      this.rootTpl = this.newRoot();
      this.root = this.genInst(this.rootTpl, 'lv');
      d = this.encodeRootFull(st);
      const c = this.renderComponents(st, []);
      if (Object.keys(c).length) d.c = c;
    } else if (roll < 25) {
      // components only (an event handled by a component)
      const live = this.liveKeys(this.root);
      const changed = this.mutateComponents(live, 0.5);
      d = {};
      const c = this.renderComponents(st, changed);
      if (Object.keys(c).length || r.chance(0.3)) { d.c = c; this.count('componentOnly'); }
    } else {
      const share = this.F.share === 'root' ? new Sharing() : null;
      const next = this.mutInst(this.root, 'lv', r.pick([0.1, 0.25, 0.4]));
      d = this.diff(this.root, next, share, st) || {};
      this.root = next;
      if (share && !share.empty) d.p = share.p;
      const live = this.liveKeys(this.root);
      const changed = this.mutateComponents(live, 0.2);
      const c = this.renderComponents(st, changed);
      if (Object.keys(c).length) d.c = c;
    }
    this.extras(d);
    return d;
  }
}

export function generateStream(profile, seed, index, opts = {}) {
  const s = streamSeed(seed, index);
  const g = new StreamGenerator(profile, s, opts);
  const stream = g.generate();
  stream.name = `gen-${g.profile}-s${seed}-i${index}`;
  return { stream, stats: g.stats };
}

// ---------------------------------------------------------------------------------------
// CLI

function parseArgs(argv) {
  const a = { count: 300, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--profile') a.profile = argv[++i];
    else if (k === '--seed') a.seed = Number(argv[++i]);
    else if (k === '--index') a.index = Number(argv[++i]);
    else if (k === '--count') a.count = Number(argv[++i]);
    else if (k === '--self-test') a.selfTest = true;
    else if (k === '-h' || k === '--help') a.help = true;
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

// Every generated stream must run through the official client without an error, and the
// run as a whole must exercise what the generator is there for.
function selfTest(a) {
  let failed = 0;
  const profiles = a.profile ? [profileName(a.profile)] : PROFILE_NAMES;
  for (const profile of profiles) {
    const totals = {};
    let steps = 0;
    for (let i = 0; i < a.count; i++) {
      const { stream, stats } = generateStream(profile, a.seed, i);
      for (const [k, v] of Object.entries(stats)) totals[k] = (totals[k] || 0) + v;
      const recs = runStream(profile, stream);
      steps += recs.length;
      const bad = recs.find((x) => x.error);
      if (bad) {
        failed++;
        console.log(`FAIL ${profile} seed ${a.seed} index ${i} step ${bad.step}: ${bad.error.message}`);
        if (failed > 5) return 1;
      }
      for (const x of recs) {
        if (x.patch === 'components') totals['oracle.componentPatches'] = (totals['oracle.componentPatches'] || 0) + 1;
        if (x.html && x.html.includes('data-phx-skip')) totals['oracle.keptPlaceholders'] = (totals['oracle.keptPlaceholders'] || 0) + 1;
      }
    }
    const want = ['components.new', 'components.linkNegative', 'components.linkPositive', 'componentOnly', 'root.change', 'comprehensions'];
    if (profile !== '0.15.7' && profile !== '0.18') want.push('streams', 'streams.reset');
    if (profile === '1.2') want.push('keyed.moves', 'keyed.shrink');
    const missing = want.filter((k) => !totals[k]);
    // A placeholder the DOM has nothing for means the generator re-added a component the
    // client skips, or produced duplicate ids: a stream no real server sends.
    if (totals['oracle.keptPlaceholders']) { failed++; console.log(`FAIL ${profile}: ${totals['oracle.keptPlaceholders']} steps kept a data-phx-skip placeholder`); }
    if (missing.length) { failed++; console.log(`FAIL ${profile}: never generated ${missing.join(', ')}`); }
    console.log(`${profile}: ${a.count} streams, ${steps} steps, ${JSON.stringify(totals)}`);
  }
  return failed ? 1 : 0;
}

function main() {
  const a = parseArgs(process.argv.slice(2));
  if (a.help) {
    console.log('usage: node generate.mjs --profile P --seed S --index I | --self-test [--profile P] [--count N] [--seed S]');
    return 0;
  }
  if (a.selfTest) return selfTest(a);
  if (!a.profile || a.index === undefined) { console.error('need --profile and --index'); return 2; }
  console.log(JSON.stringify(generateStream(a.profile, a.seed, a.index).stream));
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
