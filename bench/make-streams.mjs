// Writes the merge+render benchmark streams: {view_id, rendered, diffs} JSON files, one per
// client profile × stream shape, shaped as the Phoenix release behind each profile sends them.
// Deterministic: the same arguments give byte-identical files.
//
//   node bench/make-streams.mjs --out DIR [--quick]
//
// Shapes (docs/benchmarks.md):
//   table-one-row   a 100-row table (3 dynamics a row); every diff changes one row's cell
//   table-all-rows  the same table; every diff changes a cell in every row
//   components      100 stateful cards (5 dynamics each, statics shared with s: +cid / -cid);
//                   mostly component-only diffs of 1–3 cards, every 20th diff also touches
//                   the view, every 100th replaces a card by a new component (s: -cid)
// ≤1.0 profiles get comprehensions with a complete `d` (what Phoenix sends, whatever
// changed); 1.2 gets keyed comprehensions (`k`, `kc`) and root-level templates `p`.
// Profiles ≥1.0 get the root flags `r: 1` that Phoenix ≥0.20.2 sends.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROFILES = ['0.15.7', '0.18', '0.20', '1.0', '1.2'];
export const SHAPES = ['table-one-row', 'table-all-rows', 'components'];

const ROWS = 100;
const CARDS = 100;

/// Diff counts per shape; the 0.15–0.20 clients render components through jsdom, which is
/// slow enough that their component stream is shorter.
export function diffCount(profile, shape, quick) {
  const slowJs = shape === 'components' && ['0.15.7', '0.18', '0.20'].includes(profile);
  const n = shape === 'table-all-rows' ? 2000 : slowJs ? 2000 : 10000;
  return quick ? Math.max(200, Math.floor(n / 5)) : n;
}

// mulberry32: small, seeded, the same sequence on every platform.
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), chance: (p) => next() < p };
}

const rooted = (profile) => profile === '1.0' || profile === '1.2';
const keyed = (profile) => profile === '1.2';

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel',
  'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa'];

// -- table -----------------------------------------------------------------------------------

const TABLE_ROOT = [
  '<div class="page" id="table-page">\n  <h1>', '</h1>\n  <table class="data">\n' +
  '    <thead><tr><th>Name</th><th>Value</th><th></th></tr></thead>\n' +
  '    <tbody id="rows">', '\n    </tbody>\n  </table>\n  <footer>', ' rows</footer>\n</div>',
];
const TABLE_ROW = [
  '\n      <tr class="row" id="row-', '">\n        <td class="name">', '</td>\n' +
  '        <td class="value num">',
  '</td>\n        <td><button phx-click="edit">Edit</button></td>\n      </tr>',
];

function tableRows(r) {
  return Array.from({ length: ROWS }, (_, i) => ({
    id: String(i + 1),
    name: `${WORDS[i % WORDS.length]} ${WORDS[(i * 7 + 3) % WORDS.length]} &amp; co`,
    value: (r.int(1000000) / 100).toFixed(2),
  }));
}

const rowDyns = (row) => [row.id, row.name, row.value];

function tableJoin(profile, rows) {
  if (keyed(profile)) {
    // 1.1+: every statics shared through the root's templates, children first (§5.5.5).
    const k = { kc: rows.length };
    rows.forEach((row, i) => { k[i] = { 0: row.id, 1: row.name, 2: row.value }; });
    return { 0: 'Inventory', 1: { s: 0, k }, 2: String(rows.length), s: 1, r: 1, p: { 0: TABLE_ROW, 1: TABLE_ROOT } };
  }
  const j = { 0: 'Inventory', 1: { s: TABLE_ROW, d: rows.map(rowDyns) }, 2: String(rows.length), s: TABLE_ROOT };
  if (rooted(profile)) j.r = 1;
  return j;
}

function tableStream(profile, shape, quick) {
  const r = rng(shape === 'table-one-row' ? 11 : 12);
  const rows = tableRows(r);
  const rendered = tableJoin(profile, rows);
  const diffs = [];
  const n = diffCount(profile, shape, quick);
  for (let step = 0; step < n; step++) {
    const changed = shape === 'table-one-row' ? [r.int(ROWS)] : rows.map((_, i) => i);
    for (const i of changed) rows[i].value = (r.int(1000000) / 100).toFixed(2);
    if (keyed(profile)) {
      const k = { kc: ROWS };
      for (const i of changed) k[i] = { 2: rows[i].value };
      diffs.push({ 1: { k } });
    } else {
      // ≤1.0: the comprehension's entries always travel complete.
      diffs.push({ 1: { d: rows.map(rowDyns) } });
    }
  }
  return { view_id: 'phx-F_bench_table', rendered, diffs };
}

// -- components ------------------------------------------------------------------------------

const DASH_ROOT = [
  '<div class="dashboard" id="dashboard">\n  <header>', '</header>\n  <section class="cards">',
  '\n  </section>\n  <footer>Updated ', '</footer>\n</div>',
];
const DASH_ENTRY = ['\n    ', ''];
const CARD = [
  '<div class="card" id="card-', '">\n  <h3>', '</h3>\n  <p class="status ', '">Count: <b>',
  '</b></p>\n  <button phx-click="inc" phx-target="', '">+1</button>\n</div>',
];
const STATES = ['idle', 'busy', 'done'];

function cardDyns(card) {
  return { 0: card.key, 1: card.title, 2: card.state, 3: String(card.count), 4: String(card.cid) };
}

function componentsStream(profile, quick) {
  const r = rng(21);
  let nextCid = 1;
  const cards = Array.from({ length: CARDS }, (_, i) => ({
    cid: nextCid++, key: `k${i + 1}`, title: `Card ${i + 1}`, state: 'idle', count: 0,
  }));
  const entries = (list) => list.map((c) => [c.cid]);
  const viewList = (list) => {
    if (keyed(profile)) {
      const k = { kc: list.length };
      list.forEach((c, i) => { k[i] = { 0: c.cid }; });
      return { s: 0, k };
    }
    return { s: DASH_ENTRY, d: entries(list) };
  };

  // The join: card 1 in full, the others sharing its statics from this same render (s: 1).
  const c = {};
  cards.forEach((card, i) => {
    const node = cardDyns(card);
    if (i === 0) {
      node.s = CARD;
      if (rooted(profile)) node.r = 1;
    } else {
      node.s = 1;
    }
    c[card.cid] = node;
  });
  const rendered = { 0: 'Dashboard', 1: viewList(cards), 2: 'never', c };
  if (keyed(profile)) Object.assign(rendered, { s: 1, r: 1, p: { 0: DASH_ENTRY, 1: DASH_ROOT } });
  else {
    rendered.s = DASH_ROOT;
    if (rooted(profile)) rendered.r = 1;
  }

  const diffs = [];
  const n = diffCount(profile, 'components', quick);
  for (let step = 1; step <= n; step++) {
    const d = {};
    const dc = {};
    if (step % 100 === 0) {
      // A card replaced by a new component, sharing statics with a card the client holds.
      const pos = r.int(CARDS);
      const base = cards[r.int(CARDS)];
      const card = { cid: nextCid++, key: `n${step}`, title: `New card ${step}`, state: 'busy', count: 0 };
      cards[pos] = card;
      dc[card.cid] = { ...cardDyns(card), s: -base.cid };
      d[1] = keyed(profile) ? { k: { [pos]: { 0: card.cid }, kc: CARDS } } : { d: entries(cards) };
    } else {
      const howMany = 1 + r.int(3);
      const picked = new Set();
      while (picked.size < howMany) picked.add(r.int(CARDS));
      for (const pos of picked) {
        const card = cards[pos];
        const cd = {};
        card.count += 1;
        cd[3] = String(card.count);
        if (r.chance(0.3)) { card.state = STATES[r.int(STATES.length)]; cd[2] = card.state; }
        if (r.chance(0.05)) { card.title = `Card ${card.key} · ${step}`; cd[1] = card.title; }
        dc[card.cid] = cd;
      }
    }
    if (step % 20 === 0) d[2] = `step ${step}`;
    d.c = dc;
    diffs.push(d);
  }
  return { view_id: 'phx-F_bench_cards', rendered, diffs };
}

export function makeStream(profile, shape, quick = false) {
  return shape === 'components' ? componentsStream(profile, quick) : tableStream(profile, shape, quick);
}

export const streamFile = (dir, profile, shape) => path.join(dir, `${profile}--${shape}.json`);

function main(argv) {
  let out = null;
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i];
    else if (argv[i] === '--quick') quick = true;
    else {
      console.error('usage: node bench/make-streams.mjs --out DIR [--quick]');
      return 2;
    }
  }
  if (!out) {
    console.error('usage: node bench/make-streams.mjs --out DIR [--quick]');
    return 2;
  }
  fs.mkdirSync(out, { recursive: true });
  for (const profile of PROFILES) {
    for (const shape of SHAPES) {
      const s = makeStream(profile, shape, quick);
      fs.writeFileSync(streamFile(out, profile, shape), JSON.stringify({ profile, shape, ...s }));
    }
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
