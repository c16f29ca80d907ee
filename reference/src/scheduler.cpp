#include <lvh/ref/runtime.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

namespace lvh::ref {

// ---------------------------------------------------------------------------------------------
// deterministic_scheduler

namespace {

// now + d without signed overflow: a timer "forever" away stays pending, never wraps.
std::chrono::milliseconds saturating_add(std::chrono::milliseconds now, std::chrono::milliseconds d) {
    if (d > std::chrono::milliseconds::max() - now) return std::chrono::milliseconds::max();
    return now + d;
}

}  // namespace

struct deterministic_scheduler::impl {
    std::chrono::milliseconds now{0};
    std::deque<task> ready;
    // (due, id): ids grow with each post_after, so equal due times fire in posting order.
    std::map<std::pair<std::chrono::milliseconds, timer_id>, task> timers;
    std::unordered_map<timer_id, std::chrono::milliseconds> due_of;
    timer_id next_id = 1;

    // Pops the next ready thing: a posted task first, else a timer already due.
    std::optional<task> next_ready() {
        if (!ready.empty()) {
            task t = std::move(ready.front());
            ready.pop_front();
            return t;
        }
        if (!timers.empty() && timers.begin()->first.first <= now) return pop_first_timer();
        return std::nullopt;
    }

    task pop_first_timer() {
        auto it = timers.begin();
        task t = std::move(it->second);
        due_of.erase(it->first.second);
        timers.erase(it);
        return t;
    }

    run_result drain(std::size_t max_steps) {
        run_result r;
        while (r.ran < max_steps) {
            auto t = next_ready();
            if (!t) return r;
            ++r.ran;
            if (*t) (*t)();
        }
        r.hit_bound = !ready.empty() || (!timers.empty() && timers.begin()->first.first <= now);
        return r;
    }
};

deterministic_scheduler::deterministic_scheduler() : impl_(std::make_unique<impl>()) {}
deterministic_scheduler::~deterministic_scheduler() = default;

void deterministic_scheduler::post(task fn) { impl_->ready.push_back(std::move(fn)); }

timer_id deterministic_scheduler::post_after(std::chrono::milliseconds delay, task fn) {
    if (delay < std::chrono::milliseconds::zero()) delay = std::chrono::milliseconds::zero();
    const timer_id id = impl_->next_id++;
    const auto due = saturating_add(impl_->now, delay);
    impl_->timers.emplace(std::pair{due, id}, std::move(fn));
    impl_->due_of.emplace(id, due);
    return id;
}

bool deterministic_scheduler::cancel(timer_id id) {
    auto it = impl_->due_of.find(id);
    if (it == impl_->due_of.end()) return false;
    impl_->timers.erase(std::pair{it->second, id});
    impl_->due_of.erase(it);
    return true;
}

std::chrono::milliseconds deterministic_scheduler::now() const { return impl_->now; }

deterministic_scheduler::run_result deterministic_scheduler::run_until_idle(std::size_t max_steps) {
    return impl_->drain(max_steps);
}

deterministic_scheduler::run_result deterministic_scheduler::advance(std::chrono::milliseconds d,
                                                                     std::size_t max_steps) {
    if (d < std::chrono::milliseconds::zero()) d = std::chrono::milliseconds::zero();
    const auto target = saturating_add(impl_->now, d);
    run_result total = impl_->drain(max_steps);
    while (!total.hit_bound && !impl_->timers.empty() &&
           impl_->timers.begin()->first.first <= target) {
        if (total.ran >= max_steps) {
            total.hit_bound = true;
            break;
        }
        impl_->now = std::max(impl_->now, impl_->timers.begin()->first.first);
        task t = impl_->pop_first_timer();
        ++total.ran;
        if (t) t();
        const auto r = impl_->drain(max_steps - total.ran);
        total.ran += r.ran;
        total.hit_bound = r.hit_bound;
    }
    if (!total.hit_bound) impl_->now = target;
    return total;
}

deterministic_scheduler::run_result deterministic_scheduler::advance_to_next_timer(
    std::size_t max_steps) {
    run_result total = impl_->drain(max_steps);
    if (total.hit_bound || impl_->timers.empty()) return total;
    const auto due = impl_->timers.begin()->first.first;
    const auto r = advance(std::max(due - impl_->now, std::chrono::milliseconds::zero()),
                           max_steps - total.ran);
    total.ran += r.ran;
    total.hit_bound = r.hit_bound;
    return total;
}

std::size_t deterministic_scheduler::ready_count() const { return impl_->ready.size(); }
std::size_t deterministic_scheduler::timer_count() const { return impl_->timers.size(); }

// ---------------------------------------------------------------------------------------------
// asio_scheduler

struct asio_scheduler::impl : std::enable_shared_from_this<asio_scheduler::impl> {
    std::optional<boost::asio::io_context> owned;
    boost::asio::io_context* ioc = nullptr;
    std::chrono::steady_clock::time_point epoch = std::chrono::steady_clock::now();

    std::mutex mutex;
    std::unordered_map<timer_id, std::shared_ptr<boost::asio::steady_timer>> timers;
    std::atomic<timer_id> next_id{1};
    // stop() was asked for: poll() must not undo it (running out of work also stops an
    // io_context, and that stop poll() clears).
    std::atomic<bool> stop_requested{false};
    std::function<void(std::exception_ptr)> on_error;

    void run_guarded(const task& t) {
        try {
            if (t) t();
        } catch (...) {
            std::function<void(std::exception_ptr)> h;
            {
                std::lock_guard lock(mutex);
                h = on_error;
            }
            if (h) h(std::current_exception());
        }
    }
};

asio_scheduler::asio_scheduler() : impl_(std::make_shared<impl>()) {
    impl_->owned.emplace(1);
    impl_->ioc = &*impl_->owned;
}

asio_scheduler::asio_scheduler(boost::asio::io_context& ioc) : impl_(std::make_shared<impl>()) {
    impl_->ioc = &ioc;
}

asio_scheduler::~asio_scheduler() {
    // An owned context dies with impl (after the timers). On a caller's context the timers'
    // pending waits are cancelled on its loop, as steady_timer is not thread-safe.
    if (impl_->owned) return;
    std::unordered_map<timer_id, std::shared_ptr<boost::asio::steady_timer>> timers;
    {
        std::lock_guard lock(impl_->mutex);
        timers.swap(impl_->timers);
    }
    for (auto& entry : timers) {
        auto timer = std::move(entry.second);
        boost::asio::post(*impl_->ioc, [timer] { timer->cancel(); });
    }
}

void asio_scheduler::post(task fn) {
    std::weak_ptr<impl> w = impl_;
    boost::asio::post(*impl_->ioc, [w, fn = std::move(fn)] {
        if (auto s = w.lock()) s->run_guarded(fn);
    });
}

timer_id asio_scheduler::post_after(std::chrono::milliseconds delay, task fn) {
    if (delay < std::chrono::milliseconds::zero()) delay = std::chrono::milliseconds::zero();
    const timer_id id = impl_->next_id.fetch_add(1);
    auto timer = std::make_shared<boost::asio::steady_timer>(*impl_->ioc, delay);
    {
        std::lock_guard lock(impl_->mutex);
        impl_->timers.emplace(id, timer);
    }
    std::weak_ptr<impl> w = impl_;
    timer->async_wait([w, id, fn = std::move(fn)](const boost::system::error_code&) {
        auto s = w.lock();
        if (!s) return;
        {
            // Whoever removes the entry decides: cancel() before us means the task never runs.
            std::lock_guard lock(s->mutex);
            if (s->timers.erase(id) == 0) return;
        }
        s->run_guarded(fn);
    });
    return id;
}

bool asio_scheduler::cancel(timer_id id) {
    std::shared_ptr<boost::asio::steady_timer> timer;
    {
        std::lock_guard lock(impl_->mutex);
        auto it = impl_->timers.find(id);
        if (it == impl_->timers.end()) return false;
        timer = std::move(it->second);
        impl_->timers.erase(it);
    }
    // steady_timer is not thread-safe: cancel it on the loop so the wait ends promptly.
    boost::asio::post(*impl_->ioc, [timer] { timer->cancel(); });
    return true;
}

std::chrono::milliseconds asio_scheduler::now() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 impl_->epoch);
}

boost::asio::io_context& asio_scheduler::context() { return *impl_->ioc; }

std::size_t asio_scheduler::run() {
    auto guard = boost::asio::make_work_guard(*impl_->ioc);
    return impl_->ioc->run();
}

std::size_t asio_scheduler::run_for(std::chrono::milliseconds d) {
    auto guard = boost::asio::make_work_guard(*impl_->ioc);
    return impl_->ioc->run_for(d);
}

std::size_t asio_scheduler::poll() {
    if (impl_->ioc->stopped() && !impl_->stop_requested) impl_->ioc->restart();
    return impl_->ioc->poll();
}
void asio_scheduler::stop() {
    impl_->stop_requested = true;
    impl_->ioc->stop();
}
void asio_scheduler::restart() {
    impl_->stop_requested = false;
    impl_->ioc->restart();
}

void asio_scheduler::set_error_handler(std::function<void(std::exception_ptr)> handler) {
    std::lock_guard lock(impl_->mutex);
    impl_->on_error = std::move(handler);
}

}  // namespace lvh::ref
