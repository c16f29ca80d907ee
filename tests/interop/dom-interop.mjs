// The DOM-level differential test: every scenario (tests/interop/scenarios/*.json, plus
// seeded random ones) runs on the official client under jsdom (dom-oracle.mjs) and on
// `liveharness simulate`; after every step the main container (inner HTML and attributes),
// title, URL, the frames sent, push events, hook replies and navigations must be equal.
//
//   node dom-interop.mjs --liveharness build/cli/liveharness --profile 1.0
//        [--random N] [--seed S] [--only NAME] [--out DIR] [--oracle-only]
//
// Exit status: 0 equal, 1 a mismatch (reports on stdout, files under DIR/mismatches), 77 the
// Node packages or the simulate command are missing.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  NODE_MODULES, DOM_PROFILES, profileName, loadScenario, resolveScenario, runScenario,
  scenarioFiles, scenarioProfiles,
} from './dom-oracle.mjs';
import { generateStream, rngFrom, streamSeed } from './generate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const nmRequire = createRequire(path.join(NODE_MODULES, 'noop.js'));

// ---------------------------------------------------------------------------------------
// Generated scenarios: a random stream of the profile's dialect (generate.mjs) served to a
// page with one button; each diff arrives as the reply to a click on it, as a server push,
// or as a push after some virtual time.

const GEN_BUTTON = '<button id="lvh-gen" phx-click="next" phx-value-n="1">next</button>';

export function generateScenario(profile, seed, index) {
  profile = profileName(profile);
  const { stream } = generateStream(profile, seed, index);
  const rng = rngFrom(streamSeed(seed ^ 0x5eed, index));
  // The button goes into the root's statics, wherever the join or a diff sends them.
  const withButton = (tree) => {
    const t = JSON.parse(JSON.stringify(tree));
    if (Array.isArray(t.s)) {
      t.s[0] = GEN_BUTTON + t.s[0];
    } else if (typeof t.s === 'number' && t.p && t.p[t.s]) {
      // Root statics shared through "p" (1.2): a template of its own for the root.
      const k = String(Math.max(-1, ...Object.keys(t.p).map(Number)) + 1);
      t.p[k] = [GEN_BUTTON + t.p[t.s][0], ...t.p[t.s].slice(1)];
      t.s = Number(k);
    }
    return t;
  };
  const rendered = withButton(stream.rendered);
  const viewId = stream.view_id || 'phx-view';
  const page = '<!DOCTYPE html>\n<html><head><meta name="csrf-token" content="csrf-gen">'
    + '<title>generated</title></head><body>'
    + `<div id="${viewId}" data-phx-main="true" data-phx-session="session-gen" data-phx-static="static-gen" data-phx-view="GenLive"></div>`
    + '</body></html>\n';
  const steps = [];
  for (const raw of stream.diffs) {
    const d = withButton(raw);
    const roll = rng.next();
    if (roll < 0.5) steps.push({ action: { kind: 'click', selector: '#lvh-gen' }, replies: [{ diff: d }] });
    else if (roll < 0.9) steps.push({ server: { diff: d } });
    else { steps.push({ advance: rng.range(1, 5000) }); steps.push({ server: { diff: d } }); }
  }
  return {
    name: `gen-${profile}-s${seed}-i${index}`,
    about: `generated: node dom-interop.mjs --profile ${profile} --seed ${seed} --only gen-${profile}-s${seed}-i${index}`,
    profiles: [profile],
    page,
    replies: [{ event: 'phx_join', rendered }],
    steps,
  };
}

// ---------------------------------------------------------------------------------------
// Comparison

let normDoc = null;
function normalizeHtml(html) {
  if (typeof html !== 'string') return html;
  if (!normDoc) normDoc = new (nmRequire('jsdom').JSDOM)('<!DOCTYPE html><body></body>').window.document;
  const t = normDoc.createElement('template');
  t.innerHTML = html;
  const d = normDoc.createElement('div');
  d.appendChild(t.content);
  return d.innerHTML;
}

// Refs renumbered by first appearance (again: idempotent on records that already are).
function renumber(records) {
  const map = new Map();
  const label = (r) => {
    if (r === null || r === undefined) return null;
    if (!map.has(r)) map.set(r, String(map.size + 1));
    return map.get(r);
  };
  return records.map((rec) => (Array.isArray(rec.sent)
    ? { ...rec, sent: rec.sent.map((f) => (Array.isArray(f) && f.length === 5 ? [label(f[0]), label(f[1]), f[2], f[3], f[4]] : f)) }
    : rec));
}

// JSON equality with object keys unordered (the wire's objects are maps).
function sameJson(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return sameJson(ka, kb) && ka.every((k) => sameJson(a[k], b[k]));
}

// Compared per step. Oracle-only (informative): hooks (lifecycle callbacks, which a
// simulator without JavaScript does not run), focus, notes, errors.
export const COMPARED = ['do', 'now', 'connects', 'sent', 'html', 'container', 'title', 'url', 'events', 'replies', 'navigate'];
const PAGE_FIELDS = new Set(['html', 'container', 'title', 'url', 'events', 'replies']);
const LISTS = new Set(['events', 'replies', 'navigate', 'sent', 'connects']);

export function compareRecords(oracle, sim) {
  const out = [];
  const a = renumber(oracle);
  const b = renumber(sim);
  const n = Math.max(a.length, b.length);
  // After a hard navigation a browser shows another document (jsdom keeps the old one): from
  // then on only what the client sends, the navigations and the clock are compared.
  let gone = false;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y) { out.push({ step: (x || y).step, field: 'step', oracle: x ? 'present' : 'missing', sim: y ? 'present' : 'missing' }); break; }
    if (x.step !== y.step) { out.push({ step: x.step, field: 'step', oracle: x.step, sim: y.step }); break; }
    gone = gone || Boolean(x.navigate && x.navigate.length);
    for (const f of COMPARED) {
      if (gone && PAGE_FIELDS.has(f)) continue;
      let u = x[f];
      let v = y[f];
      if (f === 'connects' && x.step !== 0) continue;
      if (LISTS.has(f)) { u = u || []; v = v || []; }
      if (f === 'html') { u = normalizeHtml(u); v = normalizeHtml(v); }
      if (!sameJson(u, v)) out.push({ step: x.step, do: x.do, field: f, oracle: u, sim: v });
    }
  }
  return out;
}

function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

const clip = (t) => (t === undefined ? 'undefined' : t.length > 400 ? `${t.slice(0, 400)}…` : t);

function explain(m) {
  const lines = [`  step ${m.step} (${m.do || '?'}): ${m.field} differs`];
  if (m.field === 'html' && typeof m.oracle === 'string' && typeof m.sim === 'string') {
    const i = firstDifference(m.oracle, m.sim);
    const from = Math.max(0, i - 60);
    lines.push(`    at char ${i}:`);
    lines.push(`    oracle …${JSON.stringify(m.oracle.slice(from, i + 80))}`);
    lines.push(`    sim    …${JSON.stringify(m.sim.slice(from, i + 80))}`);
  } else if (m.field === 'sent' && Array.isArray(m.oracle) && Array.isArray(m.sim)) {
    const k = m.oracle.findIndex((f, j) => !sameJson(f, m.sim[j]));
    const j = k < 0 ? Math.min(m.oracle.length, m.sim.length) : k;
    lines.push(`    frame ${j} of ${m.oracle.length} (oracle) / ${m.sim.length} (sim):`);
    lines.push(`    oracle ${clip(JSON.stringify(m.oracle[j]))}`);
    lines.push(`    sim    ${clip(JSON.stringify(m.sim[j]))}`);
  } else if (Array.isArray(m.oracle) && Array.isArray(m.sim)) {
    const k = m.oracle.findIndex((x, j) => !sameJson(x, m.sim[j]));
    const j = k < 0 ? Math.min(m.oracle.length, m.sim.length) : k;
    lines.push(`    item ${j} of ${m.oracle.length} (oracle) / ${m.sim.length} (sim):`);
    lines.push(`    oracle ${clip(JSON.stringify(m.oracle[j]))}`);
    lines.push(`    sim    ${clip(JSON.stringify(m.sim[j]))}`);
  } else {
    lines.push(`    oracle ${clip(JSON.stringify(m.oracle))}`);
    lines.push(`    sim    ${clip(JSON.stringify(m.sim))}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------
// Runner

function parseArgs(argv) {
  const a = { random: Number(process.env.LVH_INTEROP_RANDOM || 20), seed: Number(process.env.LVH_SEED || 1) };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--liveharness') a.liveharness = argv[++i];
    else if (k === '--profile') a.profile = argv[++i];
    else if (k === '--random') a.random = Number(argv[++i]);
    else if (k === '--seed') a.seed = Number(argv[++i]);
    else if (k === '--only') a.only = argv[++i];
    else if (k === '--out') a.out = argv[++i];
    else if (k === '--oracle-only') a.oracleOnly = true;
    else if (k === '-h' || k === '--help') a.help = true;
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

function runSim(liveharness, profile, file) {
  const r = spawnSync(liveharness, ['simulate', '--client', profile, '--jsonl', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) return { error: String(r.error) };
  const records = [];
  for (const line of r.stdout.split('\n')) {
    if (!line.trim()) continue;
    try { records.push(JSON.parse(line)); } catch { return { error: `not JSON: ${line.slice(0, 200)}`, stderr: r.stderr }; }
  }
  if (r.status !== 0 && records.length === 0) return { error: `exit ${r.status}: ${r.stderr.slice(0, 500)}` };
  return { records, stderr: r.stderr };
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  if (a.help || !a.profile || (!a.liveharness && !a.oracleOnly)) {
    console.log('usage: node dom-interop.mjs --liveharness PATH --profile P [--random N] [--seed S] [--only NAME] [--out DIR] [--oracle-only]');
    return a.help ? 0 : 2;
  }
  const profile = profileName(a.profile);
  const p = DOM_PROFILES[profile];
  const missing = ['jsdom', p.lv, p.phx].filter((m) => !fs.existsSync(path.join(NODE_MODULES, m)));
  if (missing.length) { console.log(`SKIP: ${NODE_MODULES} lacks ${missing.join(', ')} (run scripts/setup.sh)`); return 77; }
  if (!a.oracleOnly) {
    const probe = spawnSync(a.liveharness, ['simulate', '--help'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      console.log(`SKIP: '${a.liveharness} simulate' is not available (${probe.error || `exit ${probe.status}`}): the client simulator is not built`);
      return 77;
    }
  }
  const out = a.out || fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', `dom-interop-${profile}-`));
  fs.mkdirSync(path.join(out, 'scenarios'), { recursive: true });

  const cases = [];
  for (const f of scenarioFiles()) {
    const sc = loadScenario(f);
    if (scenarioProfiles(sc).includes(profile)) cases.push(sc);
  }
  for (let i = 0; i < a.random; i++) cases.push(generateScenario(profile, a.seed, i));

  const knownFile = path.join(here, 'dom-known-differences.json');
  const known = fs.existsSync(knownFile) ? JSON.parse(fs.readFileSync(knownFile, 'utf8')) : {};
  const knownWhy = (name) => (known[name] && known[name].profiles && known[name].profiles.includes(profile) ? known[name].why : null);

  let failed = 0;
  let compared = 0;
  let xfailed = 0;
  for (const sc of cases) {
    if (a.only && sc.name !== a.only) continue;
    const resolved = resolveScenario(sc, profile);
    const file = path.join(out, 'scenarios', `${sc.name}.${profile}.json`);
    fs.writeFileSync(file, JSON.stringify(resolved, null, 1) + '\n');
    const oracle = await runScenario(profile, resolved);
    const oracleErrors = oracle.filter((r) => r.errors && r.errors.some((e) => !/asset version mismatch/.test(e)));
    if (a.oracleOnly) {
      console.log(`${oracleErrors.length ? 'WARN' : 'ok  '} ${profile} ${sc.name}: ${oracle.length} steps (oracle only)`);
      continue;
    }
    const sim = runSim(a.liveharness, profile, file);
    compared++;
    const mismatches = sim.error ? [{ step: 0, field: 'simulate', oracle: 'records', sim: sim.error }] : compareRecords(oracle, sim.records);
    const why = knownWhy(sc.name);
    if (mismatches.length === 0) {
      if (why) {
        failed++;
        console.log(`XPASS ${profile} ${sc.name}: now equal; remove it from dom-known-differences.json`);
      } else console.log(`ok   ${profile} ${sc.name}: ${oracle.length} steps equal`);
      continue;
    }
    if (why) {
      xfailed++;
      console.log(`XFAIL ${profile} ${sc.name}: ${mismatches.length} difference(s), known: ${why}`);
      console.log(explain(mismatches[0]));
      continue;
    }
    failed++;
    const dir = path.join(out, 'mismatches');
    fs.mkdirSync(dir, { recursive: true });
    const base = path.join(dir, `${sc.name}.${profile}`);
    fs.writeFileSync(`${base}.oracle.jsonl`, oracle.map((r) => JSON.stringify(r)).join('\n') + '\n');
    if (sim.records) fs.writeFileSync(`${base}.sim.jsonl`, sim.records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    console.log(`FAIL ${profile} ${sc.name}: ${mismatches.length} difference(s)`);
    if (oracleErrors.length) console.log(`  (the official client logged errors: ${JSON.stringify(oracleErrors[0].errors).slice(0, 300)})`);
    for (const m of mismatches.slice(0, 6)) console.log(explain(m));
    if (mismatches.length > 6) console.log(`  … ${mismatches.length - 6} more`);
    console.log(`  replay: ${a.liveharness} simulate --client ${profile} --jsonl ${file}`);
    console.log(`          node ${path.relative(process.cwd(), path.join(here, 'dom-oracle.mjs'))} --client ${profile} ${file}`);
    console.log(`  records: ${base}.{oracle,sim}.jsonl`);
  }
  console.log(`${profile}: ${compared} scenarios compared, ${failed} with differences, ${xfailed} known differences (seed ${a.seed}, ${a.random} random)`);
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => { process.exitCode = code; }, (e) => { console.error(e); process.exitCode = 1; });
}
