#include <lvh/ref/runtime.hpp>

#include <deque>
#include <mutex>
#include <set>
#include <utility>

namespace lvh::ref {
namespace detail {

struct mailbox_state : std::enable_shared_from_this<mailbox_state> {
    explicit mailbox_state(scheduler& s) : sched(&s) {}

    scheduler* sched;
    mutable std::mutex mutex;
    std::deque<task> queue;
    std::set<timer_id> timers;
    std::function<void(std::exception_ptr)> on_error;
    bool scheduled = false;   // a step is posted on the scheduler
    bool running = false;
    bool closed = false;

    bool enqueue(task message) {
        bool post_step = false;
        {
            std::lock_guard lock(mutex);
            if (closed) return false;
            queue.push_back(std::move(message));
            if (!scheduled) scheduled = post_step = true;
        }
        if (post_step) schedule_step();
        return true;
    }

    void schedule_step() {
        std::weak_ptr<mailbox_state> w = weak_from_this();
        sched->post([w] {
            if (auto s = w.lock()) s->step();
        });
    }

    // One message per scheduler step: mailboxes interleave, and a handler's own posts wait.
    void step() {
        task message;
        std::function<void(std::exception_ptr)> handler;
        {
            std::lock_guard lock(mutex);
            if (closed || queue.empty()) {
                scheduled = false;
                return;
            }
            message = std::move(queue.front());
            queue.pop_front();
            running = true;
            handler = on_error;
        }
        // Runs on every exit, also when the exception propagates to the scheduler.
        struct finish {
            mailbox_state* s;
            ~finish() {
                bool again = false;
                {
                    std::lock_guard lock(s->mutex);
                    s->running = false;
                    again = !s->closed && !s->queue.empty();
                    s->scheduled = again;
                }
                if (again) s->schedule_step();
            }
        } done{this};
        if (!handler) {
            if (message) message();
            return;
        }
        try {
            if (message) message();
        } catch (...) {
            handler(std::current_exception());
        }
    }

    std::pair<std::deque<task>, std::set<timer_id>> close() {
        std::lock_guard lock(mutex);
        closed = true;
        return {std::exchange(queue, {}), std::exchange(timers, {})};
    }
};

}  // namespace detail

bool mailbox_ref::post(task message) const {
    auto s = state_.lock();
    return s && s->enqueue(std::move(message));
}

bool mailbox_ref::alive() const {
    auto s = state_.lock();
    if (!s) return false;
    std::lock_guard lock(s->mutex);
    return !s->closed;
}

mailbox::mailbox(scheduler& sched) : state_(std::make_shared<detail::mailbox_state>(sched)) {}

mailbox::~mailbox() { close(); }

bool mailbox::post(task message) { return state_->enqueue(std::move(message)); }

timer_id mailbox::post_after(std::chrono::milliseconds delay, task message) {
    std::weak_ptr<detail::mailbox_state> w = state_;
    auto id_cell = std::make_shared<timer_id>(0);
    // Held while registering, so the timer (which runs on the scheduler, never inline) sees
    // its id in the set.
    std::lock_guard lock(state_->mutex);
    if (state_->closed) return 0;
    const timer_id id =
        state_->sched->post_after(delay, [w, id_cell, message = std::move(message)]() mutable {
            auto s = w.lock();
            if (!s) return;
            {
                std::lock_guard inner(s->mutex);
                if (s->timers.erase(*id_cell) == 0) return;
            }
            s->enqueue(std::move(message));
        });
    *id_cell = id;
    state_->timers.insert(id);
    return id;
}

bool mailbox::cancel(timer_id id) {
    {
        std::lock_guard lock(state_->mutex);
        if (state_->timers.erase(id) == 0) return false;
    }
    state_->sched->cancel(id);
    return true;
}

void mailbox::close() {
    auto [queue, timers] = state_->close();
    for (timer_id id : timers) state_->sched->cancel(id);
    // queue's tasks are destroyed here, outside the lock.
}

bool mailbox::closed() const {
    std::lock_guard lock(state_->mutex);
    return state_->closed;
}

std::size_t mailbox::pending() const {
    std::lock_guard lock(state_->mutex);
    return state_->queue.size();
}

bool mailbox::running() const {
    std::lock_guard lock(state_->mutex);
    return state_->running;
}

void mailbox::set_error_handler(std::function<void(std::exception_ptr)> handler) {
    std::lock_guard lock(state_->mutex);
    state_->on_error = std::move(handler);
}

mailbox_ref mailbox::ref() const { return mailbox_ref(state_); }

scheduler& mailbox::sched() const { return *state_->sched; }

}  // namespace lvh::ref
