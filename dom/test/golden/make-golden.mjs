// Writes fragments.json: what jsdom (the pinned oracle) gives back for innerHTML after
// `element.innerHTML = input`, for a template and a div, plus a few other contexts, and
// for a few whole documents what `new JSDOM(input).serialize()` gives. lvh::dom's golden
// test requires byte-equality with it.
//
//   node make-golden.mjs [output-path]      (default: fragments.json next to this script)
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

const NBSP = '\u00a0';

// [name, input]. Names are stable ids; tests cite them.
const cases = [
  // --- plain content
  ['empty', ''],
  ['text', 'hello'],
  ['text-with-spaces', '  hello  world  '],
  ['whitespace-only', '   '],
  ['newlines-only', '\n\n'],
  ['tabs-and-newlines', '\t\n \r\n'],
  ['cr-normalized', 'a\rb\r\nc'],
  ['simple-div', '<div>x</div>'],
  ['siblings-whitespace', '<div>a</div>\n  <div>b</div>\n'],
  ['nested', '<div><span><b>x</b></span></div>'],
  ['liveview-root', '<div data-phx-main="" data-phx-session="SFMyNTY.abc" data-phx-static="" id="phx-F1" class="phx-connected"><p>hi</p></div>'],
  ['component', '<div data-phx-component="1" id="c1">\n  <button phx-click="inc" phx-target="1">+</button>\n  <span>0</span>\n</div>'],
  ['two-roots', '<div>a</div><div>b</div>'],
  ['text-then-element', 'x<b>y</b>z'],
  // --- implied end tags and malformed nesting
  ['unclosed-p', '<p>a<p>b'],
  ['p-in-div', '<div><p>a</div>b'],
  ['unclosed-div', '<div><div>x'],
  ['unclosed-li', '<ul><li>a<li>b</ul>'],
  ['dl-implied', '<dl><dt>a<dd>b<dt>c</dl>'],
  ['stray-end-tag', 'a</div>b'],
  ['stray-end-span', '<span>a</span></span>b'],
  ['end-br', 'a</br>b'],
  ['end-p-alone', '</p>'],
  ['misnested-b-i', '<b><i>x</b>y</i>'],
  ['adoption-agency', '<b>1<p>2</b>3</p>'],
  ['adoption-a', '<a href="x">1<div>2</a>3</div>'],
  ['nested-a', '<a href="1">x<a href="2">y</a>'],
  ['noahs-ark', '<b><b><b><b>x</b></b></b></b><p>y'],
  ['formatting-reconstruct', '<p><b>x<p>y'],
  ['heading-in-heading', '<h1>a<h2>b</h2></h1>'],
  ['button-in-button', '<button>a<button>b</button>'],
  ['form-in-form', '<form id="a"><form id="b"><input></form>'],
  ['nobr', '<nobr>a<nobr>b'],
  ['unclosed-comment-like', '<div>a <!-- b'],
  ['lt-text', 'a < b > c'],
  ['lt-letter', 'a <b c'],
  ['lt-slash-space', 'a </ b'],
  ['eof-in-tag', '<div class="x'],
  ['eof-in-attr-name', '<div cla'],
  ['bogus-comment', '<?xml version="1.0"?><p>x'],
  ['bang-bogus', '<!x>y'],
  ['end-tag-attrs', '<div>x</div class="y">z'],
  ['end-tag-number', '</3>x'],
  // --- void elements
  ['br', 'a<br>b'],
  ['br-self-closing', 'a<br/>b'],
  ['br-self-closing-space', 'a<br />b'],
  ['img-attrs', '<img src="a.png" alt="A">'],
  ['input-void', '<input type="text" name="q" value="v">'],
  ['voids-all', '<area><base><br><col><embed><hr><img><input><link><meta><source><track><wbr>'],
  ['void-end-tag', '<input></input>x'],
  ['self-closing-div', '<div/>x'],
  ['self-closing-span', '<span/>x</span>y'],
  ['image-to-img', '<image src="x">'],
  ['col-outside-table', '<col>x'],
  ['param-keygen', '<object><param name="a" value="b"></object><keygen>'],
  ['basefont-bgsound-frame', '<basefont><bgsound><frame>x'],
  // --- attributes
  ['boolean-attr', '<input disabled checked>'],
  ['empty-attr', '<div class="">x</div>'],
  ['single-quoted', "<div class='a b'>x</div>"],
  ['unquoted', '<div class=a id=b>x</div>'],
  ['unquoted-slash', '<a href=/foo/bar>x</a>'],
  ['duplicate-attrs', '<div id="a" id="b" class="c" ID="d">x</div>'],
  ['uppercase', '<DIV CLASS="X" Data-Foo="Y">Z</DIV>'],
  ['attr-lt-gt', '<div title="a<b>c">x</div>'],
  ['attr-quote', '<div title=\'say "hi"\'>x</div>'],
  ['attr-amp', '<a href="?a=1&b=2&amp;c=3">x</a>'],
  ['attr-entity', '<div title="&lt;&gt;&quot;&#39;&apos;&nbsp;">x</div>'],
  ['attr-nbsp-char', `<div title="a${NBSP}b">x</div>`],
  ['attr-newline', '<div title="a\nb\r\nc">x</div>'],
  ['attr-no-space', '<div a="1"b="2">x</div>'],
  ['attr-slash-between', '<div a="1"/b="2">x</div>'],
  ['attr-equals-in-name', '<div a=b=c>x</div>'],
  ['attr-weird-names', '<div "a"=1 \'b\'=2 <c=3 `d=4>x</div>'],
  ['attr-order', '<div z="1" a="2" m="3">x</div>'],
  ['phx-attrs', '<button phx-click="save" phx-value-id="7" phx-disable-with="Saving...">Save</button>'],
  ['attr-ambiguous-amp', '<a href="?x=1&copy=2&amp=3&notin;">x</a>'],
  ['attr-json', '<div data-x=\'{"a":[1,2],"b":"<i>"}\'>x</div>'],
  // --- character references
  ['entity-amp', 'a &amp; b'],
  ['entity-lt-gt', '&lt;tag&gt;'],
  ['entity-quot-apos', '&quot;&#39;&apos;'],
  ['entity-nbsp', 'a&nbsp;b'],
  ['nbsp-char', `a${NBSP}b`],
  ['entity-numeric', '&#65;&#x42;&#X43;&#0;&#x110000;&#128;&#xD800;'],
  ['entity-no-semicolon', '&copy &amp &lt &gtx &notit; &notin;'],
  ['entity-unknown', '&foo; &; & x &#; &#x;'],
  ['entity-long', '&CounterClockwiseContourIntegral;&AMP;'],
  ['bare-amp', 'Tom & Jerry'],
  ['entity-in-textarea', '<textarea>&lt;b&gt; &amp;</textarea>'],
  ['entity-in-title', '<title>&amp;&lt;</title>'],
  ['raw-amp-in-text', 'a&b<c>d'],
  // --- whitespace-sensitive elements
  ['pre-leading-newline', '<pre>\n\nx</pre>'],
  ['pre-one-newline', '<pre>\nx</pre>'],
  ['textarea-leading-newline', '<textarea>\nx</textarea>'],
  ['textarea-two-newlines', '<textarea>\n\nx</textarea>'],
  ['listing-newline', '<listing>\nx</listing>'],
  ['textarea-markup', '<textarea><b>not bold</b></textarea>'],
  ['title-markup', '<title><b>x</b></title>'],
  // --- comments and doctype
  ['comment', '<!-- hi -->'],
  ['comment-in-div', '<div><!--a-->b<!---->c</div>'],
  ['comment-dashes', '<!-- a -- b --->'],
  ['comment-short', '<!-->x<!--->y'],
  ['comment-bang-end', '<!--a--!>b'],
  ['comment-unclosed', '<!--abc'],
  ['doctype-in-fragment', '<!DOCTYPE html><p>x'],
  ['cdata-in-html', '<![CDATA[x]]>y'],
  // --- raw text elements
  ['script', '<script>if (a < b && c > d) { x = "</div>"; }</script>'],
  ['script-end-tag-in-string', '<script>var s = "</scr" + "ipt>";</script>'],
  ['script-comment-escape', '<script><!-- </script> --></script>x'],
  ['script-escaped-nested', '<script><!--<script></script>--></script>x'],
  ['script-unclosed', '<script>a<b'],
  ['style', '<style>a > b { content: "&amp;</p>"; }</style>'],
  ['style-unclosed', '<style>x'],
  ['xmp', '<xmp><b>&amp;</b></xmp>'],
  ['iframe', '<iframe><p>&amp;</p></iframe>'],
  ['noembed', '<noembed><b>&amp;</b></noembed>'],
  ['noframes', '<noframes><b>&amp;</b></noframes>'],
  ['noscript', '<noscript><b>&amp;</b></noscript>'],
  ['noscript-with-text', '<noscript>a < b &amp; c</noscript>'],
  ['plaintext', '<plaintext><b>&amp;</b></plaintext>x'],
  ['script-in-svg', '<svg><script>a < b && c</script></svg>'],
  ['style-in-svg', '<svg><style>a&amp;b<c/></style></svg>'],
  // --- tables
  ['table-basic', '<table><tr><td>x</td></tr></table>'],
  ['table-full', '<table><caption>c</caption><colgroup><col></colgroup><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot></table>'],
  ['tr-top-level', '<tr><td>x</td></tr>'],
  ['td-top-level', '<td>x</td>'],
  ['th-top-level', '<th>x</th>'],
  ['tbody-top-level', '<tbody><tr><td>x</td></tr></tbody>'],
  ['thead-top-level', '<thead></thead><tfoot></tfoot>'],
  ['caption-top-level', '<caption>x</caption>'],
  ['col-top-level', '<col><col>'],
  ['colgroup-top-level', '<colgroup><col></colgroup>'],
  ['tr-then-div', '<tr><td>a</td></tr><div>b</div>'],
  ['div-then-tr', '<div>a</div><tr><td>b</td></tr>'],
  ['text-then-tr', 'x<tr><td>b</td></tr>'],
  ['tr-then-text', '<tr><td>a</td></tr>x'],
  ['td-then-td', '<td>a<td>b'],
  ['tr-whitespace', '<tr>\n  <td>a</td>\n</tr>\n'],
  ['table-foster-text', '<table>x<tr><td>y</td></tr></table>'],
  ['table-foster-element', '<table><div>x</div><tr><td>y</td></tr></table>'],
  ['table-whitespace', '<table>\n  <tr>\n    <td>a</td>\n  </tr>\n</table>'],
  ['table-in-td', '<table><tr><td><table><tr><td>x</td></tr></table></td></tr></table>'],
  ['table-unclosed', '<table><tr><td>x'],
  ['table-in-p', '<p><table><tr><td>x</td></tr></table>'],
  ['table-input-hidden', '<table><input type="hidden" name="a"><input type="text"></table>'],
  ['table-form', '<table><form><tr><td>x</td></tr></form></table>'],
  ['table-comment', '<table><!--c--><tr><!--d--><td>x</td></tr></table>'],
  ['tr-in-div', '<div><tr><td>x</td></tr></div>'],
  ['td-in-div', '<div><td>x</td></div>'],
  ['table-liveview-stream', '<table><tbody id="rows" phx-update="stream"><tr id="rows-1"><td>1</td></tr><tr id="rows-2"><td>2</td></tr></tbody></table>'],
  // --- select and options
  ['option-top-level', '<option>a</option><option>b</option>'],
  ['optgroup-top-level', '<optgroup label="g"><option>a</optgroup>'],
  ['select', '<select name="s"><option value="1" selected>a</option><option value="2">b</select>'],
  ['select-implied-option', '<select><option>a<option>b<optgroup><option>c</select>'],
  ['select-junk', '<select><div>x</div><b>y</b><option>z</select>'],
  ['select-in-table', '<table><tr><td><select><option>a</td></tr></table>'],
  ['select-nested-select', '<select><option>a<select><option>b'],
  ['select-input', '<select><option>a<input>b'],
  ['option-then-div', '<option>a<div>b</div>'],
  ['select-hr', '<select><option>a<hr><option>b</select>'],
  // --- foreign content
  ['svg-basic', '<svg viewBox="0 0 10 10"><path d="M0 0L10 10"/></svg>'],
  ['svg-mixed-case', '<svg VIEWBOX="0 0 1 1" preserveaspectratio="none"><foreignobject><p>x</p></foreignobject><clippath id="c"></clippath><LinearGradient gradientunits="userSpaceOnUse"/><feGaussianBlur stddeviation="2"/></svg>'],
  ['svg-xlink', '<svg xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="#a" xml:lang="en" xmlns="http://www.w3.org/2000/svg"/></svg>'],
  ['svg-self-closing', '<svg><g/><rect/></svg>x'],
  ['svg-unknown-case', '<svg><MyThing FooBar="1"></MyThing></svg>'],
  ['svg-html-breakout', '<svg><g><p>x</p></g></svg>'],
  ['svg-font-breakout', '<svg><font color="red">x</font><font>y</font></svg>'],
  ['svg-title-desc', '<svg><title><b>t</b></title><desc>d<i>i</i></desc></svg>'],
  ['svg-cdata', '<svg><![CDATA[a<b>&amp;]]></svg>'],
  ['svg-nul', '<svg>a\u0000b</svg>'],
  ['svg-in-table', '<table><svg><g></g></svg><tr><td>x</td></tr></table>'],
  ['svg-a-element', '<svg><a href="x"><text>y</text></a></svg>'],
  ['svg-template', '<svg><template><p>x</p></template></svg>'],
  ['math-basic', '<math><mi>x</mi><mo>=</mo><mn>1</mn></math>'],
  ['math-definitionurl', '<math definitionurl="u"><mi DefinitionURL="v">x</mi></math>'],
  ['math-annotation-xml', '<math><annotation-xml encoding="text/html"><p>x</p></annotation-xml></math>'],
  ['math-annotation-xml-svg', '<math><annotation-xml><svg><g/></svg></annotation-xml></math>'],
  ['math-mtext-html', '<math><mtext><b>x</b></mtext></math>'],
  ['math-mglyph', '<math><mi><mglyph/><malignmark/></mi></math>'],
  ['svg-uppercase-attr-xlink', '<svg><image XLINK:HREF="a.png"/></svg>'],
  // --- template
  ['nested-template', '<template><div>x</div></template>'],
  ['nested-template-tr', '<template><tr><td>x</td></tr></template>'],
  ['stray-end-template', 'a</template>b'],
  ['stray-end-template-in-div', '<div>a</template>b</div>'],
  ['template-then-end-template', '<template>a</template></template>b'],
  ['template-unclosed', '<template><p>x'],
  // --- NUL and odd characters
  ['nul-text', 'a\u0000b'],
  ['nul-in-tag-name', '<di\u0000v>x</di\u0000v>'],
  ['nul-in-attr', '<div a\u0000b="c\u0000d">x</div>'],
  ['nul-in-comment', '<!--a\u0000b-->'],
  ['nul-in-script', '<script>a\u0000b</script>'],
  ['nul-in-textarea', '<textarea>a\u0000b</textarea>'],
  ['control-chars', 'a\u0001b\u007fc\u0080d'],
  ['noncharacter', 'a\ufffeb\uffffc'],
  ['unicode', 'héllo wörld — 日本語 😀'],
  ['bom-first', '\ufeffx'],
  // --- document-level tags in fragments
  ['html-head-body-tags', '<html><head><title>t</title></head><body class="b"><p>x</p></body></html>'],
  ['body-tag', '<body id="b">x</body>'],
  ['head-tag', '<head><meta charset="utf-8"></head>x'],
  ['frameset', '<frameset><frame></frameset>'],
  ['meta-link-in-body', '<div><meta name="a"><link rel="b"><style>c</style></div>'],
  // --- custom elements and unknown tags
  ['custom-element', '<my-widget some-attr="1"><span>x</span></my-widget>'],
  ['unknown-tags-nested', '<foo><bar>x</bar></foo>'],
  ['custom-element-self-closing', '<my-el/>x'],
  ['menuitem', '<menu><menuitem>a</menuitem></menu>'],
  ['search-dialog-slot', '<search><p>x</search><dialog open>d</dialog><slot name="s"></slot>'],
  ['isindex', '<isindex prompt="q">'],
  ['main-and-picture', '<main><picture><source srcset="a"><img src="b"></picture></main>'],
  // --- liveview-ish
  ['heex-form', '<form phx-submit="save" phx-change="validate">\n  <input type="text" name="user[name]" value="Jos&eacute;" phx-debounce="300">\n  <button type="submit" phx-disable-with="Saving...">Save</button>\n</form>'],
  ['stream-li', '<ul id="items" phx-update="stream"><li id="items-1">One</li><li id="items-2">Two</li></ul>'],
  ['inline-js', '<a href="#" phx-click=\'[["push",{"event":"inc","value":{"a":"<b>"}}]]\'>+</a>'],
  // --- forms (Gumbo 0.10.1 misplaces text before </form>; we fix it up)
  ['form-trailing-newline', '<form>\n<input name="a">\n</form>'],
  ['form-text-then-after', '<form>a</form>b'],
  ['form-only-text', '<form>abc</form>'],
  ['form-p-unclosed', '<form><p>a</form>b'],
  ['form-misnested-div', '<form><div>x</form>y</div>z'],
  ['form-entities-crlf', '<form>a&amp;b\r\n</form>c'],
  ['form-in-div-newline', '<div><form>x</form>\n</div>'],
  ['form-comment-then-text', '<form><!--c-->x </form> y'],
  ['form-end-tag-twice', '<form>x</form ></form>y'],
  ['form-in-table', '<table><form><tr><td><input></td></tr></form></table>'],
  ['form-ignored-tag-inside', '<form><br></span>x</form>y'],
  ['form-empty-then-text', '<form></form>\n<p>x</p>'],
  ['form-nested-elements', '<form phx-submit="s">\n  <div>\n    <label>L</label>\n  </div>\n  <button>Go</button>\n</form>\n'],
  ['form-two-forms', '<form>a\n</form>\n<form>b\n</form>\n'],
  ['form-textarea-inside', '<form><textarea></form></textarea>\n</form>x'],
  // --- foster-parented text (jsdom appends it after the table; we follow jsdom)
  ['foster-after-text', 'a<table>x</table>'],
  ['foster-with-element', '<table>x<div>y</div>z</table>w'],
  ['foster-spaces', '<table> x <b>y</b> z</table>'],
  ['foster-in-row', '<table><tr>x<td>y</td>z</tr></table>'],
  ['foster-in-div', '<div><table>x</table></div>y'],
  ['foster-nested-tables', '<table>x<table>y</table>z</table>'],
  ['foster-two-tables', '<table>x</table><table>y</table>'],
  ['foster-whitespace-only', '<table> \n <tr><td>x</td></tr> \n </table>'],
  ['foster-comment-between', '<table>x<!--c-->y</table>'],
  ['foster-adoption', '<a href="h">a<table><a>b</a></table>'],
  // --- control characters and noncharacters (Gumbo replaces them; we restore them)
  ['control-in-attr', '<div title="a\u0001b\u009fc">x</div>'],
  ['control-in-tag-name', '<a\u0001b>x</a\u0001b>'],
  ['control-in-comment', '<!--a\u0002b-->'],
  ['noncharacter-astral', 'a\u{1fffe}b\u{10ffff}c'],
  ['numeric-ref-controls', '&#1;&#x7f;&#x80;&#x9f;&#xfdd0;&#xffff;&#x1fffe;'],
  ['numeric-ref-huge', '&#99999999999;x&#x7fffffff1;y&#4294967361;z'],
  ['numeric-ref-huge-raw', '<script>"&#99999999999;"</script><!--&#x100000041;--><textarea>&#99999999999;</textarea>'],
  ['numeric-ref-huge-attr', '<div title="&#x10000000041;" data-&#99999999999;="1">x</div>'],
  ['numeric-ref-big-ok', '&#1114111;&#1114112;&#x10ffff;&#x110000;&#2147483647;'],
  // --- leaving foreign content (Gumbo keeps the old fragment rule; we fix it up)
  ['svg-breakout-p-then-close', '<svg><p>a</svg>b'],
  ['svg-breakout-deep', '<svg><g><rect><b>x</b></rect></g></svg>y'],
  ['math-breakout', '<math><mi>a</mi><p>b</p></math>'],
  ['svg-foreignobject-nested', '<svg><foreignObject><svg><p>x</p></svg></foreignObject></svg>'],
  ['svg-desc-html', '<svg><desc><p>x</p></desc></svg>'],
  ['svg-end-p', '<svg></p>x'],
  ['svg-end-br', '<svg></br>x'],
  ['svg-breakout-in-table', '<table><tr><td><svg><p>x</p></svg></td></tr></table>'],
  ['svg-font-face', '<svg><font face="a">x</font></svg>'],
  ['svg-font-plain', '<svg><font>x</font></svg>'],
  ['math-annotation-html', '<math><annotation-xml encoding="TEXT/HTML"><p>x</p></annotation-xml></math>'],
  ['svg-unknown-breakout', '<svg><MyEl><div>x</div></MyEl></svg>'],
  ['svg-two-breakouts', '<svg><p>a</p><svg><span>b</span></svg></svg>'],
  ['p-svg-end-p', '<p><svg></p>x'],
  ['svg-icon', '<svg class="h-5 w-5" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true"><path fill-rule="evenodd" d="M10 18a8 8 0 100-16 8 8 0 000 16z" clip-rule="evenodd"/></svg>'],
  // --- noscript (jsdom parses template contents with scripting on)
  ['noscript-p', '<noscript><p>a</p></noscript>b'],
  ['noscript-in-div', '<div><noscript><img src="x"></noscript></div>'],
  ['noscript-nested', '<noscript>a<noscript>b</noscript>c</noscript>'],
  ['noscript-comment', '<noscript><!--</noscript>-->x'],
  ['noscript-unclosed', '<noscript>unclosed <b>'],
  ['noscript-case', '<NOSCRIPT a=1>x</NoScript >y'],
  ['noscript-in-table', '<table><noscript><tr></noscript></table>'],
  ['noscript-in-template', '<template><noscript><b>x</b></noscript></template>'],
  ['noscript-two', '<noscript><i>1</i></noscript><p>m</p><noscript><i>2</i></noscript>'],
  // --- unknown elements
  ['unknown-mismatched-end', '<my-a><my-b></my-a>x'],
  ['unknown-stray-end', '<my-a>x</my-b>y</my-a>z'],
  ['unknown-three-levels', '<x-a><x-b><x-c>1</x-a>2'],
  ['unknown-through-span', '<x-a><span><x-b>1</x-a>2'],
  ['unknown-stops-at-div', '<x-a><div><x-b>1</x-a>2</div>3'],
  ['unknown-case-insensitive', '<X-A>1</x-a>2'],
  ['svg-unknown-unclosed', '<svg><g><rect></g><circle/></svg>'],
  ['p-dialog', '<p>a<dialog>b</dialog>c</p>'],
  ['custom-element-balanced', '<x-card id="c"><x-title>T</x-title><x-body><p>B</p></x-body></x-card>'],
  // --- known differences (see golden_test.cpp)
  ['main-adoption', '<b><main>x</b>y'],
  ['main-end-tag-crossing', '<span><main></span>x'],
  ['cdata-in-svg-title', '<svg><title><![CDATA[x]]></title></svg>'],
  ['cdata-in-math-mi', '<math><mi><![CDATA[x]]></mi></math>'],
  ['form-misnested-in-template', '<div><template><form><b></form>x</template></div>'],
  ['nul-run-in-svg', '<svg>a\u0000\u0000b</svg>'],
  // --- more LiveView-shaped markup
  ['phx-update-ignore', '<div id="x" phx-update="ignore" data-phx-ref="3"><span>kept</span></div>'],
  ['input-quoted-value', '<input value="&quot;quoted&quot; &amp; \'single\'" name="q">'],
  ['textarea-value', '<textarea name="t" id="t">\nline 1\nline 2</textarea>'],
  ['select-selected', '<select name="s"><option value="a" selected>A</option><option value="b">B</option></select>'],
  ['heex-table', '<table id="users">\n  <thead>\n    <tr><th>Name</th></tr>\n  </thead>\n  <tbody id="users-body" phx-update="stream">\n    <tr id="u-1"><td>Ann</td></tr>\n  </tbody>\n</table>'],
  ['heex-list-comprehension', '<ul>\n  \n    <li>a</li>\n  \n    <li>b</li>\n  \n</ul>'],
  ['link-and-live-patch', '<a href="/x" data-phx-link="patch" data-phx-link-state="push">x</a>'],
];

// Generated LiveView-shaped markup: nested elements with attributes, text with entities,
// tables, forms (nested ones too), selects, textareas, SVG icons, templates. A seeded PRNG
// keeps the file stable.
function generatedCases(count) {
  let seed = 20250101;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const texts = ['hello', ' ', '\n  ', 'a &amp; b', 'x < y', '&lt;tag&gt;', 'caf\u00e9', NBSP, '&nbsp;',
    '&#39;quoted&#39;', '"', '1 > 0', '&copy;', 'tab\there'];
  const attrs = ['class="btn"', 'id="x-1"', 'phx-click="inc"', 'phx-value-id="7"', 'data-x=\'{"a":1}\'', 'disabled',
    'title="a &amp; b"', 'value="&quot;q&quot;"', 'href="/p?a=1&amp;b=2"', 'phx-target="1"', 'aria-hidden="true"',
    'title="<b>"'];
  const attrStr = () => {
    let out = '';
    const n = int(0, 2);
    for (let i = 0; i < n; i++) out += ' ' + pick(attrs);
    return out;
  };
  const node = (d) => {
    if (d > 3 || rand() < 0.3) return pick(texts);
    const kind = pick(['div', 'span', 'p', 'button', 'ul', 'table', 'form', 'select', 'svg', 'textarea', 'a',
      'section', 'label', 'input', 'br', 'img', 'template', 'pre', 'strong', 'x-card', 'main', 'dl']);
    if (['input', 'br', 'img'].includes(kind)) return `<${kind}${attrStr()}>`;
    let inner = '';
    const n = int(0, 3);
    switch (kind) {
      case 'ul': for (let i = 0; i < n; i++) inner += `<li${attrStr()}>${node(d + 1)}</li>`; break;
      case 'dl': inner = `<dt>${node(d + 1)}</dt><dd>${node(d + 1)}</dd>`; break;
      case 'table': {
        let rows = '';
        for (let i = 0; i < n; i++) rows += `\n  <tr${attrStr()}><td>${node(d + 1)}</td><td>${pick(texts)}</td></tr>`;
        inner = pick([`<tbody>${rows}</tbody>`, rows, `<thead><tr><th>h</th></tr></thead><tbody${attrStr()}>${rows}\n</tbody>`]);
        break;
      }
      case 'select': for (let i = 0; i < n; i++) inner += `<option value="${i}"${pick(['', ' selected'])}>${pick(texts)}</option>`; break;
      case 'svg': inner = '<path d="M0 0L1 1" stroke-linecap="round"/>' + pick(['', '<circle cx="1" r="1"></circle>',
        '<g clip-path="url(#a)"><rect width="1" height="1"/></g>', '<defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>']); break;
      case 'textarea': inner = pick(['', '\nline', 'a &amp; <b>', 'x']); break;
      case 'template': inner = pick(['<tr><td>x</td></tr>', node(d + 1)]); break;
      case 'p': case 'strong': case 'span': case 'a': case 'label': case 'button':
        for (let i = 0; i < n; i++) inner += pick([pick(texts), `<em>${pick(texts)}</em>`, '<br>']);
        break;
      default: for (let i = 0; i < n + 1; i++) inner += node(d + 1);
    }
    const extra = kind === 'svg' ? ' viewBox="0 0 20 20" fill="currentColor"' : '';
    return `<${kind}${extra}${attrStr()}>${inner}</${kind}>`;
  };
  const out = [];
  for (let i = 0; i < count; i++) {
    const parts = [];
    const n = int(1, 3);
    for (let k = 0; k < n; k++) parts.push(node(0));
    out.push([`generated-${String(i).padStart(3, '0')}`, parts.join('\n')]);
  }
  return out;
}
cases.push(...generatedCases(80));

// Fragment contexts other than template/div: [name, context, namespace-or-null, input].
const contextCases = [
  ['table-context-tr', 'table', null, '<tr><td>x</td></tr>'],
  ['table-context-text', 'table', null, 'x<td>y'],
  ['tbody-context-td', 'tbody', null, '<td>x</td>'],
  ['tr-context-td', 'tr', null, '<td>a</td><td>b</td>'],
  ['tr-context-div', 'tr', null, '<div>x</div>'],
  ['td-context', 'td', null, '<p>x</td>y'],
  ['select-context', 'select', null, '<option>a<option>b<div>c</div>'],
  ['body-context', 'body', null, '<tr><td>x</td></tr><p>y'],
  ['html-context', 'html', null, '<head><title>x</title></head><body>y</body>'],
  ['ul-context', 'ul', null, '<li>a<li>b'],
  ['textarea-context', 'textarea', null, '<b>x</b>&amp;'],
  ['title-context', 'title', null, '<b>x</b>&amp;'],
  ['style-context', 'style', null, '<b>x</b>&amp;'],
  ['script-context', 'script', null, '<b>x</b>&amp;</script>y'],
  ['plaintext-context', 'plaintext', null, '<b>x</b>&amp;'],
  ['noscript-context', 'noscript', null, '<b>x</b>&amp;'],
  ['svg-context', 'svg', 'http://www.w3.org/2000/svg', '<path d="M0"/><foreignobject><p>x</p></foreignobject><p>y'],
  ['svg-g-context', 'g', 'http://www.w3.org/2000/svg', '<circle r="1"/><clippath/>'],
  ['svg-foreignObject-context', 'foreignObject', 'http://www.w3.org/2000/svg', '<p>x</p><svg><g/></svg>'],
  ['math-context', 'math', 'http://www.w3.org/1998/Math/MathML', '<mi>x</mi><p>y'],
  ['custom-context', 'my-el', null, '<tr><td>x'],
  ['template-in-table-context', 'table', null, '<template><tr><td>x</td></tr></template>'],
];

// Whole documents: [name, input]; expected is jsdom's serialization of the document.
const documentCases = [
  ['doc-liveview-page', '<!DOCTYPE html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8">\n    <meta name="csrf-token" content="abc">\n    <title>App &middot; Home</title>\n    <script defer src="/assets/app.js"></script>\n  </head>\n  <body class="antialiased">\n    <div data-phx-main data-phx-session="S" data-phx-static="T" id="phx-F1"><p>hi</p></div>\n  </body>\n</html>\n'],
  ['doc-lowercase-doctype', '<!doctype html><p>x'],
  ['doc-no-doctype-quirks', '<p><table><tr><td>x</td></tr></table>'],
  ['doc-standards-table-in-p', '<!DOCTYPE html><p><table><tr><td>x</td></tr></table>'],
  ['doc-comments-around-doctype', '<!--a--> <!DOCTYPE html> <!--b--><html><!--c--><head></head><body></body></html><!--d-->'],
  ['doc-text-only', 'hello'],
  ['doc-empty', ''],
  ['doc-after-body', '<!DOCTYPE html><body><p>x</p></body><!--after-->y</html>z'],
  ['doc-head-content', '<!DOCTYPE html><head><noscript><link rel="x"></noscript><style>a>b{}</style><base href="/"></head><p>x'],
  ['doc-head-junk', '<!DOCTYPE html><head><div>x</div><title>t</title></head>'],
  ['doc-frameset', '<!DOCTYPE html><frameset><frame src="a"></frameset>'],
  ['doc-body-attrs-merge', '<!DOCTYPE html><body a="1"><body b="2" a="3">x'],
  ['doc-html-attrs', '<!DOCTYPE html><html lang="en" class="h"><html data-x="1">x'],
  ['doc-legacy-doctype', '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd"><p>x'],
  ['doc-form-whitespace', '<!DOCTYPE html><body><form>\n<input>\n</form>\n</body>'],
  ['doc-foster', '<!DOCTYPE html><body><table>x<tr><td>y</td></tr></table>'],
  ['doc-template-in-head', '<!DOCTYPE html><head><template><tr><td>x</td></tr></template></head>'],
  ['doc-svg-breakout', '<!DOCTYPE html><body><svg><g><p>x</p></g></svg>'],
];

const dom = new JSDOM('<!DOCTYPE html><html><head></head><body></body></html>');
const { document } = dom.window;

function inner(context, ns, input) {
  const el = ns ? document.createElementNS(ns, context) : document.createElement(context);
  el.innerHTML = input;
  return el.innerHTML;
}

const out = {
  about: 'innerHTML after element.innerHTML = input, from jsdom; generated by make-golden.mjs',
  jsdom: jsdomVersion,
  cases: cases.map(([name, input]) => ({
    name,
    input,
    template: inner('template', null, input),
    div: inner('div', null, input),
  })),
  context_cases: contextCases.map(([name, context, ns, input]) => ({
    name,
    context,
    namespace: ns === null ? 'html' : ns.endsWith('svg') ? 'svg' : 'mathml',
    input,
    html: inner(context, ns, input),
  })),
  document_cases: documentCases.map(([name, input]) => ({
    name,
    input,
    html: new JSDOM(input).serialize(),
  })),
};

const names = new Set();
for (const c of [...out.cases, ...out.context_cases, ...out.document_cases]) {
  if (names.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
  names.add(c.name);
}

const target = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'fragments.json');
writeFileSync(target, JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${out.cases.length} cases, ${out.context_cases.length} context cases and ${out.document_cases.length} documents to ${target}`);
