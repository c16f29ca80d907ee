// Writes selectors.json: which elements jsdom's querySelectorAll returns for each
// (document, selector) case, or that the selector is a syntax error. lvh::dom's selector
// test (select_test.cpp) requires the same answer. Matches are given as indices into the
// list of all elements of the document in tree order (getElementsByTagName('*'), which, like
// our walk, does not enter template contents).
//
//   node make-selectors-golden.mjs [output-path]   (default: selectors.json next to this script)
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

// Documents are given as body content; the document is '<!DOCTYPE html><html><head></head><body>' + body.
const documents = {
  page: `<div id="phx-F1" data-phx-main="" class="phx-connected">
  <header class="top Bar"><h1 id="title">Title</h1><nav><a href="/a" data-phx-link="patch">A</a><a href="/b" class="active">B</a></nav></header>
  <ul id="list"><li class="item first" data-id="1">one</li><li class="item" data-id="2" lang="en-US">two</li><li class="item last" data-id="3" lang="en">three</li><li data-id="4"></li><li class="item">five<span>x</span></li></ul>
  <form id="f" phx-submit="save" method="POST"><input type="TEXT" name="user[name]" value="Ann"><input type="checkbox" name="ok" checked=""><select name="s"><option value="1">a</option><option value="2" selected="">b</option></select><textarea name="t"></textarea><button type="submit" disabled="">Go</button></form>
  <p>a</p><p class="x">b</p><span>c</span><p>d</p><div><p>e</p></div>
  <table><tbody><tr id="r1"><td>1</td><td>2</td></tr><tr id="r2"><td>3</td><td>4</td></tr></tbody></table>
  <svg viewBox="0 0 1 1"><foreignObject><p>in svg</p></foreignObject><clipPath id="c"></clipPath><rect Width="1"></rect></svg>
  <template id="tpl"><p class="in-template">t</p></template>
  <div id="a:b" class="a.b 1x">esc</div><div id="\u00fcn\u00ef">u</div><div id="x y" class="-dash _u">sp</div>
  <div class="empty"></div><div class="empty2"> </div><div class="empty3"><!--c--></div>
  <div data-json='{"a":1}' title="Hello World" data-empty="">attrs</div>
</div>`,
  nested: `<div class="a" id="d1"><div class="b" id="d2"><div class="a" id="d3"><span id="s1">1</span><div class="c" id="d4"><span id="s2">2</span></div></div><span id="s3">3</span></div><span id="s4">4</span><em id="e1"></em><span id="s5">5</span><b id="b1"></b><span id="s6">6</span></div>`,
  siblings: `<ol>${Array.from({ length: 12 }, (_, i) => `<li id="l${i + 1}"${i % 3 === 0 ? ' class="third"' : ''}>${i + 1}</li>`).join('')}</ol><section><h2 id="h">h</h2><p id="p1">1</p><span id="x1">x</span><p id="p2">2</p><span id="x2">y</span><p id="p3">3</p></section>`,
};

// [document, selector, optional root selector]. querySelectorAll runs on the document, or on
// the first element matching the root selector.
const cases = [
  // type, universal, id, class
  ['page', 'li'], ['page', 'LI'], ['page', '*'], ['page', 'div'], ['page', 'p'], ['page', 'P'],
  ['page', '#list'], ['page', '#title'], ['page', '#LIST'], ['page', '.item'], ['page', '.ITEM'],
  ['page', '.item.first'], ['page', 'li.item'], ['page', '.bar'], ['page', '.Bar'], ['page', '.top.Bar'],
  ['page', 'ul#list'], ['page', 'div#list'], ['page', '#list.item'], ['page', '*.item'], ['page', '*#title'],
  // attributes
  ['page', '[data-id]'], ['page', '[DATA-ID]'], ['page', '[data-id="2"]'], ['page', '[data-id=2]'], ['page', "[data-id='3']"],
  ['page', '[lang|=en]'], ['page', '[lang|="en-US"]'], ['page', '[lang|=EN]'], ['page', '[lang=EN]'], ['page', '[lang=EN i]'],
  ['page', '[class~=item]'], ['page', '[class~="item first"]'], ['page', '[class~=""]'], ['page', '[class^=it]'],
  ['page', '[class$=st]'], ['page', '[class*="em f"]'], ['page', '[class^=""]'], ['page', '[class*=""]'], ['page', '[class$=""]'],
  ['page', '[type=text]'], ['page', '[type="TEXT"]'], ['page', '[type=Text s]'], ['page', '[method=post]'],
  ['page', '[title="hello world"]'], ['page', '[title="hello world" i]'], ['page', '[title="Hello World"]'],
  ['page', '[title*=World]'], ['page', '[title*=world i]'], ['page', '[data-empty=""]'], ['page', '[data-empty]'],
  ['page', '[data-json=\'{"a":1}\']'], ['page', '[ data-id = "1" ]'], ['page', '[data-phx-link=patch]'],
  ['page', '[checked]'], ['page', '[disabled]'], ['page', 'option[selected]'], ['page', '[name="user[name]"]'],
  ['page', '[width]'], ['page', '[Width]'], ['page', 'rect[Width]'], ['page', '[viewBox]'], ['page', '[viewbox]'],
  // svg names
  ['page', 'foreignObject'], ['page', 'foreignobject'], ['page', 'clipPath'], ['page', 'clippath'], ['page', 'svg p'],
  ['page', 'svg *'], ['page', 'RECT'],
  // escapes
  ['page', '#a\\:b'], ['page', '[id="a:b"]'], ['page', '.a\\.b'], ['page', '.\\31 x'], ['page', '.\\31x'], ['page', '#\\fc n\\ef'],
  ['page', '#\u00fcn\u00ef'], ['page', '#x\\ y'], ['page', '.-dash'], ['page', '._u'], ['page', '#a\\3a b'],
  // combinators
  ['page', 'ul li'], ['page', 'ul > li'], ['page', 'ul>li'], ['page', 'div li'], ['page', 'div > li'],
  ['page', 'header a'], ['page', 'header > a'], ['page', 'header nav > a.active'], ['page', 'li + li'],
  ['page', 'li ~ li'], ['page', '.first + li'], ['page', '.first ~ .last'], ['page', 'p + p'], ['page', 'p ~ p'],
  ['page', 'p ~ span'], ['page', 'span + p'], ['page', 'form > *'], ['page', 'form select > option'],
  ['page', 'table tr > td'], ['page', 'tbody > tr + tr td'], ['page', '#phx-F1 > div'], ['page', 'body > div > p'],
  ['page', 'html body p'], ['page', 'template p'], ['page', '.in-template'],
  ['nested', '.a span'], ['nested', '.a > span'], ['nested', '.a .b span'], ['nested', '.a .a span'],
  ['nested', '.b > .a > span'], ['nested', 'div div span'], ['nested', '.a > .c span'], ['nested', '.a .c > span'],
  ['nested', '#d1 > span + span'], ['nested', '#d1 > span ~ span'], ['nested', 'em + span'], ['nested', 'em ~ span'],
  ['nested', 'span + em + span'], ['nested', '.a > div span + div'], ['nested', 'div > span:first-child'],
  // pseudo-classes
  ['page', 'li:first-child'], ['page', 'li:last-child'], ['page', 'li:only-child'], ['page', 'span:only-child'],
  ['page', 'li:nth-child(2)'], ['page', 'li:nth-child(odd)'], ['page', 'li:nth-child(even)'], ['page', 'li:nth-child(2n+1)'],
  ['page', ':first-child'], ['page', 'p:first-of-type'], ['page', 'p:last-of-type'], ['page', 'p:only-of-type'],
  ['page', ':root'], ['page', 'div:empty'], ['page', 'li:empty'], ['page', ':empty'], ['page', 'li:not(.item)'],
  ['page', 'li:not(.item):not([data-id="4"])'], ['page', 'li:not(.first, .last)'], ['page', ':not(li)'],
  ['page', 'li:not(ul > li)'], ['page', 'p:not(div > p)'], ['page', ':is(h1, .active)'], ['page', ':where(h1, .active)'],
  ['page', 'li:is(.first, .last)'], ['page', 'li:NOT(.item)'], ['page', 'LI:First-Child'],
  ['siblings', 'li:nth-child(3n)'], ['siblings', 'li:nth-child(3n+1)'], ['siblings', 'li:nth-child(-n+3)'],
  ['siblings', 'li:nth-child(n+10)'], ['siblings', 'li:nth-child(n)'], ['siblings', 'li:nth-child(0n+5)'],
  ['siblings', 'li:nth-child(-2n+7)'], ['siblings', 'li:nth-child(+5)'], ['siblings', 'li:nth-child(-1)'],
  ['siblings', 'li:nth-child( 2n + 1 )'], ['siblings', 'li:nth-child(2n - 1)'], ['siblings', 'li:nth-child(2n-1)'],
  ['siblings', 'li:nth-child(-n + 4)'], ['siblings', 'li:nth-child(N)'], ['siblings', 'li:nth-child(ODD)'],
  ['siblings', 'li:nth-child(0)'], ['siblings', 'li:nth-last-child(2)'], ['siblings', 'li:nth-last-child(3n)'],
  ['siblings', 'p:nth-of-type(2)'], ['siblings', 'p:nth-last-of-type(1)'], ['siblings', 'span:nth-of-type(odd)'],
  ['siblings', 'section :nth-child(2)'], ['siblings', 'section > :last-child'], ['siblings', 'section > :first-of-type'],
  ['siblings', 'li.third:nth-child(4)'], ['siblings', 'li:not(:nth-child(2n))'], ['siblings', 'h2 ~ p:last-of-type'],
  ['siblings', 'li:nth-child(2):nth-last-child(11)'],
  // selector lists
  ['page', 'h1, .active'], ['page', 'h1,h1'], ['page', 'li.first, li.last, #title'], ['page', 'p, span'],
  ['page', 'nope, li:first-child'],
  // searching below a root
  ['page', 'li', '#list'], ['page', 'ul li', '#list'], ['page', 'div li', '#list'], ['page', 'div > ul > li', '#list'],
  ['page', '*', 'form'], ['page', ':scope > li', '#list'], ['page', 'p', '#tpl'], ['page', 'div', '#phx-F1'],
  ['nested', 'span', '#d3'], ['nested', '.a span', '#d2'], ['nested', '.b span', '#d3'],
  // comments and whitespace
  ['page', ' li '], ['page', 'ul/* c */li'], ['page', 'ul /**/ > li'], ['page', '\tul\n>\nli'],
  // errors (or things that look like errors)
  ['page', ''], ['page', ' '], ['page', ','], ['page', 'li,'], ['page', ',li'], ['page', 'li,,p'], ['page', '>li'],
  ['page', 'li >'], ['page', 'li > > p'], ['page', '#'], ['page', '.'], ['page', '#1a'], ['page', '.1a'], ['page', '[]'],
  ['page', '[data-id'], ['page', '[data-id="1"'], ['page', '[data-id="1]'], ['page', '[data-id=1 x]'], ['page', '[=1]'],
  ['page', '[data-id==1]'], ['page', '[data-id=1 1]'], ['page', 'li:hover'], ['page', 'li::before'], ['page', 'li:before'],
  ['page', 'li:has(span)'], ['page', ':nth-child(2n+1 of .item)'], ['page', 'li:nth-child()'], ['page', 'li:nth-child(x)'],
  ['page', 'li:nth-child(2n+)'], ['page', 'li:nth-child(+ 2)'], ['page', 'li:not()'], ['page', 'li:not(.item'],
  ['page', 'li:unknown'], ['page', 'svg|rect'], ['page', '*|*'], ['page', '|li'], ['page', '[*|data-id]'],
  ['page', 'li)'], ['page', 'li!'], ['page', 'a b c d e f'], ['page', ':checked'], ['page', ':disabled'],
  ['page', ':focus'], ['page', 'li:first'], ['page', '::selection'], ['page', 'li:nth-child(2n+1'], ['page', ':not(:hover)'],
];

// A seeded table of generated selectors over the "nested" and "siblings" documents.
function generatedCases(count) {
  let seed = 4242;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const simple = ['div', 'span', 'em', 'b', 'li', 'p', 'h2', '*', '.a', '.b', '.c', '.third', '#d2', '#s3', '#l4',
    ':first-child', ':last-child', ':nth-child(2n)', ':nth-child(3)', ':nth-last-child(odd)', ':only-child',
    ':nth-of-type(2)', '[id]', '[id^=s]', '[id$="2"]', '[class~=a]', ':not(.a)', ':not(span)', ':is(em, b)'];
  const comb = [' ', ' > ', ' + ', ' ~ '];
  const compound = () => {
    let s = pick(simple);
    if (rand() < 0.35) {
      const extra = pick(simple);
      if (!/^[a-z*]/.test(extra)) s += extra;
    }
    return s;
  };
  const out = [];
  for (let i = 0; i < count; i++) {
    let sel = compound();
    const n = Math.floor(rand() * 3);
    for (let k = 0; k < n; k++) sel += pick(comb) + compound();
    if (rand() < 0.15) sel += ', ' + compound();
    out.push([pick(['nested', 'siblings']), sel]);
  }
  return out;
}
cases.push(...generatedCases(300));

const built = {};
for (const [name, body] of Object.entries(documents)) {
  const html = `<!DOCTYPE html><html><head></head><body>${body}</body></html>`;
  const dom = new JSDOM(html);
  built[name] = { html, document: dom.window.document };
}

const out = {
  about: 'querySelectorAll results from jsdom as indices into getElementsByTagName("*"); generated by make-selectors-golden.mjs',
  jsdom: jsdomVersion,
  documents: Object.fromEntries(Object.entries(built).map(([k, v]) => [k, v.html])),
  cases: cases.map(([doc, selector, root]) => {
    const { document } = built[doc];
    const all = Array.from(document.getElementsByTagName('*'));
    const base = root === undefined ? document : document.querySelector(root);
    const c = { document: doc, selector };
    if (root !== undefined) c.root = all.indexOf(base);
    try {
      c.matches = Array.from(base.querySelectorAll(selector)).map((e) => all.indexOf(e));
    } catch (e) {
      c.error = e.name;
    }
    return c;
  }),
};

const target = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'selectors.json');
writeFileSync(target, JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${out.cases.length} selector cases to ${target}`);
