// Template source → compiled blocks (Phoenix's EEx tokenizer + LEEx engine.ex analysis).
#include "template_ast.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace lvh::ref {

using namespace detail;

template_error::template_error(std::string file, int line, int column, std::string message,
                               std::string source_line)
    : std::runtime_error([&] {
        std::string w = file + ":" + std::to_string(line) + ":" + std::to_string(column) +
                        ": " + message;
        if (line > 0) {
          w += "\n" + source_line + "\n";
          w += std::string(column > 1 ? static_cast<std::size_t>(column - 1) : 0, ' ') + "^";
        }
        return w;
      }()),
      file_(std::move(file)),
      line_(line),
      column_(column),
      message_(std::move(message)) {}

namespace {

// ---------------------------------------------------------------------------------------
// Source positions and errors

class source_map {
 public:
  source_map(std::string_view src, std::string name) : src_(src), name_(std::move(name)) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < src.size(); ++i)
      if (src[i] == '\n') starts_.push_back(i + 1);
  }
  std::pair<int, int> pos(std::size_t offset) const {
    auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
    auto line = static_cast<std::size_t>(it - starts_.begin());  // 1-based
    return {static_cast<int>(line), static_cast<int>(offset - starts_[line - 1] + 1)};
  }
  [[noreturn]] void fail(std::size_t offset, const std::string& msg) const {
    auto [line, col] = pos(offset);
    std::size_t b = starts_[static_cast<std::size_t>(line - 1)];
    std::size_t e = src_.find('\n', b);
    if (e == std::string_view::npos) e = src_.size();
    throw template_error(name_, line, col, msg, std::string(src_.substr(b, e - b)));
  }
  const std::string& name() const { return name_; }

 private:
  std::string_view src_;
  std::string name_;
  std::vector<std::size_t> starts_;
};

// ---------------------------------------------------------------------------------------
// Expression tokens

enum class tk {
  end, ident, alias, kw_key, at, integer, floating, string, lparen, rparen, lbrack, rbrack,
  comma, dot, dotdot, slashslash, arrow_left, op, bang
};

struct token {
  tk t = tk::end;
  std::string text;  // identifier, operator, string contents, keyword key
  value num;
  std::size_t offset = 0;  // in the template source
  bool space_before = false;
};

bool ident_start(char c) { return std::islower(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::vector<token> lex(std::string_view text, std::size_t base, const source_map& sm) {
  std::vector<token> out;
  std::size_t i = 0;
  bool space = false;
  auto push = [&](tk t, std::string s, std::size_t at) {
    token tok;
    tok.t = t;
    tok.text = std::move(s);
    tok.offset = base + at;
    tok.space_before = space;
    out.push_back(std::move(tok));
    space = false;
  };
  while (i < text.size()) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      ++i;
      continue;
    }
    std::size_t start = i;
    if (ident_start(c) || std::isupper(static_cast<unsigned char>(c))) {
      bool is_alias = std::isupper(static_cast<unsigned char>(c));
      while (i < text.size() && ident_char(text[i])) ++i;
      if (is_alias) {
        // Dotted module names: Foo.Bar
        while (i + 1 < text.size() && text[i] == '.' &&
               std::isupper(static_cast<unsigned char>(text[i + 1]))) {
          ++i;
          while (i < text.size() && ident_char(text[i])) ++i;
        }
        push(tk::alias, std::string(text.substr(start, i - start)), start);
        continue;
      }
      if (i < text.size() && (text[i] == '?' || text[i] == '!')) ++i;
      std::string word(text.substr(start, i - start));
      // `key: value` — a keyword key is an identifier immediately followed by ": ".
      if (i + 1 < text.size() && text[i] == ':' && std::isspace(static_cast<unsigned char>(text[i + 1]))) {
        push(tk::kw_key, std::move(word), start);
        ++i;
        continue;
      }
      if (i + 1 == text.size() && text[i] == ':') sm.fail(base + i, "expected a value after keyword");
      push(tk::ident, std::move(word), start);
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
      bool is_float = false;
      if (i + 1 < text.size() && text[i] == '.' && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
        is_float = true;
        ++i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
        if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
          std::size_t j = i + 1;
          if (j < text.size() && (text[j] == '-' || text[j] == '+')) ++j;
          if (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) {
            i = j;
            while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
          }
        }
      }
      std::string digits;
      for (std::size_t k = start; k < i; ++k)
        if (text[k] != '_') digits += text[k];
      token tok;
      tok.t = is_float ? tk::floating : tk::integer;
      tok.offset = base + start;
      tok.space_before = space;
      space = false;
      try {
        if (is_float)
          tok.num = std::stod(digits);
        else
          tok.num = static_cast<std::int64_t>(std::stoll(digits));
      } catch (const std::exception&) {
        sm.fail(base + start, "number out of range");
      }
      out.push_back(std::move(tok));
      continue;
    }
    if (c == '"') {
      std::string s;
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char d = text[i++];
        if (d == '"') {
          closed = true;
          break;
        }
        if (d == '\\' && i < text.size()) {
          char e = text[i++];
          switch (e) {
            case 'n': s += '\n'; break;
            case 't': s += '\t'; break;
            case 'r': s += '\r'; break;
            case '0': s += '\0'; break;
            default: s += e;
          }
          continue;
        }
        if (d == '#' && i < text.size() && text[i] == '{')
          sm.fail(base + i - 1, "string interpolation is not supported; use <>");
        s += d;
      }
      if (!closed) sm.fail(base + start, "unterminated string");
      push(tk::string, std::move(s), start);
      continue;
    }
    auto two = text.substr(i, 2);
    auto three = text.substr(i, 3);
    if (three == "===" || three == "!==") sm.fail(base + i, "unsupported operator " + std::string(three));
    if (two == "==" || two == "!=" || two == "<=" || two == ">=" || two == "&&" || two == "||" ||
        two == "<>") {
      push(tk::op, std::string(two), start);
      i += 2;
      continue;
    }
    if (two == "<-") {
      push(tk::arrow_left, "<-", start);
      i += 2;
      continue;
    }
    if (two == "..") {
      push(tk::dotdot, "..", start);
      i += 2;
      continue;
    }
    if (two == "//") {
      push(tk::slashslash, "//", start);
      i += 2;
      continue;
    }
    ++i;
    switch (c) {
      case '@': push(tk::at, "@", start); break;
      case '(': push(tk::lparen, "(", start); break;
      case ')': push(tk::rparen, ")", start); break;
      case '[': push(tk::lbrack, "[", start); break;
      case ']': push(tk::rbrack, "]", start); break;
      case ',': push(tk::comma, ",", start); break;
      case '.': push(tk::dot, ".", start); break;
      case '!': push(tk::bang, "!", start); break;
      case '<': case '>': case '+': case '-': case '*':
        push(tk::op, std::string(1, c), start);
        break;
      default:
        sm.fail(base + start, std::string("unexpected character '") + c + "'");
    }
  }
  token e;
  e.t = tk::end;
  e.offset = base + text.size();
  e.space_before = space;
  out.push_back(e);
  return out;
}

// ---------------------------------------------------------------------------------------
// Expression parser

const std::set<std::string, std::less<>>& reserved() {
  static const std::set<std::string, std::less<>> r{"do", "end", "else", "and", "or", "not",
                                                    "true", "false", "nil", "when", "in", "fn"};
  return r;
}

class parser {
 public:
  parser(std::vector<token> toks, const source_map& sm, const helpers& h,
         const std::vector<std::string>& locals)
      : toks_(std::move(toks)), sm_(sm), h_(h), locals_(locals) {}

  const token& peek(std::size_t n = 0) const { return toks_[std::min(pos_ + n, toks_.size() - 1)]; }
  const token& next() { return toks_[std::min(pos_++, toks_.size() - 1)]; }
  bool at_end() const { return peek().t == tk::end; }
  bool is_ident(std::string_view w, std::size_t n = 0) const {
    return peek(n).t == tk::ident && peek(n).text == w;
  }
  [[noreturn]] void fail(const token& t, const std::string& msg) const { sm_.fail(t.offset, msg); }
  [[noreturn]] void unexpected() const {
    const token& t = peek();
    if (t.t == tk::end) fail(t, "unexpected end of expression");
    fail(t, "syntax error before: " + (t.t == tk::string ? "\"" + t.text + "\"" : describe(t)));
  }
  static std::string describe(const token& t) {
    if (t.t == tk::integer || t.t == tk::floating) return t.num.dump();
    if (t.t == tk::kw_key) return t.text + ":";
    return t.text;
  }
  void expect(tk t, const char* what) {
    if (peek().t != t) {
      if (peek().t == tk::end) fail(peek(), std::string("missing ") + what);
      unexpected();
    }
    next();
  }

  expr_ptr make(expr::kind k, const token& at) const {
    auto e = std::make_unique<expr>();
    e->k = k;
    auto [l, c] = sm_.pos(at.offset);
    e->line = l;
    e->column = c;
    return e;
  }

  // Top of a tag: an expression, or a call without parentheses (`live_patch "x", to: "/"`).
  expr_ptr parse_tag_expr() {
    if (peek().t == tk::ident && peek(1).space_before && starts_argument(peek(1)) &&
        !reserved().count(peek().text) && !is_local(peek().text)) {
      const token& name = next();
      return finish_call(name, /*parens=*/false);
    }
    return parse_expr();
  }

  bool starts_argument(const token& t) const {
    switch (t.t) {
      case tk::ident:
        return !(t.text == "and" || t.text == "or" || t.text == "do" || t.text == "when" ||
                 t.text == "in");
      case tk::alias: case tk::kw_key: case tk::at: case tk::integer: case tk::floating:
      case tk::string: case tk::lbrack: case tk::bang:
        return true;
      default:
        return false;
    }
  }

  expr_ptr parse_expr() { return parse_or(); }

  expr_ptr binary(binop op, expr_ptr l, expr_ptr r, const token& at) {
    auto e = make(expr::kind::binary, at);
    e->op = op;
    e->args.push_back(std::move(l));
    e->args.push_back(std::move(r));
    return e;
  }

  expr_ptr parse_or() {
    auto l = parse_and();
    while ((peek().t == tk::op && peek().text == "||") || is_ident("or")) {
      const token& t = next();
      l = binary(t.text == "or" ? binop::or_ : binop::oror, std::move(l), parse_and(), t);
    }
    return l;
  }
  expr_ptr parse_and() {
    auto l = parse_eq();
    while ((peek().t == tk::op && peek().text == "&&") || is_ident("and")) {
      const token& t = next();
      l = binary(t.text == "and" ? binop::and_ : binop::andand, std::move(l), parse_eq(), t);
    }
    return l;
  }
  expr_ptr parse_eq() {
    auto l = parse_cmp();
    while (peek().t == tk::op && (peek().text == "==" || peek().text == "!=")) {
      const token& t = next();
      l = binary(t.text == "==" ? binop::eq : binop::ne, std::move(l), parse_cmp(), t);
    }
    return l;
  }
  expr_ptr parse_cmp() {
    auto l = parse_concat();
    while (peek().t == tk::op && (peek().text == "<" || peek().text == ">" ||
                                  peek().text == "<=" || peek().text == ">=")) {
      const token& t = next();
      binop op = t.text == "<" ? binop::lt : t.text == ">" ? binop::gt : t.text == "<=" ? binop::le : binop::ge;
      l = binary(op, std::move(l), parse_concat(), t);
    }
    return l;
  }
  // `<>` and `..` share Elixir's precedence level and associate to the right.
  expr_ptr parse_concat() {
    auto l = parse_add();
    if (peek().t == tk::op && peek().text == "<>") {
      const token& t = next();
      return binary(binop::concat, std::move(l), parse_concat(), t);
    }
    if (peek().t == tk::dotdot) {
      const token& t = next();
      auto r = make(expr::kind::range, t);
      r->args.push_back(std::move(l));
      r->args.push_back(parse_add());
      if (peek().t == tk::slashslash) {
        next();
        r->args.push_back(parse_add());
      }
      return r;
    }
    return l;
  }
  expr_ptr parse_add() {
    auto l = parse_mul();
    while (peek().t == tk::op && (peek().text == "+" || peek().text == "-")) {
      const token& t = next();
      l = binary(t.text == "+" ? binop::add : binop::sub, std::move(l), parse_mul(), t);
    }
    return l;
  }
  expr_ptr parse_mul() {
    auto l = parse_unary();
    while (peek().t == tk::op && peek().text == "*") {
      const token& t = next();
      l = binary(binop::mul, std::move(l), parse_unary(), t);
    }
    return l;
  }
  expr_ptr parse_unary() {
    if (peek().t == tk::bang) {
      const token& t = next();
      auto e = make(expr::kind::bang, t);
      e->args.push_back(parse_unary());
      return e;
    }
    if (is_ident("not")) {
      const token& t = next();
      auto e = make(expr::kind::not_, t);
      e->args.push_back(parse_unary());
      return e;
    }
    if (peek().t == tk::op && peek().text == "-") {
      const token& t = next();
      auto e = make(expr::kind::neg, t);
      e->args.push_back(parse_unary());
      return e;
    }
    return parse_primary();
  }

  bool is_local(std::string_view n) const {
    return std::find(locals_.begin(), locals_.end(), n) != locals_.end();
  }

  void parse_path(expr& e) {
    while (peek().t == tk::dot && peek(1).t == tk::ident && !peek(1).space_before) {
      next();
      e.path.push_back(next().text);
    }
  }

  expr_ptr parse_primary() {
    const token& t = peek();
    switch (t.t) {
      case tk::integer:
      case tk::floating: {
        next();
        auto e = make(expr::kind::literal, t);
        e->lit = t.num;
        return e;
      }
      case tk::string: {
        next();
        auto e = make(expr::kind::literal, t);
        e->lit = t.text;
        return e;
      }
      case tk::alias: {
        // A module name stands for itself: components and views are named this way.
        next();
        auto e = make(expr::kind::literal, t);
        e->lit = t.text;
        e->name = "alias";
        return e;
      }
      case tk::at: {
        next();
        if (peek().t != tk::ident || peek().space_before) fail(t, "expected an assign name after @");
        auto e = make(expr::kind::assign, t);
        e->name = next().text;
        parse_path(*e);
        return e;
      }
      case tk::lparen: {
        next();
        auto e = parse_expr();
        expect(tk::rparen, "closing )");
        return e;
      }
      case tk::lbrack: {
        next();
        auto e = make(expr::kind::list, t);
        if (peek().t != tk::rbrack) {
          for (;;) {
            if (peek().t == tk::kw_key) fail(peek(), "keyword lists are not supported");
            e->args.push_back(parse_expr());
            if (peek().t != tk::comma) break;
            next();
          }
        }
        expect(tk::rbrack, "closing ]");
        return e;
      }
      case tk::ident: {
        next();
        if (t.text == "true" || t.text == "false" || t.text == "nil") {
          auto e = make(expr::kind::literal, t);
          e->lit = t.text == "nil" ? value() : value(t.text == "true");
          return e;
        }
        if (reserved().count(t.text)) fail(t, "syntax error before: " + t.text);
        if (peek().t == tk::lparen && !peek().space_before) return finish_call(t, true);
        if (is_local(t.text)) {
          auto e = make(expr::kind::local, t);
          e->name = t.text;
          parse_path(*e);
          return e;
        }
        if (t.text == "assigns") return make(expr::kind::assigns_var, t);
        if (h_.find(t.text) || special(t.text)) return finish_call(t, false, /*no_args=*/true);
        fail(t, "undefined variable or helper \"" + t.text + "\"");
      }
      default:
        unexpected();
    }
  }

  static bool special(std::string_view n) {
    return n == "live_component" || n == "live_render" || n == "render";
  }

  // Arguments of a call: positional, then keyword ones (`k: v`), to `)` or the tag's end.
  expr_ptr finish_call(const token& name, bool parens, bool no_args = false) {
    if (parens) next();  // (
    std::vector<expr_ptr> args;
    std::vector<keyword_arg> kwargs;
    auto arg_end = [&] {
      if (parens) return peek().t == tk::rparen;
      return peek().t == tk::end || is_ident("do");
    };
    if (!no_args && !arg_end()) {
      for (;;) {
        if (peek().t == tk::kw_key) {
          keyword_arg k;
          k.key = next().text;
          k.val = parse_expr();
          kwargs.push_back(std::move(k));
        } else {
          if (!kwargs.empty()) fail(peek(), "positional argument after keyword arguments");
          args.push_back(parse_expr());
        }
        if (peek().t != tk::comma) break;
        next();
      }
    }
    if (parens) expect(tk::rparen, "closing )");
    const std::string& n = name.text;
    expr_ptr e;
    if (n == "live_component" || n == "live_render") {
      // `live_component @socket, Name, …` or `live_component Name, …` / "Name".
      if (!args.empty() && args[0]->k == expr::kind::assign && args[0]->name == "socket" &&
          args[0]->path.empty())
        args.erase(args.begin());
      if (args.size() != 1) fail(name, n + " expects a component name then keyword options");
      if (args[0]->k != expr::kind::literal || !args[0]->lit.is_string())
        fail(name, n + " expects a module name or a string as its name");
      e = make(n == "live_component" ? expr::kind::component : expr::kind::live_render, name);
      e->name = args[0]->lit.get<std::string>();
    } else if (n == "render") {
      if (args.empty() || args[0]->k != expr::kind::literal || !args[0]->lit.is_string())
        fail(name, "render expects a partial name as a string");
      const template_* t = h_.find_template(args[0]->lit.get_ref<const std::string&>());
      if (!t) fail(args[0]->line ? name : name, "unknown partial \"" + args[0]->lit.get<std::string>() + "\"");
      if (args.size() > 2 || (args.size() == 2 && !kwargs.empty()))
        fail(name, "render expects a partial name and assigns");
      e = make(expr::kind::partial, name);
      e->name = args[0]->lit.get<std::string>();
      e->partial_template = std::make_shared<const template_>(*t);
      args.erase(args.begin());
    } else {
      const helpers::function* f = h_.find(n);
      if (!f) fail(name, "unknown helper " + n);
      e = make(expr::kind::call, name);
      e->name = n;
      e->fn = *f;
    }
    e->args = std::move(args);
    e->kwargs = std::move(kwargs);
    return e;
  }

 private:
  std::vector<token> toks_;
  std::size_t pos_ = 0;
  const source_map& sm_;
  const helpers& h_;
  const std::vector<std::string>& locals_;
};

// ---------------------------------------------------------------------------------------
// Change tracking analysis

struct reads {
  bool always = false;
  std::set<std::vector<std::string>> keys;
};

void collect(const expr& e, reads& r) {
  switch (e.k) {
    case expr::kind::assign: {
      std::vector<std::string> p{e.name};
      p.insert(p.end(), e.path.begin(), e.path.end());
      r.keys.insert(std::move(p));
      break;
    }
    case expr::kind::assigns_var:
      r.always = true;
      break;
    default:
      break;
  }
  for (const auto& a : e.args) collect(*a, r);
  for (const auto& k : e.kwargs) collect(*k.val, r);
}

void collect(const block& b, reads& r);
void collect(const slot& s, reads& r) {
  if (s.e) collect(*s.e, r);
  if (s.then_block) collect(*s.then_block, r);
  if (s.else_block) collect(*s.else_block, r);
  if (s.body) collect(*s.body, r);
}
void collect(const block& b, reads& r) {
  for (const auto& s : b.slots) collect(s, r);
}

void analyze(slot& s, bool tainted) {
  reads r;
  collect(s, r);
  s.always = tainted || r.always;
  if (s.always) return;
  // @a.b is not checked when @a (or @a.x… a prefix of it) is checked already.
  for (const auto& k : r.keys) {
    bool parent = false;
    for (std::size_t n = 1; n < k.size() && !parent; ++n)
      parent = r.keys.count(std::vector<std::string>(k.begin(), k.begin() + static_cast<long>(n))) > 0;
    if (!parent) s.keys.push_back(k);
  }
}

// ---------------------------------------------------------------------------------------
// Fingerprints: FNV-1a over the statics and the shape (slot kinds, expression positions and
// nested fingerprints), as LEEx hashes statics + the block's AST with its line numbers.

struct hasher {
  std::uint64_t h = 1469598103934665603ull;
  void bytes(std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    bytes_sep();
  }
  void bytes_sep() {
    h ^= 0xff;
    h *= 1099511628211ull;
  }
  void num(std::uint64_t v) { bytes(std::to_string(v)); }
};

// ---------------------------------------------------------------------------------------
// Template scanner: text and <% %> tags into nested blocks

struct open_block {
  block b;
  std::string pending;  // static text not yet closed by a slot
};

struct frame {
  enum class kind { if_, for_ } k = kind::if_;
  slot s;
  bool output = true;
  bool in_else = false;
  std::size_t offset = 0;
  bool tainted = false;
  open_block current;
  std::unique_ptr<block> then_done;
};

class compiler {
 public:
  compiler(std::string_view src, std::string name, const helpers& h, trim_mode trim)
      : src_(src), sm_(src, std::move(name)), h_(h), trim_(trim) {}

  std::shared_ptr<compiled_template> run() {
    auto out = std::make_shared<compiled_template>();
    out->name = sm_.name();
    open_block root;
    // Text since the previous tag: EEx trims this buffer, not the whole static.
    std::string seg;
    bool any_tag = false;       // a non-comment tag was seen (1.10 rule)
    bool last_trimmed = false;  // ... and it was trimmed
    std::size_t i = trim_ == trim_mode::eex_1_11 ? trim_init() : 0;
    while (i < src_.size()) {
      std::size_t open = src_.find("<%", i);
      if (open == std::string_view::npos) {
        seg.append(src_.substr(i));
        break;
      }
      seg.append(src_.substr(i, open - i));
      if (open + 2 < src_.size() && src_[open + 2] == '%') {
        seg.append("<%");
        i = open + 3;
        continue;
      }
      std::size_t close = find_close(open + 2);
      if (close == std::string_view::npos) sm_.fail(open, "missing token '%>'");
      std::size_t body = open + 2;
      char marker = body < close ? src_[body] : '\0';
      bool comment = marker == '#';
      i = close + 2;
      bool trimmed = false;
      std::string next_seg;
      if (trim_ == trim_mode::eex_1_10) {
        trimmed = trim_1_10(seg, i, any_tag, last_trimmed);
        // 1.10 neither flushes the text buffer nor records a comment as a token.
        if (comment) continue;
      } else if (trim_ == trim_mode::eex_1_11) {
        next_seg = trim_1_11(seg, i);
      }
      text(root).append(seg);
      seg = std::move(next_seg);
      if (comment) continue;
      any_tag = true;
      last_trimmed = trimmed;
      bool output = marker == '=';
      if (output) ++body;
      handle_tag(root, body, close, output, open);
    }
    text(root).append(seg);
    if (!stack_.empty()) {
      const frame& f = stack_.back();
      sm_.fail(f.offset, std::string("unclosed block: '") + (f.k == frame::kind::if_ ? (f.s.negate ? "unless" : "if") : "for") +
                             " ... do' without a matching '<% end %>'");
    }
    out->root = finish(std::move(root));
    return out;
  }

 private:
  std::string& text(open_block& root) { return stack_.empty() ? root.pending : stack_.back().current.pending; }
  open_block& current(open_block& root) { return stack_.empty() ? root : stack_.back().current; }
  bool tainted() const { return !stack_.empty() && stack_.back().tainted; }

  static bool hspace(char c) { return c == ' ' || c == '\t'; }
  bool line_break_at(std::size_t p, std::size_t& len) const {
    if (src_.substr(p, 2) == "\r\n") len = 2;
    else if (p < src_.size() && src_[p] == '\n') len = 1;
    else return false;
    return true;
  }

  // Elixir >= 1.11: leading blank lines and indentation go when a tag comes first.
  std::size_t trim_init() const {
    std::size_t p = 0, len = 0;
    while (p < src_.size()) {
      if (hspace(src_[p])) ++p;
      else if (line_break_at(p, len)) p += len;
      else break;
    }
    return src_.substr(p, 2) == "<%" ? p : 0;
  }

  // Elixir 1.10: trims only when the tag has nothing but spaces/tabs between a line break (or
  // the template's start, or a trimmed tag) and a line break (or the end). `rest` moves past
  // the line break on success.
  bool trim_1_10(std::string& seg, std::size_t& rest, bool any_tag, bool last_trimmed) const {
    std::size_t e = seg.size();
    while (e > 0 && hspace(seg[e - 1])) --e;
    bool left = e > 0 ? seg[e - 1] == '\n' : (!any_tag || last_trimmed);
    if (!left) return false;
    std::size_t r = rest, len = 0;
    while (r < src_.size() && hspace(src_[r])) ++r;
    if (line_break_at(r, len)) r += len;
    else if (r != src_.size()) return false;
    seg.resize(e);
    rest = r;
    return true;
  }

  // Elixir >= 1.11: before the tag, trailing blank lines and indentation collapse to one "\n"
  // (the last content line keeps its trailing spaces); after it, spaces and line breaks up to
  // the next content line's indentation become one "\n", returned as the start of the next
  // text; whitespace running to the end is dropped. No line break on a side: that side stays.
  std::string trim_1_11(std::string& seg, std::size_t& rest) const {
    std::size_t keep = seg.size();
    bool broke = false;
    for (;;) {
      std::size_t e = keep;
      while (e > 0 && hspace(seg[e - 1])) --e;
      if (e >= 2 && seg[e - 2] == '\r' && seg[e - 1] == '\n') keep = e - 2;
      else if (e >= 1 && seg[e - 1] == '\n') keep = e - 1;
      else break;
      broke = true;
    }
    if (broke) {
      seg.resize(keep);
      seg += '\n';
    }
    std::size_t r = rest, len = 0;
    broke = false;
    for (;;) {
      std::size_t p = r;
      while (p < src_.size() && hspace(src_[p])) ++p;
      if (line_break_at(p, len)) {
        r = p + len;
        broke = true;
      } else if (p == src_.size()) {
        rest = p;
        return {};
      } else {
        break;
      }
    }
    if (!broke) return {};
    rest = r;
    return "\n";
  }

  std::size_t find_close(std::size_t from) const {
    bool in_str = false;
    for (std::size_t i = from; i + 1 < src_.size(); ++i) {
      char c = src_[i];
      if (in_str) {
        if (c == '\\') ++i;
        else if (c == '"') in_str = false;
        continue;
      }
      if (c == '"') in_str = true;
      else if (c == '%' && src_[i + 1] == '>') return i;
    }
    return std::string_view::npos;
  }

  static std::string_view trim(std::string_view s, std::size_t& lead) {
    lead = 0;
    while (lead < s.size() && std::isspace(static_cast<unsigned char>(s[lead]))) ++lead;
    std::size_t e = s.size();
    while (e > lead && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(lead, e - lead);
  }

  void add_slot(open_block& ob, slot s) {
    ob.b.statics.push_back(std::move(ob.pending));
    ob.pending.clear();
    ob.b.slots.push_back(std::move(s));
  }

  block finish(open_block ob) {
    ob.b.statics.push_back(std::move(ob.pending));
    hasher h;
    for (const auto& s : ob.b.statics) h.bytes(s);
    for (const auto& s : ob.b.slots) {
      h.num(static_cast<std::uint64_t>(s.k));
      h.num(static_cast<std::uint64_t>(s.line));
      if (s.then_block) h.num(s.then_block->fingerprint);
      if (s.else_block) h.num(s.else_block->fingerprint);
      if (s.body) h.num(s.body->fingerprint);
    }
    ob.b.fingerprint = h.h ? h.h : 1;
    ob.b.has_components = false;
    for (const auto& s : ob.b.slots) {
      for (const auto* nested : {s.then_block.get(), s.else_block.get(), s.body.get()})
        if (nested && nested->has_components) ob.b.has_components = true;
      if (s.k == slot::kind::expr && s.e &&
          (s.e->k == expr::kind::component ||
           (s.e->k == expr::kind::partial &&
            (!s.e->partial_template || s.e->partial_template->compiled().root.has_components))))
        ob.b.has_components = true;
    }
    return std::move(ob.b);
  }

  std::vector<std::string> locals() const {
    std::vector<std::string> l;
    for (const auto& f : stack_)
      if (f.k == frame::kind::for_ && !f.in_else) l.push_back(f.s.var);
    return l;
  }

  void handle_tag(open_block& root, std::size_t body, std::size_t close, bool output, std::size_t open) {
    std::size_t lead = 0;
    std::string_view code = trim(src_.substr(body, close - body), lead);
    std::size_t code_at = body + lead;
    if (code.empty()) sm_.fail(open, "empty expression");

    if (code == "end") {
      if (stack_.empty()) sm_.fail(code_at, "unexpected 'end' without an open block");
      close_block(root);
      return;
    }
    if (code == "else") {
      if (stack_.empty() || stack_.back().k != frame::kind::if_ || stack_.back().in_else)
        sm_.fail(code_at, "unexpected 'else'");
      frame& f = stack_.back();
      f.then_done = std::make_unique<block>(finish(std::move(f.current)));
      f.current = open_block{};
      f.in_else = true;
      return;
    }
    bool opens = code.size() > 3 && code.substr(code.size() - 3) == " do" ;
    if (opens) {
      std::string_view head = code.substr(0, code.size() - 3);
      std::size_t l2 = 0;
      head = trim(head, l2);
      open_block_tag(head, code_at, output, open);
      return;
    }
    auto toks = lex(code, code_at, sm_);
    auto locs = locals();
    parser p(std::move(toks), sm_, h_, locs);
    auto e = p.parse_tag_expr();
    if (!p.at_end()) p.unexpected();
    if (!output) return;  // `<% expr %>`: compiled (so errors show) but renders nothing
    slot s;
    s.k = slot::kind::expr;
    auto [l, c] = sm_.pos(code_at);
    s.line = l;
    s.column = c;
    s.e = std::move(e);
    analyze(s, tainted());
    add_slot(current(root), std::move(s));
  }

  void open_block_tag(std::string_view head, std::size_t at, bool output, std::size_t open) {
    frame f;
    f.offset = open;
    f.output = output;
    auto [l, c] = sm_.pos(at);
    f.s.line = l;
    f.s.column = c;
    auto toks = lex(head, at, sm_);
    auto locs = locals();
    if (toks[0].t == tk::ident && (toks[0].text == "if" || toks[0].text == "unless")) {
      f.k = frame::kind::if_;
      f.s.k = slot::kind::if_;
      f.s.negate = toks[0].text == "unless";
      toks.erase(toks.begin());
      parser p(std::move(toks), sm_, h_, locs);
      if (p.at_end()) p.fail(p.peek(), "missing condition");
      f.s.e = p.parse_expr();
      if (!p.at_end()) p.unexpected();
    } else if (toks[0].t == tk::ident && toks[0].text == "for") {
      f.k = frame::kind::for_;
      f.s.k = slot::kind::for_;
      if (toks.size() < 3 || toks[1].t != tk::ident || reserved().count(toks[1].text))
        sm_.fail(toks.size() > 1 ? toks[1].offset : toks[0].offset, "expected 'for name <- expression do'");
      if (toks[2].t != tk::arrow_left) sm_.fail(toks[2].offset, "expected '<-'");
      f.s.var = toks[1].text;
      toks.erase(toks.begin(), toks.begin() + 3);
      parser p(std::move(toks), sm_, h_, locs);
      if (p.at_end()) p.fail(p.peek(), "missing collection after '<-'");
      f.s.e = p.parse_expr();
      if (!p.at_end()) p.unexpected();
      f.tainted = true;  // nothing inside a comprehension is change-tracked
    } else {
      sm_.fail(at, "unsupported block: only 'if', 'unless' and 'for' take 'do'");
    }
    if (!f.tainted) f.tainted = tainted();
    stack_.push_back(std::move(f));
  }

  void close_block(open_block& root) {
    frame f = std::move(stack_.back());
    stack_.pop_back();
    auto done = std::make_unique<block>(finish(std::move(f.current)));
    if (f.k == frame::kind::if_) {
      if (f.in_else) {
        f.s.then_block = std::move(f.then_done);
        f.s.else_block = std::move(done);
      } else {
        f.s.then_block = std::move(done);
      }
    } else {
      f.s.body = std::move(done);
    }
    if (!f.output) return;
    analyze(f.s, tainted());
    add_slot(current(root), std::move(f.s));
  }

  std::string_view src_;
  source_map sm_;
  const helpers& h_;
  trim_mode trim_;
  std::vector<frame> stack_;
};

}  // namespace

// ---------------------------------------------------------------------------------------

helpers::helpers() = default;

helpers& helpers::add(std::string name, function f) {
  functions_[std::move(name)] = std::move(f);
  return *this;
}

const helpers::function* helpers::find(std::string_view name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : &it->second;
}

helpers& helpers::add_template(std::string name, const template_& t) {
  templates_[std::move(name)] = std::make_shared<const template_>(t);
  return *this;
}

const template_* helpers::find_template(std::string_view name) const {
  auto it = templates_.find(name);
  return it == templates_.end() ? nullptr : it->second.get();
}

template_::template_(std::shared_ptr<const compiled_template> impl) : impl_(std::move(impl)) {}

template_ template_::compile(std::string_view source, std::string name, const helpers& h,
                             trim_mode trim) {
  return template_(compiler(source, std::move(name), h, trim).run());
}

template_ template_::load_file(const std::filesystem::path& path, const helpers& h,
                               trim_mode trim) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw template_error(path.string(), 0, 0, "cannot read the template file", "");
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string src = ss.str();
  return compile(src, path.string(), h, trim);
}

const std::string& template_::name() const { return impl_->name; }
std::uint64_t template_::fingerprint() const { return impl_->root.fingerprint; }

}  // namespace lvh::ref
