// The official phoenix_live_view client's merge+render on the benchmark streams, under Node:
// the JS half of the side-by-side with lvh_merge_render_bench (docs/benchmarks.md).
//
//   node bench/merge-render-peer.mjs --streams DIR [--runs N] [--chunk N] [--only NAME] [--rope]
//       JSON on stdout: per profile × stream, the median steps/s of N runs after a warm-up run
//       (every diff of a run is decoded before the run is timed; --chunk N decodes N steps at a
//       time instead; --rope leaves the markup as V8's unflattened rope, see timedRun)
//   node bench/merge-render-peer.mjs --dump FILE [--steps N]
//       JSONL: what each step rendered (the same lines as `lvh_merge_render_bench --dump`)
//   node bench/merge-render-peer.mjs --check --bench-bin PATH --streams DIR [--steps N]
//       both dumps for the first N steps of every stream; exits 1 at the first difference
//
// Each release's own Rendered class is loaded by tests/interop/oracle.mjs from node_modules.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadClient } from '../tests/interop/oracle.mjs';

function loadStream(file) {
  const s = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!s || typeof s.profile !== 'string' || !s.rendered || !Array.isArray(s.diffs)) {
    throw new Error(`${file}: not a benchmark stream ({profile, shape, view_id, rendered, diffs})`);
  }
  // Kept as text: every run needs fresh objects, since mergeDiff adopts the diff's objects.
  const steps = [JSON.stringify(s.rendered), ...s.diffs.map((d) => JSON.stringify(d))];
  return {
    file,
    profile: s.profile,
    shape: s.shape || path.basename(file, '.json'),
    viewId: s.view_id || 'phx-view',
    steps,
  };
}

function streamFiles(dir) {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f));
}

// What the client does with a diff before mergeDiff (taking out t, e, r) is outside the step,
// as decoding is on the C++ side.
function decode(client, steps, first, last) {
  const out = new Array(last - first);
  for (let n = first; n < last; n++) out[n - first] = client.Rendered.extract(JSON.parse(steps[n])).diff;
  return out;
}

// toString / componentToString return a string (≤0.18), [html, streams] (0.20, 1.0) or
// {buffer, streams} (1.2).
function htmlOf(shape, res) {
  if (shape === 'string') return res;
  if (shape === 'array') return res[0];
  return res.buffer;
}

/// One step, exactly as lvh::bench::stream_state::step: join (construct + toString()), or
/// mergeDiff then componentToString per changed cid (component-only diff) or
/// toString(componentCIDs(diff)).
function step(client, state, n, diff, out) {
  const shape = client.shape;
  if (n === 0) {
    state.r = new client.Rendered(state.viewId, diff);
    out(null, htmlOf(shape, state.r.toString()));
    return;
  }
  const r = state.r;
  r.mergeDiff(diff);
  if (r.isComponentOnlyDiff(diff)) {
    for (const cid of r.componentCIDs(diff)) out(cid, htmlOf(shape, r.componentToString(cid)));
  } else {
    out(null, htmlOf(shape, r.toString(r.componentCIDs(diff))));
  }
}

function timedRun(client, s, chunk, flatten) {
  const state = { viewId: s.viewId, r: null };
  let sink = 0;
  // V8 builds the markup as a rope (`buffer += …` concatenates lazily); whoever uses it
  // (innerHTML) flattens it first. Reading a character in the middle flattens it here, so
  // both sides end a step with contiguous markup, as lvh's std::string is.
  const absorb = flatten
    ? (_cid, html) => { sink += html.length + (html.length ? html.charCodeAt(html.length >> 1) : 0); }
    : (_cid, html) => { sink += html.length; };
  let total = 0n;
  const size = chunk > 0 ? chunk : s.steps.length;
  for (let first = 0; first < s.steps.length; first += size) {
    const last = Math.min(s.steps.length, first + size);
    const diffs = decode(client, s.steps, first, last);
    const t0 = process.hrtime.bigint();
    for (let n = first; n < last; n++) step(client, state, n, diffs[n - first], absorb);
    total += process.hrtime.bigint() - t0;
  }
  return { ns: Number(total), sink };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length;
  return m % 2 ? s[(m - 1) / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
}

function rates(a) {
  const files = streamFiles(a.streams).filter((f) => !a.only || path.basename(f, '.json') === a.only);
  if (files.length === 0) throw new Error(`no benchmark streams in '${a.streams}'`);
  const results = [];
  let checksum = 0;
  for (const file of files) {
    const s = loadStream(file);
    const client = loadClient(s.profile);
    checksum += timedRun(client, s, a.chunk, a.flatten).sink;  // warm-up
    const runs = [];
    for (let i = 0; i < a.runs; i++) {
      const { ns, sink } = timedRun(client, s, a.chunk, a.flatten);
      checksum += sink;
      runs.push((s.steps.length * 1e9) / Math.max(ns, 1));
    }
    const sps = median(runs);
    results.push({ profile: s.profile, version: client.version, stream: s.shape, steps: s.steps.length, runs, steps_per_second: sps });
    process.stderr.write(`official    ${s.profile.padEnd(6)} ${s.shape.padEnd(15)} ${sps.toFixed(0).padStart(9)} steps/s\n`);
  }
  return {
    side: 'phoenix_live_view',
    node: process.version,
    flatten: a.flatten,
    runs: a.runs,
    chunk: a.chunk,
    checksum,
    results,
  };
}

function dumpLines(file, steps) {
  const s = loadStream(file);
  const client = loadClient(s.profile);
  const last = Math.min(steps, s.steps.length);
  const diffs = decode(client, s.steps, 0, last);
  const state = { viewId: s.viewId, r: null };
  const lines = [];
  for (let n = 0; n < last; n++) {
    const out = [];
    step(client, state, n, diffs[n], (cid, html) => out.push({ cid, html }));
    lines.push(JSON.stringify({ step: n, out }));
  }
  return lines;
}

// The first place two strings differ, with some context.
function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const at = Math.max(0, i - 60);
  return `at offset ${i}:\n    liveharness: ${JSON.stringify(a.slice(at, i + 60))}\n    official:    ${JSON.stringify(b.slice(at, i + 60))}`;
}

function check(a) {
  let failed = 0;
  for (const file of streamFiles(a.streams)) {
    const name = path.basename(file, '.json');
    const theirs = dumpLines(file, a.steps).map((l) => JSON.parse(l));
    let ours = [];
    let problem = null;
    try {
      ours = execFileSync(a.benchBin, ['--dump', file, '--steps', String(a.steps)], {
        encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'],
      }).split('\n').filter((l) => l).map((l) => JSON.parse(l));
    } catch (e) {
      problem = `liveharness failed: ${String(e.stderr || e.message).trim()}`;
    }
    if (problem) { /* reported below */ } else if (ours.length !== theirs.length) problem = `liveharness printed ${ours.length} steps, the official client ${theirs.length}`;
    for (let n = 0; !problem && n < theirs.length; n++) {
      const o = ours[n].out;
      const t = theirs[n].out;
      if (o.length !== t.length) {
        problem = `step ${n}: liveharness rendered ${o.length} strings, the official client ${t.length}`;
        break;
      }
      for (let k = 0; k < t.length; k++) {
        if (o[k].cid !== t[k].cid) {
          problem = `step ${n}: render ${k} is for cid ${o[k].cid} here, ${t[k].cid} in the official client`;
        } else if (o[k].html !== t[k].html) {
          problem = `step ${n}: ${t[k].cid === null ? 'toString' : `componentToString(${t[k].cid})`} differs ${firstDifference(o[k].html, t[k].html)}`;
        }
        if (problem) break;
      }
    }
    if (problem) {
      failed++;
      console.error(`MISMATCH ${name}: ${problem}`);
    } else {
      console.error(`same     ${name}: ${theirs.length} steps`);
    }
  }
  if (failed) console.error(`${failed} stream(s) render differently: the figures would not compare the same work`);
  return failed ? 1 : 0;
}

function parseArgs(argv) {
  const a = { runs: 5, chunk: 0, steps: 50, flatten: true };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--streams') a.streams = argv[++i];
    else if (k === '--runs') a.runs = Math.max(1, parseInt(argv[++i], 10));
    else if (k === '--chunk') a.chunk = Math.max(0, parseInt(argv[++i], 10));
    else if (k === '--only') a.only = argv[++i];
    else if (k === '--dump') a.dump = argv[++i];
    else if (k === '--steps') a.steps = Math.max(1, parseInt(argv[++i], 10));
    else if (k === '--check') a.check = true;
    else if (k === '--rope') a.flatten = false;
    else if (k === '--bench-bin') a.benchBin = argv[++i];
    else a.bad = k;
  }
  return a;
}

function main() {
  const a = parseArgs(process.argv.slice(2));
  const usage = 'usage: merge-render-peer.mjs --streams DIR [--runs N] [--chunk N] [--only NAME] [--rope]\n' +
    '       merge-render-peer.mjs --dump FILE [--steps N]\n' +
    '       merge-render-peer.mjs --check --bench-bin PATH --streams DIR [--steps N]';
  if (a.bad || (!a.dump && !a.streams) || (a.check && !a.benchBin)) {
    console.error(usage);
    return 2;
  }
  if (a.dump) {
    const lines = dumpLines(a.dump, a.steps);
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  }
  if (a.check) return check(a);
  process.stdout.write(JSON.stringify(rates(a), null, 1) + '\n');
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
