// LiveViewTest-style lookups and form filling: each usage error by id, with the HTML.
#include <lvh/dom.hpp>
#include <lvh/dom/select.hpp>
#include <lvh/sim/find.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using lvh::dom::node;
using lvh::sim::form_state;
using lvh::sim::usage_errc;
using lvh::sim::usage_error;
using nlohmann::json;

std::unique_ptr<node> doc(std::string_view body) {
  return lvh::dom::parse_document("<!DOCTYPE html><html><head></head><body>" + std::string(body) + "</body></html>");
}

const node& q(const node& root, std::string_view sel) { return lvh::sim::find_one(root, sel); }

template <class F>
usage_error expect_usage_error(F&& f) {
  try {
    f();
  } catch (const usage_error& e) {
    return e;
  }
  ADD_FAILURE() << "no usage_error";
  return usage_error(usage_errc::no_element, "none");
}

const char* const page = R"(<div id="v"><button class="b">Save</button><button class="b">Delete all</button>)"
                         R"(<a href="/x">Go</a><p class="msg">Hello world</p></div>)";

TEST(Find, ExactlyOneElementOrATypedError) {
  auto d = doc(page);
  const node& v = q(*d, "#v");
  EXPECT_EQ(lvh::sim::find_one(v, "a").tag(), "a");
  EXPECT_EQ(lvh::sim::find_one(v, ".b", "Delete").text_content(), "Delete all");
  EXPECT_EQ(lvh::sim::find_one(v, ".b", lvh::sim::text_filter::regex("^Sa")).text_content(), "Save");

  auto e = expect_usage_error([&] { lvh::sim::find_one(v, "table"); });
  EXPECT_EQ(e.id(), "selector_no_match");
  EXPECT_EQ(e.html(), lvh::dom::serialize_children(v));
  EXPECT_NE(std::string(e.what()).find("[lvh.usage.selector_no_match] selector \"table\""), std::string::npos);

  e = expect_usage_error([&] { lvh::sim::find_one(v, ".b"); });
  EXPECT_EQ(e.id(), "selector_many");
  EXPECT_EQ(e.html(), "<button class=\"b\">Save</button>\n<button class=\"b\">Delete all</button>");

  e = expect_usage_error([&] { lvh::sim::find_one(v, ".b", "Nope"); });
  EXPECT_EQ(e.id(), "text_filter_none");
  EXPECT_NE(e.message().find("matched 2 elements"), std::string::npos);
  e = expect_usage_error([&] { lvh::sim::find_one(v, "a", "Nope"); });
  EXPECT_EQ(e.id(), "text_filter_none");
  EXPECT_NE(e.message().find("matched one element"), std::string::npos);
  e = expect_usage_error([&] { lvh::sim::find_one(v, ".b", lvh::sim::text_filter::regex("e")); });
  EXPECT_EQ(e.id(), "text_filter_many");
  EXPECT_NE(e.message().find("~r/e/"), std::string::npos);
  e = expect_usage_error([&] { lvh::sim::find_one(v, "table", "x"); });
  EXPECT_EQ(e.id(), "selector_no_match");
  e = expect_usage_error([&] { lvh::sim::find_one(v, "button:hover"); });
  EXPECT_EQ(e.id(), "bad_selector");
  EXPECT_NE(e.message().find(":hover"), std::string::npos);
}

// Parsed selectors are reused from a small cache: more selectors than it keeps, looked up
// in turn and again, must each find their own element, and a bad one fails every time.
TEST(Find, ManySelectorsLookedUpAgainEachFindTheirOwnElement) {
  std::string body = "<div id=\"v\">";
  for (int i = 0; i < 50; ++i) body += "<span id=\"s" + std::to_string(i) + "\">" + std::to_string(i) + "</span>";
  body += "</div>";
  auto d = doc(body);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 50; ++i) {
      const std::string sel = "#s" + std::to_string(i);
      EXPECT_EQ(q(*d, sel).text_content(), std::to_string(i)) << sel;
    }
    for (int i = 49; i >= 0; i -= 7) EXPECT_EQ(q(*d, "span:nth-child(" + std::to_string(i + 1) + ")").text_content(), std::to_string(i));
    EXPECT_EQ(expect_usage_error([&] { q(*d, "span:hover"); }).id(), "bad_selector");
  }
}

TEST(Find, HasElementAndFindAll) {
  auto d = doc(page);
  EXPECT_TRUE(lvh::sim::has_element(*d, ".b"));
  EXPECT_TRUE(lvh::sim::has_element(*d, ".msg", "world"));
  EXPECT_FALSE(lvh::sim::has_element(*d, ".msg", "World"));
  EXPECT_FALSE(lvh::sim::has_element(*d, "table"));
  EXPECT_EQ(lvh::sim::find_all(*d, "button", "e").size(), 2u);
  EXPECT_TRUE(lvh::sim::text_filter().empty());
  EXPECT_EQ(lvh::sim::text_filter("a\"b").describe(), "\"a\\\"b\"");
}

TEST(Find, CheckEnabledAndSubmitter) {
  auto d = doc(R"(<form id="f"><input name="q"><button name="go" value="1">Go</button><button disabled name="x">X</button>)"
               R"(<button id="nameless">N</button><button type="button" name="plain">P</button></form>)"
               R"(<button form="f" name="outside">O</button>)");
  const node& f = q(*d, "#f");
  EXPECT_NO_THROW(lvh::sim::check_enabled(q(*d, "[name=go]"), "click", "[name=go]"));
  auto e = expect_usage_error([&] { lvh::sim::check_enabled(q(*d, "[name=x]"), "click", "[name=x]"); });
  EXPECT_EQ(e.id(), "element_disabled");
  EXPECT_EQ(e.message(), "cannot click the element selected by \"[name=x]\": it is disabled");

  EXPECT_EQ(lvh::sim::find_submitter(f, "[name=go]").get_attribute("value")->c_str(), std::string("1"));
  EXPECT_EQ(*lvh::sim::find_submitter(f, "[name=outside]").get_attribute("name"), "outside");
  for (const char* bad : {"[name=x]", "#nameless", "[name=plain]", "[name=q]", "table", "button"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(expect_usage_error([&] { lvh::sim::find_submitter(f, bad); }).id(), "invalid_submitter");
  }
  EXPECT_EQ(expect_usage_error([&] { lvh::sim::find_submitter(q(*d, "[name=q]"), "button"); }).id(), "not_a_form");
}

const char* const user_form =
    R"(<form id="f"><input type="hidden" name="_csrf" value="t"><input name="user[name]" value="Ann">)"
    R"(<input type="hidden" name="user[tos]" value="false"><input type="checkbox" name="user[tos]" value="true">)"
    R"(<input type="radio" name="user[role]" value="admin"><input type="radio" name="user[role]" value="user" checked>)"
    R"(<select name="user[lang]"><option value="en">English</option><option value="fr">French</option></select>)"
    R"(<select name="user[tags][]" multiple><option value="a" selected>a</option><option value="b">b</option></select>)"
    R"(<textarea name="user[bio]"></textarea><input name="user[age]" type="number" disabled>)"
    R"(<fieldset disabled><input name="user[nick]"></fieldset><input type="submit" name="save" value="Save">)"
    R"(<input name="pair[]" value="1"><input name="pair[]" value="2"></form>)";

TEST(FillIn, AppliesValuesAsAUserWould) {
  auto d = doc(user_form);
  const node& f = q(*d, "#f");
  form_state st;
  lvh::sim::fill_in(f,
                    json{{"user",
                          {{"name", "Bob Smith"}, {"tos", true}, {"role", "admin"}, {"lang", "fr"}, {"tags", {"b"}},
                           {"bio", "line1\nline2"}}},
                         {"pair", {"x", 3}}},
                    st);
  EXPECT_EQ(lvh::sim::urlencode(lvh::sim::construct_entry_list(f, &st)),
            "_csrf=t&user%5Bname%5D=Bob+Smith&user%5Btos%5D=false&user%5Btos%5D=true&user%5Brole%5D=admin"
            "&user%5Blang%5D=fr&user%5Btags%5D%5B%5D=b&user%5Bbio%5D=line1%0Aline2&pair%5B%5D=x&pair%5B%5D=3");
  // Unticking through the hidden input's value.
  lvh::sim::fill_in(f, json{{"user", {{"tos", "false"}}}}, st);
  EXPECT_FALSE(lvh::sim::is_checked(q(*d, "[type=checkbox]"), &st));
}

TEST(FillIn, ChecksEveryValueBeforeChangingAnything) {
  auto d = doc(user_form);
  const node& f = q(*d, "#f");
  form_state st;
  struct bad_case {
    json values;
    const char* id;
  };
  const bad_case cases[] = {
      {json{{"user", {{"email", "x"}}}}, "unknown_field"},
      {json{{"user", {{"age", "3"}}}}, "disabled_field"},
      {json{{"user", {{"nick", "n"}}}}, "disabled_field"},
      {json{{"save", "x"}}, "forbidden_field"},
      {json{{"user", {{"lang", "de"}}}}, "value_not_in_options"},
      {json{{"user", {{"role", "root"}}}}, "value_not_in_options"},
      {json{{"user", {{"tos", "yes"}}}}, "value_not_in_options"},
      {json{{"user", {{"tags", {"a", "z"}}}}}, "value_not_in_options"},
      {json{{"_csrf", "forged"}}, "value_not_in_options"},
      {json{{"pair", {"1", "2", "3"}}}, "bad_value"},
      {json{{"user", {{"tags", {json{{"k", 1}}}}}}}, "bad_value"},
      {json::array({1}), "bad_value"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.values.dump());
    // A valid field first: it must not be applied when a later one fails.
    json values = c.values.is_object() ? c.values : json::object();
    if (c.values.is_object()) values["user"]["name"] = "changed";
    const json& given = c.values.is_object() ? values : c.values;
    auto e = expect_usage_error([&] { lvh::sim::fill_in(f, given, st); });
    EXPECT_EQ(e.id(), c.id) << e.what();
    EXPECT_TRUE(st.empty());
  }
  auto e = expect_usage_error([&] { lvh::sim::fill_in(q(*d, "textarea"), json{{"a", "b"}}, st); });
  EXPECT_EQ(e.id(), "not_a_form");
  e = expect_usage_error([&] { lvh::sim::fill_in(f, json{{"user", {{"lang", "de"}}}}, st); });
  EXPECT_EQ(e.message(), "the value for select \"user[lang]\" must be one of [\"en\", \"fr\"], got \"de\"");
  EXPECT_EQ(e.html(), lvh::dom::serialize(f));
}

TEST(UsageError, IdsAreStable) {
  EXPECT_EQ(lvh::sim::to_id(usage_errc::selector_no_match), "selector_no_match");
  EXPECT_EQ(lvh::sim::to_id(usage_errc::value_not_in_options), "value_not_in_options");
  EXPECT_EQ(lvh::sim::to_id(usage_errc::no_element), "no_element");
  const usage_error e(usage_errc::no_binding, "no phx-click", "<a></a>");
  EXPECT_STREQ(e.what(), "[lvh.usage.no_binding] no phx-click\n\n<a></a>");
  EXPECT_EQ(lvh::sim::inspect_string("a\"b\\\n"), "\"a\\\"b\\\\\\n\"");
}

}  // namespace
