// The official client's DOM patch on the benchmark streams, under Node + jsdom: the JS half of
// the side-by-side with `lvh_patch_bench --patches-per-second` (docs/benchmarks.md, "DOM patch").
// Per diff it times what the client does with a diff message: View.applyDiff → View.update
// (Rendered merge, toString, DOMPatch over the morphdom the release ships), as
// tests/interop/patch-oracle.mjs drives it.
//
//   node bench/patch-peer.mjs --streams DIR [--runs N] [--steps N] [--only NAME]
//       JSON on stdout: per table-one-row stream, the median patches/s of N runs after a
//       warm-up run, and a hash of the container's final innerHTML (compare with the C++ side)
import fs from 'node:fs';
import path from 'node:path';
import { CONTAINER_ATTRS, StubSocket, loadPatchClient } from '../tests/interop/patch-oracle.mjs';

// FNV-1a over UTF-16 code units of ASCII markup = over its bytes (the C++ side hashes bytes).
function fnv1a(s) {
  const bytes = Buffer.from(s, 'utf8');
  let h = 2166136261;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h >>> 0;
}

function quietly(fn) {
  const saved = [console.error, console.warn, console.log];
  console.error = () => {};
  console.warn = () => {};
  console.log = () => {};
  try { return fn(); } finally { [console.error, console.warn, console.log] = saved; }
}

/// One run: join untimed, then steps 1..n-1 (parsed before the clock) through View.update.
function run(client, s, n) {
  const viewId = s.view_id || 'phx-view';
  document.body.replaceChildren();
  const el = document.createElement('div');
  el.id = viewId;
  for (const [k, v] of CONTAINER_ATTRS) el.setAttribute(k, v);
  document.body.appendChild(el);
  const diffs = s.diffs.slice(0, n - 1).map((d) => JSON.parse(JSON.stringify(d)));
  let view;
  quietly(() => {
    const liveSocket = new client.LiveSocket('/live', StubSocket, {});
    view = new client.View(el, liveSocket, null, null, null);
    liveSocket.roots[view.id] = view;
    liveSocket.main = view;
    view.onJoin({ rendered: JSON.parse(JSON.stringify(s.rendered)) });
    if (view.joinPending) view.onAllChildJoinsComplete();
  });
  const c0 = cpuSeconds();
  const t0 = process.hrtime.bigint();
  quietly(() => {
    for (const d of diffs) view.applyDiff('update', d, ({ diff, events }) => view.update(diff, events));
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds: cpuSeconds() - c0, wall, html: document.getElementById(viewId).innerHTML };
}

// Process CPU time (user + system): the machine may be shared, and CPU time does not count
// the time other processes had the core. The C++ side measures the same.
function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length;
  return m % 2 ? s[(m - 1) / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
}

function main(argv) {
  const a = { streams: null, runs: 5, steps: 1001, only: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--streams') a.streams = argv[++i];
    else if (argv[i] === '--runs') a.runs = Math.max(1, Number(argv[++i]));
    else if (argv[i] === '--steps') a.steps = Math.max(2, Number(argv[++i]));
    else if (argv[i] === '--only') a.only = argv[++i];
    else throw new Error(`patch-peer.mjs: unknown option ${argv[i]}`);
  }
  if (!a.streams) throw new Error('usage: node bench/patch-peer.mjs --streams DIR [--runs N] [--steps N] [--only NAME]');
  const results = [];
  // Only the table streams are read (the others are large and would only feed the collector).
  for (const f of fs.readdirSync(a.streams).filter((x) => x.endsWith('--table-one-row.json')).sort()) {
    const s = JSON.parse(fs.readFileSync(path.join(a.streams, f), 'utf8'));
    if (s.shape !== 'table-one-row') continue;
    if (a.only && a.only !== s.profile && a.only !== `${s.profile}--${s.shape}`) continue;
    const client = loadPatchClient(s.profile);
    const n = Math.min(a.steps, s.diffs.length + 1);
    const warm = run(client, s, n);
    const runs = [];
    for (let i = 0; i < a.runs; i++) runs.push((n - 1) / run(client, s, n).seconds);
    const pps = median(runs);
    results.push({
      profile: s.profile, version: client.pkg.replace(/^phoenix_live_view-/, ''), stream: s.shape, patches: n - 1,
      runs, patches_per_second: pps, final_html_fnv1a: fnv1a(warm.html), final_html_bytes: Buffer.byteLength(warm.html),
    });
    process.stderr.write(`official    ${s.profile.padEnd(6)} ${s.shape.padEnd(14)} ${pps.toFixed(0).padStart(9)} updates/s (CPU time; wall ${((n - 1) / warm.wall).toFixed(0)}/s)\n`);
  }
  process.stdout.write(JSON.stringify({ side: 'phoenix_live_view', node: process.version, runs: a.runs, results }, null, 1) + '\n');
}

main(process.argv.slice(2));
