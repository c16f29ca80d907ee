// Output as Phoenix.HTML produces it: escaping, numbers, iodata lists, and the default helpers
// (raw, live_patch, live_redirect, link, …).
#include <lvh/ref/template.hpp>

#include <algorithm>
#include <charconv>
#include <optional>
#include <cstdlib>
#include <tuple>

namespace lvh::ref {

void escape_html(std::string_view text, std::string& out) {
  std::size_t from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char* rep = nullptr;
    switch (text[i]) {
      case '&': rep = "&amp;"; break;
      case '<': rep = "&lt;"; break;
      case '>': rep = "&gt;"; break;
      case '"': rep = "&quot;"; break;
      case '\'': rep = "&#39;"; break;
      default: continue;
    }
    out.append(text.substr(from, i - from));
    out.append(rep);
    from = i + 1;
  }
  out.append(text.substr(from));
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  escape_html(text, out);
  return out;
}

// Erlang's io_lib_format:fwrite_g (what Elixir's to_string and Phoenix.HTML use): the
// shortest round-trip digits, placed in plain or exponent notation, whichever is shorter.
std::string format_float(double f) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
  if (ec != std::errc()) return "0.0";
  std::string_view s(buf, static_cast<std::size_t>(end - buf));
  std::string out;
  if (!s.empty() && s[0] == '-') {
    out += '-';
    s.remove_prefix(1);
  }
  auto epos = s.find('e');
  std::string digits;
  for (char c : s.substr(0, epos))
    if (c != '.') digits += c;
  int exp10 = std::atoi(std::string(s.substr(epos + 1)).c_str());
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (digits == "0") return out + "0.0";
  // value = 0.DIGITS × 10^place
  long place = exp10 + 1;
  long len = static_cast<long>(digits.size());
  auto exp_form = [&] {
    std::string r(1, digits[0]);
    r += '.';
    r += len == 1 ? std::string("0") : digits.substr(1);
    r += 'e';
    r += std::to_string(place - 1);
    return r;
  };
  if (place < 0 || place >= len) {
    long exp_cost = static_cast<long>(std::to_string(place - 1).size()) + 1 + (len == 1 ? 2 : 1);
    if (place < 0) {
      if (2 - place <= exp_cost) return out + "0." + std::string(static_cast<std::size_t>(-place), '0') + digits;
      return out + exp_form();
    }
    if (place - len + 2 <= exp_cost) return out + digits + std::string(static_cast<std::size_t>(place - len), '0') + ".0";
    return out + exp_form();
  }
  if (place == 0) return out + "0." + digits;
  return out + digits.substr(0, static_cast<std::size_t>(place)) + "." + digits.substr(static_cast<std::size_t>(place));
}

namespace {

void append_list(const value& v, std::string& out) {
  for (const auto& item : v) {
    if (item.is_array()) {
      append_list(item, out);
    } else if (item.is_string()) {
      escape_html(item.get_ref<const std::string&>(), out);
    } else if (is_raw(item)) {
      out += raw_html(item);
    } else if (item.is_number_integer() && item.get<std::int64_t>() >= 0 && item.get<std::int64_t>() <= 255) {
      char c = static_cast<char>(item.get<std::int64_t>());
      escape_html(std::string_view(&c, 1), out);
    } else {
      throw render_error("lists in templates may only contain integers representing bytes, "
                         "binaries or other lists, got invalid entry: " + inspect(item));
    }
  }
}

}  // namespace

void append_html(const value& v, std::string& out) {
  switch (v.type()) {
    case value::value_t::null: return;
    case value::value_t::string: escape_html(v.get_ref<const std::string&>(), out); return;
    case value::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return;
    case value::value_t::number_integer: out += std::to_string(v.get<std::int64_t>()); return;
    case value::value_t::number_unsigned: out += std::to_string(v.get<std::uint64_t>()); return;
    case value::value_t::number_float: out += format_float(v.get<double>()); return;
    case value::value_t::array: append_list(v, out); return;
    case value::value_t::object:
      if (is_raw(v)) {
        out += raw_html(v);
        return;
      }
      throw render_error("a map cannot be converted to HTML: " + inspect(v));
    default:
      throw render_error("value cannot be converted to HTML: " + inspect(v));
  }
}

namespace {

std::string to_text(const value& v) {
  if (v.is_string()) return v.get<std::string>();
  if (is_raw(v)) return raw_html(v);
  std::string s;
  append_html(v, s);
  return s;
}

std::string dasherize(std::string k) {
  std::replace(k.begin(), k.end(), '_', '-');
  return k;
}

// content_tag(name, attrs, do: content) as phoenix_html 2.x builds it: nested data/aria
// attributes flattened, all dasherized, false/nil dropped, then sorted as Erlang sorts the
// tuples (bare {k} before {k, v}, then by name).
std::string content_tag(const std::string& tag, const value& attrs, const value& content) {
  std::vector<std::pair<std::string, std::optional<std::string>>> list;
  for (auto it = attrs.begin(); it != attrs.end(); ++it) {
    const value& v = it.value();
    if ((it.key() == "data" || it.key() == "aria") && v.is_object()) {
      for (auto jt = v.begin(); jt != v.end(); ++jt) {
        if (jt.value().is_null() || jt.value() == false) continue;
        std::string k = it.key() + "-" + dasherize(jt.key());
        if (jt.value() == true) list.emplace_back(k, std::nullopt);
        else list.emplace_back(k, to_text(jt.value()));
      }
      continue;
    }
    if (v.is_null() || v == false) continue;
    if (v == true) list.emplace_back(dasherize(it.key()), std::nullopt);
    else list.emplace_back(dasherize(it.key()), to_text(v));
  }
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
    return std::make_tuple(a.second.has_value(), a.first, a.second.value_or("")) <
           std::make_tuple(b.second.has_value(), b.first, b.second.value_or(""));
  });
  std::string out = "<" + tag;
  for (const auto& [k, v] : list) {
    out += ' ';
    out += k;
    if (v) {
      out += "=\"";
      escape_html(*v, out);
      out += '"';
    }
  }
  out += '>';
  append_html(content, out);
  out += "</" + tag + ">";
  return out;
}

value live_link(const char* type, const std::vector<value>& args, const value& opts) {
  if (args.size() != 1) throw render_error(std::string("live_") + type + " expects the link text and to:");
  if (!opts.contains("to")) throw render_error(std::string("live_") + type + " requires to:");
  value attrs = opts;
  bool replace = attrs.contains("replace") && attrs["replace"].is_boolean() && attrs["replace"].get<bool>();
  attrs.erase("replace");
  value data = attrs.contains("data") && attrs["data"].is_object() ? attrs["data"] : value::object();
  data["phx_link"] = type;
  data["phx_link_state"] = replace ? "replace" : "push";
  attrs["data"] = data;
  attrs["href"] = attrs["to"];
  attrs.erase("to");
  return raw(content_tag("a", attrs, args[0]));
}

helpers make_defaults() {
  helpers h;
  h.add("raw", [](const std::vector<value>& a, const value&) {
    if (a.size() != 1) throw render_error("raw/1 expects one argument");
    if (is_raw(a[0])) return a[0];
    if (a[0].is_null()) return raw("");
    if (a[0].is_string()) return raw(a[0].get<std::string>());
    std::string s;
    append_html(a[0], s);  // iodata as is (numbers, lists)
    return raw(std::move(s));
  });
  h.add("live_patch", [](const std::vector<value>& a, const value& o) { return live_link("patch", a, o); });
  h.add("live_redirect", [](const std::vector<value>& a, const value& o) { return live_link("redirect", a, o); });
  h.add("link", [](const std::vector<value>& a, const value& o) {
    if (a.size() != 1 || !o.contains("to")) throw render_error("link expects the text and to:");
    value attrs = o;
    attrs["href"] = attrs["to"];
    attrs.erase("to");
    return raw(content_tag("a", attrs, a[0]));
  });
  h.add("content_tag", [](const std::vector<value>& a, const value& o) {
    if (a.size() != 2 || !a[0].is_string()) throw render_error("content_tag expects a tag name and content");
    return raw(content_tag(a[0].get<std::string>(), o, a[1]));
  });
  h.add("length", [](const std::vector<value>& a, const value&) -> value {
    if (a.size() != 1 || !(a[0].is_array() || a[0].is_object()))
      throw render_error("length/1 expects a list");
    return static_cast<std::int64_t>(a[0].size());
  });
  h.add("to_string", [](const std::vector<value>& a, const value&) -> value {
    if (a.size() != 1) throw render_error("to_string/1 expects one argument");
    if (a[0].is_string()) return a[0];
    std::string s;
    if (is_raw(a[0])) s = raw_html(a[0]);
    else if (a[0].is_array()) append_html(a[0], s);  // bytes, not escaped below
    else append_html(a[0], s);
    return s;
  });
  auto map_chars = [](int (*f)(int)) {
    return [f](const std::vector<value>& a, const value&) -> value {
      if (a.size() != 1 || !a[0].is_string()) throw render_error("expects a string");
      std::string s = a[0].get<std::string>();
      for (auto& c : s) c = static_cast<char>(f(static_cast<unsigned char>(c)));
      return s;
    };
  };
  h.add("upcase", map_chars([](int c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }));
  h.add("downcase", map_chars([](int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }));
  return h;
}

}  // namespace

const helpers& helpers::defaults() {
  static const helpers h = make_defaults();
  return h;
}

}  // namespace lvh::ref
