// loading_state by profile. Whole scenarios (click, change, submit with and without a
// submitter, phx-disable-with, replies) are compared with the official clients by
// events_golden in bindings_test.cpp; these cases pin ref ordering and the 1.x lock rules.
#include <lvh/dom/html.hpp>
#include <lvh/dom/select.hpp>
#include <lvh/protocol/profile.hpp>
#include <lvh/sim/loading.hpp>

#include <gtest/gtest.h>

namespace {

using lvh::protocol::client_profile;
namespace sim = lvh::sim;
namespace dom = lvh::dom;

struct fixture {
  std::unique_ptr<dom::node> doc;
  explicit fixture(const std::string& body)
      : doc(dom::parse_document("<body><div id=\"v\" data-phx-session=\"s\">" + body + "</div></body>")) {}
  dom::node& at(const std::string& sel) {
    return *dom::query_first(*doc, dom::selector::parse_or_throw(sel));
  }
  std::string html(const std::string& sel) { return dom::serialize(at(sel)); }
};

sim::loading_request click(dom::node& el) {
  sim::loading_request r;
  r.what = sim::loading_request::kind::element;
  r.el = &el;
  r.event_type = "click";
  return r;
}

TEST(loading, refs_count_up_even_for_nothing) {
  fixture f("<button id=\"b\">x</button>");
  sim::loading_state ls(client_profile::v0_15, "v");
  EXPECT_EQ(ls.put_ref(*f.doc, sim::loading_request{}), 0u);
  EXPECT_EQ(ls.put_ref(*f.doc, click(f.at("#b"))), 1u);
  EXPECT_EQ(f.html("#b"), R"(<button id="b" class="phx-click-loading" data-phx-ref="1">x</button>)");
  EXPECT_TRUE(sim::is_pending(client_profile::v0_15, f.at("#b")));
  ls.undo(*f.doc, 0);  // another ref: untouched
  EXPECT_TRUE(sim::is_pending(client_profile::v0_15, f.at("#b")));
  ls.undo(*f.doc, 1);
  EXPECT_EQ(f.html("#b"), R"(<button id="b">x</button>)");
}

TEST(loading, v1_a_later_reply_undoes_earlier_refs_too) {
  fixture f("<button id=\"a\">a</button><button id=\"b\">b</button>");
  sim::loading_state ls(client_profile::v1_0, "v");
  auto ra = ls.put_ref(*f.doc, click(f.at("#a")));
  auto rb = ls.put_ref(*f.doc, click(f.at("#b")));
  EXPECT_LT(ra, rb);
  auto unlocked = ls.undo(*f.doc, rb);
  EXPECT_EQ(unlocked.size(), 2u);
  EXPECT_EQ(f.html("#a"), R"(<button id="a">a</button>)");
  EXPECT_EQ(f.html("#b"), R"(<button id="b">b</button>)");
}

TEST(loading, v1_an_earlier_reply_leaves_newer_refs) {
  fixture f("<button id=\"a\">a</button>");
  sim::loading_state ls(client_profile::v1_2, "v");
  auto r0 = ls.put_ref(*f.doc, click(f.at("#a")));
  ls.put_ref(*f.doc, click(f.at("#a")));
  ls.undo(*f.doc, r0);
  EXPECT_TRUE(sim::is_pending(client_profile::v1_2, f.at("#a")));
  EXPECT_EQ(*f.at("#a").get_attribute("data-phx-ref-loading"), "1");
}

TEST(loading, disable_with_swaps_text_and_restores) {
  for (auto p : {client_profile::v0_15, client_profile::v0_18, client_profile::v1_0}) {
    fixture f(R"(<button id="b" phx-disable-with="Wait">Go <b>now</b></button>)");
    sim::loading_state ls(p, "v");
    auto r = ls.put_ref(*f.doc, click(f.at("#b")));
    EXPECT_EQ(f.at("#b").text_content(), "Wait");
    EXPECT_EQ(*f.at("#b").get_attribute("data-phx-disable-with-restore"), "Go now");
    EXPECT_EQ(f.at("#b").has_attribute("disabled"), p != client_profile::v0_15);
    ls.undo(*f.doc, r);
    EXPECT_EQ(f.at("#b").text_content(), "Go now");
    EXPECT_FALSE(f.at("#b").has_attribute("data-phx-disable-with-restore"));
    // 0.18/0.20 never lift the disabled attribute they set for phx-disable-with.
    EXPECT_EQ(f.at("#b").has_attribute("disabled"), p == client_profile::v0_18);
  }
}

// Swapping a button's text drops what it holds, marked controls included: a browser goes on
// with them detached, the simulator forgets them (they are freed). Under AddressSanitizer
// this was a use after free, on the mark (put_ref) and on the undo (0.18+, an empty
// phx-disable-with swaps nothing until the undo restores the text).
TEST(loading, marked_controls_inside_a_swapped_button_are_dropped_not_touched) {
  for (auto p : {client_profile::v0_15, client_profile::v0_18, client_profile::v0_20,
                 client_profile::v1_0}) {
    for (const char* with : {"Saving", ""}) {
      SCOPED_TRACE(std::string(lvh::protocol::name(p)) + " disable-with=\"" + with + "\"");
      fixture f(std::string(R"(<form id="f"><button id="b" phx-disable-with=")") + with +
                R"(">Go<input id="in" name="x"></button></form>)");
      sim::loading_state ls(p, "v");
      sim::loading_request r;
      r.what = sim::loading_request::kind::submit;
      r.el = &f.at("#f");
      r.event_type = "submit";
      const auto ref = ls.put_ref(*f.doc, r);
      const bool swapped = *with || p == client_profile::v0_15;
      EXPECT_EQ(f.at("#b").text_content(), swapped ? with : "Go");
      EXPECT_EQ(dom::query_first(*f.doc, dom::selector::parse_or_throw("#in")) != nullptr, !swapped);
      ls.undo(*f.doc, ref);
      // The text the button had comes back as text: the input is gone either way.
      EXPECT_EQ(f.at("#b").text_content(), "Go");
      EXPECT_EQ(dom::query_first(*f.doc, dom::selector::parse_or_throw("#in")), nullptr);
    }
  }
}

TEST(loading, submit_marks_controls_and_the_js_loading_selector) {
  fixture f(R"(<form id="f"><input id="i" name="a"><select id="s" name="s"><option>1</option></select><div phx-update="ignore"><input id="ign" name="b"></div></form><p id="spin">.</p>)");
  sim::loading_state ls(client_profile::v1_0, "v");
  sim::loading_request r;
  r.what = sim::loading_request::kind::submit;
  r.el = &f.at("#f");
  r.event_type = "submit";
  r.also = "#spin";
  auto ref = ls.put_ref(*f.doc, r);
  EXPECT_TRUE(f.at("#i").has_attribute("readonly"));
  EXPECT_EQ(*f.at("#s").get_attribute("data-phx-readonly"), "undefined");  // select has no readOnly
  EXPECT_FALSE(f.at("#ign").has_attribute("readonly"));
  EXPECT_FALSE(f.at("#f").has_attribute("data-phx-ref-lock"));
  EXPECT_EQ(*f.at("#spin").get_attribute("class"), "phx-submit-loading");
  ls.undo(*f.doc, ref);
  EXPECT_FALSE(f.at("#i").has_attribute("readonly"));
  EXPECT_FALSE(f.at("#spin").has_attribute("class"));
  EXPECT_FALSE(f.at("#f").has_attribute("data-phx-ref-src"));
}

TEST(loading, undo_rewrites_the_class_token_set) {
  // The class attribute is written back as the token set (single spaces, duplicates gone)
  // without the loading classes, as classList.remove leaves it; one left empty goes.
  for (auto p : {client_profile::v0_15, client_profile::v0_20, client_profile::v1_2}) {
    fixture f(R"(<button id="b" class=" a  b a">x</button><button id="c" class="phx-click-loading">y</button>)");
    sim::loading_state ls(p, "v");
    auto r = ls.put_ref(*f.doc, click(f.at("#b")));
    EXPECT_EQ(*f.at("#b").get_attribute("class"), "a b phx-click-loading");
    f.at("#b").set_attribute("class", "phx-keyup-loading a\tphx-click-loading  b b");
    ls.undo(*f.doc, r);
    EXPECT_EQ(*f.at("#b").get_attribute("class"), "a b");
    auto r2 = ls.put_ref(*f.doc, click(f.at("#c")));
    ls.undo(*f.doc, r2);
    EXPECT_FALSE(f.at("#c").has_attribute("class"));
  }
}

TEST(loading, v1_a_locked_submit_keeps_its_submit_class) {
  fixture f(R"(<form id="f"><button id="s">go</button></form>)");
  sim::loading_state ls(client_profile::v1_0, "v");
  sim::loading_request r;
  r.what = sim::loading_request::kind::submit;
  r.el = &f.at("#f");
  r.event_type = "submit";
  auto ref = ls.put_ref(*f.doc, r);
  // A later lock on the button: the first reply leaves its submit class.
  f.at("#s").set_attribute("data-phx-ref-lock", std::to_string(ref + 5));
  f.at("#s").set_attribute("class", "phx-change-loading phx-submit-loading x");
  ls.undo(*f.doc, ref);
  EXPECT_EQ(*f.at("#s").get_attribute("class"), "phx-submit-loading x");
  EXPECT_FALSE(f.at("#f").has_attribute("class"));
}

TEST(loading, undo_buffered_reports_what_undo_reports_and_reuses_its_buffer) {
  fixture f("<button id=\"a\">a</button><button id=\"b\">b</button>");
  sim::loading_state ls(client_profile::v0_18, "v");
  auto ra = ls.put_ref(*f.doc, click(f.at("#a")));
  auto rb = ls.put_ref(*f.doc, click(f.at("#b")));
  const auto& first = ls.undo_buffered(*f.doc, ra);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0], &f.at("#a"));
  const auto& second = ls.undo_buffered(*f.doc, rb);
  EXPECT_EQ(&first, &second);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0], &f.at("#b"));
  EXPECT_TRUE(ls.undo_buffered(*f.doc, rb).empty());  // nothing carries that ref any more
  EXPECT_EQ(f.html("#b"), R"(<button id="b">b</button>)");
}

}  // namespace
