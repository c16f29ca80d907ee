// Telemetry: spans emit start then stop or exception with durations; handlers filter, detach,
// and a failing handler is detached.
#include <lvh/ref/telemetry.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using lvh::ref::telemetry;
using lvh::ref::telemetry_event;
using lvh::ref::telemetry_metadata;
using lvh::ref::telemetry_phase;

namespace {

struct recorded {
    std::string name;
    std::chrono::nanoseconds duration;
    telemetry_metadata md;
};

struct fixture {
    std::chrono::nanoseconds fake_now{1000ns};
    telemetry t{[this] { return fake_now; }};
    std::vector<recorded> events;

    fixture() {
        t.attach([this](telemetry_event e, telemetry_phase p,
                        const lvh::ref::telemetry_measurements& m, const telemetry_metadata& md) {
            events.push_back({lvh::ref::event_name(e, p, md.component.has_value()), m.duration, md});
        });
    }
};

}  // namespace

TEST(Telemetry, SpanEmitsStartThenStopWithTheDuration) {
    fixture f;
    telemetry_metadata md;
    md.view = "CounterLive";
    md.event = "inc";
    const int result = f.t.run(telemetry_event::handle_event, md, [&] {
        EXPECT_EQ(f.events.size(), 1u);   // start came first
        f.fake_now += 250ns;
        return 7;
    });
    EXPECT_EQ(result, 7);
    ASSERT_EQ(f.events.size(), 2u);
    EXPECT_EQ(f.events[0].name, "phoenix.live_view.handle_event.start");
    EXPECT_EQ(f.events[0].duration, 0ns);
    EXPECT_EQ(f.events[1].name, "phoenix.live_view.handle_event.stop");
    EXPECT_EQ(f.events[1].duration, 250ns);
    EXPECT_EQ(f.events[1].md.view, "CounterLive");
    EXPECT_EQ(f.events[1].md.event, "inc");
}

TEST(Telemetry, SpanEmitsExceptionAndRethrows) {
    fixture f;
    telemetry_metadata md;
    md.view = "V";
    EXPECT_THROW(f.t.run(telemetry_event::mount, md,
                         [&] {
                             f.fake_now += 5ns;
                             throw std::runtime_error("mount failed");
                         }),
                 std::runtime_error);
    ASSERT_EQ(f.events.size(), 2u);
    EXPECT_EQ(f.events[1].name, "phoenix.live_view.mount.exception");
    EXPECT_EQ(f.events[1].duration, 5ns);
    EXPECT_EQ(f.events[1].md.kind, "error");
    EXPECT_EQ(f.events[1].md.reason, "mount failed");
}

TEST(Telemetry, ScopedSpanStopsOnScopeExitAndReportsUnwinding) {
    fixture f;
    { lvh::ref::telemetry::span s(f.t, telemetry_event::render, {}); }
    try {
        lvh::ref::telemetry::span s(f.t, telemetry_event::handle_params, {});
        throw 1;
    } catch (int) {
    }
    ASSERT_EQ(f.events.size(), 4u);
    EXPECT_EQ(f.events[1].name, "phoenix.live_view.render.stop");
    EXPECT_EQ(f.events[3].name, "phoenix.live_view.handle_params.exception");
}

TEST(Telemetry, ComponentEventsAreNamedLiveComponent) {
    fixture f;
    telemetry_metadata md;
    md.component = 1;
    f.t.run(telemetry_event::handle_event, md, [] {});
    EXPECT_EQ(f.events[0].name, "phoenix.live_component.handle_event.start");
}

TEST(Telemetry, FilteredHandlersAndDetach) {
    telemetry t;
    int stops = 0, all = 0;
    const auto id = t.attach(telemetry_event::render, telemetry_phase::stop,
                             [&](auto, auto, const auto&, const auto&) { ++stops; });
    t.attach([&](auto, auto, const auto&, const auto&) { ++all; });
    t.run(telemetry_event::render, {}, [] {});
    t.run(telemetry_event::mount, {}, [] {});
    EXPECT_EQ(stops, 1);
    EXPECT_EQ(all, 4);
    EXPECT_TRUE(t.detach(id));
    EXPECT_FALSE(t.detach(id));
    t.run(telemetry_event::render, {}, [] {});
    EXPECT_EQ(stops, 1);
    EXPECT_EQ(t.handler_count(), 1u);
}

TEST(Telemetry, AThrowingHandlerIsDetachedAndTheWorkGoesOn) {
    telemetry t;
    int good = 0;
    t.attach([](auto, auto, const auto&, const auto&) { throw std::runtime_error("bad handler"); });
    t.attach([&](auto, auto, const auto&, const auto&) { ++good; });
    EXPECT_NO_THROW(t.run(telemetry_event::render, {}, [] {}));
    EXPECT_EQ(good, 2);
    EXPECT_EQ(t.handler_count(), 1u);
}

TEST(Telemetry, InstancesAreIndependent) {
    telemetry a, b;
    int n = 0;
    a.attach([&](auto, auto, const auto&, const auto&) { ++n; });
    b.run(telemetry_event::mount, {}, [] {});
    EXPECT_EQ(n, 0);
}

TEST(Telemetry, LazySpanMakesNoMetadataWithoutHandlers) {
    std::chrono::nanoseconds now{0ns};
    telemetry t{[&] { return now; }};
    EXPECT_FALSE(t.has_handlers());
    int made = 0;
    auto md = [&] {
        ++made;
        return telemetry_metadata{};
    };
    EXPECT_EQ(t.run_lazy(telemetry_event::render, md, [] { return 3; }), 3);
    t.run_lazy(telemetry_event::render, md, [] {});
    EXPECT_THROW(t.run_lazy(telemetry_event::render, md, []() -> int { throw std::runtime_error("x"); }),
                 std::runtime_error);
    EXPECT_EQ(made, 0);
}

TEST(Telemetry, LazySpanEmitsWhatRunEmitsWhenAHandlerIsAttached) {
    fixture f;
    EXPECT_TRUE(f.t.has_handlers());
    auto md = [] {
        telemetry_metadata m;
        m.view = "CounterLive";
        m.event = "inc";
        return m;
    };
    EXPECT_EQ(f.t.run_lazy(telemetry_event::handle_event, md, [&] {
        f.fake_now += 40ns;
        return 7;
    }), 7);
    EXPECT_THROW(f.t.run_lazy(telemetry_event::mount, md,
                              [&] {
                                  f.fake_now += 5ns;
                                  throw std::runtime_error("mount failed");
                              }),
                 std::runtime_error);
    ASSERT_EQ(f.events.size(), 4u);
    EXPECT_EQ(f.events[0].name, "phoenix.live_view.handle_event.start");
    EXPECT_EQ(f.events[1].name, "phoenix.live_view.handle_event.stop");
    EXPECT_EQ(f.events[1].duration, 40ns);
    EXPECT_EQ(f.events[1].md.view, "CounterLive");
    EXPECT_EQ(f.events[1].md.event, "inc");
    EXPECT_EQ(f.events[3].name, "phoenix.live_view.mount.exception");
    EXPECT_EQ(f.events[3].duration, 5ns);
    EXPECT_EQ(f.events[3].md.reason, "mount failed");
}

TEST(Telemetry, LazySpanTellsAHandlerAttachedWhileItRunsHowItEnded) {
    std::chrono::nanoseconds now{100ns};
    telemetry t{[&] { return now; }};
    std::vector<recorded> seen;
    auto record = [&](telemetry_event e, telemetry_phase p, const lvh::ref::telemetry_measurements& m,
                      const telemetry_metadata& md) {
        seen.push_back({lvh::ref::event_name(e, p), m.duration, md});
    };
    auto md = [] {
        telemetry_metadata m;
        m.view = "V";
        return m;
    };
    t.run_lazy(telemetry_event::render, md, [&] {
        now += 30ns;
        t.attach(record);
    });
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].name, "phoenix.live_view.render.stop");
    EXPECT_EQ(seen[0].duration, 30ns);
    EXPECT_EQ(seen[0].md.view, "V");
    EXPECT_TRUE(t.detach(1));
    EXPECT_FALSE(t.has_handlers());
}
