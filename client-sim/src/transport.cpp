#include <lvh/sim/transport.hpp>

#include <lvh/protocol/messages.hpp>

namespace lvh::sim {
namespace {

/// "http://host:4000/a?b" → "/a?b"; anything without a scheme is returned as is.
std::string path_and_query(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  auto slash = url.find('/', scheme + 3);
  if (slash == std::string_view::npos) return "/";
  auto hash = url.find('#', slash);
  return std::string(url.substr(slash, hash == std::string_view::npos ? url.npos : hash - slash));
}

}  // namespace

const std::string* http_response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return &v;
  return nullptr;
}

void static_pages::add(std::string url, http_response r) {
  for (auto& [u, resp] : pages_) {
    if (u == url) {
      resp = std::move(r);
      return;
    }
  }
  pages_.emplace_back(std::move(url), std::move(r));
}

http_response static_pages::get(const http_request& req) {
  requests_.push_back(req);
  const std::string pq = path_and_query(req.url);
  for (const auto& [u, resp] : pages_)
    if (u == pq) return resp;
  for (const auto& [u, resp] : pages_)
    if (u == req.url) return resp;
  return http_response{404, "Not Found", {}, {}, {}};
}

// ---------------------------------------------------------------------------------------

scripted_transport::response reply_ok(nlohmann::json response) {
  scripted_transport::response r;
  r.what = scripted_transport::response::kind::reply;
  r.payload = {{"status", "ok"}, {"response", std::move(response)}};
  return r;
}

scripted_transport::response reply_error(nlohmann::json response) {
  scripted_transport::response r;
  r.what = scripted_transport::response::kind::reply;
  r.payload = {{"status", "error"}, {"response", std::move(response)}};
  return r;
}

scripted_transport::response server_push(std::string event, nlohmann::json payload) {
  scripted_transport::response r;
  r.what = scripted_transport::response::kind::push;
  r.event = std::move(event);
  r.payload = std::move(payload);
  return r;
}

scripted_transport::rule& scripted_transport::on(std::string event, std::vector<response> answer,
                                                 bool repeat) {
  rule r;
  r.event = std::move(event);
  r.answer = std::move(answer);
  r.repeat = repeat;
  rules_.push_back(std::move(r));
  return rules_.back();
}

void scripted_transport::push(const protocol::frame& f) { inbox_.push_back(protocol::encode(f)); }

bool scripted_transport::connect(const connect_request& req) {
  connects_.push_back(req);
  if (refuse_) return false;
  open_ = true;
  return true;
}

std::size_t scripted_transport::unused_rules() const noexcept {
  std::size_t n = 0;
  for (const auto& r : rules_)
    if (!r.used) ++n;
  return n;
}

void scripted_transport::deliver(const protocol::frame& request, const response& r) {
  // The channel's join_ref: a join's own ref, else the request's join_ref.
  std::optional<std::string> join_ref =
      request.event == protocol::events::join ? request.ref : request.join_ref;
  switch (r.what) {
    case response::kind::raw: inbox_.push_back(r.raw); break;
    case response::kind::reply: {
      protocol::frame f{join_ref, request.ref, request.topic,
                        std::string(protocol::events::reply), r.payload};
      inbox_.push_back(protocol::encode(f));
      break;
    }
    case response::kind::push: {
      protocol::frame f{join_ref, std::nullopt, request.topic, r.event, r.payload};
      if (r.event == protocol::events::error || r.event == protocol::events::close)
        f.ref = join_ref;
      inbox_.push_back(protocol::encode(f));
      break;
    }
  }
}

void scripted_transport::send(std::string text) {
  if (!open_) return;
  auto f = protocol::decode(text);
  if (!f) {
    protocol::frame bad;
    bad.event = "<undecodable>";
    bad.payload = {{"text", text}, {"error", f.error().message()}};
    sent_.push_back(std::move(bad));
    return;
  }
  sent_.push_back(*f);
  if (protocol::is_heartbeat(*f)) {
    if (heartbeats_) inbox_.push_back(protocol::encode(protocol::make_heartbeat_reply(*f->ref)));
    return;
  }
  for (auto& r : rules_) {
    if (r.used && !r.repeat) continue;
    if (r.event != "*" && r.event != f->event) continue;
    if (r.when && !r.when(*f)) continue;
    r.used = true;
    for (const auto& a : r.answer) deliver(*f, a);
    return;
  }
  if (fallback_) {
    auto answer = fallback_(*f);
    for (const auto& a : answer) deliver(*f, a);
    if (!answer.empty()) return;
  }
  unanswered_.push_back(*f);
}

std::vector<std::string> scripted_transport::receive() {
  std::vector<std::string> out;
  out.swap(inbox_);
  return out;
}

}  // namespace lvh::sim
