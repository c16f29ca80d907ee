// Writes forms.json: for each form case, the entries of jsdom's `new FormData(form, submitter)`
// and `new URLSearchParams(<string entries>).toString()`, after optional user edits, plus the
// `.value` of chosen controls. lvh::sim's forms test (forms_golden_test.cpp) requires the same.
//
//   node make-forms-golden.mjs [output-path]     (default: forms.json next to this script)
//
// Exits 77 when jsdom cannot be loaded, so ctest reports the interop check as skipped.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

let JSDOM;
try {
  ({ JSDOM } = await import('jsdom'));
} catch (e) {
  console.log(`jsdom not available (${e.code ?? e.message}); skipping`);
  process.exit(77);
}
const jsdomVersion = createRequire(import.meta.url)('jsdom/package.json').version;

// { name, html (body content), form (selector, default "form"), submitter (selector),
//   edits: [[selector, "value" | "checked" | "selected", value]], values: [selector] }
const cases = [
  { name: 'text-inputs', html: '<form><input name="a" value="1"><input name="b"><input name="c" type="text" value="x y"></form>' },
  { name: 'no-name-and-empty-name', html: '<form><input value="1"><input name="" value="2"><input name="ok" value="3"></form>' },
  { name: 'hidden-and-charset', html: '<form><input type="hidden" name="h" value="v"><input type="hidden" name="_charset_" value="x"><input type="hidden" name="_CHARSET_"></form>' },
  { name: 'checkboxes', html: '<form><input type="checkbox" name="a" checked><input type="checkbox" name="b" value="yes" checked><input type="checkbox" name="c" value="no"><input type="checkbox" name="d" value=""  checked></form>' },
  { name: 'checkbox-hidden-pattern', html: '<form><input type="hidden" name="agree" value="false"><input type="checkbox" name="agree" value="true" checked></form>' },
  { name: 'checkbox-edited', html: '<form><input type="checkbox" name="a" value="1" checked><input type="checkbox" name="b" value="2"></form>', edits: [['[name=a]', 'checked', false], ['[name=b]', 'checked', true]] },
  { name: 'radios', html: '<form><input type="radio" name="r" value="1"><input type="radio" name="r" value="2" checked><input type="radio" name="r" value="3"></form>' },
  { name: 'radios-two-checked', html: '<form><input type="radio" name="r" value="1" checked><input type="radio" name="r" value="2" checked><input type="radio" name="r" value="3"></form>' },
  { name: 'radios-no-value', html: '<form><input type="radio" name="r" checked></form>' },
  { name: 'radio-edited', html: '<form><input type="radio" name="r" value="1" checked><input type="radio" name="r" value="2"><input type="radio" name="q" value="3" checked></form>', edits: [['[value="2"]', 'checked', true]] },
  { name: 'radio-groups-per-form', html: '<form id="f1"><input type="radio" name="r" value="a" checked></form><form id="f2"><input type="radio" name="r" value="b" checked></form>', form: '#f1' },
  { name: 'select-single', html: '<form><select name="s"><option value="1">One</option><option value="2" selected>Two</option></select></form>', values: ['select'] },
  { name: 'select-default-first', html: '<form><select name="s"><option>First</option><option>Second</option></select></form>', values: ['select'] },
  { name: 'select-default-skips-disabled', html: '<form><select name="s"><option disabled>A</option><option value="b">B</option></select></form>' },
  { name: 'select-two-selected', html: '<form><select name="s"><option selected>A</option><option selected>B</option><option>C</option></select></form>' },
  { name: 'select-size-2-none', html: '<form><select name="s" size="2"><option>A</option><option>B</option></select></form>', values: ['select'] },
  { name: 'select-option-text-value', html: '<form><select name="s"><option>  Spaced \n  text  </option></select></form>' },
  { name: 'select-optgroup', html: '<form><select name="s"><optgroup label="g"><option value="g1">G1</option><option value="g2" selected>G2</option></optgroup><option value="x">X</option></select></form>' },
  { name: 'select-disabled-optgroup', html: '<form><select name="s"><optgroup label="g" disabled><option value="g1" selected>G1</option></optgroup><option value="x">X</option></select></form>' },
  { name: 'select-selected-disabled', html: '<form><select name="s"><option value="a" disabled selected>A</option><option value="b">B</option></select></form>' },
  { name: 'select-multiple', html: '<form><select name="m" multiple><option value="1" selected>1</option><option value="2">2</option><option value="3" selected>3</option></select></form>' },
  { name: 'select-multiple-none', html: '<form><select name="m" multiple><option value="1">1</option></select></form>', values: ['select'] },
  { name: 'select-edited', html: '<form><select name="s"><option value="1" selected>1</option><option value="2">2</option></select></form>', edits: [['option[value="2"]', 'selected', true]] },
  { name: 'select-multiple-edited', html: '<form><select name="m[]" multiple><option value="1" selected>1</option><option value="2">2</option><option value="3">3</option></select></form>', edits: [['option[value="2"]', 'selected', true], ['option[value="1"]', 'selected', false], ['option[value="3"]', 'selected', true]] },
  { name: 'select-empty', html: '<form><select name="s"></select></form>' },
  { name: 'textarea', html: '<form><textarea name="t">\nline 1\nline 2</textarea><textarea name="u"></textarea></form>', values: ['[name=t]'] },
  { name: 'textarea-edited-crlf', html: '<form><textarea name="t"></textarea></form>', edits: [['textarea', 'value', 'a\r\nb\rc\nd']], values: ['textarea'] },
  { name: 'textarea-entities', html: '<form><textarea name="t">&lt;b&gt; &amp; x</textarea></form>' },
  { name: 'disabled-controls', html: '<form><input name="a" value="1" disabled><select name="s" disabled><option>x</option></select><textarea name="t" disabled>t</textarea><input name="b" value="2"></form>' },
  { name: 'disabled-fieldset', html: '<form><fieldset disabled><legend><input name="in-legend" value="1"></legend><input name="in-fieldset" value="2"><legend><input name="second-legend" value="3"></legend></fieldset><input name="out" value="4"></form>' },
  { name: 'nested-disabled-fieldset', html: '<form><fieldset disabled><legend><fieldset><input name="deep" value="1"></fieldset></legend><div><input name="x" value="2"></div></fieldset></form>' },
  { name: 'enabled-fieldset', html: '<form><fieldset><input name="a" value="1"></fieldset></form>' },
  { name: 'buttons-not-submitter', html: '<form><button name="b" value="1">B</button><input type="submit" name="s" value="S"><input type="reset" name="r" value="R"><input type="button" name="x" value="X"><input name="a" value="1"></form>' },
  { name: 'submitter-button', html: '<form><input name="a" value="1"><button name="go" value="now">Go</button><input name="z" value="2"></form>', submitter: 'button' },
  { name: 'submitter-input', html: '<form><input type="submit" name="act" value="Save"><input type="submit" name="act" value="Delete"></form>', submitter: '[value=Delete]' },
  { name: 'submitter-no-value', html: '<form><input type="submit" name="act"><button name="b">x</button></form>', submitter: 'input' },
  { name: 'submitter-button-no-value', html: '<form><button name="b">x</button></form>', submitter: 'button' },
  { name: 'submitter-image', html: '<form><input type="image" name="pos" src="x.png"><input name="a" value="1"></form>', submitter: 'input[type=image]' },
  { name: 'submitter-image-no-name', html: '<form><input type="image" src="x.png"></form>', submitter: 'input' },
  { name: 'submitter-no-name', html: '<form><button>x</button><input name="a" value="1"></form>', submitter: 'button' },
  { name: 'submitter-outside-with-form-attr', html: '<form id="f"><input name="a" value="1"></form><button form="f" name="ext" value="e">x</button>', submitter: 'button', form: '#f' },
  { name: 'form-attribute-outside', html: '<input name="before" value="0" form="f"><form id="f"><input name="a" value="1"></form><input name="after" value="2" form="f"><input name="none" value="3">', form: '#f' },
  { name: 'form-attribute-other-form', html: '<form id="f"><input name="a" value="1"><input name="elsewhere" value="2" form="g"><input name="nowhere" value="3" form="missing"></form><form id="g"><input name="b" value="4"></form>', form: '#f' },
  { name: 'form-attribute-other-form-g', html: '<form id="f"><input name="a" value="1"><input name="elsewhere" value="2" form="g"></form><form id="g"><input name="b" value="4"></form>', form: '#g' },
  { name: 'form-attribute-not-a-form', html: '<div id="d"></div><form id="f"><input name="a" value="1" form="d"><input name="b" value="2"></form>', form: '#f' },
  { name: 'datalist', html: '<form><datalist id="l"><input name="in-datalist" value="1"><option value="x"></option></datalist><input name="a" list="l" value="2"></form>' },
  { name: 'object-output', html: '<form><object name="o"></object><output name="out">o</output><input name="a" value="1"></form>' },
  { name: 'file-input', html: '<form><input type="file" name="f"><input name="a" value="1"></form>' },
  { name: 'input-types', html: '<form><input type="search" name="search" value="s"><input type="tel" name="tel" value="+1 555"><input type="password" name="pw" value="p"><input type="email" name="email" value="  a@b.c  "><input type="url" name="url" value=" http://x/ "><input type="unknown" name="unk" value="u"><input type="TEXT" name="upper" value="U"></form>' },
  { name: 'number-inputs', html: '<form><input type="number" name="n1" value="12"><input type="number" name="n2" value="1.5e3"><input type="number" name="n3" value="abc"><input type="number" name="n4" value="+1"><input type="number" name="n5" value=" 1"><input type="number" name="n6" value=".5"><input type="number" name="n7" value="1."><input type="number" name="n8" value="-0"></form>' },
  { name: 'range-inputs', html: '<form><input type="range" name="r1"><input type="range" name="r2" value="30"><input type="range" name="r3" value="300"><input type="range" name="r4" min="10" max="20"><input type="range" name="r5" min="10" max="21"><input type="range" name="r6" value="-5"><input type="range" name="r7" min="5" max="1"></form>' },
  { name: 'color-inputs', html: '<form><input type="color" name="c1"><input type="color" name="c2" value="#AABBCC"><input type="color" name="c3" value="red"></form>' },
  { name: 'date-inputs', html: '<form><input type="date" name="d1" value="2024-02-29"><input type="date" name="d2" value="2023-02-29"><input type="date" name="d3" value="2024-1-01"><input type="month" name="m1" value="2024-12"><input type="month" name="m2" value="2024-13"><input type="week" name="w1" value="2020-W53"><input type="week" name="w2" value="2021-W53"><input type="time" name="t1" value="09:30"><input type="time" name="t2" value="25:00"><input type="time" name="t3" value="09:30:15.250"><input type="datetime-local" name="dt1" value="2024-01-02 03:04"><input type="datetime-local" name="dt2" value="2024-01-02T03:04:00"><input type="datetime-local" name="dt3" value="2024-01-02T03:04:05.100"><input type="datetime-local" name="dt4" value="x"></form>' },
  { name: 'text-newlines-stripped', html: '<form><input name="a" value="x"></form>', edits: [['input', 'value', 'a\nb\rc']] },
  { name: 'edited-values', html: '<form><input name="a" value="old"><input type="number" name="n" value="1"><input type="email" name="e" multiple></form>', edits: [['[name=a]', 'value', 'new value'], ['[name=n]', 'value', 'nope'], ['[name=e]', 'value', ' a@b.c , d@e.f ']], values: ['[name=a]', '[name=n]', '[name=e]'] },
  { name: 'dirname', html: '<form><input name="q" dirname="q.dir" value="hi"><textarea name="t" dirname="t.dir">x</textarea><input name="r" dir="rtl" dirname="r.dir" value="x"><input type="hidden" name="h" dirname="h.dir" value="h"><div dir="rtl"><input name="inherit" dirname="i.dir" value="x"></div></form>' },
  { name: 'dirname-auto', html: '<form><input name="a" dir="auto" dirname="a.dir" value="\u05e9\u05dc\u05d5\u05dd"><input name="b" dir="auto" dirname="b.dir" value="hello"><input name="c" dir="auto" dirname="c.dir" value="123"></form>' },
  { name: 'encoding-bytes', html: '<form><input name="a b" value="x y"><input name="sym" value="*-._~!\'()&amp;=+,/?:;@#$%^"><input name="uni" value="caf\u00e9 \u65e5\u672c \ud83d\ude00"><input name="br[k]" value="[v]"></form>' },
  { name: 'liveview-form', html: '<form id="user-form" phx-change="validate" phx-submit="save"><input type="hidden" name="_csrf_token" value="tok"><input type="text" name="user[name]" value="Jos&eacute;"><input type="email" name="user[email]" value="j@x.io"><select name="user[role]"><option value="admin">Admin</option><option value="user" selected>User</option></select><input type="hidden" name="user[tos]" value="false"><input type="checkbox" name="user[tos]" value="true" checked><select name="user[tags][]" multiple><option value="a" selected>a</option><option value="b" selected>b</option></select><textarea name="user[bio]">Hi</textarea><button type="submit" name="save" value="1" phx-disable-with="Saving...">Save</button></form>', submitter: 'button' },
  { name: 'nested-form-markup', html: '<form id="outer"><input name="a" value="1"><form id="inner"><input name="b" value="2"></form><input name="c" value="3"></form>', form: '#outer' },
  { name: 'button-types', html: '<form><button type="button" name="b1" value="1">x</button><button type="reset" name="b2" value="2">x</button><button type="SUBMIT" name="b3" value="3">x</button><button type="bogus" name="b4" value="4">x</button></form>', submitter: '[name=b4]' },
  { name: 'input-in-template', html: '<form><template><input name="t" value="1"></template><input name="a" value="2"></form>' },
];

const out = {
  about: 'FormData entries and URLSearchParams from jsdom; generated by make-forms-golden.mjs',
  jsdom: jsdomVersion,
  cases: [],
};
for (const c of cases) {
  const dom = new JSDOM(`<!DOCTYPE html><html><head></head><body>${c.html}</body></html>`);
  const { document, FormData, URLSearchParams, File } = dom.window;
  for (const [sel, what, v] of c.edits ?? []) {
    const el = document.querySelector(sel);
    if (!el) throw new Error(`${c.name}: no element for ${sel}`);
    el[what] = v;
  }
  const form = document.querySelector(c.form ?? 'form');
  const submitter = c.submitter ? document.querySelector(c.submitter) : null;
  const fd = submitter ? new FormData(form, submitter) : new FormData(form);
  const entries = [];
  const strings = [];
  for (const [k, v] of fd.entries()) {
    if (v instanceof File) {
      entries.push([k, { file: v.name }]);
    } else {
      entries.push([k, v]);
      strings.push([k, v]);
    }
  }
  const rec = { name: c.name, html: c.html, form: c.form ?? 'form' };
  if (c.submitter) rec.submitter = c.submitter;
  if (c.edits) rec.edits = c.edits;
  rec.entries = entries;
  rec.urlencoded = new URLSearchParams(strings).toString();
  if (c.values) rec.values = Object.fromEntries(c.values.map((s) => [s, document.querySelector(s).value]));
  out.cases.push(rec);
}

const target = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'forms.json');
writeFileSync(target, JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${out.cases.length} form cases to ${target}`);
