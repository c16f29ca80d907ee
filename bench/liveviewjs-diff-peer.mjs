// Diff generation in liveviewjs (npm `liveviewjs`, a LiveView server in TypeScript), under
// Node: the peer of `lvh_reference_diff_bench --diffs-per-second` (docs/benchmarks.md,
// "Reference diff generation"). Per event it does what liveviewjs's WsHandler does to turn a
// re-render into a diff (viewToDiff): the view's render (its `html` tagged template) →
// partsTree(true) → deepDiff(previous parts, new parts), keeping the new parts.
//
//   node bench/liveviewjs-diff-peer.mjs [--runs N] [--diffs N] [--show]
//       JSON on stdout: golden `inc` and table-one-row diffs per second (CPU time), median of
//       N runs after a warm-up run; --show prints the first diffs of each case instead
//
// The same two cases as the C++ side:
//   golden-inc     the golden view of tests/data/real-frames/README.md; count cycles 1..5, so
//                  the list of 1..count re-renders. liveviewjs has no change tracking: the
//                  whole template is re-evaluated and compared each time. The component is an
//                  inline template here (liveviewjs's live components need its socket and
//                  component manager); the C++ side does not re-render it for `inc`.
//   table-one-row  a 100-row table, one row's qty changes per diff.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const nmRequire = createRequire(path.join(here, '..', 'node_modules', 'noop.js'));
// Loading liveviewjs starts a download of a MIME database (for uploads, not used here); it is
// answered here with an empty one, so that the benchmark touches no network.
const savedFetch = globalThis.fetch;
globalThis.fetch = async () => ({ ok: true, json: async () => ({}) });
const { html, deepDiff } = nmRequire('liveviewjs');
globalThis.fetch = savedFetch;

const item = (id, label, clicks) => html`<div id="comp-${id}">
  <span>${label}: ${clicks}</span>
  <button phx-click="bump" phx-target="1">bump</button>
</div>
`;

const range = (n) => Array.from({ length: n }, (_, i) => i + 1);

const counter = (a) => html`<div id="counter">
  <h1>Count: <span id="count">${a.count}</span></h1>
  <button id="inc" phx-click="inc">+</button>
  <button id="dec" phx-click="dec">-</button>
  <ul id="items">${range(a.count).map((i) => html`<li>${i}</li>`)}</ul>
</div>
<form id="f" phx-change="validate" phx-submit="save">
  <input type="text" name="name" value="${a.name}"/>
  <button type="submit">Save</button>
</form>
<p id="typed">Typed: ${a.name}</p>
${a.submitted ? html`<p id="submitted">Submitted: ${a.submitted}</p>` : ''}
${item('comp1', 'hello', a.clicks)}
`;

const table = (a) => html`<table id="t">
${a.rows.map((row) => html`<tr id="r${row.id}"><td>${row.name}</td><td>${row.qty}</td><td>${row.qty > 5 ? 'many' : 'few'}</td></tr>
`)}</table>
<p>${a.title}</p>`;

function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

// One run of n diffs; `sink` keeps the diffs observable.
const CASES = {
  'golden-inc'(n, onDiff) {
    const a = { count: 0, name: '', submitted: null, clicks: 0 };
    let parts = counter(a).partsTree(true);
    let sink = 0;
    const t0 = cpuSeconds();
    for (let i = 0; i < n; i++) {
      a.count = (a.count % 5) + 1;
      const next = counter(a).partsTree(true);
      const diff = deepDiff(parts, next);
      parts = next;
      sink += Object.keys(diff).length;
      if (onDiff) onDiff(diff);
    }
    return { seconds: cpuSeconds() - t0, sink };
  },
  'table-one-row'(n, onDiff) {
    // Rows are replaced, not mutated: a view assigns new state (as the C++ side copies its rows).
    let rows = Array.from({ length: 100 }, (_, i) => ({ id: i, name: `row ${i}`, qty: i % 10 }));
    const a = { rows, title: 'Stock' };
    let parts = table(a).partsTree(true);
    let sink = 0;
    const t0 = cpuSeconds();
    for (let step = 1; step <= n; step++) {
      const k = step % 100;
      rows = rows.slice();
      rows[k] = { ...rows[k], qty: (rows[k].qty + 1) % 10 };
      a.rows = rows;
      const next = table(a).partsTree(true);
      const diff = deepDiff(parts, next);
      parts = next;
      sink += Object.keys(diff).length;
      if (onDiff) onDiff(diff);
    }
    return { seconds: cpuSeconds() - t0, sink };
  },
};

function median(xs) {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length;
  return m % 2 ? s[(m - 1) / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
}

function main(argv) {
  const a = { runs: 5, diffs: 20000, show: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') a.runs = Math.max(1, Number(argv[++i]));
    else if (argv[i] === '--diffs') a.diffs = Math.max(1, Number(argv[++i]));
    else if (argv[i] === '--show') a.show = true;
    else throw new Error(`liveviewjs-diff-peer.mjs: unknown option ${argv[i]}`);
  }
  if (a.show) {
    for (const [name, fn] of Object.entries(CASES)) {
      fn(3, (d) => process.stdout.write(`${name}: ${JSON.stringify(d)}\n`));
    }
    return;
  }
  const results = [];
  let checksum = 0;
  for (const [name, fn] of Object.entries(CASES)) {
    checksum += fn(a.diffs).sink;  // warm-up
    const runs = [];
    for (let i = 0; i < a.runs; i++) {
      const r = fn(a.diffs);
      checksum += r.sink;
      runs.push(a.diffs / r.seconds);
    }
    const dps = median(runs);
    results.push({ case: name, diffs: a.diffs, runs, diffs_per_second: dps });
    process.stderr.write(`liveviewjs  ${name.padEnd(14)} ${dps.toFixed(0).padStart(9)} diffs/s\n`);
  }
  const pkg = path.join(here, '..', 'node_modules', 'liveviewjs', 'package.json');
  const version = JSON.parse(fs.readFileSync(pkg, 'utf8')).version;
  process.stdout.write(JSON.stringify({ side: 'liveviewjs', version, node: process.version, runs: a.runs, checksum, results }, null, 1) + '\n');
}

main(process.argv.slice(2));
