// LEEx-style templates: source → compiled statics, dynamics and blocks (Phoenix's engine.ex).
//
//   <%= expr %>  output (escaped unless raw)     <% expr %>  evaluated, no output
//   <%# text %>  comment                          <%%         a literal "<%"
//   <%= if cond do %> … <% else %> … <% end %>    (also `unless`)
//   <%= for x <- expr do %> … <% end %>
//   <%= live_component @socket, Name, id: …, k: v %>   (or "Name"; stateless without id)
//   <%= live_render @socket, Name, id: "x" %>   <%= live_patch "text", to: "/p" %>
//   <%= render "partial", assigns %>
//
// Expressions: @name, @name.field, locals, "strings", 1, 1.5, true, false, nil, [lists],
// a..b and a..b//step, == != < > <= >=, and or not && || !, + - * on numbers, <> on strings,
// registered helpers f(args, key: value) (without parentheses at the start of a tag).
#pragma once

#include <lvh/ref/value.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lvh::ref {

namespace detail {
struct compiled_template;
}

/// A template that does not compile. what() is "file:line:col: message\n<source line>\n<caret>".
class template_error : public std::runtime_error {
 public:
  template_error(std::string file, int line, int column, std::string message,
                 std::string source_line);

  const std::string& file() const noexcept { return file_; }
  int line() const noexcept { return line_; }      // 1-based
  int column() const noexcept { return column_; }  // 1-based
  const std::string& message() const noexcept { return message_; }

 private:
  std::string file_;
  int line_;
  int column_;
  std::string message_;
};

/// A template that compiled but cannot render with the assigns given (a missing assign, a
/// map printed as HTML, `and` on a non-boolean…): what would raise in Elixir. Thrown by the
/// renderer; the runtime treats it as the view crashing. what() names the template position.
class render_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class template_;

/// What a template may call: C++ helper functions and partials (templates for `render`).
/// Resolved when a template compiles: an unknown name is a compile error.
class helpers {
 public:
  /// Positional arguments and the keyword options (a JSON object; {} when none). Throw
  /// render_error (or any exception) to fail the render.
  using function =
      std::function<value(const std::vector<value>& args, const value& keyword_opts)>;

  helpers();
  /// raw, live_patch, live_redirect, link, length, to_string, upcase, downcase.
  static const helpers& defaults();

  helpers& add(std::string name, function f);
  const function* find(std::string_view name) const;

  /// A partial for `render "name", assigns`.
  helpers& add_template(std::string name, const template_& t);
  const template_* find_template(std::string_view name) const;

 private:
  std::map<std::string, function, std::less<>> functions_;
  std::map<std::string, std::shared_ptr<const template_>, std::less<>> templates_;
};

/// EEx's `trim:` option: which whitespace around tags is dropped. Only spaces, tabs and line
/// breaks (LF or CRLF) count; `<%%` is text, comments are tags.
enum class trim_mode {
  /// Text kept as written: `~L`, and EEx without `trim`.
  none,
  /// Elixir 1.10: a tag alone on its line (only spaces/tabs around it) loses that indentation
  /// and its line break; whitespace before a tag counts as "alone" when the previous tag was
  /// trimmed or it starts the template.
  eex_1_10,
  /// Elixir 1.11 and later: around every tag, blank lines and indentation collapse to one
  /// line break on each side (when there was one); leading whitespace before a first tag
  /// and all whitespace after the last tag go.
  eex_1_11,
};

/// A compiled template. Cheap to copy: copies share the compiled form.
class template_ {
 public:
  /// The `~L` sigil: the source as is (it does not trim). `name` names it in errors.
  static template_ compile(std::string_view source, std::string name = "inline",
                           const helpers& h = helpers::defaults(),
                           trim_mode trim = trim_mode::none);
  /// An .html.leex file; its path (as given) names it in errors. Phoenix compiles these with
  /// `trim: true` (unless `:trim_on_html_eex_engine` is false), hence the default. Throws
  /// template_error (line 0) when it cannot be read.
  static template_ load_file(const std::filesystem::path& path,
                             const helpers& h = helpers::defaults(),
                             trim_mode trim = trim_mode::eex_1_11);

  const std::string& name() const;
  /// The fingerprint of the root: equal fingerprints mean equal statics and shape.
  std::uint64_t fingerprint() const;

  const detail::compiled_template& compiled() const { return *impl_; }

 private:
  explicit template_(std::shared_ptr<const detail::compiled_template> impl);
  std::shared_ptr<const detail::compiled_template> impl_;
};

/// Phoenix.HTML's escaping: & < > " ' → &amp; &lt; &gt; &quot; &#39;. Appends to out.
void escape_html(std::string_view text, std::string& out);
std::string escape_html(std::string_view text);
/// A float as Elixir's to_string prints it (shortest round-trip digits, "1.0e3" style).
std::string format_float(double f);
/// A value as `<%= v %>` outputs it (Phoenix.HTML.Safe): strings escaped, raw as is, nil "",
/// booleans, integers, floats, lists as iodata. Throws render_error for maps.
void append_html(const value& v, std::string& out);

}  // namespace lvh::ref
