#include <lvh/ref/runtime.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <vector>

namespace lvh::ref {

struct pubsub::impl {
    struct subscription {
        subscriber_id id;
        mailbox_ref box;
        std::shared_ptr<const callback> cb;
    };

    mutable std::mutex mutex;
    // Subscription order within a topic is the fan-out order.
    std::map<std::string, std::vector<subscription>, std::less<>> topics;
};

pubsub::pubsub() : impl_(std::make_unique<impl>()) {}
pubsub::~pubsub() = default;

void pubsub::subscribe(std::string topic, subscriber_id id, mailbox_ref box, callback cb) {
    std::lock_guard lock(impl_->mutex);
    impl_->topics[std::move(topic)].push_back(
        {std::move(id), std::move(box), std::make_shared<const callback>(std::move(cb))});
}

std::size_t pubsub::unsubscribe(std::string_view topic, std::string_view id) {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->topics.find(topic);
    if (it == impl_->topics.end()) return 0;
    const auto n = std::erase_if(it->second, [&](const auto& s) { return s.id == id; });
    if (it->second.empty()) impl_->topics.erase(it);
    return n;
}

std::size_t pubsub::unsubscribe_all(std::string_view id) {
    std::lock_guard lock(impl_->mutex);
    std::size_t n = 0;
    for (auto it = impl_->topics.begin(); it != impl_->topics.end();) {
        n += std::erase_if(it->second, [&](const auto& s) { return s.id == id; });
        it = it->second.empty() ? impl_->topics.erase(it) : std::next(it);
    }
    return n;
}

std::size_t pubsub::broadcast(std::string_view topic, const nlohmann::json& message,
                              std::optional<std::string_view> from) {
    std::vector<impl::subscription> targets;
    {
        std::lock_guard lock(impl_->mutex);
        auto it = impl_->topics.find(topic);
        if (it == impl_->topics.end()) return 0;
        // A subscriber whose mailbox is gone will never read again (its process died).
        std::erase_if(it->second, [](const auto& s) { return !s.box.alive(); });
        for (const auto& s : it->second)
            if (!from || s.id != *from) targets.push_back(s);
        if (it->second.empty()) impl_->topics.erase(it);
    }
    // Posting outside the lock: a mailbox may run its handler on another thread at once.
    auto shared_message = std::make_shared<const nlohmann::json>(message);
    auto shared_topic = std::make_shared<const std::string>(topic);
    std::size_t n = 0;
    for (auto& s : targets) {
        if (s.box.post([cb = s.cb, shared_topic, shared_message] {
                (*cb)(*shared_topic, *shared_message);
            }))
            ++n;
    }
    return n;
}

std::size_t pubsub::subscriber_count(std::string_view topic) const {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->topics.find(topic);
    return it == impl_->topics.end() ? 0 : it->second.size();
}

}  // namespace lvh::ref
