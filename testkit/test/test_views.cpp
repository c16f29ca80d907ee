#include "test_views.hpp"

#include <lvh/ref/live_view.hpp>
#include <lvh/ref/template.hpp>

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>

namespace lvh::testkit::test {
namespace {

using ref::component_socket;
using ref::event_result;
using ref::noreply;
using ref::socket;
using ref::template_;
using ref::value;
using namespace std::chrono_literals;

const template_& compiled(const char* name, const char* source) {
  static std::map<std::string, template_> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, template_::compile(source, name)).first;
  return it->second;
}

class counter_component : public ref::live_component {
 public:
  void mount(component_socket& s) override { s.assign("clicks", 0); }
  const template_& render(const component_socket&) const override {
    return compiled("counter_component",
                    "<div id=\"comp-<%= @id %>\"><span class=\"clicks\"><%= @label %>: <%= @clicks %></span>"
                    "<button id=\"bump-<%= @id %>\" phx-click=\"bump\" phx-target=\"<%= @myself %>\">bump</button></div>");
  }
  void handle_event(std::string_view event, const value&, component_socket& s) override {
    if (event != "bump") throw std::invalid_argument("no clause");
    s.assign("clicks", s.get("clicks").get<int>() + 1);
  }
};

class counter_live : public ref::live_view {
 public:
  void mount(const value&, const value&, socket& s) override {
    s.assign("count", 0);
    s.assign("page_title", "Count: 0");
  }
  const template_& render(const socket&) const override {
    return compiled("counter_live",
                    "<h1>Count: <span id=\"count\"><%= @count %></span></h1>"
                    "<button id=\"inc\" phx-click=\"inc\">+</button>"
                    "<button id=\"off\" phx-click=\"inc\" disabled>off</button>"
                    "<span id=\"plain\">no binding</span><i class=\"dup\">twin</i><i class=\"dup\">twin</i>"
                    "<%= live_component @socket, CounterComponent, id: \"c1\", label: \"bumps\" %>");
  }
  event_result handle_event(std::string_view event, const value& v, socket& s) override {
    if (event == "inc") {
      int by = 1;
      if (v.is_object() && v.contains("by") && v["by"].is_string()) by = std::stoi(v["by"].get<std::string>());
      int n = s.get("count").get<int>() + by;
      s.assign("count", n);
      s.assign("page_title", "Count: " + std::to_string(n));
      return noreply();
    }
    if (event == "crash") throw std::runtime_error("boom");
    return live_view::handle_event(event, v, s);
  }
};

class form_live : public ref::live_view {
 public:
  void mount(const value&, const value&, socket& s) override {
    s.assign("name", "");
    s.assign("error", "");
    s.assign("saved", "");
    s.assign("validations", 0);
  }
  const template_& render(const socket&) const override {
    return compiled("form_live",
                    "<form id=\"user-form\" phx-change=\"validate\" phx-submit=\"save\">"
                    "<input type=\"text\" name=\"user[name]\" value=\"<%= @name %>\" phx-debounce=\"300\"/>"
                    "<select name=\"user[role]\"><option value=\"user\">User</option><option value=\"admin\">Admin</option></select>"
                    "<input type=\"text\" name=\"user[locked]\" value=\"x\" disabled/>"
                    "<%= if @error != \"\" do %><span class=\"error\"><%= @error %></span><% end %>"
                    "<button type=\"submit\" name=\"save\" value=\"1\">Save</button>"
                    "</form>"
                    "<p id=\"validations\"><%= @validations %></p>"
                    "<%= if @saved != \"\" do %><p id=\"saved\">Saved <%= @saved %></p><% end %>"
                    "<div id=\"notform\" phx-submit=\"save\"></div>");
  }
  event_result handle_event(std::string_view event, const value& v, socket& s) override {
    std::string name;
    if (v.is_object() && v.contains("user") && v["user"].is_object()) name = v["user"].value("name", "");
    s.assign("name", name);
    s.assign("error", name.size() < 3 ? "too short" : "");
    if (event == "validate") {
      s.assign("validations", s.get("validations").get<int>() + 1);
    } else if (event == "save") {
      if (name.size() >= 3) s.assign("saved", name + " as " + v["user"].value("role", "?"));
    } else {
      return live_view::handle_event(event, v, s);
    }
    return noreply();
  }
};

class pages_live : public ref::live_view {
 public:
  void mount(const value&, const value&, socket& s) override { s.assign("page", 1); }
  void handle_params(const value& params, const std::string&, socket& s) override {
    int page = 1;
    if (params.is_object() && params.contains("page") && params["page"].is_string())
      page = std::stoi(params["page"].get<std::string>());
    s.assign("page", page);
  }
  const template_& render(const socket&) const override {
    return compiled("pages_live",
                    "<p id=\"page\">Page <%= @page %></p>"
                    "<button id=\"next\" phx-click=\"next\">next</button>"
                    "<%= live_patch \"Page 5\", to: \"/pages?page=5\" %>");
  }
  event_result handle_event(std::string_view event, const value& v, socket& s) override {
    if (event != "next") return live_view::handle_event(event, v, s);
    s.push_patch("/pages?page=" + std::to_string(s.get("page").get<int>() + 1));
    return noreply();
  }
};

class redirector_live : public ref::live_view {
 public:
  void mount(const value&, const value&, socket&) override {}
  const template_& render(const socket&) const override {
    return compiled("redirector_live", "<button id=\"go\" phx-click=\"go\">go</button>"
                                       "<button id=\"away\" phx-click=\"away\">away</button>"
                                       "<button id=\"to-flash\" phx-click=\"to-flash\">to flash</button>"
                                       "<button id=\"away-to-flash\" phx-click=\"away-to-flash\">away</button>"
                                       "<button id=\"to-page\" phx-click=\"to-page\">sign out</button>"
                                       "<button id=\"to-nowhere\" phx-click=\"to-nowhere\">lost</button>"
                                       "<a id=\"plain-link\" href=\"/form\">plain</a>"
                                       "<a id=\"live-link\" href=\"/flash\" data-phx-link=\"redirect\" "
                                       "data-phx-link-state=\"push\">live</a>");
  }
  event_result handle_event(std::string_view event, const value& v, socket& s) override {
    if (event == "go") {
      s.put_flash("info", "Moved");
      s.push_redirect("/counter");
    } else if (event == "away") {
      s.redirect("/form");
    } else if (event == "to-flash") {
      s.put_flash("info", "Hello");
      s.push_redirect("/flash");
    } else if (event == "to-page") {
      s.put_flash("info", "Signed out");
      s.redirect("/signed-out");
    } else if (event == "to-nowhere") {
      s.redirect("/nowhere");
    } else if (event == "away-to-flash") {
      s.put_flash("info", "Bye");
      s.redirect("/flash");
    } else {
      return live_view::handle_event(event, v, s);
    }
    return noreply();
  }
};

class mount_redirect_live : public ref::live_view {
 public:
  void mount(const value&, const value&, socket& s) override {
    s.put_flash("error", "Not here");
    s.push_redirect("/counter");
  }
  const template_& render(const socket&) const override { return compiled("mount_redirect", "never"); }
};

int flash_connected_mounts_ = 0;

class flash_live : public ref::live_view {
 public:
  void mount(const value&, const value&, socket& s) override {
    if (s.connected()) ++flash_connected_mounts_;
    const value& f = s.get("flash");
    s.assign("info", f.is_object() ? f.value("info", "") : std::string());
  }
  const template_& render(const socket&) const override {
    return compiled("flash_live", "<p id=\"info\">info: <%= @info %></p>");
  }
};

class mount_plain_redirect_live : public ref::live_view {
 public:
  void mount(const value&, const value&, socket& s) override { s.redirect("/form"); }
  const template_& render(const socket&) const override { return compiled("mount_plain_redirect", "never"); }
};

class connected_redirect_live : public ref::live_view {
 public:
  void mount(const value&, const value&, socket& s) override {
    if (s.connected()) s.push_redirect("/counter");
  }
  const template_& render(const socket&) const override {
    return compiled("connected_redirect", "<p>disconnected</p>");
  }
};

class clock_live : public ref::live_view {
 public:
  void mount(const value&, const value&, socket& s) override {
    s.assign("ticks", 0);
    if (s.connected()) s.send_after({{"tick", true}}, 1000ms);
  }
  const template_& render(const socket&) const override {
    return compiled("clock_live", "<p id=\"ticks\"><%= @ticks %></p>");
  }
  void handle_info(const value&, socket& s) override {
    s.assign("ticks", s.get("ticks").get<int>() + 1);
    s.send_after({{"tick", true}}, 1000ms);
  }
};

class parent_live : public ref::live_view {
 public:
  void mount(const value&, const value&, socket&) override {}
  const template_& render(const socket&) const override {
    return compiled("parent_live", "<h1>Parent</h1><%= live_render @socket, ChildLive, id: \"child1\" %>");
  }
};

class child_live : public ref::live_view {
 public:
  void mount(const value&, const value&, socket& s) override { s.assign("count", 0); }
  const template_& render(const socket&) const override {
    return compiled("child_live",
                    "<p id=\"child-count\"><%= @count %></p><button id=\"child-inc\" phx-click=\"inc\">+</button>");
  }
  event_result handle_event(std::string_view event, const value& v, socket& s) override {
    if (event != "inc") return live_view::handle_event(event, v, s);
    s.assign("count", s.get("count").get<int>() + 1);
    return noreply();
  }
};

class push_live : public ref::live_view {
 public:
  void mount(const value&, const value&, socket&) override {}
  const template_& render(const socket&) const override {
    return compiled("push_live", "<button id=\"ping\" phx-click=\"ping\">ping</button>"
                                 "<div id=\"saver\" phx-hook=\"Saver\">saver</div>");
  }
  event_result handle_event(std::string_view event, const value& v, socket& s) override {
    if (event == "ping") {
      s.push_event("pong", {{"n", 1}, {"from", "server"}});
      return noreply();
    }
    if (event == "save") return ref::reply({{"ok", true}, {"id", 7}, {"echo", v}});
    return live_view::handle_event(event, v, s);
  }
};

class echo_live : public ref::live_view {
 public:
  void mount(const value&, const value& session, socket& s) override {
    s.assign("locale", "none");
    s.assign("user", session.is_object() && session.contains("current_user_id") ? session["current_user_id"] : value(nullptr));
    const value& p = s.get_connect_params();
    if (s.connected() && p.is_object() && p.contains("locale")) s.assign("locale", p["locale"]);
  }
  const template_& render(const socket&) const override {
    return compiled("echo_live", "<p id=\"locale\"><%= @locale %></p><p id=\"user\"><%= @user %></p>");
  }
};

class keys_live : public ref::live_view {
 public:
  void mount(const value&, const value&, socket& s) override { s.assign("log", ""); }
  const template_& render(const socket&) const override {
    return compiled("keys_live",
                    "<div id=\"box\" phx-keydown=\"key\" phx-key=\"Enter\" phx-keyup=\"up\">box</div>"
                    "<input id=\"field\" name=\"field\" phx-focus=\"focused\" phx-blur=\"blurred\"/>"
                    "<input id=\"loose\" name=\"loose\" phx-change=\"loose\"/>"
                    "<p id=\"log\"><%= @log %></p>");
  }
  event_result handle_event(std::string_view event, const value& v, socket& s) override {
    std::string entry(event);
    if (v.is_object() && v.contains("key")) entry += ":" + v["key"].get<std::string>();
    s.assign("log", s.get("log").get<std::string>() + entry + ";");
    return noreply();
  }
};

class news_live : public ref::live_view {
 public:
  void mount(const value&, const value&, socket& s) override {
    s.assign("headlines", "");
    if (s.connected()) s.subscribe("news");
  }
  const template_& render(const socket&) const override {
    return compiled("news_live", "<p id=\"headlines\"><%= @headlines %></p>");
  }
  void handle_info(const value& msg, socket& s) override {
    std::string title = msg.value("title", "");
    s.assign("headlines", s.get("headlines").get<std::string>() + title + ";");
    s.push_event("headline", {{"title", title}});
  }
};

class log_form_live : public ref::live_view {
 public:
  void mount(const value&, const value&, socket& s) override {
    s.assign("events", "");
    s.assign("last", "{}");
  }
  const template_& render(const socket&) const override {
    return compiled("log_form_live",
                    "<form id=\"f\" phx-change=\"validate\" phx-submit=\"save\">"
                    "<input type=\"hidden\" name=\"token\" value=\"t0\"/>"
                    "<input type=\"text\" name=\"user[name]\" value=\"\"/>"
                    "<input type=\"text\" name=\"user[email]\" value=\"\"/>"
                    "</form>"
                    "<form id=\"slow\" phx-change=\"note\">"
                    "<input type=\"text\" name=\"note\" value=\"\" phx-debounce=\"300\"/>"
                    "</form>"
                    "<p id=\"events\"><%= @events %></p><p id=\"last\"><%= @last %></p>");
  }
  event_result handle_event(std::string_view event, const value& v, socket& s) override {
    s.assign("events", s.get("events").get<std::string>() + std::string(event) + ";");
    s.assign("last", v.dump());
    return noreply();
  }
};

}  // namespace

int flash_connected_mounts() { return flash_connected_mounts_; }

std::shared_ptr<in_process_server> make_server(in_process_server::options opts) {
  ref::view_registry views;
  views.add<counter_live>("CounterLive");
  views.add<form_live>("FormLive");
  views.add<pages_live>("PagesLive");
  views.add<redirector_live>("RedirectorLive");
  views.add<mount_redirect_live>("MountRedirectLive");
  views.add<connected_redirect_live>("ConnectedRedirectLive");
  views.add<mount_plain_redirect_live>("MountPlainRedirectLive");
  views.add<flash_live>("FlashLive");
  views.add<clock_live>("ClockLive");
  views.add<parent_live>("ParentLive");
  views.add<child_live>("ChildLive");
  views.add<push_live>("PushLive");
  views.add<echo_live>("EchoLive");
  views.add<keys_live>("KeysLive");
  views.add<news_live>("NewsLive");
  views.add<log_form_live>("LogFormLive");
  ref::component_registry components;
  components.add<counter_component>("CounterComponent");
  ref::router routes;
  routes.live("/counter", "CounterLive");
  routes.live("/form", "FormLive");
  routes.live("/pages", "PagesLive");
  routes.live("/redirector", "RedirectorLive");
  routes.live("/mount-redirect", "MountRedirectLive");
  routes.live("/connected-redirect", "ConnectedRedirectLive");
  routes.live("/mount-plain-redirect", "MountPlainRedirectLive");
  routes.live("/flash", "FlashLive");
  routes.live("/clock", "ClockLive");
  routes.live("/parent", "ParentLive");
  routes.live("/push", "PushLive");
  routes.live("/echo", "EchoLive");
  routes.live("/keys", "KeysLive");
  routes.live("/news", "NewsLive");
  routes.live("/log-form", "LogFormLive");
  return in_process_server::make(std::move(views), std::move(components), std::move(routes), std::move(opts));
}

}  // namespace lvh::testkit::test
