// Telemetry in the manner of :telemetry and LiveView's events
// ([:phoenix, :live_view, :mount | :handle_params | :handle_event | :render, :start | :stop |
// :exception]): handlers attached to an instance the endpoint owns (no global registry).
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace lvh::ref {

enum class telemetry_event { mount, handle_params, handle_event, render };
enum class telemetry_phase { start, stop, exception };

std::string_view to_string(telemetry_event e);
std::string_view to_string(telemetry_phase p);
// "phoenix.live_view.handle_event.stop" (live_component for component events).
std::string event_name(telemetry_event e, telemetry_phase p, bool component = false);

struct telemetry_metadata {
    std::string view;                    // the view's name
    std::optional<int> component;        // cid when a component handles the event
    std::string event;                   // handle_event's event name
    nlohmann::json params;                        // mount/handle_params params, event payload
    std::string uri;                     // handle_params' uri
    bool connected = false;
    std::string kind;                    // exception: "error" (a C++ exception)
    std::string reason;                  // exception: what()
};

struct telemetry_measurements {
    std::chrono::nanoseconds duration{0};   // stop and exception only
    std::chrono::nanoseconds monotonic_time{0};
};

using telemetry_handler = std::function<void(telemetry_event, telemetry_phase,
                                             const telemetry_measurements&,
                                             const telemetry_metadata&)>;

// Handlers run synchronously, in attach order, on the emitting thread. A handler that throws
// is detached (as :telemetry does) and the exception goes no further.
class telemetry {
public:
    using handler_id = std::uint64_t;
    using clock_fn = std::function<std::chrono::nanoseconds()>;

    // clock defaults to std::chrono::steady_clock; tests may pass a fake one.
    explicit telemetry(clock_fn clock = {});

    handler_id attach(telemetry_handler h);   // every event and phase
    handler_id attach(telemetry_event e, telemetry_phase p, telemetry_handler h);
    bool detach(handler_id id);
    std::size_t handler_count() const;

    // Whether any handler is attached (a relaxed read: for skipping work nobody would see).
    bool has_handlers() const noexcept { return attached_.load(std::memory_order_relaxed) != 0; }

    void emit(telemetry_event e, telemetry_phase p, const telemetry_measurements& m,
              const telemetry_metadata& md);
    std::chrono::nanoseconds clock_now() const;

    // Emits start now; stop() or exception() later emits with the elapsed duration. Destroyed
    // without either while an exception unwinds → exception; otherwise → stop.
    class span {
    public:
        span(telemetry& t, telemetry_event e, telemetry_metadata md);
        ~span();
        span(const span&) = delete;
        span& operator=(const span&) = delete;

        telemetry_metadata& metadata() { return md_; }
        void stop();
        void exception(std::string_view reason);

    private:
        telemetry& t_;
        telemetry_event e_;
        telemetry_metadata md_;
        std::chrono::nanoseconds start_;
        bool done_ = false;
        int uncaught_ = 0;
    };

    // Runs f inside a span: start, then stop with f's result, or exception and rethrow.
    template <class F>
    decltype(auto) run(telemetry_event e, telemetry_metadata md, F&& f) {
        span s(*this, e, std::move(md));
        try {
            if constexpr (std::is_void_v<decltype(f())>) {
                std::forward<F>(f)();
                s.stop();
            } else {
                decltype(auto) r = std::forward<F>(f)();
                s.stop();
                return r;
            }
        } catch (const std::exception& ex) {
            s.exception(ex.what());
            throw;
        } catch (...) {
            s.exception("unknown exception");
            throw;
        }
    }

    // run(e, make_md(), f), but make_md() is called only when a handler is there to see the
    // metadata: with none attached, f runs between two clock reads. A handler attached while
    // f runs still gets the stop (or exception), as with run().
    template <class M, class F>
    decltype(auto) run_lazy(telemetry_event e, M&& make_md, F&& f) {
        if (has_handlers()) return run(e, std::forward<M>(make_md)(), std::forward<F>(f));
        const std::chrono::nanoseconds start = clock_now();
        try {
            if constexpr (std::is_void_v<decltype(f())>) {
                std::forward<F>(f)();
                if (has_handlers()) late_end(e, start, make_md(), nullptr);
            } else {
                decltype(auto) r = std::forward<F>(f)();
                if (has_handlers()) late_end(e, start, make_md(), nullptr);
                return r;
            }
        } catch (const std::exception& ex) {
            if (has_handlers()) late_end(e, start, make_md(), ex.what());
            throw;
        } catch (...) {
            if (has_handlers()) late_end(e, start, make_md(), "unknown exception");
            throw;
        }
    }

private:
    // The end of a span whose start nobody saw: stop, or exception with `reason`.
    void late_end(telemetry_event e, std::chrono::nanoseconds start, telemetry_metadata md,
                  const char* reason);

    struct entry {
        handler_id id;
        bool all;
        telemetry_event e;
        telemetry_phase p;
        telemetry_handler h;
    };

    clock_fn clock_;
    mutable std::mutex mutex_;
    std::vector<entry> handlers_;
    std::atomic<std::size_t> attached_{0};   // handlers_.size(), readable without the lock
    handler_id next_id_ = 1;
};

}  // namespace lvh::ref
