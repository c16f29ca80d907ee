// FormData entry lists and URLSearchParams bytes against jsdom 26.1.0 for the forms in
// golden/forms.json (made by golden/make-forms-golden.mjs), with the user edits replayed on
// a form_state overlay.
#include <lvh/dom.hpp>
#include <lvh/dom/select.hpp>
#include <lvh/sim/forms.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <string>

namespace {

using lvh::dom::node;
using lvh::dom::selector;
using nlohmann::json;

const json& golden() {
  static const json data = [] {
    std::ifstream in(LVH_FORMS_GOLDEN_FILE);
    return json::parse(in);
  }();
  return data;
}

// Where jsdom departs from the HTML standard and we follow the standard (browsers do).
const std::map<std::string, std::string>& known_differences() {
  static const std::map<std::string, std::string> m = {
      {"hidden-and-charset", "a hidden input named _charset_ sends \"UTF-8\"; jsdom sends its value"},
      {"select-disabled-optgroup", "an option in a disabled optgroup is disabled and not sent; jsdom sends it"},
      {"select-selected-disabled", "a selected but disabled option is not sent; jsdom sends it"},
      {"dirname", "dirname sends the element's directionality (rtl from dir); jsdom always sends ltr"},
      {"dirname-auto", "dir=auto takes the value's first strong character; jsdom always sends ltr"},
      {"range-inputs", "a range input's default and clamping use its min and max; jsdom ignores them"},
  };
  return m;
}

json ours_entries(const std::vector<lvh::sim::form_entry>& entries) {
  json out = json::array();
  for (const auto& e : entries) {
    if (e.is_file) out.push_back(json::array({e.name, json{{"file", e.value}}}));
    else out.push_back(json::array({e.name, e.value}));
  }
  return out;
}

TEST(FormsGolden, EntryListsMatchJsdomFormData) {
  int compared = 0, known = 0;
  for (const auto& c : golden().at("cases")) {
    const std::string name = c.at("name");
    SCOPED_TRACE(name);
    auto doc = lvh::dom::parse_document("<!DOCTYPE html><html><head></head><body>" +
                                        c.at("html").get<std::string>() + "</body></html>");
    auto find = [&](const std::string& sel) -> const node& {
      const node* n = lvh::dom::query_first(*doc, selector::parse_or_throw(sel));
      if (!n) throw std::runtime_error("no element for " + sel);
      return *n;
    };
    lvh::sim::form_state state;
    if (c.contains("edits")) {
      for (const auto& e : c.at("edits")) {
        const node& el = find(e.at(0));
        const std::string what = e.at(1);
        if (what == "value") state.set_value(el, e.at(2).get<std::string>());
        else if (what == "checked") state.set_checked(el, e.at(2).get<bool>());
        else state.set_selected(el, e.at(2).get<bool>());
      }
    }
    lvh::sim::submitter_options sub;
    if (c.contains("submitter")) sub.submitter = &find(c.at("submitter"));
    const node& form = find(c.at("form"));
    const auto entries = lvh::sim::construct_entry_list(form, &state, sub);
    std::vector<lvh::sim::form_entry> strings;
    for (const auto& e : entries)
      if (!e.is_file) strings.push_back(e);
    bool same = ours_entries(entries) == c.at("entries") && lvh::sim::urlencode(strings) == c.at("urlencoded");
    json values = json::object();
    if (c.contains("values")) {
      for (const auto& [sel, v] : c.at("values").items()) values[sel] = lvh::sim::current_value(find(sel), &state);
      same = same && values == c.at("values");
    }
    if (known_differences().count(name)) {
      EXPECT_FALSE(same) << "listed as a known difference but now agrees with jsdom";
      ++known;
      continue;
    }
    EXPECT_EQ(ours_entries(entries), c.at("entries"));
    EXPECT_EQ(lvh::sim::urlencode(strings), c.at("urlencoded").get<std::string>());
    if (c.contains("values")) {
      EXPECT_EQ(values, c.at("values"));
    }
    ++compared;
  }
  EXPECT_GT(compared, 50);
  EXPECT_EQ(known, static_cast<int>(known_differences().size()));
}

}  // namespace
