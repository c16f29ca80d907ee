// Differential test of the DOM patcher (lvh::sim::view_dom / view_patcher): for one client
// profile, the official client's View patches a container under jsdom (patch-oracle.mjs)
// and the C++ driver (client-sim/test/patch_driver.cpp) patches its own; after every step
// of every stream the container's innerHTML must be equal, byte for byte.
//
//   node patch-interop.mjs --driver build/client-sim/lvh_patch_driver --profile 1.0
//        [--random N] [--seed S] [--only NAME] [--out DIR] [--verbose]
//
// Streams: captures (tests/data/real-frames), streams/*.json, patch-streams/*.json (patch
// specific: phx-update modes, streams, nested views, focus) and N seeded random ones.
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { profileName, captureFilesFor, captureStreams } from './oracle.mjs';
import { generateStream } from './generate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const a = { random: Number(process.env.LVH_INTEROP_RANDOM || 100), seed: Number(process.env.LVH_SEED || 1) };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--driver') a.driver = argv[++i];
    else if (k === '--profile') a.profile = profileName(argv[++i]);
    else if (k === '--random') a.random = Number(argv[++i]);
    else if (k === '--seed') a.seed = Number(argv[++i]);
    else if (k === '--only') a.only = argv[++i];
    else if (k === '--out') a.out = argv[++i];
    else if (k === '--verbose') a.verbose = true;
  }
  return a;
}

function readDir(dir, profile) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const s = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    return { ...s, name: s.name || f };
  }).filter((s) => !s.profiles || s.profiles.includes(profile));
}

function gather(a) {
  const out = [];
  for (const f of captureFilesFor(a.profile)) out.push(...captureStreams(f));
  out.push(...readDir(path.join(here, 'streams'), a.profile).filter((s) => !s.invalid));
  out.push(...readDir(path.join(here, 'patch-streams'), a.profile));
  for (let i = 0; i < a.random; i++) out.push(generateStream(a.profile, a.seed, i).stream);
  return a.only ? out.filter((s) => s.name.includes(a.only)) : out;
}

function runDriver(a, streams) {
  const file = path.join(a.out, `patch-${a.profile}.jsonl`);
  fs.writeFileSync(file, streams.map((s) => JSON.stringify({
    profile: a.profile, name: s.name, view_id: s.view_id, rendered: s.rendered, diffs: s.diffs,
    dead: s.dead, focus: s.focus,
  })).join('\n') + '\n');
  const res = spawnSync(a.driver, [file], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 300000 });
  if (res.error || res.status !== 0) {
    throw new Error(`driver failed: ${res.error ? res.error.message : `status ${res.status} ${res.signal || ''}`} ${res.stderr || ''}`);
  }
  const by = streams.map(() => []);
  for (const line of res.stdout.split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    by[r.stream].push(r);
  }
  return by;
}

// The official client in a child process (it can loop forever: 0.20.1 on some stream
// inserts). The child writes one line per finished stream; it is killed when no stream
// finished for `idleMs` (not a budget for the whole run, which a busy machine could exceed),
// and the stream it was on is skipped.
function runOracleOnce(a, file, from, idleMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(here, 'patch-oracle.mjs'), '--client', a.profile, file],
      { env: { ...process.env, LVH_PATCH_FROM: String(from) }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = [];
    let buf = '';
    let killed = false;
    let timer = null;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, idleMs);
    };
    arm();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) lines.push(JSON.parse(line));
      }
      arm();
    });
    child.stderr.resume();
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ lines, ok: !killed && code === 0 });
    });
  });
}

async function runOracle(a, streams) {
  const file = path.join(a.out, `patch-${a.profile}.jsonl`);
  const by = streams.map(() => []);
  const hung = new Set();
  const idleMs = Number(process.env.LVH_ORACLE_IDLE_MS || 20000);
  let from = 0;
  while (from < streams.length) {
    const res = await runOracleOnce(a, file, from, idleMs);
    let last = from - 1;
    for (const r of res.lines) {
      by[r.stream].push(r);
      last = Math.max(last, r.stream);
    }
    if (res.ok) break;
    hung.add(last + 1);
    from = last + 2;
  }
  return { by, hung };
}

function firstDifference(x, y) {
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  const from = Math.max(0, i - 80);
  return `at char ${i}:\n    official: …${x.slice(from, i + 120)}\n    ours:     …${y.slice(from, i + 120)}`;
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  if (!a.driver || !a.profile) {
    console.log('usage: node patch-interop.mjs --driver PATH --profile P [--random N] [--seed S] [--only NAME] [--out DIR]');
    return 2;
  }
  a.out = a.out || fs.mkdtempSync('/tmp/lvh-patch-');
  fs.mkdirSync(a.out, { recursive: true });
  const streams = gather(a);
  const ours = runDriver(a, streams);
  let steps = 0;
  let compared = 0;
  let skipped = 0;
  const bad = [];
  const official = await runOracle(a, streams);
  let hung = 0;
  streams.forEach((s, k) => {
    if (official.hung.has(k)) { hung++; console.log(`NOTE ${a.profile} ${s.name}: the official client never finishes this stream (skipped)`); return; }
    const theirs = official.by[k];
    for (const t of theirs) {
      steps++;
      const o = ours[k].find((r) => r.step === t.step);
      if (t.error) {
        // The official client failed (a stream invalid for it): nothing to compare from here.
        skipped++;
        continue;
      }
      compared++;
      if (!o || o.error || o.html !== t.html) {
        bad.push({ stream: s.name, step: t.step, theirs: t.html, ours: o ? (o.error ? `ERROR ${o.error}` : o.html) : '(missing)' });
        break;
      }
    }
  });
  const failedStreams = new Set(bad.map((b) => b.stream));
  console.log(`patch interop ${a.profile}: ${streams.length} streams, ${steps} steps, ${compared} compared, ${skipped} skipped (official client error), ${hung} streams the official client hangs on, ${failedStreams.size} streams mismatched`);
  for (const b of bad.slice(0, a.verbose ? bad.length : 10)) {
    console.log(`MISMATCH ${a.profile} ${b.stream} step ${b.step} ${firstDifference(b.theirs, b.ours)}`);
  }
  fs.writeFileSync(path.join(a.out, `mismatches-${a.profile}.json`), JSON.stringify(bad, null, 1));
  return bad.length === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => { process.exitCode = code; },
    (e) => { console.error((e && e.stack) || e); process.exitCode = 1; })
    .finally(() => setTimeout(() => process.exit(process.exitCode), 0));
}
