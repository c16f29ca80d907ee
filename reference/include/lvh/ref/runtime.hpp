// Where a view's work runs: schedulers (a virtual clock for tests, Asio for serving), mailboxes
// that run one message at a time, and a PubSub that delivers through those mailboxes.
//
// The seam is Process.send_after and Phoenix.PubSub: a connected view is an actor whose
// mailbox receives events, info messages, timer messages and broadcasts in order.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace lvh::ref {

using task = std::function<void()>;

// 0 is never issued, so a default-constructed id names no timer.
using timer_id = std::uint64_t;

// Runs tasks: now (post) or after a delay on its own clock (post_after). A task is run at most
// once; a cancelled timer's task is destroyed without running.
class scheduler {
public:
    virtual ~scheduler() = default;

    virtual void post(task fn) = 0;
    virtual timer_id post_after(std::chrono::milliseconds delay, task fn) = 0;
    // True when the timer was pending and now never fires; false when it already fired, was
    // cancelled before, or never existed (Process.cancel_timer returning false).
    virtual bool cancel(timer_id id) = 0;
    // Time since the scheduler's epoch on its clock (0 at start for the virtual clock).
    virtual std::chrono::milliseconds now() const = 0;
};

// Single-threaded and deterministic: nothing runs until the owner calls run_until_idle() or
// advance(). Posted tasks run FIFO; timers fire in (due time, order of post_after). Not
// thread-safe. A task that throws propagates out of run_until_idle()/advance(); the queues
// stay consistent and the next call continues with the next task.
class deterministic_scheduler final : public scheduler {
public:
    static constexpr std::size_t default_max_steps = 1'000'000;

    struct run_result {
        std::size_t ran = 0;       // tasks and timers run
        bool hit_bound = false;    // stopped at max_steps with work still ready
    };

    deterministic_scheduler();
    ~deterministic_scheduler() override;
    deterministic_scheduler(const deterministic_scheduler&) = delete;
    deterministic_scheduler& operator=(const deterministic_scheduler&) = delete;

    void post(task fn) override;
    timer_id post_after(std::chrono::milliseconds delay, task fn) override;
    bool cancel(timer_id id) override;
    std::chrono::milliseconds now() const override;

    // Runs ready work — posted tasks, then timers already due — until none is left or
    // max_steps ran (a livelock is reported, never spun on forever).
    run_result run_until_idle(std::size_t max_steps = default_max_steps);
    // Moves the clock forward by d: each timer due within it fires at its due time (the clock
    // reads that time while it runs), with ready work run after each; then the clock reads
    // now() + d. max_steps bounds the whole call.
    run_result advance(std::chrono::milliseconds d, std::size_t max_steps = default_max_steps);
    // Advances to the next pending timer's due time and fires it (with the work it makes
    // ready). ran == 0 when no timer is pending.
    run_result advance_to_next_timer(std::size_t max_steps = default_max_steps);

    std::size_t ready_count() const;    // posted tasks not yet run
    std::size_t timer_count() const;    // pending timers (due or not)

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// Runs tasks on a boost::asio::io_context (owned, or the caller's). post, post_after and
// cancel are thread-safe. A task that throws is caught at the loop and handed to the error
// handler (default: ignored), so nothing unwinds through io_context::run.
class asio_scheduler final : public scheduler {
public:
    asio_scheduler();                                   // owns an io_context
    explicit asio_scheduler(boost::asio::io_context& ioc);  // the caller runs it
    ~asio_scheduler() override;
    asio_scheduler(const asio_scheduler&) = delete;
    asio_scheduler& operator=(const asio_scheduler&) = delete;

    void post(task fn) override;
    timer_id post_after(std::chrono::milliseconds delay, task fn) override;
    bool cancel(timer_id id) override;
    std::chrono::milliseconds now() const override;   // steady clock since construction

    boost::asio::io_context& context();

    // Runs the loop on this thread until stop() (idle waits do not end it). Returns the
    // number of handlers run.
    std::size_t run();
    // Runs for at most d (or until stop()); for tests that must not hang.
    std::size_t run_for(std::chrono::milliseconds d);
    // Runs ready handlers without blocking; usable again after the loop ran out of work,
    // but not after stop() until restart().
    std::size_t poll();
    void stop();
    // Makes run()/run_for() usable again after stop().
    void restart();

    void set_error_handler(std::function<void(std::exception_ptr)> handler);

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

namespace detail {
struct mailbox_state;
}

class mailbox;

// A weak reference to a mailbox: posting after the mailbox is gone (or closed) does nothing.
class mailbox_ref {
public:
    mailbox_ref() = default;

    // False when the mailbox is gone or closed (the message is dropped).
    bool post(task message) const;
    bool alive() const;

private:
    friend class mailbox;
    explicit mailbox_ref(std::weak_ptr<detail::mailbox_state> s) : state_(std::move(s)) {}
    std::weak_ptr<detail::mailbox_state> state_;
};

// An actor's mailbox (an Asio strand of sorts): messages are handlers run one at a time on the
// scheduler, FIFO, one message per scheduler step so several mailboxes interleave fairly.
// A message posted from inside a handler queues behind the ones already waiting. Destroying
// or closing the mailbox drops pending messages and cancels its timers.
// If a handler throws, the error handler (when set) receives the exception and the mailbox
// goes on with the next message; without one the exception propagates to the scheduler.
class mailbox {
public:
    explicit mailbox(scheduler& sched);
    ~mailbox();
    mailbox(const mailbox&) = delete;
    mailbox& operator=(const mailbox&) = delete;

    // False when closed (the message is dropped). Thread-safe.
    bool post(task message);
    // Process.send_after: the message joins the mailbox's queue when the timer fires.
    timer_id post_after(std::chrono::milliseconds delay, task message);
    bool cancel(timer_id id);

    // Drops pending messages and timers and refuses new ones (the actor died).
    void close();
    bool closed() const;
    std::size_t pending() const;   // messages queued, not yet handled
    bool running() const;          // a handler of this mailbox is running now

    void set_error_handler(std::function<void(std::exception_ptr)> handler);

    mailbox_ref ref() const;
    scheduler& sched() const;

private:
    std::shared_ptr<detail::mailbox_state> state_;
};

// Phoenix.PubSub within one process: topics → subscribers. Every delivery is posted to the
// subscriber's mailbox, so a subscriber never runs inside broadcast(), and deliveries to one
// subscriber keep broadcast order. Fan-out follows subscription order. As in Phoenix.PubSub,
// subscribing twice to a topic delivers twice. Thread-safe.
class pubsub {
public:
    using subscriber_id = std::string;
    using callback = std::function<void(const std::string& topic, const nlohmann::json& message)>;

    pubsub();
    ~pubsub();
    pubsub(const pubsub&) = delete;
    pubsub& operator=(const pubsub&) = delete;

    void subscribe(std::string topic, subscriber_id id, mailbox_ref box, callback cb);
    // Removes every subscription of id to topic; returns how many.
    std::size_t unsubscribe(std::string_view topic, std::string_view id);
    // Removes every subscription of id (its view terminated); returns how many.
    std::size_t unsubscribe_all(std::string_view id);

    // Posts message to each subscriber of topic except `from` (broadcast_from when set);
    // returns the number of deliveries posted. Subscribers whose mailbox is gone are dropped.
    std::size_t broadcast(std::string_view topic, const nlohmann::json& message,
                          std::optional<std::string_view> from = std::nullopt);

    std::size_t subscriber_count(std::string_view topic) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace lvh::ref
