// Side-by-side tables for the benchmarks with a peer other than merge+render (report.mjs):
//
//   node bench/side-report.mjs diff  LIVEHARNESS.json LIVEVIEWJS.json [--markdown]
//       lvh_reference_diff_bench --diffs-per-second vs liveviewjs-diff-peer.mjs
//   node bench/side-report.mjs patch LIVEHARNESS.json OFFICIAL.json [--markdown]
//       lvh_patch_bench --patches-per-second vs patch-peer.mjs (also checks that both sides
//       ended with the same container markup)
import fs from 'node:fs';

const fmt = (x) => Math.round(x).toLocaleString('en-US');

function table(head, body, right, markdown) {
  if (markdown) {
    const line = (cells) => `| ${cells.join(' | ')} |`;
    return [line(head), line(right.map((r) => (r ? '---:' : '---'))), ...body.map(line)].join('\n');
  }
  const width = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const pad = (cells) => cells.map((c, i) => (right[i] ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ');
  return [pad(head), width.map((w) => '-'.repeat(w)).join('  '), ...body.map(pad)].join('\n');
}

function diffReport(ours, theirs, markdown) {
  const peer = new Map(theirs.results.map((r) => [r.case, r]));
  const body = ours.results.filter((r) => peer.has(r.case)).map((r) => {
    const p = peer.get(r.case);
    return [r.case, fmt(r.diffs_per_second), fmt(p.diffs_per_second), `${(r.diffs_per_second / p.diffs_per_second).toFixed(1)}×`];
  });
  return table(['case', 'liveharness diffs/s', `liveviewjs ${theirs.version || ''} diffs/s`.replace('  ', ' '), 'ratio'],
    body, [false, true, true, true], markdown);
}

function patchReport(ours, theirs, markdown) {
  const peer = new Map(theirs.results.map((r) => [r.profile, r]));
  let mismatch = false;
  const body = ours.results.filter((r) => peer.has(r.profile)).map((r) => {
    const p = peer.get(r.profile);
    // Both sides hash the container after their last step; equal only when they patched the
    // same number of steps.
    const same = r.patches !== p.patches ? 'n/a' : (r.final_html_fnv1a === p.final_html_fnv1a ? 'yes' : 'NO');
    if (same === 'NO') mismatch = true;
    return [`${r.profile}${p.version && p.version !== r.profile ? ` (${p.version})` : ''}`, fmt(r.patches_per_second),
      fmt(r.patch_only_per_second), fmt(p.patches_per_second), `${(r.patches_per_second / p.patches_per_second).toFixed(0)}×`, same];
  });
  const text = table(['profile', 'liveharness updates/s', 'liveharness patch only/s', 'official (jsdom) updates/s', 'ratio', 'same DOM'],
    body, [false, true, true, true, true, false], markdown);
  return { text, mismatch };
}

function main(argv) {
  const markdown = argv.includes('--markdown');
  const [kind, a, b] = argv.filter((x) => x !== '--markdown');
  if (!['diff', 'patch'].includes(kind) || !a || !b) {
    console.error('usage: node bench/side-report.mjs diff|patch LIVEHARNESS.json PEER.json [--markdown]');
    return 2;
  }
  const ours = JSON.parse(fs.readFileSync(a, 'utf8'));
  const theirs = JSON.parse(fs.readFileSync(b, 'utf8'));
  if (kind === 'diff') {
    console.log(diffReport(ours, theirs, markdown));
    return 0;
  }
  const { text, mismatch } = patchReport(ours, theirs, markdown);
  console.log(text);
  if (mismatch) console.error('side-report.mjs: the two sides ended with different container markup');
  return mismatch ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
