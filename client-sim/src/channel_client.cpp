#include <lvh/sim/channel_client.hpp>

#include <lvh/protocol/messages.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace lvh::sim {
namespace {

bool is_lifecycle(std::string_view event) {
  return event == protocol::events::join || event == protocol::events::leave ||
         event == protocol::events::reply || event == protocol::events::error ||
         event == protocol::events::close;
}

std::int64_t backoff(const std::vector<std::int64_t>& steps, int tries) {
  if (steps.empty()) return 0;
  const auto i = static_cast<std::size_t>(std::max(tries, 1) - 1);
  return i < steps.size() ? steps[i] : steps.back();
}

// The channels as they are now, to go through while callbacks open or remove some (a removed
// one lives on until sweep()). Held inline for the usual few: one per frame handled.
class channel_list {
 public:
  explicit channel_list(const std::vector<std::unique_ptr<channel>>& from) : n_(from.size()) {
    channel** out = inline_.data();
    if (n_ > inline_.size()) {
      heap_.resize(n_);
      out = heap_.data();
    }
    for (std::size_t i = 0; i < n_; ++i) out[i] = from[i].get();
  }
  channel* const* begin() const noexcept { return n_ > inline_.size() ? heap_.data() : inline_.data(); }
  channel* const* end() const noexcept { return begin() + n_; }

 private:
  std::size_t n_;
  std::array<channel*, 4> inline_{};
  std::vector<channel*> heap_;
};

}  // namespace

std::string_view to_string(channel_state s) noexcept {
  switch (s) {
    case channel_state::closed: return "closed";
    case channel_state::errored: return "errored";
    case channel_state::joined: return "joined";
    case channel_state::joining: return "joining";
    case channel_state::leaving: return "leaving";
  }
  return "closed";
}

// ---------------------------------------------------------------------------------------
// channel

channel::channel(channel_client& socket, std::string topic, callbacks cb)
    : socket_(socket),
      topic_(std::move(topic)),
      cb_(std::move(cb)),
      join_timeout_ms_(socket.options().timeout_ms) {}

bool channel::can_push() const { return socket_.connected() && state_ == channel_state::joined; }

void channel::join(std::optional<std::int64_t> timeout_ms) {
  if (timeout_ms) join_timeout_ms_ = *timeout_ms;
  joined_once_ = true;
  rejoin();
}

void channel::rejoin() {
  if (state_ == channel_state::leaving) return;
  // phoenix.js leaves a duplicate open channel on the same topic first.
  for (channel* other : channel_list(socket_.channels_)) {
    if (other != this && other->topic_ == topic_ &&
        (other->state_ == channel_state::joined || other->state_ == channel_state::joining))
      other->leave();
  }
  state_ = channel_state::joining;
  send_join();
}

void channel::send_join() {
  if (join_timer_) socket_.clock_.clear_timeout(join_timer_);
  join_ref_ = socket_.make_ref();
  join_pending_ = true;
  nlohmann::json payload = cb_.join_payload ? cb_.join_payload() : nlohmann::json::object();
  if (!payload.is_object()) payload = nlohmann::json::object();
  protocol::frame f{join_ref_, join_ref_, topic_, std::string(protocol::events::join),
                    std::move(payload)};
  std::weak_ptr<bool> alive = socket_.alive_;
  const std::string ref = join_ref_;
  join_timer_ = socket_.clock_.set_timeout(join_timeout_ms_, [this, alive, ref] {
    if (alive.expired() || !join_pending_ || join_ref_ != ref) return;
    join_timer_ = 0;
    join_pending_ = false;
    // phoenix.js: leave what may have joined late, mark errored, retry with back-off.
    socket_.send_frame(protocol::make_phx_leave(topic_, join_ref_, socket_.make_ref()));
    state_ = channel_state::errored;
    if (socket_.connected()) schedule_rejoin();
    if (cb_.on_join) cb_.on_join(reply_result{"timeout", nlohmann::json::object(), ref});
  });
  socket_.send_frame(f);
}

void channel::start_timeout(pending_push& p) {
  if (p.timer) socket_.clock_.clear_timeout(p.timer);
  p.ref = socket_.make_ref();
  // A pointer and a number, kept in the callback itself: no allocation per push. A channel
  // that goes away disarms its pushes' timers first (disarm_pushes).
  p.timer = socket_.clock_.set_timeout(p.timeout_ms, [this, id = p.id] { push_timed_out(id); });
}

void channel::push_timed_out(std::uint64_t id) {
  pending_push push;
  auto take = [&](std::vector<pending_push>& from) {
    auto it = std::find_if(from.begin(), from.end(), [id](const pending_push& p) { return p.id == id; });
    if (it == from.end()) return false;
    push = std::move(*it);
    from.erase(it);
    return true;
  };
  if (!take(awaiting_) && !take(buffer_)) return;
  push.timer = 0;
  if (push.handler) push.handler(reply_result{"timeout", nlohmann::json::object(), push.ref});
}

void channel::disarm_pushes() noexcept {
  for (auto& p : awaiting_)
    if (p.timer) socket_.clock_.disarm(p.timer);
  for (auto& p : buffer_)
    if (p.timer) socket_.clock_.disarm(p.timer);
}

std::string channel::send_push(pending_push p) {
  start_timeout(p);
  awaiting_.push_back(std::move(p));
  pending_push& sent = awaiting_.back();
  std::string ref = sent.ref;
  // A push is sent once (phoenix.js only resends joins): its event and payload move into
  // the frame, whose copy in the sent log is the one kept. The frame is protocol::make_push's,
  // built in place.
  socket_.send_frame(protocol::frame{join_ref_, sent.ref, topic_, std::move(sent.event),
                                     std::move(sent.payload)});
  return ref;
}

std::string channel::push(std::string event, nlohmann::json payload, reply_handler on_reply,
                          std::optional<std::int64_t> timeout_ms) {
  pending_push p;
  p.event = std::move(event);
  p.payload = std::move(payload);
  p.handler = std::move(on_reply);
  p.timeout_ms = timeout_ms.value_or(socket_.options().timeout_ms);
  p.id = ++pushes_;
  if (can_push()) return send_push(std::move(p));
  // Buffered until the join succeeds; the ref taken now is replaced when it is sent.
  start_timeout(p);
  buffer_.push_back(std::move(p));
  return buffer_.back().ref;
}

void channel::leave() {
  cancel_rejoin();
  if (join_timer_) socket_.clock_.clear_timeout(join_timer_);
  join_timer_ = 0;
  join_pending_ = false;
  state_ = channel_state::leaving;
  // phoenix.js sends the leave, but since the channel is no longer joined it does not wait
  // for the reply: the channel closes at once.
  socket_.send_leave(topic_, join_ref_);
  trigger_close();
}

void channel::schedule_rejoin() {
  // Like phoenix.js's Timer.scheduleTimeout: a new delay, the attempt count kept.
  if (rejoin_timer_) socket_.clock_.clear_timeout(rejoin_timer_);
  rejoin_timer_ = 0;
  std::weak_ptr<bool> alive = socket_.alive_;
  const int next = rejoin_tries_ + 1;
  rejoin_timer_ = socket_.clock_.set_timeout(backoff(socket_.opts_.rejoin_after_ms, next),
                                             [this, alive] {
                                               if (alive.expired()) return;
                                               rejoin_timer_ = 0;
                                               ++rejoin_tries_;
                                               if (socket_.connected()) rejoin();
                                             });
}

void channel::cancel_rejoin() {
  if (rejoin_timer_) socket_.clock_.clear_timeout(rejoin_timer_);
  rejoin_timer_ = 0;
  rejoin_tries_ = 0;
}

void channel::trigger_error() {
  if (state_ == channel_state::leaving || state_ == channel_state::closed) return;
  if (state_ == channel_state::joining) {
    join_pending_ = false;
    if (join_timer_) socket_.clock_.clear_timeout(join_timer_);
    join_timer_ = 0;
  }
  state_ = channel_state::errored;
  if (socket_.connected()) schedule_rejoin();
  if (cb_.on_error) cb_.on_error();
}

void channel::trigger_close() {
  cancel_rejoin();
  state_ = channel_state::closed;
  for (auto& p : awaiting_)
    if (p.timer) socket_.clock_.clear_timeout(p.timer);
  for (auto& p : buffer_)
    if (p.timer) socket_.clock_.clear_timeout(p.timer);
  awaiting_.clear();
  buffer_.clear();
  auto cb = cb_.on_close;
  socket_.remove(*this);
  if (cb) cb();
}

void channel::handle_reply(protocol::frame& f) {
  // What protocol::reply::from_frame accepts ({"status": "ok"|"error", "response": {…}})
  // gives the same result as the fallback for other shapes, which phoenix.js does not
  // check either: the status when it is a string, else "error", and the response as sent.
  // The response starts null, not as the empty object a default reply_result allocates:
  // it is replaced just below (the frame's, or an empty object when it has none).
  reply_result r{std::string(), nlohmann::json(), f.ref.value_or("")};
  const nlohmann::json& payload = f.payload;
  const auto status = payload.find("status");
  r.status = status != payload.end() && status->is_string()
                 ? status->get_ref<const std::string&>()
                 : std::string("error");
  // The response is lent to the reply rather than copied: the frame, which nothing else
  // can reach before it is logged, gets it back once the handlers ran.
  struct lent_response {
    nlohmann::json* from;
    reply_result& to;
    ~lent_response() {
      if (from) *from = std::move(to.response);
    }
  } lent{nullptr, r};
  if (const auto response = f.payload.find("response"); response != f.payload.end()) {
    lent.from = &*response;
    r.response = std::move(*response);
  } else {
    r.response = nlohmann::json::object();
  }
  if (join_pending_ && r.ref == join_ref_) {
    join_pending_ = false;
    if (join_timer_) socket_.clock_.clear_timeout(join_timer_);
    join_timer_ = 0;
    if (r.ok()) {
      state_ = channel_state::joined;
      cancel_rejoin();
      auto pending = std::move(buffer_);
      buffer_.clear();
      for (auto& p : pending) send_push(std::move(p));
    } else {
      state_ = channel_state::errored;
      if (socket_.connected()) schedule_rejoin();
    }
    if (cb_.on_join) cb_.on_join(r);
    return;
  }
  auto it = std::find_if(awaiting_.begin(), awaiting_.end(),
                         [&r](const pending_push& p) { return p.ref == r.ref; });
  if (it == awaiting_.end()) return;
  pending_push p = std::move(*it);
  awaiting_.erase(it);
  if (p.timer) socket_.clock_.clear_timeout(p.timer);
  p.timer = 0;
  if (p.handler) p.handler(r);
}

// ---------------------------------------------------------------------------------------
// channel_client

channel_client::channel_client(transport& t, virtual_clock& clock, socket_options opts)
    : transport_(t), clock_(clock), opts_(std::move(opts)) {}

channel_client::~channel_client() {
  *alive_ = false;
  // The pushes' timers outlive the channels, doing nothing (as phoenix.js's would find
  // nothing to do).
  for (auto& ch : channels_) ch->disarm_pushes();
  for (auto& ch : graveyard_) ch->disarm_pushes();
  if (heartbeat_timer_) clock_.clear_timeout(heartbeat_timer_);
  if (reconnect_timer_) clock_.clear_timeout(reconnect_timer_);
}

std::string channel_client::make_ref() { return std::to_string(++ref_); }

bool channel_client::connected() const noexcept { return open_ && transport_.is_open(); }

bool channel_client::connect(connect_request req) {
  last_connect_ = std::move(req);
  closed_on_purpose_ = false;
  if (open_) return true;
  ++connects_;
  if (!transport_.connect(last_connect_)) {
    schedule_reconnect();
    return false;
  }
  on_open();
  return true;
}

void channel_client::on_open() {
  open_ = true;
  reconnect_tries_ = 0;
  if (reconnect_timer_) clock_.clear_timeout(reconnect_timer_);
  reconnect_timer_ = 0;
  pending_heartbeat_.reset();
  // phoenix.js: flush what was pushed while the socket was down, then the channels'
  // onOpen registrations reset their back-off and rejoin the errored ones.
  auto buffered = std::move(send_buffer_);
  send_buffer_.clear();
  for (auto& f : buffered) transmit(std::move(f));
  schedule_heartbeat();
  for (channel* ch : channels()) {
    ch->cancel_rejoin();
    if (ch->state_ == channel_state::errored) ch->rejoin();
  }
}

void channel_client::disconnect() {
  closed_on_purpose_ = true;
  if (heartbeat_timer_) clock_.clear_timeout(heartbeat_timer_);
  heartbeat_timer_ = 0;
  if (reconnect_timer_) clock_.clear_timeout(reconnect_timer_);
  reconnect_timer_ = 0;
  if (open_) transport_.close();
  open_ = false;
  // A clean close errors the channels too (phoenix.js onConnClose), without reconnecting;
  // like triggerChanError, not those already errored (a refused join's).
  for (channel* ch : channels())
    if (ch->state_ != channel_state::errored) ch->trigger_error();
  sweep();
}

void channel_client::lost(std::string why) {
  errors_.push_back("socket closed: " + why);
  transport_.close();
  open_ = false;
  if (heartbeat_timer_) clock_.clear_timeout(heartbeat_timer_);
  heartbeat_timer_ = 0;
  pending_heartbeat_.reset();
  for (channel* ch : channels())
    if (ch->state_ != channel_state::errored) ch->trigger_error();
  sweep();
  if (!closed_on_purpose_) schedule_reconnect();
}

void channel_client::schedule_reconnect() {
  if (reconnect_timer_) clock_.clear_timeout(reconnect_timer_);
  std::weak_ptr<bool> alive = alive_;
  const int next = reconnect_tries_ + 1;
  reconnect_timer_ = clock_.set_timeout(backoff(opts_.reconnect_after_ms, next), [this, alive] {
    if (alive.expired()) return;
    reconnect_timer_ = 0;
    ++reconnect_tries_;
    ++connects_;
    if (transport_.connect(last_connect_)) {
      on_open();
    } else {
      schedule_reconnect();
    }
  });
}

void channel_client::schedule_heartbeat() {
  if (heartbeat_timer_) clock_.clear_timeout(heartbeat_timer_);
  std::weak_ptr<bool> alive = alive_;
  heartbeat_timer_ = clock_.set_timeout(opts_.heartbeat_interval_ms, [this, alive] {
    if (alive.expired()) return;
    heartbeat_timer_ = 0;
    send_heartbeat();
  });
}

void channel_client::send_heartbeat() {
  if (!connected()) return;
  if (pending_heartbeat_) {
    ++heartbeat_timeouts_;
    lost("heartbeat timeout");
    return;
  }
  pending_heartbeat_ = make_ref();
  send_frame(protocol::make_heartbeat(*pending_heartbeat_));
  schedule_heartbeat();
}

void channel_client::send_frame(protocol::frame f) {
  if (keeps_logs()) {
    detail::trim_log(sent_, opts_.log_limit);
    sent_.push_back(f);
  }
  if (!open_) {
    send_buffer_.push_back(std::move(f));
    return;
  }
  transmit(std::move(f));
}

void channel_client::transmit(protocol::frame f) {
  if (transport_.moves_frames()) {
    transport_.send_frame(std::move(f));
    return;
  }
  transport_.send_encoded(protocol::encode(f), f);
  protocol::release(f.payload);  // cheaper than its destructor
}

void channel_client::send_leave(const std::string& topic, const std::string& join_ref) {
  protocol::frame f = protocol::make_phx_leave(topic, join_ref, make_ref());
  if (join_ref.empty()) f.join_ref.reset();  // never joined: phoenix.js sends null
  send_frame(f);
}

channel& channel_client::open_channel(std::string topic, channel::callbacks cb) {
  make_ref();  // the channel's socket.onError registration
  make_ref();  // and its socket.onOpen registration
  channels_.push_back(std::unique_ptr<channel>(new channel(*this, std::move(topic), std::move(cb))));
  return *channels_.back();
}

void channel_client::remove(channel& ch) {
  for (auto it = channels_.begin(); it != channels_.end(); ++it) {
    if (it->get() == &ch) {
      // The channel may be running one of its callbacks: keep it alive until sweep().
      graveyard_.push_back(std::move(*it));
      channels_.erase(it);
      return;
    }
  }
}

void channel_client::sweep() {
  if (dispatching_ > 0) return;
  detail::trim_log(received_, opts_.log_limit);  // no frame holds a slot in it now
  for (auto& ch : graveyard_) {
    for (auto& p : ch->awaiting_)
      if (p.timer) clock_.clear_timeout(std::exchange(p.timer, 0));
    ch->disarm_pushes();  // the buffered ones (the others have no timer now)
    if (ch->join_timer_) clock_.clear_timeout(ch->join_timer_);
    if (ch->rejoin_timer_) clock_.clear_timeout(ch->rejoin_timer_);
  }
  graveyard_.clear();
}

std::vector<channel*> channel_client::channels() const {
  std::vector<channel*> out;
  out.reserve(channels_.size());
  for (const auto& ch : channels_) out.push_back(ch.get());
  return out;
}

void channel_client::handle_text(const std::string& text) {
  auto f = protocol::decode(text);
  if (!f) {
    errors_.push_back(f.error().message());
    return;
  }
  handle_frame(std::move(*f));
}

void channel_client::handle_frame(protocol::frame frame) {
  // The log keeps arrival order even when handling this frame receives more: its place is
  // taken now and filled once the frame is handled (the vector may move meanwhile).
  std::vector<protocol::frame>* log = keeps_logs() ? &received_ : nullptr;
  const std::size_t slot = received_.size();
  // A null payload: a default frame's empty object would be allocated only to be replaced.
  if (log) log->push_back(protocol::frame{std::nullopt, std::nullopt, {}, {}, nlohmann::json()});
  struct fill {
    std::vector<protocol::frame>* log;
    std::size_t at;
    protocol::frame& f;
    ~fill() {
      if (log)
        (*log)[at] = std::move(f);
      else
        protocol::release(f.payload);  // cheaper than its destructor
    }
  } logged{log, slot, frame};
  protocol::frame* f = &frame;
  {
  ++dispatching_;
  struct guard {
    int& d;
    ~guard() { --d; }
  } g{dispatching_};
  if (f->topic == protocol::phoenix_topic && f->event == protocol::events::reply && f->ref &&
      pending_heartbeat_ && *f->ref == *pending_heartbeat_) {
    pending_heartbeat_.reset();
    return;
  }
  // Every channel on the topic is a member, except that lifecycle frames with another
  // join_ref are stale for it.
  for (channel* ch : channel_list(channels_)) {
    if (ch->topic_ != f->topic) continue;
    if (f->join_ref && *f->join_ref != ch->join_ref_ && is_lifecycle(f->event)) continue;
    if (f->event == protocol::events::reply) {
      ch->handle_reply(*f);
    } else if (f->event == protocol::events::error) {
      ch->trigger_error();
    } else if (f->event == protocol::events::close) {
      ch->trigger_close();
    } else if (ch->cb_.on_message) {
      ch->cb_.on_message(*f);
    }
  }
  }
  sweep();
}

std::size_t channel_client::drain() {
  std::size_t n = 0;
  while (n < opts_.max_frames_per_drain) {
    transport_.pump();
    std::size_t got = 0;
    if (transport_.moves_frames()) {
      auto frames = transport_.receive_frames();
      got = frames.size();
      for (auto& f : frames) handle_frame(std::move(f));
    } else {
      auto texts = transport_.receive();
      got = texts.size();
      for (const auto& text : texts) handle_text(text);
    }
    if (got == 0) {
      if (open_ && !transport_.is_open() && !closed_on_purpose_) lost("transport closed");
      break;
    }
    n += got;
  }
  return n;
}

}  // namespace lvh::sim
