#include "signup_live.hpp"

#include "../common/example_support.hpp"

#include <string_view>

namespace lvh::examples::signup {
namespace {

using ref::socket;
using ref::value;

const value empty_user = {{"name", ""}, {"email", ""}};

// Only the fields the form knows, as strings: params come from the client and may hold
// anything.
value user_params(const value& payload) {
  value user = empty_user;
  if (!payload.is_object() || !payload.contains("user") || !payload["user"].is_object()) return user;
  for (const char* key : {"name", "email"}) {
    auto it = payload["user"].find(key);
    if (it != payload["user"].end() && it->is_string()) user[key] = *it;
  }
  return user;
}

bool valid(const value& errors) { return errors["name"].is_null() && errors["email"].is_null(); }

class signup_live final : public ref::live_view {
 public:
  void mount(const value&, const value&, socket& s) override {
    s.assign("user", empty_user);
    s.assign("errors", {{"name", nullptr}, {"email", nullptr}});
    s.assign("members", value::array({"José"}));
  }

  const ref::template_& render(const socket&) const override {
    static const ref::template_ t = load_template("form/signup_live.html.leex");
    return t;
  }

  ref::event_result handle_event(std::string_view event, const value& payload, socket& s) override {
    if (event != "validate" && event != "save") return live_view::handle_event(event, payload, s);
    value user = user_params(payload);
    value errors = validate(user);
    if (event == "validate") {
      s.clear_flash();
      s.assign("user", user);
      s.assign("errors", errors);
    } else if (!valid(errors)) {
      s.put_flash("error", "Please fix the errors below.");
      s.assign("user", user);
      s.assign("errors", errors);
    } else {
      s.update("members", [&](const value& m) {
        value out = m;
        out.push_back(user["name"]);
        return out;
      });
      s.clear_flash();
      s.put_flash("info", "Welcome, " + user["name"].get<std::string>() + "!");
      s.assign("user", empty_user);
      s.assign("errors", errors);
    }
    return ref::noreply();
  }
};

}  // namespace

value validate(const value& user) {
  value errors = {{"name", nullptr}, {"email", nullptr}};
  const auto name = user.value("name", std::string());
  const auto email = user.value("email", std::string());
  if (name.empty()) errors["name"] = "can't be blank";
  else if (name.size() < 2) errors["name"] = "should be at least 2 characters";
  if (email.empty()) errors["email"] = "can't be blank";
  else if (email.find('@') == std::string::npos) errors["email"] = "must have the @ sign and no spaces";
  else if (email == "taken@example.com") errors["email"] = "has already been taken";
  return errors;
}

void install(ref::view_registry& views, ref::router& routes) {
  views.add<signup_live>("SignupLive");
  routes.live("/signup", "SignupLive");
}

}  // namespace lvh::examples::signup
