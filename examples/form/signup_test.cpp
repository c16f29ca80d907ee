// SignupLive: phx-change validation, phx-debounce, phx-feedback-for, phx-submit and flash.
#include "signup_live.hpp"

#include <lvh/sim/errors.hpp>
#include <lvh/testkit/gtest.hpp>
#include <lvh/testkit/in_process.hpp>
#include <lvh/testkit/live.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lvh::examples::signup {
namespace {

using namespace lvh::testkit;
using namespace std::chrono_literals;
using ::testing::Not;

class SignupTest : public ::testing::Test {
 protected:
  std::shared_ptr<in_process_server> server = [] {
    ref::view_registry views;
    ref::router routes;
    install(views, routes);
    return in_process_server::make(std::move(views), {}, std::move(routes));
  }();
  conn c = build_conn(server);
};

TEST(SignupValidate, Rules) {
  auto errors = validate({{"name", "A"}, {"email", "a b"}});
  EXPECT_EQ(errors["name"], "should be at least 2 characters");
  EXPECT_EQ(errors["email"], "must have the @ sign and no spaces");
  errors = validate({{"name", "Al"}, {"email", "al@example.com"}});
  EXPECT_TRUE(errors["name"].is_null());
  EXPECT_TRUE(errors["email"].is_null());
}

TEST_F(SignupTest, StartsWithAnEmptyFormAndNoErrors) {
  auto [view, html] = live(c, "/signup").value();
  LVH_TRACE(view);
  EXPECT_THAT(view, HasElement("form#signup"));
  EXPECT_THAT(view, HasAttr("#user_name", "value", ""));
  EXPECT_THAT(view, Not(HasElement(".invalid-feedback")));
  EXPECT_THAT(view, HasElement("#members li", "José"));
}

TEST_F(SignupTest, ValidatesAsTheUserTypes) {
  auto [view, html] = live(c, "/signup").value();
  LVH_TRACE(view);
  auto typed = render_change(form(view, "#signup", {{"user", {{"name", "A"}}}}));
  EXPECT_THAT(typed, HasElement("[phx-feedback-for=user_name]", "should be at least 2 characters"));

  typed = render_change(form(view, "#signup", {{"user", {{"name", "Al"}}}}));
  EXPECT_THAT(typed, Not(HasElement("[phx-feedback-for=user_name]")));
}

TEST_F(SignupTest, EmailValidationWaitsForTheDebounce) {
  auto [view, html] = live(c, "/signup").value();
  LVH_TRACE(view);
  // phx-debounce="500" on the email input: the change is held back by the client. (Typing
  // into the input itself, so the change's _target is user[email].)
  auto typed = render_change(element(view, "#user_email"), {{"value", "nope"}});
  EXPECT_THAT(typed, Not(HasElement("[phx-feedback-for=user_email]")));
  advance(view, 499ms);
  EXPECT_THAT(view, Not(HasElement("[phx-feedback-for=user_email]")));
  advance(view, 1ms);
  EXPECT_THAT(view, HasElement("[phx-feedback-for=user_email]", "must have the @ sign"));
}

TEST_F(SignupTest, ErrorsAreTaggedForTheirInput) {
  auto [view, html] = live(c, "/signup").value();
  render_submit(form(view, "#signup"));
  EXPECT_THAT(view, HasElement("span.invalid-feedback[phx-feedback-for=user_name]", "can't be blank"));
  EXPECT_THAT(view, HasElement("span.invalid-feedback[phx-feedback-for=user_email]", "can't be blank"));
}

TEST_F(SignupTest, ErrorsOfUntouchedInputsAreHiddenByTheClient) {
  auto [view, html] = live(c, "/signup").value();
  LVH_TRACE(view);
  // The server validates every field; the client marks errors of inputs the user has not
  // touched yet with phx-no-feedback (CSS hides them), as the official client does.
  render_change(form(view, "#signup", {{"user", {{"name", "A"}}}}));
  EXPECT_THAT(view, HasAttr("[phx-feedback-for=user_name]", "class", "invalid-feedback"));
  EXPECT_THAT(view, HasAttr("[phx-feedback-for=user_email]", "class", "invalid-feedback phx-no-feedback"));
}

TEST_F(SignupTest, InvalidSubmitShowsEveryErrorAndAnErrorFlash) {
  auto [view, html] = live(c, "/signup").value();
  LVH_TRACE(view);
  auto submitted = render_submit(form(view, "#signup", {{"user", {{"name", "Bo"}, {"email", "taken@example.com"}}}}));
  EXPECT_THAT(submitted, HasElement(".alert-danger", "Please fix the errors below."));
  EXPECT_THAT(submitted, HasElement("[phx-feedback-for=user_email]", "has already been taken"));
  EXPECT_THAT(submitted, Not(HasElement("[phx-feedback-for=user_name]")));
  EXPECT_THAT(submitted, Not(HasElement("#members li", "Bo")));
}

TEST_F(SignupTest, ValidSubmitSavesResetsAndFlashes) {
  auto [view, html] = live(c, "/signup").value();
  LVH_TRACE(view);
  auto submitted =
      render_submit(form(view, "#signup", {{"user", {{"name", "Alice"}, {"email", "alice@example.com"}}}}));
  EXPECT_THAT(submitted, HasElement(".alert-info", "Welcome, Alice!"));
  EXPECT_THAT(submitted, HasElement("#members li", "Alice"));
  EXPECT_THAT(submitted, Not(HasElement(".alert-danger")));
  EXPECT_THAT(submitted, HasAttr("#user_name", "value", ""));

  // Typing again clears the flash.
  auto typed = render_change(form(view, "#signup", {{"user", {{"name", "Bob"}}}}));
  EXPECT_THAT(typed, Not(HasElement(".alert-info")));
}

TEST_F(SignupTest, AFieldTheFormDoesNotHaveIsAnError) {
  auto [view, html] = live(c, "/signup").value();
  try {
    render_change(form(view, "#signup", {{"user", {{"age", "42"}}}}));
    FAIL() << "expected a usage_error";
  } catch (const sim::usage_error& e) {
    EXPECT_EQ(e.id(), "unknown_field");
  }
}

}  // namespace
}  // namespace lvh::examples::signup
