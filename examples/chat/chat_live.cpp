#include "chat_live.hpp"

#include "../common/example_support.hpp"

#include <utility>

namespace lvh::examples::chat {

ref::value room::post(const std::string& user, const std::string& body) {
  std::lock_guard lock(mutex_);
  ref::value m = {{"id", next_id_++}, {"user", user}, {"body", body}};
  recent_.push_back(m);
  if (recent_.size() > keep_) recent_.erase(recent_.begin());
  return m;
}

ref::value room::recent() const {
  std::lock_guard lock(mutex_);
  return ref::value(recent_);
}

namespace {

using ref::socket;
using ref::value;

class chat_live final : public ref::live_view {
 public:
  explicit chat_live(std::shared_ptr<room> r) : room_(std::move(r)) {}

  void mount(const value&, const value& session, socket& s) override {
    // Only the connected view listens: the disconnected render is gone once sent.
    if (s.connected()) s.subscribe(topic);
    auto user = session.is_object() ? session.value("user_name", value()) : value();
    s.assign("user", user.is_string() ? user : value("anonymous"));
    s.assign("messages", room_->recent());
    // Rendered once, then forgotten: the client keeps them (phx-update="append").
    s.set_temporary_assigns({{"messages", value::array()}});
  }

  const ref::template_& render(const socket&) const override {
    static const ref::template_ t = load_template("chat/chat_live.html.leex");
    return t;
  }

  ref::event_result handle_event(std::string_view event, const value& payload, socket& s) override {
    if (event != "send") return live_view::handle_event(event, payload, s);
    const value* body = nullptr;
    if (payload.is_object() && payload.contains("message") && payload["message"].is_object() &&
        payload["message"].contains("body") && payload["message"]["body"].is_string())
      body = &payload["message"]["body"];
    if (body == nullptr || body->get_ref<const std::string&>().empty()) return ref::noreply();
    s.broadcast(topic, {{"new_message", room_->post(s.get("user").get<std::string>(), body->get<std::string>())}});
    return ref::noreply();
  }

  void handle_info(const value& msg, socket& s) override {
    if (!msg.is_object() || !msg.contains("new_message")) return live_view::handle_info(msg, s);
    s.assign("messages", value::array({msg["new_message"]}));
  }

 private:
  std::shared_ptr<room> room_;
};

}  // namespace

void install(ref::view_registry& views, ref::router& routes, std::shared_ptr<room> r) {
  views.add("ChatLive", [r = std::move(r)] { return std::unique_ptr<ref::live_view>(new chat_live(r)); });
  routes.live("/chat", "ChatLive");
}

}  // namespace lvh::examples::chat
