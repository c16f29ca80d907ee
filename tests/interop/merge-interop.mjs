// Differential test: `liveharness merge` against the official phoenix_live_view client.
//
// For one client profile, gathers (a) streams converted from the real captures, (b) the
// hand-written edge cases in streams/*.json, (c) seeded random streams from generate.mjs,
// runs `liveharness merge --batch --jsonl` once over all of them and the official client
// (oracle.mjs) over each, and compares every step: patch kind, title, events, reply, stream
// instructions, patched cids, and the container's HTML after HTML5 normalization.
//
//   node merge-interop.mjs --liveharness PATH --profile 1.0 [--random 300] [--seed 1]
//                          [--index I] [--only NAME] [--out DIR] [--oracle-only]
//
// Exit status: 0 all agree, 1 mismatches (or liveharness failed), 2 usage, 77 skipped (the
// npm packages are not installed). Environment: LVH_SEED (default seed), LVH_INTEROP_RANDOM
// (default number of random streams).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  runStream, profileName, normalizeHtml, captureStreams, captureFilesFor, NODE_MODULES, PROFILES,
} from './oracle.mjs';
import { generateStream } from './generate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function usage(msg) {
  if (msg) console.error(`merge-interop: ${msg}`);
  console.error('usage: node merge-interop.mjs --liveharness PATH --profile P [--random N] [--seed S] [--index I] [--only NAME] [--out DIR] [--oracle-only]');
  process.exit(2);
}

function parseArgs(argv) {
  const a = {
    random: Number(process.env.LVH_INTEROP_RANDOM || 300),
    seed: Number(process.env.LVH_SEED || 1),
    out: null,
    oracleOnly: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => { if (i + 1 >= argv.length) usage(`${k} needs a value`); return argv[++i]; };
    if (k === '--liveharness') a.liveharness = v();
    else if (k === '--profile') a.profile = v();
    else if (k === '--random') a.random = Number(v());
    else if (k === '--seed') a.seed = Number(v());
    else if (k === '--index') a.index = Number(v());
    else if (k === '--only') a.only = v();
    else if (k === '--out') a.out = v();
    else if (k === '--oracle-only') a.oracleOnly = true;
    else if (k === '-h' || k === '--help') usage();
    else usage(`unknown argument ${k}`);
  }
  if (!a.profile) usage('--profile is required');
  if (!a.oracleOnly && !a.liveharness) usage('--liveharness is required (or --oracle-only)');
  if (!Number.isInteger(a.seed) || a.seed < 0) usage('--seed must be a non-negative integer');
  a.profile = profileName(a.profile);
  return a;
}

// ---------------------------------------------------------------------------------------
// Gathering streams

function handWritten(profile) {
  const dir = path.join(here, 'streams');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const s = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    s.source = 'hand';
    s.file = f;
    return s;
  }).filter((s) => s.profiles.includes(profile));
}

function gather(a) {
  const out = [];
  if (a.index === undefined) {
    for (const f of captureFilesFor(a.profile)) {
      for (const s of captureStreams(f)) out.push({ ...s, source: 'capture' });
    }
    out.push(...handWritten(a.profile));
  }
  const indexes = a.index !== undefined ? [a.index] : [...Array(a.random).keys()];
  for (const i of indexes) {
    const { stream } = generateStream(a.profile, a.seed, i);
    out.push({ ...stream, source: 'random', seed: a.seed, index: i });
  }
  return a.only ? out.filter((s) => s.name.includes(a.only)) : out;
}

const wire = (s) => ({ name: s.name, view_id: s.view_id, rendered: s.rendered, diffs: s.diffs });

// ---------------------------------------------------------------------------------------
// Running liveharness

function runBatch(a, streams, file) {
  fs.writeFileSync(file, streams.map((s) => JSON.stringify(wire(s))).join('\n') + '\n');
  const res = spawnSync(a.liveharness, ['merge', '--client', a.profile, '--jsonl', '--batch', file],
    { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 300000 });
  const byStream = streams.map(() => []);
  const junk = [];
  if (res.error) return { byStream, fatal: `could not run ${a.liveharness}: ${res.error.message}` };
  for (const line of (res.stdout || '').split('\n')) {
    if (!line.trim()) continue;
    let rec;
    try { rec = JSON.parse(line); } catch { junk.push(line); continue; }
    if (Number.isInteger(rec.stream) && rec.stream >= 0 && rec.stream < streams.length) byStream[rec.stream].push(rec);
    else junk.push(line);
  }
  const notes = [];
  if (junk.length) notes.push(`liveharness printed ${junk.length} unusable line(s), first: ${junk[0].slice(0, 300)}`);
  // 0: every step applied, 1: some diff refused (reported per step); anything else is a crash.
  const crashed = res.signal || (res.status !== 0 && res.status !== 1);
  const why = crashed ? `liveharness ${res.signal ? `died of ${res.signal}` : `exited with status ${res.status}`}: ${(res.stderr || '').trim().slice(0, 500)}` : null;
  return { byStream, crashed, why, notes };
}

// One liveharness process for all streams. If it crashes, its buffered output is lost, so
// every stream from the first one without all its steps runs again on its own, which also
// tells which streams crash.
function runLiveharness(a, streams, file) {
  const r = runBatch(a, streams, file);
  const crashes = new Map();
  if (r.fatal) return { byStream: r.byStream, crashes, notes: [r.fatal], fatal: true };
  if (!r.crashed) return { byStream: r.byStream, crashes, notes: r.notes };
  const byStream = r.byStream;
  const first = streams.findIndex((s, k) => byStream[k].length < s.diffs.length + 1);
  for (let k = Math.max(first, 0); k < streams.length; k++) {
    const one = runBatch(a, [streams[k]], file);
    byStream[k] = one.byStream[0];
    if (one.crashed) crashes.set(k, one.why);
  }
  return { byStream, crashes, notes: [] };
}

// ---------------------------------------------------------------------------------------
// Comparing

function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = canonical(v[k]);
    return o;
  }
  return v;
}
const same = (x, y) => JSON.stringify(canonical(x)) === JSON.stringify(canonical(y));

/// Mismatches of one stream: [{step, what, oracle, liveharness}].
export function compareStream(stream, oracleRecs, lhRecs) {
  const problems = [];
  const invalid = stream.invalid || { steps: [], oracle: 'error' };
  const n = stream.diffs.length + 1;
  const lhByStep = new Map();
  for (const r of lhRecs) {
    if (lhByStep.has(r.step)) problems.push({ step: r.step, what: 'liveharness printed this step twice' });
    lhByStep.set(r.step, r);
  }
  for (let step = 0; step < n; step++) {
    const o = oracleRecs[step];
    const l = lhByStep.get(step);
    if (!l) { problems.push({ step, what: 'liveharness printed nothing for this step', oracle: o }); continue; }
    if (invalid.steps.includes(step)) {
      if (!l.error) problems.push({ step, what: 'liveharness accepted a diff it must refuse', oracle: o, liveharness: l });
      if (invalid.oracle === 'error' && !o.error) problems.push({ step, what: 'the official client accepted a diff declared invalid (stream file is wrong)', oracle: o });
      continue;
    }
    if (o.error && l.error) continue;
    if (o.error || l.error) {
      problems.push({ step, what: o.error ? 'only the official client refused this diff' : 'only liveharness refused this diff', oracle: o, liveharness: l });
      continue;
    }
    const fields = [];
    for (const k of ['patch', 'title', 'events', 'reply', 'streams', 'cids']) {
      if (!same(o[k], l[k])) fields.push(k);
    }
    const oh = normalizeHtml(o.html);
    const lh = typeof l.html === 'string' ? normalizeHtml(l.html) : null;
    if (oh !== lh) fields.push('html');
    if (fields.length) problems.push({ step, what: `differs in ${fields.join(', ')}`, fields, oracle: o, liveharness: l, oracleHtml: oh, liveharnessHtml: lh });
  }
  for (const step of lhByStep.keys()) {
    if (!(step >= 0 && step < n)) problems.push({ step, what: 'liveharness printed a step the stream does not have' });
  }
  return problems;
}

// Line-oriented diff (LCS) of two HTML strings, one tag per line.
function splitHtml(h) { return (h ?? '(none)').replace(/>(?!\n)/g, '>\n').split('\n'); }
export function lineDiff(a, b, context = 3) {
  const x = splitHtml(a);
  const y = splitHtml(b);
  if (x.length * y.length > 4e6) return ['(too large to diff; see the files)'];
  const m = x.length; const n = y.length;
  const dp = Array.from({ length: m + 1 }, () => new Int32Array(n + 1));
  for (let i = m - 1; i >= 0; i--) for (let j = n - 1; j >= 0; j--) dp[i][j] = x[i] === y[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  const ops = [];
  let i = 0; let j = 0;
  while (i < m || j < n) {
    if (i < m && j < n && x[i] === y[j]) { ops.push([' ', x[i]]); i++; j++; } else if (j < n && (i >= m || dp[i][j + 1] >= dp[i + 1][j])) { ops.push(['+', y[j]]); j++; } else { ops.push(['-', x[i]]); i++; }
  }
  const keep = new Set();
  ops.forEach(([t], k) => { if (t !== ' ') for (let d = -context; d <= context; d++) keep.add(k + d); });
  const out = [];
  let gap = false;
  ops.forEach(([t, s], k) => {
    if (keep.has(k)) { out.push(`${t} ${s}`); gap = false; } else if (!gap) { out.push('  …'); gap = true; }
  });
  return out;
}

// ---------------------------------------------------------------------------------------
// Shrinking a failing random stream

function* shrinkCandidates(s) {
  const clone = () => JSON.parse(JSON.stringify(s));
  for (let i = 0; i < s.diffs.length - 1; i++) { const c = clone(); c.diffs.splice(i, 1); yield c; }
  // drop one entry of a "d" list, or one component of a "c" map, anywhere
  const paths = [];
  const walk = (v, p) => {
    if (Array.isArray(v)) { v.forEach((x, i) => walk(x, [...p, i])); return; }
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v.d)) v.d.forEach((_, i) => paths.push({ p: [...p, 'd'], i, kind: 'row' }));
    if (v.c && typeof v.c === 'object' && p.length <= 1) Object.keys(v.c).forEach((k) => paths.push({ p: [...p, 'c'], k, kind: 'comp' }));
    for (const [k, x] of Object.entries(v)) if (k !== 'p' && k !== 's') walk(x, [...p, k]);
  };
  walk({ rendered: s.rendered, diffs: s.diffs }, []);
  for (const { p, i, k, kind } of paths) {
    const c = clone();
    const root = { rendered: c.rendered, diffs: c.diffs };
    let t = root;
    for (const seg of p) t = t[seg];
    if (kind === 'row') t.splice(i, 1); else delete t[k];
    yield c;
  }
}

// A smaller stream must still fail the same way (same first complaint), so shrinking does
// not wander off to a different disagreement.
function shrink(a, stream, first, dir) {
  const firstBad = first.step;
  const kind = (p) => p.what.replace(/ \(.*$/, '');
  let cur = { ...wire(stream), diffs: stream.diffs.slice(0, firstBad) };
  const stillFails = (cands) => {
    const valid = cands.filter((c) => runStream(a.profile, c).every((r) => !r.error));
    if (!valid.length) return null;
    const { byStream } = runLiveharness(a, valid, path.join(dir, 'shrink.jsonl'));
    for (let k = 0; k < valid.length; k++) {
      const ps = compareStream(valid[k], runStream(a.profile, valid[k]), byStream[k]);
      if (ps.length && kind(ps[0]) === kind(first)) return valid[k];
    }
    return null;
  };
  if (!stillFails([cur])) return { ...wire(stream) };
  for (let round = 0; round < 40; round++) {
    const cands = [...shrinkCandidates(cur)].slice(0, 120);
    const better = stillFails(cands);
    if (!better) break;
    cur = better;
  }
  return cur;
}

// ---------------------------------------------------------------------------------------

function slug(s) { return s.replace(/[^A-Za-z0-9._-]+/g, '_'); }

function report(a, stream, problems, dir) {
  const lines = [];
  const where = stream.source === 'random'
    ? `random stream, seed ${stream.seed}, index ${stream.index} (reproduce: node tests/interop/merge-interop.mjs --liveharness ${a.liveharness} --profile ${a.profile} --seed ${stream.seed} --index ${stream.index})`
    : stream.source === 'hand' ? `streams/${stream.file}` : 'capture';
  lines.push(`MISMATCH profile ${a.profile}, stream ${stream.name} (${where})`);
  for (const p of problems.slice(0, 3)) {
    const diff = p.step === 0 ? stream.rendered : stream.diffs[p.step - 1];
    lines.push(`  step ${p.step}: ${p.what}`);
    lines.push(`    ${p.step === 0 ? 'join rendered' : 'diff'}: ${JSON.stringify(diff).slice(0, 1500)}`);
    const strip = (r) => { if (!r) return r; const { html, ...rest } = r; return rest; };
    if (p.oracle) lines.push(`    official client: ${JSON.stringify(strip(p.oracle))}`);
    if (p.liveharness) lines.push(`    liveharness:     ${JSON.stringify(strip(p.liveharness))}`);
    if (p.fields && p.fields.includes('html')) {
      const base = path.join(dir, `${slug(stream.name)}.step${p.step}`);
      fs.writeFileSync(`${base}.oracle.html`, `${p.oracleHtml}\n`);
      fs.writeFileSync(`${base}.liveharness.html`, `${p.liveharnessHtml}\n`);
      lines.push(`    html (- official client, + liveharness; files ${base}.{oracle,liveharness}.html):`);
      for (const l of lineDiff(p.oracleHtml, p.liveharnessHtml).slice(0, 60)) lines.push(`      ${l}`);
    }
  }
  if (problems.length > 3) lines.push(`  … and ${problems.length - 3} more step(s)`);
  console.log(lines.join('\n'));
}

function checkCaptureDom(a, streams, oracleBy, lhBy) {
  // The official-client captures end with the DOM a browser showed: the oracle must
  // reproduce it (attributes compared as a set: morphdom keeps the dead render's order).
  const cases = { '0.15.7': 'phoenix-0.15.7-official-client', '1.0': 'phoenix-0.20.17-official-client' };
  const want = cases[a.profile];
  if (!want) return true;
  let ok = true;
  streams.forEach((s, k) => {
    if (s.source !== 'capture' || !s.dom || !s.name.startsWith(want)) return;
    const last = (recs) => recs && recs.length ? recs[recs.length - 1] : null;
    const o = last(oracleBy[k]);
    const exact = o && !o.error && normalizeHtml(o.html) === normalizeHtml(s.dom);
    const sorted = o && !o.error && normalizeHtml(o.html, { sortAttributes: true }) === normalizeHtml(s.dom, { sortAttributes: true });
    console.log(`capture DOM ${s.name}: official client ${sorted ? 'reproduces' : 'DOES NOT reproduce'} the captured DOM${sorted ? (exact ? ' (attribute order too)' : ' (attribute order differs: morphdom appends new attributes)') : ''}`);
    if (!sorted) ok = false;
    const l = lhBy && last(lhBy[k]);
    if (l) {
      const lsorted = !l.error && typeof l.html === 'string' && normalizeHtml(l.html, { sortAttributes: true }) === normalizeHtml(s.dom, { sortAttributes: true });
      console.log(`capture DOM ${s.name}: liveharness ${lsorted ? 'reproduces' : 'does not reproduce'} the captured DOM (attributes as a set)`);
    }
  });
  return ok;
}

function main() {
  const a = parseArgs(process.argv.slice(2));
  const needed = ['jsdom', 'morphdom', PROFILES[a.profile].pkg];
  const missing = needed.filter((m) => !fs.existsSync(path.join(NODE_MODULES, m, 'package.json')));
  if (missing.length) {
    console.log(`SKIP: ${NODE_MODULES} lacks ${missing.join(', ')} (run scripts/setup.sh, or npm ci in the repository root)`);
    return 77;
  }
  const dir = a.out || path.join(os.tmpdir(), `liveharness-interop-${a.profile}`);
  fs.mkdirSync(dir, { recursive: true });
  const streams = gather(a);
  if (!streams.length) { console.log(`profile ${a.profile}: no streams selected`); return 0; }

  const oracleBy = streams.map((s) => runStream(a.profile, s));
  let status = 0;

  // Streams must be valid for the official client except where a file declares otherwise.
  streams.forEach((s, k) => {
    const declared = new Set((s.invalid && s.invalid.steps) || []);
    const unexpected = oracleBy[k].filter((r) => r.error && !declared.has(r.step));
    if (unexpected.length) {
      status = 1;
      console.log(`BAD STREAM ${s.name} (${s.source}${s.source === 'random' ? ` seed ${s.seed} index ${s.index}` : ''}): the official client ${a.profile} refuses step ${unexpected[0].step}: ${unexpected[0].error.message}`);
    }
  });

  let lhBy = null;
  let crashes = new Map();
  if (!a.oracleOnly) {
    const r = runLiveharness(a, streams, path.join(dir, 'streams.jsonl'));
    lhBy = r.byStream;
    crashes = r.crashes;
    for (const n of r.notes) { status = 1; console.log(`LIVEHARNESS (${a.profile}): ${n}`); }
    for (const [k, why] of r.crashes) {
      status = 1;
      console.log(`LIVEHARNESS CRASH (${a.profile}) on stream ${streams[k].name}: ${why}`);
    }
  }
  if (!checkCaptureDom(a, streams, oracleBy, lhBy)) status = 1;

  const steps = streams.reduce((n, s) => n + s.diffs.length + 1, 0);
  const bySource = {};
  for (const s of streams) bySource[s.source] = (bySource[s.source] || 0) + 1;
  if (a.oracleOnly) {
    console.log(`profile ${a.profile}: ${streams.length} streams (${JSON.stringify(bySource)}), ${steps} steps, oracle only`);
    return status;
  }

  const mismatchDir = path.join(dir, 'mismatches');
  fs.rmSync(mismatchDir, { recursive: true, force: true });
  let mismatches = 0;
  let mismatchedSteps = 0;
  const kinds = {};
  const shrinkBudget = { left: 3 };
  streams.forEach((s, k) => {
    const problems = compareStream(s, oracleBy[k], lhBy[k]);
    if (crashes.has(k)) problems.unshift({ step: lhBy[k].length, what: `liveharness crashed: ${crashes.get(k)}` });
    if (!problems.length) return;
    mismatches++;
    mismatchedSteps += problems.length;
    const p0 = problems[0];
    const code = p0.liveharness && p0.liveharness.error ? ` [${p0.liveharness.error.code}]` : '';
    const kind = `${p0.what.replace(/: .*/, '')}${code}${s.diffs[p0.step - 1] && s.diffs[p0.step - 1].c && Object.keys(s.diffs[p0.step - 1]).every((k) => 'ctre'.includes(k)) ? ' (component-only diff)' : ''}`;
    kinds[kind] = (kinds[kind] || 0) + 1;
    fs.mkdirSync(mismatchDir, { recursive: true });
    fs.writeFileSync(path.join(mismatchDir, `${slug(s.name)}.stream.json`), `${JSON.stringify(wire(s))}\n`);
    if (mismatches <= 20) report(a, s, problems, mismatchDir);
    if (s.source === 'random' && shrinkBudget.left > 0) {
      shrinkBudget.left--;
      const small = shrink(a, s, problems[0], mismatchDir);
      const file = path.join(mismatchDir, `${slug(s.name)}.shrunk.json`);
      fs.writeFileSync(file, `${JSON.stringify(small)}\n`);
      console.log(`  shrunk to ${small.diffs.length} diff(s): ${file}\n  ${JSON.stringify(small).slice(0, 2000)}`);
    }
  });
  if (mismatches > 20) console.log(`… ${mismatches - 20} more mismatching streams (all written to ${mismatchDir})`);
  if (mismatches) console.log(`first disagreement per mismatching stream: ${JSON.stringify(kinds)}`);
  console.log(`profile ${a.profile}: ${streams.length} streams (${JSON.stringify(bySource)}), ${steps} steps, ${mismatchedSteps} mismatches in ${mismatches} streams (random seed ${a.seed})`);
  return mismatches ? 1 : status;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
