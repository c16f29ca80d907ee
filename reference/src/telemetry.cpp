#include <lvh/ref/telemetry.hpp>

#include <algorithm>

namespace lvh::ref {

std::string_view to_string(telemetry_event e) {
    switch (e) {
        case telemetry_event::mount: return "mount";
        case telemetry_event::handle_params: return "handle_params";
        case telemetry_event::handle_event: return "handle_event";
        case telemetry_event::render: return "render";
    }
    return "unknown";
}

std::string_view to_string(telemetry_phase p) {
    switch (p) {
        case telemetry_phase::start: return "start";
        case telemetry_phase::stop: return "stop";
        case telemetry_phase::exception: return "exception";
    }
    return "unknown";
}

std::string event_name(telemetry_event e, telemetry_phase p, bool component) {
    std::string name = component ? "phoenix.live_component." : "phoenix.live_view.";
    name += to_string(e);
    name += '.';
    name += to_string(p);
    return name;
}

telemetry::telemetry(clock_fn clock) : clock_(std::move(clock)) {}

telemetry::handler_id telemetry::attach(telemetry_handler h) {
    std::lock_guard lock(mutex_);
    const handler_id id = next_id_++;
    handlers_.push_back({id, true, telemetry_event::mount, telemetry_phase::start, std::move(h)});
    attached_.store(handlers_.size(), std::memory_order_relaxed);
    return id;
}

telemetry::handler_id telemetry::attach(telemetry_event e, telemetry_phase p,
                                        telemetry_handler h) {
    std::lock_guard lock(mutex_);
    const handler_id id = next_id_++;
    handlers_.push_back({id, false, e, p, std::move(h)});
    attached_.store(handlers_.size(), std::memory_order_relaxed);
    return id;
}

bool telemetry::detach(handler_id id) {
    std::lock_guard lock(mutex_);
    const bool erased = std::erase_if(handlers_, [id](const entry& x) { return x.id == id; }) > 0;
    attached_.store(handlers_.size(), std::memory_order_relaxed);
    return erased;
}

std::size_t telemetry::handler_count() const {
    std::lock_guard lock(mutex_);
    return handlers_.size();
}

void telemetry::emit(telemetry_event e, telemetry_phase p, const telemetry_measurements& m,
                     const telemetry_metadata& md) {
    // A snapshot, so a handler may attach or detach without deadlock.
    std::vector<std::pair<handler_id, telemetry_handler>> matching;
    {
        std::lock_guard lock(mutex_);
        for (const auto& x : handlers_)
            if (x.all || (x.e == e && x.p == p)) matching.emplace_back(x.id, x.h);
    }
    for (auto& [id, h] : matching) {
        try {
            h(e, p, m, md);
        } catch (...) {
            detach(id);
        }
    }
}

std::chrono::nanoseconds telemetry::clock_now() const {
    if (clock_) return clock_();
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now().time_since_epoch());
}

void telemetry::late_end(telemetry_event e, std::chrono::nanoseconds start, telemetry_metadata md,
                         const char* reason) {
    telemetry_measurements m;
    m.monotonic_time = clock_now();
    m.duration = m.monotonic_time - start;
    if (!reason) return emit(e, telemetry_phase::stop, m, md);
    md.kind = "error";
    md.reason = reason;
    emit(e, telemetry_phase::exception, m, md);
}

telemetry::span::span(telemetry& t, telemetry_event e, telemetry_metadata md)
    : t_(t), e_(e), md_(std::move(md)), start_(t.clock_now()),
      uncaught_(std::uncaught_exceptions()) {
    telemetry_measurements m;
    m.monotonic_time = start_;
    t_.emit(e_, telemetry_phase::start, m, md_);
}

telemetry::span::~span() {
    if (done_) return;
    if (std::uncaught_exceptions() > uncaught_)
        exception("unwound");
    else
        stop();
}

void telemetry::span::stop() {
    if (done_) return;
    done_ = true;
    telemetry_measurements m;
    m.monotonic_time = t_.clock_now();
    m.duration = m.monotonic_time - start_;
    t_.emit(e_, telemetry_phase::stop, m, md_);
}

void telemetry::span::exception(std::string_view reason) {
    if (done_) return;
    done_ = true;
    telemetry_measurements m;
    m.monotonic_time = t_.clock_now();
    m.duration = m.monotonic_time - start_;
    md_.kind = "error";
    md_.reason = std::string(reason);
    t_.emit(e_, telemetry_phase::exception, m, md_);
}

}  // namespace lvh::ref
