// Puts the two halves of the merge+render side-by-side into one table.
//
//   node bench/report.mjs LIVEHARNESS.json OFFICIAL.json [--markdown] [--goal 10]
//
// Inputs: `lvh_merge_render_bench --steps-per-second` and `merge-render-peer.mjs` output.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROFILE_ORDER = ['0.15.7', '0.18', '0.20', '1.0', '1.2'];
const STREAM_ORDER = ['table-one-row', 'table-all-rows', 'components'];

export function rows(ours, theirs) {
  const key = (r) => `${r.profile}|${r.stream}`;
  const peer = new Map(theirs.results.map((r) => [key(r), r]));
  const out = [];
  for (const r of ours.results) {
    const p = peer.get(key(r));
    if (!p) continue;
    if (p.steps !== r.steps) throw new Error(`${key(r)}: ${r.steps} steps here, ${p.steps} in the peer`);
    out.push({
      profile: r.profile,
      version: p.version,
      stream: r.stream,
      steps: r.steps,
      ours: r.steps_per_second,
      theirs: p.steps_per_second,
      ratio: r.steps_per_second / p.steps_per_second,
    });
  }
  const rank = (list, v) => (list.indexOf(v) < 0 ? list.length : list.indexOf(v));
  out.sort((a, b) => rank(PROFILE_ORDER, a.profile) - rank(PROFILE_ORDER, b.profile) ||
    rank(STREAM_ORDER, a.stream) - rank(STREAM_ORDER, b.stream));
  return out;
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');

export function table(list, { markdown = false, goal = 10 } = {}) {
  const head = ['profile', 'stream', 'steps', 'liveharness steps/s', 'official steps/s', 'ratio', `≥${goal}×`];
  const body = list.map((r) => [
    `${r.profile}${r.version && r.version !== r.profile ? ` (${r.version})` : ''}`, r.stream, String(r.steps), fmt(r.ours), fmt(r.theirs),
    `${r.ratio.toFixed(1)}×`, r.ratio >= goal ? 'yes' : 'no',
  ]);
  const right = [false, false, true, true, true, true, false];
  if (markdown) {
    const line = (cells) => `| ${cells.join(' | ')} |`;
    return [line(head), line(right.map((r) => (r ? '---:' : '---'))), ...body.map(line)].join('\n');
  }
  const width = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const pad = (cells) => cells.map((c, i) => (right[i] ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ');
  return [pad(head), width.map((w) => '-'.repeat(w)).join('  '), ...body.map(pad)].join('\n');
}

function main(argv) {
  const files = [];
  let markdown = false;
  let goal = 10;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--markdown') markdown = true;
    else if (argv[i] === '--goal') goal = Number(argv[++i]);
    else files.push(argv[i]);
  }
  if (files.length !== 2) {
    console.error('usage: node bench/report.mjs LIVEHARNESS.json OFFICIAL.json [--markdown] [--goal N]');
    return 2;
  }
  const [ours, theirs] = files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
  const list = rows(ours, theirs);
  if (list.length === 0) {
    console.error('no stream measured on both sides');
    return 1;
  }
  console.log(table(list, { markdown, goal }));
  const met = list.filter((r) => r.ratio >= goal).length;
  console.log(`\n${met} of ${list.length} streams at ≥${goal}× the official client's steps/s` +
    ` (liveharness: ${ours.compiler}; official: node ${theirs.node})`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
