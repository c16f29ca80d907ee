// HTML5 parsing with Gumbo 0.10.1, converted into lvh::dom trees, with the result made to
// equal what jsdom 26.1.0 (parse5 7.3.0) builds.
//
// Gumbo 0.10.1 (2015) is used defensively:
// - it can read a few bytes past the end of its input (a named character reference at the
//   very end), so it parses a copy followed by zero padding;
// - freeing its tree recurses once per nesting level, so its memory comes from an arena
//   that is dropped whole, and gumbo_destroy_output is never called;
// - it records parse errors we do not use, yet max_errors stays unlimited (see
//   gumbo_parse: capping them corrupts attributes after a duplicate);
// - where it deviates from the current standard in ways we can undo, we do (see "fixes"
//   below, the form text fix and the control character remap). What remains is listed
//   in test/golden_test.cpp.
#include <lvh/dom/html.hpp>
#include <lvh/dom/detail/fragment.hpp>

#include "utf8.hpp"

#include <gumbo.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace lvh::dom {

namespace {

using detail::append_utf8;

// -- memory --------------------------------------------------------------------------------

// Bump allocator for one parse. Gumbo's frees are no-ops; its total allocation is a small
// multiple of the input size, and everything goes at once when the parse is converted.
// Memory is handed out zeroed: Gumbo 0.10.1 reads some of what it allocates before writing
// it (valgrind: a conditional jump on uninitialised memory in gumbo_parse_with_options, on
// mis-nested markup), and garbage there made one input parse two ways.
class arena {
 public:
  arena() = default;
  arena(const arena&) = delete;
  arena& operator=(const arena&) = delete;
  ~arena() {
    for (void* b : blocks_) std::free(b);
  }

  void* allocate(std::size_t n) {
    constexpr std::size_t align = alignof(std::max_align_t);
    n = (n + align - 1) & ~(align - 1);
    if (n > left_) {
      if (n > chunk_ / 4) return std::memset(new_block(n), 0, n);  // big: its own block, keep the chunk
      cur_ = static_cast<char*>(new_block(chunk_));
      left_ = chunk_;
      if (chunk_ < max_chunk) chunk_ *= 2;
    }
    void* p = cur_;
    cur_ += n;
    left_ -= n;
    std::memset(p, 0, n);
    return p;
  }

 private:
  static constexpr std::size_t max_chunk = std::size_t{1} << 20;

  // Called from Gumbo's C code: it cannot handle a failed allocation, and no exception
  // may unwind through it.
  void* new_block(std::size_t n) noexcept {
    void* b = std::malloc(n);
    if (!b) std::abort();
    try {
      blocks_.push_back(b);
    } catch (...) {
      std::abort();
    }
    return b;
  }

  std::vector<void*> blocks_;
  char* cur_ = nullptr;
  std::size_t left_ = 0;
  std::size_t chunk_ = 16 * 1024;
};

void* arena_allocate(void* userdata, std::size_t n) { return static_cast<arena*>(userdata)->allocate(n); }
void arena_free(void*, void*) {}

// Gumbo's named-reference matcher may look this far past the end of its input, and its
// tag tokenizer can look at the byte before a tag.
constexpr std::size_t input_padding = 64;
constexpr std::size_t front_padding = alignof(std::max_align_t);

// -- names ---------------------------------------------------------------------------------

char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

std::string lowered(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = ascii_lower(c);
  return r;
}

// Appends `s` with NUL replaced by U+FFFD and each byte that does not start or continue a
// well-formed UTF-8 sequence replaced by U+FFFD, as Gumbo's tokenizer does for the names it
// keeps (we read unknown tag names from the source text, which is not cleaned).
void append_clean_utf8(std::string_view s, std::string& out) {
  constexpr std::string_view replacement = "\xEF\xBF\xBD";
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b == 0) {
      out += replacement;
      ++i;
      continue;
    }
    if (b < 0x80) {
      out += char(b);
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    }
    std::size_t ok = len == 0 ? 0 : 1;
    while (ok != 0 && ok < len && i + ok < s.size()) {
      const auto c = static_cast<unsigned char>(s[i + ok]);
      if (c < (ok == 1 ? lo : 0x80) || c > (ok == 1 ? hi : 0xBF)) break;
      ++ok;
    }
    if (len != 0 && ok == len) {
      out.append(s.data() + i, len);
      i += len;
    } else {
      out += replacement;
      i += ok == 0 ? 1 : ok;
    }
  }
}

// The tag name as the tokenizer saw it, from the source text of an unknown element's
// start tag ("<my-el a=b>"): up to whitespace, '/' or '>', ASCII-lowercased.
std::string unknown_tag_name(GumboStringPiece original) {
  std::string_view src(original.data ? original.data : "", original.length);
  if (src.size() >= 2 && src[0] == '<' && src[1] == '/')
    src.remove_prefix(2);
  else if (!src.empty() && src[0] == '<')
    src.remove_prefix(1);
  std::size_t end = 0;
  while (end < src.size()) {
    const char c = src[end];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == '/' || c == '>') break;
    ++end;
  }
  std::string name;
  append_clean_utf8(src.substr(0, end), name);
  for (char& c : name) c = ascii_lower(c);
  if (name.empty()) name = "unknown";  // not expected: Gumbo keeps every start tag's text
  return name;
}

struct name_fix {
  std::string_view lower;
  std::string_view fixed;
};

// The HTML standard's case adjustments for SVG, as parse5 7.3.0 applies them.
constexpr name_fix svg_tag_fixes[] = {
    {"altglyph", "altGlyph"},
    {"altglyphdef", "altGlyphDef"},
    {"altglyphitem", "altGlyphItem"},
    {"animatecolor", "animateColor"},
    {"animatemotion", "animateMotion"},
    {"animatetransform", "animateTransform"},
    {"clippath", "clipPath"},
    {"feblend", "feBlend"},
    {"fecolormatrix", "feColorMatrix"},
    {"fecomponenttransfer", "feComponentTransfer"},
    {"fecomposite", "feComposite"},
    {"feconvolvematrix", "feConvolveMatrix"},
    {"fediffuselighting", "feDiffuseLighting"},
    {"fedisplacementmap", "feDisplacementMap"},
    {"fedistantlight", "feDistantLight"},
    {"feflood", "feFlood"},
    {"fefunca", "feFuncA"},
    {"fefuncb", "feFuncB"},
    {"fefuncg", "feFuncG"},
    {"fefuncr", "feFuncR"},
    {"fegaussianblur", "feGaussianBlur"},
    {"feimage", "feImage"},
    {"femerge", "feMerge"},
    {"femergenode", "feMergeNode"},
    {"femorphology", "feMorphology"},
    {"feoffset", "feOffset"},
    {"fepointlight", "fePointLight"},
    {"fespecularlighting", "feSpecularLighting"},
    {"fespotlight", "feSpotLight"},
    {"fetile", "feTile"},
    {"feturbulence", "feTurbulence"},
    {"foreignobject", "foreignObject"},
    {"glyphref", "glyphRef"},
    {"lineargradient", "linearGradient"},
    {"radialgradient", "radialGradient"},
    {"textpath", "textPath"},
};

constexpr name_fix svg_attribute_fixes[] = {
    {"attributename", "attributeName"},
    {"attributetype", "attributeType"},
    {"basefrequency", "baseFrequency"},
    {"baseprofile", "baseProfile"},
    {"calcmode", "calcMode"},
    {"clippathunits", "clipPathUnits"},
    {"diffuseconstant", "diffuseConstant"},
    {"edgemode", "edgeMode"},
    {"filterunits", "filterUnits"},
    {"glyphref", "glyphRef"},
    {"gradienttransform", "gradientTransform"},
    {"gradientunits", "gradientUnits"},
    {"kernelmatrix", "kernelMatrix"},
    {"kernelunitlength", "kernelUnitLength"},
    {"keypoints", "keyPoints"},
    {"keysplines", "keySplines"},
    {"keytimes", "keyTimes"},
    {"lengthadjust", "lengthAdjust"},
    {"limitingconeangle", "limitingConeAngle"},
    {"markerheight", "markerHeight"},
    {"markerunits", "markerUnits"},
    {"markerwidth", "markerWidth"},
    {"maskcontentunits", "maskContentUnits"},
    {"maskunits", "maskUnits"},
    {"numoctaves", "numOctaves"},
    {"pathlength", "pathLength"},
    {"patterncontentunits", "patternContentUnits"},
    {"patterntransform", "patternTransform"},
    {"patternunits", "patternUnits"},
    {"pointsatx", "pointsAtX"},
    {"pointsaty", "pointsAtY"},
    {"pointsatz", "pointsAtZ"},
    {"preservealpha", "preserveAlpha"},
    {"preserveaspectratio", "preserveAspectRatio"},
    {"primitiveunits", "primitiveUnits"},
    {"refx", "refX"},
    {"refy", "refY"},
    {"repeatcount", "repeatCount"},
    {"repeatdur", "repeatDur"},
    {"requiredextensions", "requiredExtensions"},
    {"requiredfeatures", "requiredFeatures"},
    {"specularconstant", "specularConstant"},
    {"specularexponent", "specularExponent"},
    {"spreadmethod", "spreadMethod"},
    {"startoffset", "startOffset"},
    {"stddeviation", "stdDeviation"},
    {"stitchtiles", "stitchTiles"},
    {"surfacescale", "surfaceScale"},
    {"systemlanguage", "systemLanguage"},
    {"tablevalues", "tableValues"},
    {"targetx", "targetX"},
    {"targety", "targetY"},
    {"textlength", "textLength"},
    {"viewbox", "viewBox"},
    {"viewtarget", "viewTarget"},
    {"xchannelselector", "xChannelSelector"},
    {"ychannelselector", "yChannelSelector"},
    {"zoomandpan", "zoomAndPan"},
};

template <std::size_t N>
std::string_view fixed_name(const name_fix (&table)[N], std::string_view name) noexcept {
  for (const auto& f : table)
    if (f.lower == name) return f.fixed;
  return name;
}

std::string element_name(const GumboElement& e) {
  std::string name = e.tag == GUMBO_TAG_UNKNOWN ? unknown_tag_name(e.original_tag)
                                                : std::string(gumbo_normalized_tagname(e.tag));
  if (e.tag_namespace == GUMBO_NAMESPACE_SVG) {
    std::string_view f = fixed_name(svg_tag_fixes, name);
    if (f.data() != name.data()) name.assign(f);
  }
  return name;
}

ns to_ns(GumboNamespaceEnum n) noexcept {
  switch (n) {
    case GUMBO_NAMESPACE_SVG:
      return ns::svg;
    case GUMBO_NAMESPACE_MATHML:
      return ns::mathml;
    case GUMBO_NAMESPACE_HTML:
      break;
  }
  return ns::html;
}

// Qualified attribute name as serialized: "xlink:href", "xml:lang", "xmlns:xlink".
std::string attribute_name(const GumboAttribute& a, GumboNamespaceEnum element_ns) {
  std::string_view local = a.name ? a.name : "";
  switch (a.attr_namespace) {
    case GUMBO_ATTR_NAMESPACE_XLINK:
      return std::string("xlink:").append(local);
    case GUMBO_ATTR_NAMESPACE_XML:
      return std::string("xml:").append(local);
    case GUMBO_ATTR_NAMESPACE_XMLNS:
      return local == "xmlns" ? std::string(local) : std::string("xmlns:").append(local);
    case GUMBO_ATTR_NAMESPACE_NONE:
      break;
  }
  if (element_ns == GUMBO_NAMESPACE_SVG) return std::string(fixed_name(svg_attribute_fixes, local));
  if (element_ns == GUMBO_NAMESPACE_MATHML && local == "definitionurl") return "definitionURL";
  return std::string(local);
}

// -- input preparation ---------------------------------------------------------------------

std::size_t find_ci(std::string_view hay, std::string_view needle, std::size_t from = 0) noexcept {
  if (needle.size() > hay.size()) return std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && ascii_lower(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

bool is_tag_delimiter(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == '/' || c == '>';
}

// Start of the first "</name" followed by whitespace, '/' or '>' that begins in
// [from, to): an end tag as the tokenizer sees it in data or raw-text state. `name` is
// lower case.
std::size_t find_end_tag(std::string_view input, std::string_view name, std::size_t from, std::size_t to) noexcept {
  to = std::min(to, input.size());
  for (std::size_t p = from; p < to; ++p) {
    if (input[p] != '<') continue;
    const std::size_t after = p + 2 + name.size();
    if (after < input.size() && input[p + 1] == '/' && find_ci(input.substr(p + 2, name.size()), name) == 0 &&
        is_tag_delimiter(input[after]))
      return p;
  }
  return std::string_view::npos;
}

// Gumbo turns the code points the standard calls parse errors but keeps (C0/C1 controls,
// noncharacters) into U+FFFD. Before parsing we move them to a private-use block
// (U+10F000 + k) that the tokenizer treats the same way, and move them back in the tree.
constexpr char32_t remap_base = 0x10F000;

bool gumbo_rejects(char32_t c) noexcept {
  return (c >= 0x1 && c <= 0x8) || c == 0xB || (c >= 0xE && c <= 0x1F) || (c >= 0x7F && c <= 0x9F) ||
         (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFF) == 0xFFFE || (c & 0xFFFF) == 0xFFFF;
}

char32_t remap_code(char32_t c) noexcept {
  if (c <= 0x9F) return remap_base + c;
  if (c >= 0xFDD0 && c <= 0xFDEF) return remap_base + 0x100 + (c - 0xFDD0);
  return remap_base + 0x200 + (c >> 16) * 2 + (c & 1);  // U+xFFFE / U+xFFFF
}

bool unmap_code(char32_t r, char32_t& c) noexcept {
  if (r < remap_base) return false;
  const char32_t k = r - remap_base;
  if (k >= 0x1 && k <= 0x9F)
    c = k;
  else if (k >= 0x100 && k < 0x120)
    c = 0xFDD0 + (k - 0x100);
  else if (k >= 0x200 && k < 0x222)
    c = ((k - 0x200) / 2) * 0x10000 + 0xFFFE + ((k - 0x200) & 1);
  else
    return false;
  return gumbo_rejects(c);
}

// Decodes the well-formed UTF-8 sequence at s[i], or returns 0 bytes consumed.
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& c) noexcept {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const std::size_t n = s.size() - i;
  const unsigned char b0 = b(0);
  if (b0 < 0x80) {
    c = b0;
    return 1;
  }
  auto cont = [&](std::size_t k) { return (b(k) & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF && n >= 2 && cont(1)) {
    c = char32_t(b0 & 0x1F) << 6 | (b(1) & 0x3F);
    return 2;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF && n >= 3 && cont(1) && cont(2)) {
    c = char32_t(b0 & 0x0F) << 12 | char32_t(b(1) & 0x3F) << 6 | (b(2) & 0x3F);
    return (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4 && n >= 4 && cont(1) && cont(2) && cont(3)) {
    c = char32_t(b0 & 0x07) << 18 | char32_t(b(1) & 0x3F) << 12 | char32_t(b(2) & 0x3F) << 6 | (b(3) & 0x3F);
    return (c >= 0x10000 && c <= 0x10FFFF) ? 4 : 0;
  }
  return 0;
}

// Whether a numeric character reference in `s` could produce a code point of the remap
// block (then the remap could not be undone unambiguously).
bool references_remap_block(std::string_view s) noexcept {
  for (std::size_t p = s.find("&#"); p != std::string_view::npos; p = s.find("&#", p + 2)) {
    std::size_t i = p + 2;
    const bool hex = i < s.size() && (s[i] == 'x' || s[i] == 'X');
    if (hex) ++i;
    std::uint64_t v = 0;
    for (; i < s.size(); ++i) {
      const char c = s[i];
      int d;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (hex && ascii_lower(c) >= 'a' && ascii_lower(c) <= 'f')
        d = ascii_lower(c) - 'a' + 10;
      else
        break;
      v = v * (hex ? 16 : 10) + std::uint64_t(d);
      if (v > 0x10FFFF) break;
    }
    if (v >= remap_base && v < remap_base + 0x300) return true;
  }
  return false;
}

// Writes `in` remapped to `out` and returns true; false when there is nothing to remap or
// the remap could not be undone unambiguously.
bool remap_rejected(std::string_view in, std::string& out) {
  bool needed = false;
  for (std::size_t i = 0; i < in.size();) {
    char32_t c;
    const std::size_t n = decode_utf8(in, i, c);
    if (n == 0) {
      ++i;
      continue;
    }
    if (c >= remap_base && c < remap_base + 0x300) return false;  // would be ambiguous
    needed = needed || gumbo_rejects(c);
    i += n;
  }
  if (!needed || references_remap_block(in)) return false;
  out.clear();
  out.reserve(in.size() + 16);
  for (std::size_t i = 0; i < in.size();) {
    char32_t c;
    const std::size_t n = decode_utf8(in, i, c);
    if (n != 0 && gumbo_rejects(c)) {
      append_utf8(remap_code(c), out);
      i += n;
    } else {
      const std::size_t k = n == 0 ? 1 : n;
      out.append(in.data() + i, k);
      i += k;
    }
  }
  return true;
}

// Copies `s`, undoing remap_rejected when `unmap` is set.
std::string restore(std::string_view s, bool unmap) {
  if (!unmap) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    char32_t c, orig;
    const std::size_t n = static_cast<unsigned char>(s[i]) == 0xF4 ? decode_utf8(s, i, c) : 0;
    if (n == 4 && unmap_code(c, orig)) {
      append_utf8(orig, out);
      i += n;
    } else {
      out += s[i++];
    }
  }
  return out;
}

// Gumbo accumulates a numeric character reference in an int, which overflows (undefined
// behaviour, and a garbage code point) past INT_MAX. Such references all decode to U+FFFD,
// so before parsing each is rewritten, at the same length, as a distinct value just above
// U+10FFFF; where it stays literal (raw text, comments, names) the original is put back.
// (Text that decodes to exactly such a rewritten literal would be restored too; that takes
// an input built for it.)

// The reference "&#digits" / "&#xdigits" at `p`: its end, and whether it exceeds INT_MAX.
std::size_t numeric_reference_end(std::string_view s, std::size_t p, std::size_t& digits_at, bool& huge) noexcept {
  std::size_t i = p + 2;
  const bool hex = i < s.size() && (s[i] == 'x' || s[i] == 'X');
  if (hex) ++i;
  digits_at = i;
  std::uint64_t v = 0;
  huge = false;
  for (; i < s.size(); ++i) {
    const char c = ascii_lower(s[i]);
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (hex && c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else
      break;
    v = v * (hex ? 16 : 10) + std::uint64_t(d);
    if (v > 0x7FFFFFFF) huge = true, v = 0x7FFFFFFF;
  }
  return i;
}

using reference_map = std::unordered_map<std::string, std::string>;  // rewritten -> original

bool has_huge_reference(std::string_view s) noexcept {
  for (std::size_t p = s.find("&#"); p != std::string_view::npos; p = s.find("&#", p + 2)) {
    std::size_t digits_at;
    bool huge;
    numeric_reference_end(s, p, digits_at, huge);
    if (huge) return true;
  }
  return false;
}

// Call only when has_huge_reference(work).
void rewrite_huge_references(std::string& work, reference_map& refs) {
  std::unordered_set<std::string> existing;  // long references already in the input
  for (std::size_t p = work.find("&#"); p != std::string::npos; p = work.find("&#", p + 2)) {
    std::size_t digits_at;
    bool huge;
    const std::size_t end = numeric_reference_end(work, p, digits_at, huge);
    if (end - digits_at >= 8) existing.emplace(work.substr(p, end - p));
  }
  std::uint32_t next = 0x110000;
  for (std::size_t p = work.find("&#"); p != std::string::npos; p = work.find("&#", p + 2)) {
    std::size_t digits_at;
    bool huge;
    const std::size_t end = numeric_reference_end(work, p, digits_at, huge);
    if (!huge) continue;
    const bool hex = digits_at != p + 2;
    const std::size_t len = end - digits_at;  // >= 8 (hex) or 10 (decimal)
    for (;; ++next) {
      std::string digits;
      for (std::uint32_t x = next; x != 0; x /= hex ? 16 : 10) digits.insert(digits.begin(), "0123456789abcdef"[x % (hex ? 16 : 10)]);
      digits.insert(0, len - digits.size(), '0');
      std::string rewritten = work.substr(p, digits_at - p) + digits;
      if (existing.count(rewritten) != 0) continue;
      std::string original = work.substr(p, end - p);
      work.replace(digits_at, len, digits);
      refs.emplace(std::move(rewritten), std::move(original));
      ++next;
      break;
    }
  }
}

// Puts back the references rewrite_huge_references changed, where they stayed literal.
void restore_references(std::string& s, const reference_map& refs) {
  for (std::size_t p = s.find("&#"); p != std::string::npos; p = s.find("&#", p + 2)) {
    std::size_t digits_at;
    bool huge;
    const std::size_t end = numeric_reference_end(s, p, digits_at, huge);
    if (end - digits_at < 8) continue;
    const auto it = refs.find(s.substr(p, end - p));
    if (it != refs.end()) s.replace(p, end - p, it->second);  // same length
  }
}

// -- running Gumbo -------------------------------------------------------------------------

struct gumbo_parse {
  arena mem;
  GumboOptions options = kGumboDefaultOptions;
  GumboOutput* output = nullptr;
  std::string_view input;  // the padded copy Gumbo parsed, without the padding

  gumbo_parse(std::string_view html, GumboTag context, GumboNamespaceEnum space) {
    options.allocator = &arena_allocate;
    options.deallocator = &arena_free;
    options.userdata = &mem;
    // Unlimited: Gumbo resets its tag buffer after a duplicate attribute only in the code
    // that records the error, so with errors capped a duplicate corrupts the attributes
    // after it ("<p a=1 b a c>" would give "ac"). The records live in the arena.
    options.max_errors = -1;
    options.fragment_context = context;
    options.fragment_namespace = space;
    char* block = static_cast<char*>(mem.allocate(front_padding + html.size() + input_padding));
    std::memset(block, 0, front_padding);
    char* copy = block + front_padding;
    if (!html.empty()) std::memcpy(copy, html.data(), html.size());
    std::memset(copy + html.size(), 0, input_padding);
    input = std::string_view(copy, html.size());
    output = gumbo_parse_with_options(&options, input.data(), input.size());
  }
  gumbo_parse(const gumbo_parse&) = delete;
  gumbo_parse& operator=(const gumbo_parse&) = delete;

  const GumboNode& top() const noexcept {
    return options.fragment_context == GUMBO_TAG_LAST ? *output->document : *output->root;
  }
};

const GumboVector* children_of(const GumboNode& g) noexcept {
  switch (g.type) {
    case GUMBO_NODE_DOCUMENT:
      return &g.v.document.children;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE:
      return &g.v.element.children;
    default:
      return nullptr;
  }
}

const GumboNode& child_at(const GumboVector& v, std::size_t i) noexcept {
  return *static_cast<const GumboNode*>(v.data[i]);
}

bool is_element(const GumboNode& g) noexcept {
  return g.type == GUMBO_NODE_ELEMENT || g.type == GUMBO_NODE_TEMPLATE;
}

bool is_html(const GumboNode& g, GumboTag tag) noexcept {
  return is_element(g) && g.v.element.tag == tag && g.v.element.tag_namespace == GUMBO_NAMESPACE_HTML;
}

bool is_text(const GumboNode& g) noexcept {
  return g.type == GUMBO_NODE_TEXT || g.type == GUMBO_NODE_WHITESPACE || g.type == GUMBO_NODE_CDATA;
}

std::size_t offset_of(const GumboNode& g) noexcept {
  return is_element(g) ? g.v.element.start_pos.offset
                       : (g.type == GUMBO_NODE_DOCUMENT ? 0 : g.v.text.start_pos.offset);
}

// -- fixes by re-parsing -------------------------------------------------------------------
//
// Two deviations of Gumbo 0.10.1 change how everything after them is tokenized, so they
// are fixed by editing the input at the offending tag and parsing again, one at a time,
// earliest first (the input before it parses the same):
// - foreign-content breakout (<svg><p>, <svg></p>): in fragments Gumbo follows the 2015
//   rule and keeps <p> as an SVG element; the standard pops the foreign elements first. We
//   insert their end tags before the tag.
// - <noscript> in template content: jsdom parses template contents with scripting on
//   (raw text), which Gumbo cannot do. The element is written as <noembed>, which is parsed
//   the same way, and renamed back.
// - end tags of unknown elements: Gumbo matches them by tag enum, so </x-a> closes the
//   innermost unknown element, whatever its name. We write out the end tags the standard's
//   walk up the stack amounts to, or a token that is ignored as the end tag would be.
// Fixing stops after max_fix_passes re-parses (an input built for it); the rest keeps
// Gumbo's result.

bool is_breakout_tag(const GumboElement& e) noexcept {
  switch (e.tag) {
    case GUMBO_TAG_B: case GUMBO_TAG_BIG: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_BODY:
    case GUMBO_TAG_BR: case GUMBO_TAG_CENTER: case GUMBO_TAG_CODE: case GUMBO_TAG_DD:
    case GUMBO_TAG_DIV: case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_EM:
    case GUMBO_TAG_EMBED: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_HEAD:
    case GUMBO_TAG_HR: case GUMBO_TAG_I: case GUMBO_TAG_IMG: case GUMBO_TAG_LI:
    case GUMBO_TAG_LISTING: case GUMBO_TAG_MENU: case GUMBO_TAG_META: case GUMBO_TAG_NOBR:
    case GUMBO_TAG_OL: case GUMBO_TAG_P: case GUMBO_TAG_PRE: case GUMBO_TAG_RUBY:
    case GUMBO_TAG_S: case GUMBO_TAG_SMALL: case GUMBO_TAG_SPAN: case GUMBO_TAG_STRONG:
    case GUMBO_TAG_STRIKE: case GUMBO_TAG_SUB: case GUMBO_TAG_SUP: case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TT: case GUMBO_TAG_U: case GUMBO_TAG_UL: case GUMBO_TAG_VAR:
      return true;
    case GUMBO_TAG_FONT:
      for (unsigned i = 0; i < e.attributes.length; ++i) {
        const auto& a = *static_cast<const GumboAttribute*>(e.attributes.data[i]);
        const std::string_view n = a.name ? a.name : "";
        if (n == "color" || n == "face" || n == "size") return true;
      }
      return false;
    default:
      return false;
  }
}

bool attribute_is(const GumboElement& e, std::string_view name, std::string_view lower_value) {
  for (unsigned i = 0; i < e.attributes.length; ++i) {
    const auto& a = *static_cast<const GumboAttribute*>(e.attributes.data[i]);
    if (a.name && name == a.name && a.value && lowered(a.value) == lower_value) return true;
  }
  return false;
}

// Where foreign content hands back to HTML parsing.
bool is_integration_point(const GumboElement& e) {
  if (e.tag_namespace == GUMBO_NAMESPACE_SVG)
    return e.tag == GUMBO_TAG_FOREIGNOBJECT || e.tag == GUMBO_TAG_DESC || e.tag == GUMBO_TAG_TITLE;
  if (e.tag_namespace == GUMBO_NAMESPACE_MATHML) {
    switch (e.tag) {
      case GUMBO_TAG_MI: case GUMBO_TAG_MO: case GUMBO_TAG_MN: case GUMBO_TAG_MS: case GUMBO_TAG_MTEXT:
        return true;
      case GUMBO_TAG_ANNOTATION_XML:
        return attribute_is(e, "encoding", "text/html") || attribute_is(e, "encoding", "application/xhtml+xml");
      default:
        return false;
    }
  }
  return false;
}

// The tag name as written in the source, for end tags we insert.
std::string_view source_tag_name(const GumboElement& e) noexcept {
  if (e.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(e.tag);
  std::string_view src(e.original_tag.data ? e.original_tag.data : "", e.original_tag.length);
  if (!src.empty() && src[0] == '<') src.remove_prefix(1);
  std::size_t end = 0;
  while (end < src.size() && !is_tag_delimiter(src[end])) ++end;
  return src.substr(0, end);
}

// An element Gumbo left inside foreign content that the standard would have put after it:
// a breakout start tag kept as a foreign element, or the <p>/<br> an end tag </p> or </br>
// creates (the standard pops the foreign elements before handling those end tags too).
bool breaks_out(const GumboNode& n) noexcept {
  const GumboElement& e = n.v.element;
  if (e.tag_namespace != GUMBO_NAMESPACE_HTML) return is_breakout_tag(e);
  return (e.tag == GUMBO_TAG_P || e.tag == GUMBO_TAG_BR) &&
         (n.parse_flags & GUMBO_INSERTION_CONVERTED_FROM_END_TAG) != 0;
}

// Elements the standard's "any other end tag" walk stops at.
bool is_special(const GumboElement& e) noexcept {
  switch (e.tag_namespace) {
    case GUMBO_NAMESPACE_MATHML:
      return e.tag == GUMBO_TAG_MI || e.tag == GUMBO_TAG_MO || e.tag == GUMBO_TAG_MN || e.tag == GUMBO_TAG_MS ||
             e.tag == GUMBO_TAG_MTEXT || e.tag == GUMBO_TAG_ANNOTATION_XML;
    case GUMBO_NAMESPACE_SVG:
      return e.tag == GUMBO_TAG_FOREIGNOBJECT || e.tag == GUMBO_TAG_DESC || e.tag == GUMBO_TAG_TITLE;
    case GUMBO_NAMESPACE_HTML:
      break;
  }
  switch (e.tag) {
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_APPLET: case GUMBO_TAG_AREA: case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE: case GUMBO_TAG_BASE: case GUMBO_TAG_BASEFONT: case GUMBO_TAG_BGSOUND:
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_BODY: case GUMBO_TAG_BR: case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_CAPTION: case GUMBO_TAG_CENTER: case GUMBO_TAG_COL: case GUMBO_TAG_COLGROUP:
    case GUMBO_TAG_DD: case GUMBO_TAG_DETAILS: case GUMBO_TAG_DIR: case GUMBO_TAG_DIV: case GUMBO_TAG_DL:
    case GUMBO_TAG_DT: case GUMBO_TAG_EMBED: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_FOOTER: case GUMBO_TAG_FORM: case GUMBO_TAG_FRAME:
    case GUMBO_TAG_FRAMESET: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
    case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_HEAD: case GUMBO_TAG_HEADER: case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_HR: case GUMBO_TAG_HTML: case GUMBO_TAG_IFRAME: case GUMBO_TAG_IMG: case GUMBO_TAG_INPUT:
    case GUMBO_TAG_LI: case GUMBO_TAG_LINK: case GUMBO_TAG_LISTING: case GUMBO_TAG_MAIN:
    case GUMBO_TAG_MARQUEE: case GUMBO_TAG_MENU: case GUMBO_TAG_META: case GUMBO_TAG_NAV:
    case GUMBO_TAG_NOEMBED: case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_OL: case GUMBO_TAG_P: case GUMBO_TAG_PARAM: case GUMBO_TAG_PLAINTEXT: case GUMBO_TAG_PRE:
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_SECTION: case GUMBO_TAG_SELECT: case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_STYLE: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_TABLE: case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TD: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TH: case GUMBO_TAG_THEAD: case GUMBO_TAG_TITLE: case GUMBO_TAG_TR: case GUMBO_TAG_TRACK:
    case GUMBO_TAG_UL: case GUMBO_TAG_WBR: case GUMBO_TAG_XMP:
      return true;
    default:
      return false;
  }
}

std::string_view end_tag_name(GumboStringPiece end_tag) noexcept {
  std::string_view src(end_tag.data ? end_tag.data : "", end_tag.length);
  if (src.size() < 2 || src[0] != '<' || src[1] != '/') return {};
  src.remove_prefix(2);
  std::size_t end = 0;
  while (end < src.size() && !is_tag_delimiter(src[end])) ++end;
  return src.substr(0, end);
}

bool equals_lowered(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// Gumbo 0.10.1 matches end tags by tag enum, so an end tag of an unknown element closes
// the innermost unknown element whatever its name (<my-a><my-b></my-a>). Returns whether
// `e` was closed so.
bool closed_by_other_unknown(const GumboElement& e) noexcept {
  if (e.tag != GUMBO_TAG_UNKNOWN) return false;
  const std::string_view closer = end_tag_name(e.original_end_tag);
  if (closer.empty() || gumbo_tagn_enum(closer.data(), unsigned(closer.size())) != GUMBO_TAG_UNKNOWN) return false;
  return !equals_lowered(closer, source_tag_name(e));
}

struct fix {
  // unknown_end: an unknown end tag Gumbo matched to the wrong element; we spell out the
  // end tags the standard's walk up the stack amounts to (or neutralize the tag).
  enum kind_t { none, breakout, noscript, unknown_end } kind = none;
  std::size_t offset = std::string_view::npos;
  const GumboNode* at = nullptr;
};

// The earliest place needing a re-parse, if any.
fix find_fix(const gumbo_parse& g, bool breakouts, bool noscripts, const std::vector<std::size_t>& renamed) {
  fix best;
  std::vector<std::pair<const GumboVector*, unsigned>> stack;
  if (const GumboVector* k = children_of(g.top())) stack.emplace_back(k, 0);
  while (!stack.empty()) {
    auto& [kids, next] = stack.back();
    if (next == kids->length) {
      stack.pop_back();
      continue;
    }
    const GumboNode& n = child_at(*kids, next++);
    if (!is_element(n)) continue;
    const GumboElement& e = n.v.element;
    // Elements made from an end tag (</p>) keep no source text, only its position.
    const char* src = e.original_tag.data;
    const std::size_t off = src ? std::size_t(src - g.input.data())
                            : (n.parse_flags & GUMBO_INSERTION_CONVERTED_FROM_END_TAG) ? e.start_pos.offset
                                                                                        : std::string_view::npos;
    if (off < best.offset && off < g.input.size()) {
      if (breakouts && breaks_out(n) && n.parent && n.parent != &g.top() && is_element(*n.parent) &&
          n.parent->v.element.tag_namespace != GUMBO_NAMESPACE_HTML && !is_integration_point(n.parent->v.element))
        best = {fix::breakout, off, &n};
      else if (noscripts && e.tag == GUMBO_TAG_NOSCRIPT && e.tag_namespace == GUMBO_NAMESPACE_HTML &&
               std::find(renamed.begin(), renamed.end(), off) == renamed.end())
        best = {fix::noscript, off, &n};
    }
    if (closed_by_other_unknown(e)) {
      const std::size_t end_off = std::size_t(e.original_end_tag.data - g.input.data());
      if (end_off < best.offset) best = {fix::unknown_end, end_off, &n};
    }
    if (e.children.length != 0) stack.emplace_back(&e.children, 0);
  }
  return best;
}

// Applies `f` to `work`; returns false when it cannot be applied (then parsing stops
// fixing and keeps Gumbo's result).
bool apply_fix(const fix& f, std::string& work, std::vector<std::size_t>& renamed) {
  if (f.kind == fix::breakout) {
    std::string end_tags;
    for (const GumboNode* a = f.at->parent; a && is_element(*a); a = a->parent) {
      const GumboElement& e = a->v.element;
      if (e.tag_namespace == GUMBO_NAMESPACE_HTML || is_integration_point(e)) break;
      const std::string_view name = source_tag_name(e);
      if (name.empty()) return false;
      end_tags.append("</").append(name).append(">");
    }
    if (end_tags.empty()) return false;
    work.insert(f.offset, end_tags);
    for (auto& r : renamed)
      if (r >= f.offset) r += end_tags.size();
    return true;
  }
  if (f.kind == fix::noscript) {
    constexpr std::string_view open = "<noscript", open_as = "<noembed ";
    constexpr std::string_view close_as = "</noembed ";
    if (find_ci(std::string_view(work).substr(f.offset, open.size()), open) != 0) return false;
    const GumboElement& e = f.at->v.element;
    const std::size_t body = f.offset + e.original_tag.length;
    const std::size_t end = find_end_tag(work, "noscript", body, work.size());
    work.replace(f.offset, open.size(), open_as);
    if (end != std::string_view::npos) work.replace(end, close_as.size(), close_as);
    renamed.push_back(f.offset);
    return true;
  }
  if (f.kind == fix::unknown_end) {
    const GumboElement& e = f.at->v.element;
    const std::string_view closer = end_tag_name(e.original_end_tag);
    std::string end_tags;
    bool found = false;
    for (const GumboNode* a = f.at; a && is_element(*a) && !found; a = a->parent) {
      const GumboElement& ae = a->v.element;
      if (a != f.at && (is_special(ae) || !a->parent || !is_element(*a->parent))) break;
      if (ae.tag != GUMBO_TAG_UNKNOWN) continue;  // Gumbo's walk pops these on the way
      const std::string_view name = source_tag_name(ae);
      end_tags.append("</").append(name).append(">");
      found = equals_lowered(name, closer);
    }
    // Not found: the standard ignores the end tag. A doctype token is ignored in every
    // insertion mode past the first, and like the end tag it ends a run of text.
    if (!found) end_tags = "<!DOCTYPE lvh-ignored>";
    work.replace(f.offset, e.original_end_tag.length, end_tags);
    for (auto& r : renamed)
      if (r > f.offset) r = r + end_tags.size() - e.original_end_tag.length;
    return true;
  }
  return false;
}

// -- conversion ----------------------------------------------------------------------------

struct converter {
  std::string_view input;  // what Gumbo parsed
  bool unmap = false;      // undo remap_rejected in every string
  reference_map refs;  // undo rewrite_huge_references
  const std::vector<std::size_t>* renamed_noscript = nullptr;
  std::size_t max_depth = 512;

  // A string of Gumbo's tree with our input edits undone.
  std::string str(std::string_view s) const {
    std::string r = restore(s, unmap);
    if (!refs.empty()) restore_references(r, refs);
    return r;
  }

  std::size_t source_offset(const GumboStringPiece& p) const noexcept {
    return p.data ? std::size_t(p.data - input.data()) : std::string_view::npos;
  }

  std::string name_of(const GumboElement& e) const {
    if (renamed_noscript && e.tag == GUMBO_TAG_NOEMBED) {
      const std::size_t off = source_offset(e.original_tag);
      if (std::find(renamed_noscript->begin(), renamed_noscript->end(), off) != renamed_noscript->end())
        return "noscript";
    }
    std::string name = element_name(e);
    return unmap || !refs.empty() ? str(name) : name;
  }

  std::unique_ptr<node> element(const GumboNode& g) const {
    const GumboElement& e = g.v.element;
    auto el = node::make_element(name_of(e), to_ns(e.tag_namespace));
    for (unsigned i = 0; i < e.attributes.length; ++i) {
      const auto& a = *static_cast<const GumboAttribute*>(e.attributes.data[i]);
      // Gumbo already dropped duplicates; set_attribute keeps their order.
      el->set_attribute(str(attribute_name(a, e.tag_namespace)), str(a.value ? a.value : ""));
    }
    return el;
  }

  void convert(const GumboVector& from, node& into) const;

  // Gumbo's </form> handling (no template open) takes the form off the stack without
  // flushing pending text, so text just before </form> lands after the form. Returns how
  // many bytes at the start of `text` (the node `t`, the form's next sibling) belong inside.
  std::size_t misplaced_form_text(const GumboNode& form, const GumboNode& t, std::string_view text) const;
  // Offset of the </form> that closed `form` (the first one after its start tag that is a
  // tag), or npos.
  std::size_t closing_form_tag(const GumboNode& form) const;
};

std::string_view text_of(const GumboNode& g) noexcept {
  const char* t = g.v.text.text;
  return t ? std::string_view(t) : std::string_view();
}

bool has_raw_text_content(const GumboElement& e) noexcept {
  if (e.tag_namespace != GUMBO_NAMESPACE_HTML) return false;
  switch (e.tag) {
    case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_TITLE: case GUMBO_TAG_STYLE: case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_XMP: case GUMBO_TAG_IFRAME: case GUMBO_TAG_NOEMBED: case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_PLAINTEXT:
      return true;
    default:
      return false;
  }
}

std::size_t converter::closing_form_tag(const GumboNode& form) const {
  constexpr auto npos = std::string_view::npos;
  const GumboElement& f = form.v.element;
  const std::size_t s = source_offset(f.original_tag);
  if (s == npos) return npos;
  // Source ranges inside the form where "</form" is not a tag: start tags (attribute
  // values), comments, raw text.
  std::vector<std::pair<std::size_t, std::size_t>> opaque;
  std::vector<std::pair<const GumboVector*, unsigned>> stack{{&f.children, 0}};
  while (!stack.empty()) {
    auto& [kids, next] = stack.back();
    if (next == kids->length) {
      stack.pop_back();
      continue;
    }
    const GumboNode& k = child_at(*kids, next++);
    if (k.type == GUMBO_NODE_COMMENT) {
      const std::size_t c = source_offset(k.v.text.original_text);
      if (c != npos) opaque.emplace_back(c, c + k.v.text.original_text.length);
    } else if (is_element(k)) {
      const GumboElement& e = k.v.element;
      const std::size_t t = source_offset(e.original_tag);
      if (t == npos) continue;
      std::size_t until = t + e.original_tag.length;
      if (has_raw_text_content(e)) {
        const std::size_t end = source_offset(e.original_end_tag);
        until = end == npos ? input.size() : end;
      }
      opaque.emplace_back(t, until);
      if (e.children.length != 0) stack.emplace_back(&e.children, 0);
    }
  }
  for (std::size_t p = find_end_tag(input, "form", s + f.original_tag.length, input.size()); p != npos;
       p = find_end_tag(input, "form", p + 1, input.size())) {
    bool inside = false;
    for (const auto& [a, b] : opaque) inside = inside || (p >= a && p < b);
    if (!inside) return p;
  }
  return npos;
}

std::size_t converter::misplaced_form_text(const GumboNode& form, const GumboNode& t, std::string_view text) const {
  constexpr auto npos = std::string_view::npos;
  const GumboElement& f = form.v.element;
  // Where the form's last content ends. The </form> that closed the form must come after
  // it: one before means the form was closed while a child was still open, and the text
  // after the form is rightly outside it.
  std::size_t from = npos;
  if (f.children.length == 0) {
    const std::size_t s = source_offset(f.original_tag);
    if (s != npos) from = s + f.original_tag.length;
  } else {
    const GumboNode& last = child_at(f.children, f.children.length - 1);
    if (is_element(last)) {
      const GumboElement& le = last.v.element;
      const std::size_t e = source_offset(le.original_end_tag);
      const bool closed_by_own_tag = e != npos && find_end_tag(input, "form", e, e + 1) == npos;
      from = closed_by_own_tag ? e + le.original_end_tag.length : le.start_pos.offset;
    } else {
      const std::size_t s = source_offset(last.v.text.original_text);
      if (s != npos) from = s + last.v.text.original_text.length;
    }
  }
  const std::size_t start = t.v.text.start_pos.offset;
  if (from == npos || from > start || start >= input.size()) return 0;
  const std::size_t close = closing_form_tag(form);
  if (close == npos || close < from || close < start || close >= start + t.v.text.original_text.length) return 0;

  // The text before </form>, decoded: as is when nothing in it needs decoding, else by
  // parsing it alone. Between the two there are only characters and tags the real parse
  // ignored (a nested <form>, say), which the lone parse may keep as elements: take their
  // text too.
  const std::string_view raw = input.substr(start, close - start);
  std::string decoded;
  if (raw.find_first_of(std::string_view("&\r<\0", 4)) == npos) {
    decoded.assign(raw);
  } else {
    gumbo_parse p(raw, GUMBO_TAG_DIV, GUMBO_NAMESPACE_HTML);
    std::vector<std::pair<const GumboVector*, unsigned>> stack{{&p.top().v.element.children, 0}};
    while (!stack.empty()) {
      auto& [kids, next] = stack.back();
      if (next == kids->length) {
        stack.pop_back();
        continue;
      }
      const GumboNode& k = child_at(*kids, next++);
      if (is_text(k))
        decoded.append(text_of(k));
      else if (is_element(k) && k.v.element.children.length != 0)
        stack.emplace_back(&k.v.element.children, 0);
      else if (!is_element(k))
        return 0;  // a comment would have ended the text
    }
  }
  if (decoded.empty() || text.substr(0, decoded.size()) != decoded) return 0;
  return decoded.size();
}

// Appends text to `parent`, merged into a preceding text sibling as the DOM parser does.
void append_text(node& parent, std::string text) {
  if (parent.child_count() != 0) {
    node& last = parent.child(parent.child_count() - 1);
    if (last.is_text()) {
      last.append_data(text);
      return;
    }
  }
  parent.append_child(node::make_text(std::move(text)));
}

// For each child: the index of the table it was foster-parented before, or -1. Gumbo
// places foster-parented nodes right before the table; they are the ones that come later
// in the source than the table.
std::vector<int> foster_marks(const GumboVector& kids) {
  std::vector<int> marks;
  bool any_table = false;
  for (unsigned i = 0; i < kids.length && !any_table; ++i) any_table = is_html(child_at(kids, i), GUMBO_TAG_TABLE);
  if (!any_table) return marks;
  marks.assign(kids.length, -1);
  int table = -1;
  for (unsigned i = kids.length; i-- > 0;) {
    const GumboNode& k = child_at(kids, i);
    if (is_html(k, GUMBO_TAG_TABLE))
      table = int(i);
    else if (table >= 0 && offset_of(k) > offset_of(child_at(kids, unsigned(table))))
      marks[i] = table;
    else
      table = -1;
  }
  return marks;
}

// Converts Gumbo children of `from` into children of `into`, without recursion. Nodes that
// would lie deeper than max_depth are attached to the ancestor at depth max_depth - 1.
//
// Foster-parented text follows jsdom 26.1.0 rather than the standard: jsdom's tree adapter
// appends such text at the end of the table's parent unless the table's previous sibling
// is text, which then absorbs it.
void converter::convert(const GumboVector& from, node& into) const {
  struct frame {
    const GumboVector* kids;
    unsigned next;
    node* parent;
    std::size_t depth;
    std::vector<int> foster;              // see foster_marks
    std::vector<std::string> after_table;  // foster text jsdom puts after the next table
    const GumboNode* form = nullptr;       // previous sibling, if a form
    node* form_content = nullptr;          // where that form's children went
  };
  std::vector<frame> stack;
  stack.push_back({&from, 0, &into, 0, foster_marks(from), {}, nullptr, nullptr});
  while (!stack.empty()) {
    frame& f = stack.back();
    if (f.next == f.kids->length) {
      stack.pop_back();
      continue;
    }
    const unsigned index = f.next++;
    const GumboNode& g = child_at(*f.kids, index);
    node& parent = *f.parent;
    const GumboNode* prev_form = std::exchange(f.form, nullptr);
    node* prev_form_content = std::exchange(f.form_content, nullptr);
    const int foster_table = f.foster.empty() ? -1 : f.foster[index];
    switch (g.type) {
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE: {
        node& el = parent.append_child(element(g));
        const bool nest = f.depth + 1 < max_depth;
        if (is_html(g, GUMBO_TAG_FORM)) {
          f.form = &g;
          f.form_content = nest ? &el : &parent;
        }
        if (is_html(g, GUMBO_TAG_TABLE) && !f.after_table.empty()) {
          for (auto& t : f.after_table) parent.append_child(node::make_text(std::move(t)));
          f.after_table.clear();
        }
        const GumboVector& kids = g.v.element.children;
        if (kids.length == 0) break;
        const std::size_t depth = f.depth;
        // `f` is invalidated by the push.
        if (nest)
          stack.push_back({&kids, 0, &el, depth + 1, foster_marks(kids), {}, nullptr, nullptr});
        else
          stack.push_back({&kids, 0, &parent, depth, foster_marks(kids), {}, nullptr, nullptr});
        break;
      }
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA: {
        std::string_view text = text_of(g);
        if (prev_form && prev_form_content) {
          const std::size_t inside = misplaced_form_text(*prev_form, g, text);
          if (inside != 0) {
            append_text(*prev_form_content, str(text.substr(0, inside)));
            text.remove_prefix(inside);
            if (text.empty()) break;
          }
        }
        if (foster_table >= 0) {
          const bool absorbed = parent.child_count() != 0 && parent.child(parent.child_count() - 1).is_text();
          if (!absorbed) {
            f.after_table.push_back(str(text));
            break;
          }
        }
        append_text(parent, str(text));
        break;
      }
      case GUMBO_NODE_COMMENT:
        parent.append_child(node::make_comment(str(text_of(g))));
        break;
      case GUMBO_NODE_DOCUMENT:
        break;  // only ever the root
    }
  }
}

// -- entry points --------------------------------------------------------------------------

// Gumbo keeps the doctype as document fields, not as a child. It can only have come
// before everything but leading comments (and whitespace); find how many comments came
// first from their source offsets.
std::size_t doctype_position(const GumboVector& children, std::string_view input) {
  std::size_t pos = 0;
  auto skip_space = [&] {
    while (pos < input.size() && (input[pos] == ' ' || input[pos] == '\t' || input[pos] == '\n' ||
                                  input[pos] == '\f' || input[pos] == '\r'))
      ++pos;
  };
  skip_space();
  std::size_t count = 0;
  for (unsigned i = 0; i < children.length; ++i) {
    const GumboNode& g = child_at(children, i);
    if (g.type != GUMBO_NODE_COMMENT || g.v.text.start_pos.offset != pos) break;
    pos += g.v.text.original_text.length;
    skip_space();
    ++count;
  }
  return count;
}

GumboTag context_tag(std::string_view context, ns space) {
  const std::string name = lowered(context);
  // jsdom (parse5) tokenizes a noscript context as raw text even with scripting off;
  // noembed is parsed exactly so.
  if (space == ns::html && name == "noscript") return GUMBO_TAG_NOEMBED;
  const GumboTag tag = gumbo_tagn_enum(name.data(), static_cast<unsigned>(name.size()));
  if (tag != GUMBO_TAG_UNKNOWN && tag != GUMBO_TAG_LAST) return tag;
  // Unknown contexts parse alike, apart from the foreign integration points Gumbo knows
  // by tag; give Gumbo a known stand-in rather than GUMBO_TAG_UNKNOWN.
  switch (space) {
    case ns::svg:
      return GUMBO_TAG_SVG;
    case ns::mathml:
      return GUMBO_TAG_MATH;
    case ns::html:
      break;
  }
  return GUMBO_TAG_DIV;
}

GumboNamespaceEnum to_gumbo_ns(ns space) noexcept {
  switch (space) {
    case ns::svg:
      return GUMBO_NAMESPACE_SVG;
    case ns::mathml:
      return GUMBO_NAMESPACE_MATHML;
    case ns::html:
      break;
  }
  return GUMBO_NAMESPACE_HTML;
}

constexpr int max_fix_passes = 64;

// Parses `html` (document when context is GUMBO_TAG_LAST) and converts the result into
// `into`.
void parse_into(std::string_view html, GumboTag context, GumboNamespaceEnum space, bool template_content,
                const parse_limits& limits, node& into) {
  // The bytes Gumbo parses: `html` itself unless something had to be edited.
  std::string work;
  std::string_view src = html;
  converter conv;
  conv.unmap = remap_rejected(html, work);
  if (conv.unmap) src = work;
  if (has_huge_reference(src)) {
    if (!conv.unmap) work.assign(html);
    rewrite_huge_references(work, conv.refs);
    src = work;
  }
  conv.max_depth = std::max<std::size_t>(limits.max_depth, 1);

  const bool breakouts = context != GUMBO_TAG_LAST && (space != GUMBO_NAMESPACE_HTML ||
                                                       find_ci(src, "<svg") != std::string::npos ||
                                                       find_ci(src, "<math") != std::string::npos);
  const bool noscripts = template_content && find_ci(src, "<noscript") != std::string::npos;
  std::vector<std::size_t> renamed;
  std::unique_ptr<gumbo_parse> g;
  for (int pass = 0;; ++pass) {
    g = std::make_unique<gumbo_parse>(src, context, space);
    if (pass == max_fix_passes) break;
    const fix f = find_fix(*g, breakouts, noscripts, renamed);
    if (f.kind == fix::none) break;
    if (src.data() != work.data()) work.assign(src);
    if (!apply_fix(f, work, renamed)) break;
    src = work;
  }

  conv.input = g->input;
  conv.renamed_noscript = renamed.empty() ? nullptr : &renamed;
  const GumboNode& top = g->top();
  if (const GumboVector* kids = children_of(top)) conv.convert(*kids, into);
  if (top.type == GUMBO_NODE_DOCUMENT && top.v.document.has_doctype) {
    const char* name = top.v.document.name;
    into.insert_child(doctype_position(top.v.document.children, g->input),
                      node::make_doctype(conv.str(name ? name : "")));
  }
}

bool equals_ci(std::string_view a, std::string_view lower_b) noexcept {
  if (a.size() != lower_b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != lower_b[i]) return false;
  return true;
}

}  // namespace

std::unique_ptr<node> parse_document(std::string_view html, const parse_limits& limits) {
  auto doc = node::make_document();
  parse_into(html, GUMBO_TAG_LAST, GUMBO_NAMESPACE_HTML, false, limits, *doc);
  return doc;
}

std::unique_ptr<node> parse_fragment(std::string_view html, std::string_view context, ns space,
                                     const parse_limits& limits) {
  if (space == ns::html && (equals_ci(context, "template") || equals_ci(context, "div"))) {
    if (auto plain = detail::parse_plain_fragment(html, limits.max_depth)) return plain;
  }
  return detail::parse_fragment_gumbo(html, context, space, limits);
}

namespace detail {

std::unique_ptr<node> parse_fragment_gumbo(std::string_view html, std::string_view context, ns space,
                                           const parse_limits& limits) {
  auto frag = node::make_fragment();
  const bool template_content = space == ns::html && lowered(context) == "template";
  parse_into(html, context_tag(context, space), to_gumbo_ns(space), template_content, limits, *frag);
  return frag;
}

}  // namespace detail

std::string normalize_fragment(std::string_view html, std::string_view context) {
  // Serialize as the context element's content, so raw-text contexts (style, script...)
  // come back unescaped as innerHTML would.
  auto frag = parse_fragment(html, context);
  auto holder = node::make_element(lowered(context));
  while (frag->child_count() != 0) holder->append_child(frag->remove_child(0));
  return serialize_children(*holder);
}

}  // namespace lvh::dom
