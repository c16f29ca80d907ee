#include <lvh/ref/channel.hpp>
#include <lvh/ref/connection.hpp>
#include <lvh/ref/endpoint.hpp>

#include <lvh/protocol/messages.hpp>

namespace lvh::ref {

connection::connection(endpoint& ep, value connect_params, value connect_info, value session)
    : ep_(ep),
      id_(ep.next_serial()),
      connect_params_(std::move(connect_params)),
      connect_info_(std::move(connect_info)),
      session_(std::move(session)),
      box_(ep.sched()) {}

connection::~connection() {
    std::map<std::string, std::shared_ptr<channel>, std::less<>> channels;
    {
        std::lock_guard lock(channels_mutex_);
        closed_ = true;
        channels.swap(channels_);
    }
    for (auto& [topic, ch] : channels) ch->shutdown("closed");
}

void connection::set_sink(sink s) {
    std::lock_guard lock(out_mutex_);
    sink_ = std::move(s);
}

void connection::receive(std::string text) {
    std::weak_ptr<connection> w = weak_from_this();
    box_.post([w, text = std::move(text)] {
        auto self = w.lock();
        if (!self) return;
        auto f = protocol::decode(text, self->ep_.config().frame_limits);
        if (!f) {
            // No ref we could trust to answer (§8.4.1); the connection and its views go on.
            self->log("dropped a malformed frame: " + f.error().message());
            return;
        }
        self->handle(std::make_shared<protocol::frame>(std::move(*f)));
    });
}

void connection::receive(protocol::frame&& f) {
    post(std::make_shared<protocol::frame>(std::move(f)));
}

void connection::receive(const protocol::frame& f) { receive(protocol::frame(f)); }

void connection::post(std::shared_ptr<protocol::frame> p) {
    std::weak_ptr<connection> w = weak_from_this();
    box_.post([w, p = std::move(p)]() mutable {
        if (auto self = w.lock()) self->handle(std::move(p));
    });
}

void connection::close() {
    std::map<std::string, std::shared_ptr<channel>, std::less<>> channels;
    {
        std::lock_guard lock(channels_mutex_);
        if (closed_) return;
        closed_ = true;
        channels.swap(channels_);
    }
    for (auto& [topic, ch] : channels) ch->shutdown("closed");
}

bool connection::closed() const {
    std::lock_guard lock(channels_mutex_);
    return closed_;
}

std::vector<std::string> connection::topics() const {
    std::lock_guard lock(channels_mutex_);
    std::vector<std::string> out;
    for (const auto& [topic, ch] : channels_) out.push_back(topic);
    return out;
}

std::shared_ptr<channel> connection::find(std::string_view topic) const {
    std::lock_guard lock(channels_mutex_);
    auto it = channels_.find(topic);
    return it == channels_.end() ? nullptr : it->second;
}

bool connection::send_info(std::string_view topic, value msg) {
    auto ch = find(topic);
    return ch && ch->post_info(std::move(msg));
}

bool connection::call(std::string_view topic, value msg,
                      std::function<void(std::optional<value>)> reply) {
    auto ch = find(topic);
    if (!ch) {
        reply(std::nullopt);
        return false;
    }
    return ch->call(std::move(msg), std::move(reply));
}

void connection::emit(protocol::frame f) {
    {
        std::lock_guard lock(channels_mutex_);
        if (closed_) return;
    }
    std::lock_guard lock(out_mutex_);
    if (sink_) sink_(std::move(f));
}

void connection::channel_ended(const channel* ch, std::optional<protocol::frame> last) {
    {
        std::lock_guard lock(channels_mutex_);
        auto it = channels_.find(ch->topic());
        if (it != channels_.end() && it->second.get() == ch) channels_.erase(it);
    }
    if (last) emit(std::move(*last));
}

void connection::log(std::string_view line) const { ep_.log(line); }

void connection::reply_error(const protocol::frame& request, value response, bool null_join_ref) {
    protocol::frame out =
        protocol::make_reply(request, protocol::reply_status::error, std::move(response));
    if (null_join_ref) out.join_ref.reset();
    emit(std::move(out));
}

void connection::handle(std::shared_ptr<protocol::frame> p) {
    if (closed()) return;
    protocol::frame& f = *p;
    if (f.topic == protocol::phoenix_topic) {
        if (f.event == protocol::events::heartbeat) {
            emit(protocol::make_reply(std::move(f), protocol::reply_status::ok, value::object()));
        } else {
            emit(protocol::make_unmatched_topic_reply(f));
        }
        return;
    }
    if (f.event == protocol::events::join) return handle_join(std::move(f));
    auto ch = find(f.topic);
    if (!ch || !ch->alive()) {
        emit(protocol::make_unmatched_topic_reply(f));
        return;
    }
    // The push takes the frame; the answer to a refused one needs its refs (short strings)
    // and topic (the channel's own) only.
    std::optional<std::string> join_ref = f.join_ref, ref = f.ref;
    if (!ch->push(std::move(p))) {
        protocol::frame head{std::move(join_ref), std::move(ref), ch->topic(), {}, nullptr};
        log("view on " + head.topic + " has too many messages waiting; push " +
            head.ref.value_or("null") + " refused");
        reply_error(head, {{"reason", "overloaded"}}, false);
    }
}

void connection::handle_join(protocol::frame f) {
    if (f.topic.rfind("lv:", 0) != 0) {
        emit(protocol::make_unmatched_topic_reply(f));
        return;
    }
    auto stale = [&](std::string_view why) {
        log("join of " + f.topic + " refused (stale): " + std::string(why));
        reply_error(f, {{"reason", "stale"}}, false);
    };
    auto payload = protocol::join_payload::from_json(f.payload);
    if (!payload) return stale(payload.error().message());
    if (!has_session()) return stale("no session (CSRF token missing or invalid)");

    const auto max_age = ep_.config().session_max_age;
    auto session = ep_.verify(std::string_view(payload->session), max_age);
    if (payload->session.empty()) session.status = token_status::missing;
    if (!session.ok()) return stale(std::string("session token ") + std::string(to_string(session.status)));
    const value& sd = session.data;
    if (!sd.is_object() || !sd.contains("id") || !sd["id"].is_string() || !sd.contains("view") ||
        !sd["view"].is_string())
        return stale("session token without id or view");
    if (!ep_.views().has(sd["view"].get_ref<const std::string&>())) return stale("unknown view");

    value static_data;
    if (payload->static_token && *payload->static_token) {
        auto st = ep_.verify(std::string_view(**payload->static_token), max_age);
        if (!st.ok()) return stale(std::string("static token ") + std::string(to_string(st.status)));
        if (!st.data.is_object() || st.data.value("id", "") != sd["id"].get<std::string>())
            return stale("static token of another view");
        static_data = std::move(st.data);
    }

    std::shared_ptr<channel> parent;
    if (sd.contains("parent") && sd["parent"].is_string()) {
        parent = find("lv:" + sd["parent"].get<std::string>());
        std::uint64_t serial = sd.value("parent_serial", std::uint64_t{0});
        if (!parent || parent->serial() != serial || !parent->alive())
            return stale("the parent view is gone");
    }

    std::string join_ref = f.join_ref.value_or(f.ref.value_or(""));
    auto ch = std::make_shared<channel>(shared_from_this(), f.topic, join_ref);
    std::shared_ptr<channel> previous;
    {
        std::lock_guard lock(channels_mutex_);
        auto& slot = channels_[f.topic];
        previous = std::move(slot);
        slot = ch;
    }
    // A second join on a topic replaces the view there (§1.6.4).
    if (previous) previous->shutdown("duplicate_join");
    join_request req{std::move(f), std::move(*payload), sd, std::move(static_data), std::move(parent)};
    ch->join(std::move(req));
}

}  // namespace lvh::ref
