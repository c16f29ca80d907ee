// A sign-up form with live validation: phx-change validates as the user types (the email
// input debounced with phx-debounce), errors are tagged phx-feedback-for their input, and a
// valid phx-submit saves the member and puts a flash.
#pragma once

#include <lvh/ref/live_view.hpp>
#include <lvh/ref/router.hpp>
#include <lvh/ref/value.hpp>

#include <string>

namespace lvh::examples::signup {

/// Errors of user params {"name": …, "email": …}: {"name": msg|null, "email": msg|null}.
ref::value validate(const ref::value& user);

/// Routes "/signup" (SignupLive).
void install(ref::view_registry& views, ref::router& routes);

}  // namespace lvh::examples::signup
