// A chat room over PubSub: each connected view subscribes to the room's topic, a sent message
// is broadcast to every subscriber (the sender included) and appended to the page with
// phx-update="append" and temporary assigns. Late joiners get the room's recent history.
#pragma once

#include <lvh/ref/live_view.hpp>
#include <lvh/ref/router.hpp>
#include <lvh/ref/value.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lvh::examples::chat {

inline constexpr const char* topic = "chat:lobby";

/// The room's state outside any view (what an Elixir app keeps in a GenServer or ETS): ids
/// for messages and the last few of them.
class room {
 public:
  explicit room(std::size_t keep = 20) : keep_(keep) {}

  /// Stores a message and returns it as views show it: {"id", "user", "body"}.
  ref::value post(const std::string& user, const std::string& body);
  /// Oldest first.
  ref::value recent() const;

 private:
  mutable std::mutex mutex_;
  std::size_t keep_;
  std::int64_t next_id_ = 1;
  std::vector<ref::value> recent_;
};

/// Routes "/chat" (ChatLive). The user's name is the session's "user_name".
void install(ref::view_registry& views, ref::router& routes, std::shared_ptr<room> r);

}  // namespace lvh::examples::chat
