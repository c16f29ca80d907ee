// Schedulers and mailboxes: virtual time, timer order, cancellation, bounds, one handler at a
// time per mailbox, and the Asio scheduler on a real io_context.
#include <lvh/ref/runtime.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using lvh::ref::asio_scheduler;
using lvh::ref::deterministic_scheduler;
using lvh::ref::mailbox;

TEST(DeterministicScheduler, NothingRunsUntilAsked) {
    deterministic_scheduler s;
    int ran = 0;
    s.post([&] { ++ran; });
    EXPECT_EQ(ran, 0);
    EXPECT_EQ(s.ready_count(), 1u);
    const auto r = s.run_until_idle();
    EXPECT_EQ(ran, 1);
    EXPECT_EQ(r.ran, 1u);
    EXPECT_FALSE(r.hit_bound);
    EXPECT_EQ(s.run_until_idle().ran, 0u);
}

TEST(DeterministicScheduler, PostedWorkRunsFifoIncludingWorkPostedWhileRunning) {
    deterministic_scheduler s;
    std::string trace;
    s.post([&] {
        trace += 'a';
        s.post([&] { trace += 'c'; });
    });
    s.post([&] { trace += 'b'; });
    EXPECT_EQ(s.run_until_idle().ran, 3u);
    EXPECT_EQ(trace, "abc");
}

TEST(DeterministicScheduler, ClockStartsAtZeroAndMovesOnlyOnAdvance) {
    deterministic_scheduler s;
    EXPECT_EQ(s.now(), 0ms);
    s.run_until_idle();
    EXPECT_EQ(s.now(), 0ms);
    s.advance(250ms);
    EXPECT_EQ(s.now(), 250ms);
    s.advance(-5ms);   // time never goes back
    EXPECT_EQ(s.now(), 250ms);
}

TEST(DeterministicScheduler, TimersFireOnAdvanceInDueOrderThenPostingOrder) {
    deterministic_scheduler s;
    std::vector<std::string> fired;
    s.post_after(300ms, [&] { fired.push_back("300"); });
    s.post_after(100ms, [&] { fired.push_back("100a"); });
    s.post_after(200ms, [&] { fired.push_back("200"); });
    s.post_after(100ms, [&] { fired.push_back("100b"); });

    s.advance(99ms);
    EXPECT_TRUE(fired.empty());
    s.advance(1ms);
    EXPECT_EQ(fired, (std::vector<std::string>{"100a", "100b"}));
    s.advance(1000ms);
    EXPECT_EQ(fired, (std::vector<std::string>{"100a", "100b", "200", "300"}));
    EXPECT_EQ(s.timer_count(), 0u);
}

TEST(DeterministicScheduler, TimerSeesItsDueTimeAndWorkItPostsRunsBeforeLaterTimers) {
    deterministic_scheduler s;
    std::vector<std::pair<std::string, long>> trace;
    s.post_after(10ms, [&] {
        trace.emplace_back("t10", static_cast<long>(s.now().count()));
        s.post([&] { trace.emplace_back("posted", static_cast<long>(s.now().count())); });
        // A send_after from inside a timer, due within the same advance.
        s.post_after(5ms, [&] { trace.emplace_back("t15", static_cast<long>(s.now().count())); });
    });
    s.post_after(12ms, [&] { trace.emplace_back("t12", static_cast<long>(s.now().count())); });
    s.advance(20ms);
    const std::vector<std::pair<std::string, long>> want{
        {"t10", 10}, {"posted", 10}, {"t12", 12}, {"t15", 15}};
    EXPECT_EQ(trace, want);
    EXPECT_EQ(s.now(), 20ms);
}

TEST(DeterministicScheduler, ZeroDelayTimerIsReadyWork) {
    deterministic_scheduler s;
    int ran = 0;
    s.post_after(0ms, [&] { ++ran; });
    EXPECT_EQ(s.run_until_idle().ran, 1u);
    EXPECT_EQ(ran, 1);
}

TEST(DeterministicScheduler, CancelledTimerNeverFires) {
    deterministic_scheduler s;
    int a = 0, b = 0;
    const auto ta = s.post_after(10ms, [&] { ++a; });
    s.post_after(10ms, [&] { ++b; });
    EXPECT_TRUE(s.cancel(ta));
    EXPECT_FALSE(s.cancel(ta));          // already cancelled
    EXPECT_FALSE(s.cancel(0));           // never issued
    EXPECT_FALSE(s.cancel(12345));
    s.advance(10ms);
    EXPECT_EQ(a, 0);
    EXPECT_EQ(b, 1);
}

TEST(DeterministicScheduler, CancelAfterFiringReturnsFalse) {
    deterministic_scheduler s;
    const auto t = s.post_after(1ms, [] {});
    s.advance(1ms);
    EXPECT_FALSE(s.cancel(t));
}

TEST(DeterministicScheduler, RunUntilIdleStopsAtTheBoundAndSaysSo) {
    deterministic_scheduler s;
    std::size_t runs = 0;
    // Reposts itself forever: a livelock must be reported, not spun on.
    std::function<void()> again = [&] {
        ++runs;
        s.post(again);
    };
    s.post(again);
    const auto r = s.run_until_idle(50);
    EXPECT_EQ(r.ran, 50u);
    EXPECT_TRUE(r.hit_bound);
    EXPECT_EQ(runs, 50u);
    EXPECT_EQ(s.ready_count(), 1u);
}

TEST(DeterministicScheduler, AdvanceIsBoundedToo) {
    deterministic_scheduler s;
    std::function<void()> tick = [&] { s.post_after(0ms, tick); };
    s.post_after(5ms, tick);
    const auto r = s.advance(10ms, 100);
    EXPECT_TRUE(r.hit_bound);
    EXPECT_EQ(r.ran, 100u);
}

TEST(DeterministicScheduler, AdvanceToNextTimer) {
    deterministic_scheduler s;
    int fired = 0;
    s.post_after(30s, [&] { ++fired; });
    const auto r = s.advance_to_next_timer();
    EXPECT_EQ(r.ran, 1u);
    EXPECT_EQ(fired, 1);
    EXPECT_EQ(s.now(), 30s);
    EXPECT_EQ(s.advance_to_next_timer().ran, 0u);
}

TEST(DeterministicScheduler, ThrowingTaskPropagatesAndTheQueueGoesOn) {
    deterministic_scheduler s;
    int after = 0;
    s.post([] { throw std::runtime_error("boom"); });
    s.post([&] { ++after; });
    EXPECT_THROW(s.run_until_idle(), std::runtime_error);
    EXPECT_EQ(s.run_until_idle().ran, 1u);
    EXPECT_EQ(after, 1);
}

TEST(Mailbox, HandlesMessagesInOrderOnePerSchedulerStep) {
    deterministic_scheduler s;
    mailbox a(s), b(s);
    std::string trace;
    a.post([&] { trace += "a1 "; });
    a.post([&] { trace += "a2 "; });
    b.post([&] { trace += "b1 "; });
    b.post([&] { trace += "b2 "; });
    EXPECT_EQ(a.pending(), 2u);
    s.run_until_idle();
    // Two actors interleave; each keeps its own order.
    EXPECT_EQ(trace, "a1 b1 a2 b2 ");
    EXPECT_EQ(a.pending(), 0u);
}

TEST(Mailbox, MessagePostedFromAHandlerQueuesBehindWaitingOnes) {
    deterministic_scheduler s;
    mailbox box(s);
    std::string trace;
    box.post([&] {
        trace += "1";
        EXPECT_TRUE(box.running());
        box.post([&] { trace += "3"; });
        trace += "!";   // the new message did not run inside this one
    });
    box.post([&] { trace += "2"; });
    s.run_until_idle();
    EXPECT_EQ(trace, "1!23");
    EXPECT_FALSE(box.running());
}

TEST(Mailbox, AtMostOneHandlerRunsUnderManyThreads) {
    asio_scheduler s;
    mailbox box(s);
    std::atomic<int> inside{0};
    std::atomic<int> overlap{0};
    std::atomic<int> handled{0};
    constexpr int per_thread = 500;
    std::vector<std::thread> producers;
    for (int p = 0; p < 4; ++p) {
        producers.emplace_back([&] {
            for (int i = 0; i < per_thread; ++i) {
                box.post([&] {
                    if (inside.fetch_add(1) != 0) overlap.fetch_add(1);
                    inside.fetch_sub(1);
                    if (handled.fetch_add(1) + 1 == 4 * per_thread) s.stop();
                });
            }
        });
    }
    std::vector<std::thread> runners;
    for (int r = 0; r < 3; ++r) runners.emplace_back([&] { s.run_for(20s); });
    for (auto& t : producers) t.join();
    for (auto& t : runners) t.join();
    EXPECT_EQ(handled.load(), 4 * per_thread);
    EXPECT_EQ(overlap.load(), 0);
}

TEST(Mailbox, SendAfterDeliversThroughTheQueueAndCanBeCancelled) {
    deterministic_scheduler s;
    mailbox box(s);
    std::vector<std::string> got;
    box.post_after(30s, [&] { got.push_back("update"); });
    const auto t = box.post_after(10s, [&] { got.push_back("cancelled"); });
    EXPECT_TRUE(box.cancel(t));
    EXPECT_FALSE(box.cancel(t));
    s.advance(29s);
    EXPECT_TRUE(got.empty());
    s.advance(1s);
    EXPECT_EQ(got, std::vector<std::string>{"update"});
}

TEST(Mailbox, CloseDropsPendingMessagesAndTimers) {
    deterministic_scheduler s;
    mailbox box(s);
    int ran = 0;
    box.post([&] { ++ran; });
    box.post_after(5ms, [&] { ++ran; });
    box.close();
    EXPECT_TRUE(box.closed());
    EXPECT_FALSE(box.post([&] { ++ran; }));
    EXPECT_EQ(box.post_after(1ms, [&] { ++ran; }), 0u);
    s.advance(1s);
    EXPECT_EQ(ran, 0);
    EXPECT_EQ(s.timer_count(), 0u);
}

TEST(Mailbox, DestroyedMailboxIgnoresLateStepsAndItsRefsGoDead) {
    deterministic_scheduler s;
    int ran = 0;
    lvh::ref::mailbox_ref ref;
    {
        mailbox box(s);
        ref = box.ref();
        EXPECT_TRUE(ref.alive());
        box.post([&] { ++ran; });
    }
    EXPECT_FALSE(ref.alive());
    EXPECT_FALSE(ref.post([&] { ++ran; }));
    s.run_until_idle();
    EXPECT_EQ(ran, 0);
}

TEST(Mailbox, ErrorHandlerReceivesTheExceptionAndTheMailboxGoesOn) {
    deterministic_scheduler s;
    mailbox box(s);
    std::string caught;
    int after = 0;
    box.set_error_handler([&](std::exception_ptr e) {
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            caught = ex.what();
        }
    });
    box.post([] { throw std::runtime_error("view crashed"); });
    box.post([&] { ++after; });
    EXPECT_NO_THROW(s.run_until_idle());
    EXPECT_EQ(caught, "view crashed");
    EXPECT_EQ(after, 1);
}

TEST(Mailbox, WithoutErrorHandlerTheExceptionReachesTheSchedulerAndTheMailboxRecovers) {
    deterministic_scheduler s;
    mailbox box(s);
    int after = 0;
    box.post([] { throw std::logic_error("bad"); });
    box.post([&] { ++after; });
    EXPECT_THROW(s.run_until_idle(), std::logic_error);
    EXPECT_FALSE(box.running());
    s.run_until_idle();
    EXPECT_EQ(after, 1);
}

TEST(Mailbox, HandlerMayCloseItsOwnMailbox) {
    deterministic_scheduler s;
    auto box = std::make_unique<mailbox>(s);
    int ran = 0;
    box->post([&] {
        ++ran;
        box.reset();   // the actor ends itself
    });
    box->post([&] { ++ran; });
    s.run_until_idle();
    EXPECT_EQ(ran, 1);
}

TEST(AsioScheduler, RunsPostsAndTimersOnARealIoContext) {
    asio_scheduler s;
    std::vector<std::string> trace;
    s.post_after(1ms, [&] {
        trace.push_back("timer");
        s.stop();
    });
    s.post([&] { trace.push_back("posted"); });
    s.run_for(10s);   // a bound so a broken scheduler cannot hang the suite
    EXPECT_EQ(trace, (std::vector<std::string>{"posted", "timer"}));
}

TEST(AsioScheduler, PollWorksAgainAfterRunningOutOfWorkButNotAfterStop) {
    asio_scheduler s;
    int ran = 0;
    s.post([&] { ++ran; });
    EXPECT_EQ(s.poll(), 1u);   // the io_context is out of work now, hence stopped
    s.post([&] { ++ran; });
    EXPECT_EQ(s.poll(), 1u);
    s.stop();
    s.post([&] { ++ran; });
    EXPECT_EQ(s.poll(), 0u);
    s.restart();
    EXPECT_EQ(s.poll(), 1u);
    EXPECT_EQ(ran, 3);
}

TEST(AsioScheduler, CancelledTimerNeverRuns) {
    asio_scheduler s;
    bool cancelled_ran = false;
    const auto t = s.post_after(1ms, [&] { cancelled_ran = true; });
    EXPECT_TRUE(s.cancel(t));
    EXPECT_FALSE(s.cancel(t));
    s.post_after(5ms, [&] { s.stop(); });
    s.run_for(10s);
    EXPECT_FALSE(cancelled_ran);
}

TEST(AsioScheduler, ExternalIoContextAndThrowingTasksGoToTheErrorHandler) {
    asio_scheduler owner;   // its context stands in for a caller's
    asio_scheduler s(owner.context());
    int errors = 0;
    bool after = false;
    s.set_error_handler([&](std::exception_ptr) { ++errors; });
    s.post([] { throw std::runtime_error("x"); });
    s.post([&] {
        after = true;
        owner.stop();
    });
    owner.run_for(10s);
    EXPECT_EQ(errors, 1);
    EXPECT_TRUE(after);
    EXPECT_EQ(&s.context(), &owner.context());
}

TEST(AsioScheduler, PostFromOtherThreads) {
    asio_scheduler s;
    std::atomic<int> n{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&] {
            for (int k = 0; k < 100; ++k)
                s.post([&] {
                    if (n.fetch_add(1) + 1 == 400) s.stop();
                });
        });
    for (auto& t : threads) t.join();
    s.run_for(10s);
    EXPECT_EQ(n.load(), 400);
}

TEST(DeterministicScheduler, HugeDelaysSaturateInsteadOfWrapping) {
    deterministic_scheduler s;
    bool fired = false;
    s.advance(1s);
    const auto t = s.post_after(std::chrono::milliseconds::max(), [&] { fired = true; });
    s.advance(24h);
    EXPECT_FALSE(fired);
    EXPECT_EQ(s.timer_count(), 1u);
    EXPECT_TRUE(s.cancel(t));
}
