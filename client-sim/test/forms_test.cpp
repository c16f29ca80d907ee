// FormData rules beyond the jsdom golden table: the form_state overlay, form ownership,
// disabled fieldsets, submitter errors, and the urlencoded byte set.
#include <lvh/dom.hpp>
#include <lvh/dom/select.hpp>
#include <lvh/sim/errors.hpp>
#include <lvh/sim/forms.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using lvh::dom::node;
using lvh::sim::form_entry;
using lvh::sim::form_state;

std::unique_ptr<node> doc(std::string_view body) {
  return lvh::dom::parse_document("<!DOCTYPE html><html><head></head><body>" + std::string(body) + "</body></html>");
}

const node& q(const node& root, std::string_view sel) {
  const node* n = lvh::dom::query_first(root, lvh::dom::selector::parse_or_throw(sel));
  if (!n) throw std::runtime_error("no element for " + std::string(sel));
  return *n;
}

std::string encoded(const node& form, const form_state* state = nullptr, const node* submitter = nullptr) {
  return lvh::sim::urlencode(lvh::sim::construct_entry_list(form, state, {submitter, 0, 0}));
}

TEST(Forms, UrlencodeKeepsExactlyTheUrlStandardByteSet) {
  std::string all;
  for (int c = 1; c < 256; ++c) all += static_cast<char>(c);
  std::string out;
  lvh::sim::urlencode_append(out, all);
  std::string kept;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '%') {
      i += 2;
      continue;
    }
    kept += out[i];
  }
  EXPECT_EQ(kept, "+*-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(lvh::sim::urlencode({{"a b", "c&d=e", false}, {"é", "~!", false}}), "a+b=c%26d%3De&%C3%A9=%7E%21");
  EXPECT_EQ(lvh::sim::urlencode({}), "");
}

TEST(Forms, OverlayWinsOverAttributesLikeADirtyValue) {
  auto d = doc(R"(<form><input name="a" value="attr"><textarea name="t">text</textarea></form>)");
  const node& form = q(*d, "form");
  form_state st;
  EXPECT_EQ(encoded(form, &st), "a=attr&t=text");
  st.set_value(q(*d, "input"), "typed");
  st.set_value(q(*d, "textarea"), "x\r\ny");
  EXPECT_EQ(encoded(form, &st), "a=typed&t=x%0Ay");
  // A patch changing the attribute does not touch what the user typed.
  const_cast<node&>(q(*d, "input")).set_attribute("value", "server");
  EXPECT_EQ(lvh::sim::current_value(q(*d, "input"), &st), "typed");
  EXPECT_EQ(lvh::sim::current_value(q(*d, "input")), "server");
  st.reset(form);
  EXPECT_EQ(encoded(form, &st), "a=server&t=text");
}

TEST(Forms, RadioGroupsAndSingleSelectsKeepOneChoice) {
  auto d = doc(R"(<form><input type="radio" name="r" value="1" checked><input type="radio" name="r" value="2">)"
               R"(<select name="s"><option value="a" selected>A</option><option value="b">B</option></select></form>)");
  form_state st;
  st.set_checked(q(*d, "[value='2']"), true);
  st.set_selected(q(*d, "option[value=b]"), true);
  EXPECT_FALSE(lvh::sim::is_checked(q(*d, "[value='1']"), &st));
  EXPECT_FALSE(lvh::sim::is_selected(q(*d, "option[value=a]"), &st));
  EXPECT_EQ(encoded(q(*d, "form"), &st), "r=2&s=b");
  // Unticking the only checked radio leaves none.
  st.set_checked(q(*d, "[value='2']"), false);
  EXPECT_EQ(encoded(q(*d, "form"), &st), "s=b");
}

TEST(Forms, ForgetAndPruneDropEntriesOfRemovedElements) {
  auto d = doc(R"(<form><div id="w"><input name="a" value="1"></div><input name="b" value="2"></form>)");
  form_state st;
  st.set_value(q(*d, "[name=a]"), "x");
  st.set_value(q(*d, "[name=b]"), "y");
  EXPECT_EQ(st.size(), 2u);
  st.forget(q(*d, "#w"));
  EXPECT_EQ(st.size(), 1u);
  auto other = doc("<p></p>");
  st.set_value(q(*other, "p"), "z");
  st.prune(*d);
  EXPECT_EQ(st.size(), 1u);
  EXPECT_EQ(*st.value(q(*d, "[name=b]")), "y");
}

TEST(Forms, OwnershipDisabledAndSubmitButtons) {
  auto d = doc(R"(<form id="f"><fieldset disabled><legend><button id="lb">x</button></legend><input id="fi"></fieldset>)"
               R"(<button id="plain"></button><button id="btn" type="button"></button><input id="img" type="image">)"
               R"(<input id="other" form="g"></form><form id="g"></form><input id="ext" form="f"><input id="orphan">)");
  EXPECT_FALSE(lvh::sim::is_disabled(q(*d, "#lb")));
  EXPECT_TRUE(lvh::sim::is_disabled(q(*d, "#fi")));
  EXPECT_TRUE(lvh::sim::is_submit_button(q(*d, "#plain")));
  EXPECT_FALSE(lvh::sim::is_submit_button(q(*d, "#btn")));
  EXPECT_TRUE(lvh::sim::is_submit_button(q(*d, "#img")));
  EXPECT_EQ(lvh::sim::form_owner(q(*d, "#other")), &q(*d, "#g"));
  EXPECT_EQ(lvh::sim::form_owner(q(*d, "#ext")), &q(*d, "#f"));
  EXPECT_EQ(lvh::sim::form_owner(q(*d, "#orphan")), nullptr);
  std::vector<std::string> ids;
  for (const node* c : lvh::sim::form_controls(q(*d, "#f"))) ids.push_back(c->get_attribute("id") ? *c->get_attribute("id") : c->tag());
  EXPECT_EQ(ids, (std::vector<std::string>{"fieldset", "lb", "fi", "plain", "btn", "img", "ext"}));
  EXPECT_EQ(lvh::sim::input_type(q(*d, "#orphan")), "text");
}

TEST(Forms, SubmitterMisuseIsAUsageError) {
  auto d = doc(R"(<form id="f"><input name="a"><button type="reset" id="r"></button></form><form id="g"><button id="gb"></button></form>)");
  const node& f = q(*d, "#f");
  auto id_of = [&](auto&& fn) {
    try {
      fn();
    } catch (const lvh::sim::usage_error& e) {
      return std::string(e.id());
    }
    return std::string("no error");
  };
  EXPECT_EQ(id_of([&] { lvh::sim::construct_entry_list(f, nullptr, {&q(*d, "[name=a]")}); }), "invalid_submitter");
  EXPECT_EQ(id_of([&] { lvh::sim::construct_entry_list(f, nullptr, {&q(*d, "#r")}); }), "invalid_submitter");
  EXPECT_EQ(id_of([&] { lvh::sim::construct_entry_list(f, nullptr, {&q(*d, "#gb")}); }), "invalid_submitter");
  EXPECT_EQ(id_of([&] { lvh::sim::construct_entry_list(q(*d, "input"), nullptr); }), "not_a_form");
}

TEST(Forms, ImageSubmitterCoordinates) {
  auto d = doc(R"(<form><input type="image" name="map"></form>)");
  const auto e = lvh::sim::construct_entry_list(q(*d, "form"), nullptr, {&q(*d, "input"), 12, -3});
  EXPECT_EQ(e, (std::vector<form_entry>{{"map.x", "12", false}, {"map.y", "-3", false}}));
}

TEST(Forms, ValueSanitizationFollowsTheInputType) {
  auto d = doc(R"(<input id="n" type="number"><input id="r" type="range" min="0" max="10" step="3"><input id="c" type="color">)"
               R"(<input id="w" type="week"><input id="dt" type="datetime-local"><select id="s" size="3"><option>a</select>)");
  form_state st;
  auto set = [&](const char* sel, const char* v) {
    st.set_value(q(*d, sel), v);
    return lvh::sim::current_value(q(*d, sel), &st);
  };
  EXPECT_EQ(set("#n", "1e3"), "1e3");
  EXPECT_EQ(set("#n", "1e"), "");
  EXPECT_EQ(set("#r", "5"), "6");    // nearest step from min, ties upwards
  EXPECT_EQ(set("#r", "100"), "9");  // clamped to 10, then stepped down into range
  EXPECT_EQ(set("#r", "x"), "6");    // the default, 5, stepped
  EXPECT_EQ(set("#c", "#ABCDEF"), "#abcdef");
  EXPECT_EQ(set("#w", "2026-W53"), "2026-W53");  // 2026 starts on a Thursday
  EXPECT_EQ(set("#w", "2027-W53"), "");
  EXPECT_EQ(set("#dt", "2024-02-29 23:59:00"), "2024-02-29T23:59");
  EXPECT_EQ(set("#dt", "2024-02-29T23:59:01.5"), "2024-02-29T23:59:01.500");
  EXPECT_EQ(lvh::sim::current_value(q(*d, "#s")), "");  // size 3: nothing selected by default
}

}  // namespace
