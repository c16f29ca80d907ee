// phx-debounce and phx-throttle on a virtual clock, as the official client's DOM.debounce
// implements them.
//
// The client keeps the rate-limiting state on the element (a "cycle" counter with the last
// callback, a throttled flag, the previous key) and uses setTimeout. `rate_limiter` keeps the
// same state keyed by element identity and schedules on a `virtual_clock`, so a test decides
// when time passes. Differences between profiles (0.15.7 binds one blur callback for
// "blur" debounce; 1.x checks that the element is still in the document before a delayed
// call) follow each client.
#pragma once

#include <lvh/protocol/profile.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lvh::dom {
class node;
}

namespace lvh::sim {

/// A clock that only moves when told: setTimeout/clearTimeout in milliseconds.
class virtual_clock {
 public:
  using millis = std::int64_t;
  using timer_id = std::uint64_t;

  millis now() const noexcept { return now_; }
  /// Calls `fn` when the clock reaches now() + delay (delay < 0 counts as 0). Timers due at
  /// the same time run in the order they were set, as browsers do.
  timer_id set_timeout(millis delay, std::function<void()> fn);
  /// No-op for an unknown or already-run timer.
  void clear_timeout(timer_id id) noexcept;
  /// The timer stays set (pending(), next_due() and advance() still see it) but does
  /// nothing when it falls due: for an owner that goes away before its timers do. No-op for
  /// an unknown or already-run timer.
  void disarm(timer_id id) noexcept;
  /// Moves the clock forward by `d`, running every timer that falls due, in time order
  /// (timers set by a running timer run too when they fall within the span).
  void advance(millis d);
  /// Runs timers due now (set with delay 0).
  void run_due() { advance(0); }
  /// Moves to the next timer's due time and runs what is due then; false when none is set.
  bool run_next();
  /// When the next timer falls due, if one is set (a test advances exactly that far).
  std::optional<millis> next_due() const noexcept {
    if (timers_.empty()) return std::nullopt;
    return timers_.back().due;
  }
  std::size_t pending() const noexcept { return timers_.size(); }

 private:
  millis now_ = 0;
  timer_id next_id_ = 1;
  struct timer {
    millis due;
    timer_id id;
    std::function<void()> fn;
  };
  timer* find(timer_id id) noexcept;
  // By (due, id), the latest first, so the next to run is at the back: ids grow, so equal
  // due times run in insertion order. A few timers are set at a time (a heartbeat, a push or
  // two, debounces), so a vector beats a tree: no allocation per timer.
  std::vector<timer> timers_;
};

/// What `rate_limiter::submit` did with the call.
enum class rate_decision : unsigned char {
  fired,      ///< the callback ran now
  scheduled,  ///< it will run after the debounce delay (unless superseded)
  on_blur,    ///< phx-debounce="blur": it runs when the element loses focus
  dropped,    ///< throttled: the call was discarded
  invalid,    ///< the attribute is not a number: the client logs an error and drops it
};

struct timing_defaults {
  int debounce_ms = 300;  ///< used for phx-debounce="" (LiveSocket `defaults`)
  int throttle_ms = 300;
};

class rate_limiter {
 public:
  rate_limiter(protocol::client_profile p, virtual_clock& clock, timing_defaults d = {});

  /// A browser event of type `event_type` ("click", "input", "change", "keydown", "keyup",
  /// "focusin", "focusout", "blur", "focus") reached `el`, whose binding would run `fire`.
  /// Reads phx-debounce / phx-throttle from `el`. `key` is KeyboardEvent.key for keydown
  /// (throttle lets a different key through). `still_there` is checked before a delayed
  /// call in the profiles that check (1.x: view alive and element in the document).
  rate_decision submit(const dom::node& el, std::string_view event_type, std::string_view key,
                       std::function<void()> fire,
                       std::function<bool()> still_there = nullptr);

  /// Whether `el` is rate-limited at all (phx-debounce or phx-throttle): `submit` keeps
  /// `fire` for later only for such elements; for others it calls it at once.
  static bool limits(const dom::node& el);

  /// `el` lost focus: a pending debounce runs now (and the client's blur listener re-runs
  /// the last callback even when nothing is pending, as it does), throttling ends,
  /// "blur"-debounced calls run. No-op for elements never rate-limited.
  void blur(const dom::node& el);

  /// `form` is being submitted: the client cancels pending debounces and throttles of the
  /// inputs named in its form data (`inputs`: for each entry name, the first element of the
  /// form with that name). Only forms that have had a rate-limited input react.
  void form_submitted(const dom::node& form, const std::vector<const dom::node*>& inputs);

  /// The element was removed: drop its state (its timers still run but find nothing).
  void forget(const dom::node& el);

  virtual_clock& clock() noexcept { return clock_; }

 private:
  struct cycle {
    std::uint64_t n = 0;
    std::function<void()> trigger;
  };
  // The blur listeners the client adds to the element, in the order it adds them.
  enum class listener : unsigned char {
    first_callback,    // 0.15-0.20 phx-debounce="blur": the first callback, every time
    blur_cycle,        // 1.x phx-debounce="blur": the latest callback
    debounce_trigger,  // numeric debounce/throttle: run the pending trigger
  };
  struct element_state {
    cycle debounce;    // the client's DEBOUNCE_TRIGGER cycle
    cycle blur_cycle;  // its "debounce-blur-cycle" (1.x)
    std::function<void()> first_blur_callback;
    bool throttled = false;
    virtual_clock::timer_id throttle_timer = 0;
    bool has_prev_key = false;
    std::string prev_key;
    bool blur_debounce_bound = false;
    bool blur_bound = false;
    std::vector<listener> blur_listeners;
  };
  void trigger_cycle(const dom::node& el, bool blur_cycle, const std::uint64_t* only_cycle);

  protocol::client_profile profile_;
  virtual_clock& clock_;
  timing_defaults defaults_;
  std::unordered_map<const dom::node*, element_state> state_;
  std::unordered_map<const dom::node*, bool> forms_bound_;
};

}  // namespace lvh::sim
