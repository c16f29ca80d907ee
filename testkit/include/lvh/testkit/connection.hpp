// The server a test talks to, as a parameter: a `connection_factory` opens sockets
// (lvh::sim::transport) and answers page loads (lvh::sim::page_source). The in-process
// reference runtime is one factory (in_process.hpp); a network client is another. The same
// test body runs against either.
//
//   auto server = lvh::testkit::in_process_server::make(views, components, routes);
//   auto conn = lvh::testkit::build_conn(server);
//   auto [view, html] = lvh::testkit::live(conn, "/").value();
#pragma once

#include <lvh/protocol/profile.hpp>
#include <lvh/sim/browser.hpp>
#include <lvh/sim/transport.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lvh::testkit {

namespace detail {
struct session;
}

/// Names of the cookies a LiveView app keeps (Plug session, Phoenix flash).
inline constexpr std::string_view session_cookie_name = "_lvh_key";
inline constexpr std::string_view flash_cookie_name = "__phoenix_flash__";
/// Set (to "true") by a page_source on a 302 that a live navigation during the mount caused
/// (push_redirect, or push_patch in handle_params), which live() then reports as
/// live_redirect: what Phoenix keeps in the conn (private phoenix_live_redirect) and never
/// sends over HTTP, so only a server in the test's process can say it.
inline constexpr std::string_view live_redirect_header = "x-lvh-live-redirect";

class connection_factory {
 public:
  virtual ~connection_factory() = default;

  /// A fresh, unconnected socket; one per simulated browser tab.
  virtual std::unique_ptr<sim::transport> open_transport() = 0;
  /// What answers the tab's HTTP GETs. Lives as long as the factory.
  virtual sim::page_source& pages() = 0;
  /// Scheme and host relative paths resolve against, e.g. "http://127.0.0.1:4000".
  virtual std::string base_url() const = 0;
  /// The client profile a conn uses unless told otherwise (the server's dialect).
  virtual protocol::client_profile default_profile() const { return protocol::client_profile::v0_15; }

  // -- virtual time: the server's clock. A network server has none we can move.
  virtual std::chrono::milliseconds now() const { return std::chrono::milliseconds(0); }
  /// Moves the server clock forward to `t` (never back), firing its timers in order.
  virtual void advance_to(std::chrono::milliseconds t) { (void)t; }

  // -- what only a server we own can do; the defaults say "not supported".
  /// A session cookie holding `session` (init_test_session); nullopt when unsupported.
  virtual std::optional<std::string> session_cookie(const nlohmann::json& session) {
    (void)session;
    return std::nullopt;
  }
  /// The flash map a signed flash token carries; {} when unknown or unsupported.
  virtual nlohmann::json verify_flash(std::string_view token) {
    (void)token;
    return nlohmann::json::object();
  }
  /// A path that mounts `view` outside the router with `session` (live_isolated).
  virtual std::optional<std::string> isolated_path(std::string_view view,
                                                   const nlohmann::json& session) {
    (void)view;
    (void)session;
    return std::nullopt;
  }
  /// A component rendered alone to HTML (render_component); nullopt when unsupported.
  virtual std::optional<std::string> render_component(std::string_view component,
                                                      const nlohmann::json& assigns) {
    (void)component;
    (void)assigns;
    return std::nullopt;
  }

  /// Sessions (browser tabs) opened on this server, for advance(): one clock for all.
  std::vector<std::shared_ptr<detail::session>> sessions();
  void add_session(const std::shared_ptr<detail::session>& s);

 private:
  std::vector<std::weak_ptr<detail::session>> sessions_;
};

/// The simulated browser's options a conn starts with: the simulator's own, without its
/// logs of frames and events (socket.log_limit = 0). Nothing in the testkit reads them, and
/// keeping them copies every frame; a test that wants to look at the wire through
/// browser_of(view) sets conn.browser.socket.log_limit to how many records to keep.
sim::browser_options default_browser_options();

/// A test's connection, as Plug.Conn in LiveViewTest: the server, the request cookies
/// (session, flash), the socket's connect params and the client profile to emulate.
struct conn {
  std::shared_ptr<connection_factory> server;
  std::optional<protocol::client_profile> profile;
  nlohmann::json connect_params = nlohmann::json::object();
  std::map<std::string, std::string> cookies;
  /// Everything else the simulated browser takes (timing defaults, socket options, ...).
  /// Its `profile` and `connect_params` are overridden by the fields above.
  sim::browser_options browser = default_browser_options();
};

conn build_conn(std::shared_ptr<connection_factory> server);
/// The params mount reads with get_connect_params.
conn put_connect_params(conn c, nlohmann::json params);
/// A conn whose HTTP session holds `session` (Plug.Test.init_test_session). Throws
/// testkit_error when the server cannot make session cookies.
conn init_test_session(conn c, const nlohmann::json& session);
/// A conn with a request cookie set.
conn put_req_cookie(conn c, std::string name, std::string value);

}  // namespace lvh::testkit
