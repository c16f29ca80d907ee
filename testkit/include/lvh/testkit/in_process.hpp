// The reference runtime in the test's own process, behind the client simulator's seams: a
// sim::transport over ref::in_process_client (pump = run the scheduler until idle, advance =
// move its virtual clock) and a sim::page_source over ref::endpoint::get (session and flash
// cookies). `in_process_server` puts them together as a connection_factory.
//
//   lvh::ref::view_registry views;  views.add<counter>("CounterLive");
//   lvh::ref::router routes;        routes.live("/", "CounterLive");
//   auto server = lvh::testkit::in_process_server::make(views, {}, routes);
#pragma once

#include <lvh/ref/component.hpp>
#include <lvh/ref/endpoint.hpp>
#include <lvh/ref/live_view.hpp>
#include <lvh/ref/router.hpp>
#include <lvh/ref/runtime.hpp>
#include <lvh/ref/transport.hpp>
#include <lvh/sim/transport.hpp>
#include <lvh/testkit/connection.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace lvh::testkit {

/// A socket to an endpoint in this process. connect() takes the connect params from the
/// request URL's query (as Phoenix does) and the session from its Cookie header.
class in_process_transport final : public sim::transport {
 public:
  in_process_transport(ref::endpoint& ep, ref::deterministic_scheduler& sched,
                       ref::in_process_client::mode m = ref::in_process_client::mode::json_text);
  ~in_process_transport() override;

  bool connect(const sim::connect_request& req) override;
  void send(std::string text) override;
  std::vector<std::string> receive() override;
  /// Runs the scheduler until idle: every view gets to handle what it was sent.
  void pump() override;
  void close() override;
  bool is_open() const override;
  /// Moves the scheduler's clock by d (send_after timers fire).
  void advance(std::chrono::milliseconds d) override;
  /// In frames mode the browser and the server exchange protocol::frame values, no JSON.
  bool moves_frames() const override { return mode_ == ref::in_process_client::mode::frames; }
  void send_frame(protocol::frame f) override;
  std::vector<protocol::frame> receive_frames() override;

  /// The params and connect info of the last connect (for tests of the adapter).
  const nlohmann::json& last_params() const noexcept { return params_; }
  const nlohmann::json& last_connect_info() const noexcept { return connect_info_; }

 private:
  ref::endpoint& ep_;
  ref::deterministic_scheduler& sched_;
  ref::in_process_client::mode mode_;
  std::shared_ptr<ref::in_process_client> client_;
  nlohmann::json params_ = nlohmann::json::object();
  nlohmann::json connect_info_ = nlohmann::json::object();
};

/// Page loads served by endpoint::get. Cookies: the session under session_cookie_name, the
/// flash under flash_cookie_name (cleared once a page has read it, kept across redirects
/// that carry one). A live-link GET (the 0.15 client's live redirect) answers with
/// x-response-url as Phoenix does.
class in_process_pages final : public sim::page_source {
 public:
  explicit in_process_pages(ref::endpoint& ep) : ep_(ep) {}
  sim::http_response get(const sim::http_request& req) override;

 private:
  ref::endpoint& ep_;
};

/// The value of cookie `name` in a Cookie header ("a=1; b=2"); nullopt when absent.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

struct in_process_options {
  /// Unset fields get test defaults: a fixed secret_key_base, seed 1, a logger that
  /// keeps lines in logs(), and the clock above.
  ref::endpoint_config config{};
  protocol::client_profile profile = protocol::client_profile::v0_15;
  ref::in_process_client::mode mode = ref::in_process_client::mode::json_text;
  /// Also print server log lines to stderr.
  bool echo_logs = false;
};

/// The reference runtime as a connection_factory: a deterministic scheduler, an endpoint and
/// the adapters above. The endpoint's token clock follows the scheduler's virtual clock, so
/// flash and session expiry happen in virtual time; ids are seeded (deterministic).
class in_process_server final : public connection_factory {
 public:
  using options = in_process_options;


  in_process_server(ref::view_registry views, ref::component_registry components,
                    ref::router routes, options opts);
  in_process_server(ref::view_registry views, ref::component_registry components,
                    ref::router routes);
  static std::shared_ptr<in_process_server> make(ref::view_registry views,
                                                 ref::component_registry components,
                                                 ref::router routes, options opts = {});
  ~in_process_server() override;

  std::unique_ptr<sim::transport> open_transport() override;
  sim::page_source& pages() override { return *pages_; }
  std::string base_url() const override;
  protocol::client_profile default_profile() const override { return opts_.profile; }
  std::chrono::milliseconds now() const override { return sched_.now(); }
  void advance_to(std::chrono::milliseconds t) override;
  std::optional<std::string> session_cookie(const nlohmann::json& session) override;
  nlohmann::json verify_flash(std::string_view token) override;
  std::optional<std::string> isolated_path(std::string_view view,
                                           const nlohmann::json& session) override;
  std::optional<std::string> render_component(std::string_view component,
                                              const nlohmann::json& assigns) override;

  ref::endpoint& endpoint() { return *ep_; }
  ref::deterministic_scheduler& scheduler() { return sched_; }
  /// Server log lines (crashes, refused joins), oldest first.
  const std::vector<std::string>& logs() const noexcept { return logs_; }

 private:
  options opts_;
  ref::deterministic_scheduler sched_;
  std::vector<std::string> logs_;
  std::unique_ptr<ref::endpoint> ep_;
  std::unique_ptr<in_process_pages> pages_;
};

}  // namespace lvh::testkit
