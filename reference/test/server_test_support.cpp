#include "server_test_support.hpp"

#include <lvh/ref/template.hpp>

#include <map>
#include <stdexcept>

namespace lvh::ref::test {

namespace {

const template_& compiled(const char* source, const char* name) {
    // Compiled once per process, as a view module's template is.
    static std::map<std::string, template_> cache;
    auto it = cache.find(name);
    if (it == cache.end()) it = cache.emplace(name, template_::compile(source, name)).first;
    return it->second;
}


int count_of(const socket& s) { return s.get("count").get<int>(); }

class crashy_live : public live_view {
public:
    void mount(const value&, const value&, socket& s) override {
        s.assign("count", 0);
        s.assign("page", "1");
        s.assign("last_params", value::object());
    }
    void handle_params(const value& params, const std::string& uri, socket& s) override {
        s.assign("page", params.value("page", "1"));
        s.assign("uri", uri);
    }
    const template_& render(const socket&) const override {
        return compiled("<div id=\"crashy\">count=<%= @count %> page=<%= @page %></div>"
                        "<%= live_component @socket, \"Item\", id: \"c1\", label: \"x\" %>",
                        "crashy");
    }
    event_result handle_event(std::string_view event, const value& v, socket& s) override {
        if (event == "inc") s.assign("count", count_of(s) + 1);
        else if (event == "boom") throw std::runtime_error("boom");
        else if (event == "reply") return reply({{"n", count_of(s)}});
        else if (event == "push") s.push_event("hi", {{"a", 1}});
        else if (event == "patch") s.push_patch("/crashy?page=2");
        else if (event == "patch_replace") s.push_patch("/crashy?page=3", true);
        else if (event == "live_redirect") s.push_redirect("/other");
        else if (event == "redirect") s.put_flash("info", "bye").redirect("/other");
        else if (event == "flash") s.put_flash("info", "hello");
        else if (event == "update_comp") s.send_update("Item", "c1", {{"label", "updated"}});
        else if (event == "update_later")
            s.send_update_after("Item", "c1", {{"label", "later"}}, std::chrono::milliseconds(500));
        else if (event == "bad_utf8") s.push_event("x", {{"s", std::string("\xff\xfe")}});
        else return live_view::handle_event(event, v, s);
        return noreply();
    }
    value handle_call(const value& msg, socket& s) override {
        if (msg == "get") return count_of(s);
        if (msg == "inc") {
            s.assign("count", count_of(s) + 1);
            return "ok";
        }
        return live_view::handle_call(msg, s);
    }
};

class ticker_live : public live_view {
public:
    void mount(const value&, const value&, socket& s) override {
        s.assign("count", 0);
        if (s.connected()) timer_ = s.send_after({{"tick", true}}, std::chrono::milliseconds(1000));
    }
    const template_& render(const socket&) const override {
        return compiled("<p><%= @count %></p>", "ticker");
    }
    void handle_info(const value& msg, socket& s) override {
        if (msg.contains("tick")) {
            s.assign("count", count_of(s) + 1);
            timer_ = s.send_after({{"tick", true}}, std::chrono::milliseconds(1000));
        } else {
            live_view::handle_info(msg, s);
        }
    }
    event_result handle_event(std::string_view event, const value& v, socket& s) override {
        if (event != "stop") return live_view::handle_event(event, v, s);
        s.cancel_timer(timer_);
        return noreply();
    }

private:
    std::uint64_t timer_ = 0;
};

class chat_live : public live_view {
public:
    void mount(const value&, const value&, socket& s) override {
        s.assign("messages", value::array());
        if (s.connected()) s.subscribe("room");
    }
    const template_& render(const socket&) const override {
        return compiled("<ul><%= for m <- @messages do %><li><%= m %></li><% end %></ul>", "chat");
    }
    event_result handle_event(std::string_view event, const value& v, socket& s) override {
        if (event != "say") return live_view::handle_event(event, v, s);
        s.broadcast("room", {{"msg", v.value("text", "")}});
        return noreply();
    }
    void handle_info(const value& msg, socket& s) override {
        value list = s.get("messages");
        list.push_back(msg.value("msg", ""));
        s.assign("messages", list);
    }
};

class parent_live : public live_view {
public:
    void mount(const value&, const value&, socket& s) override {
        s.assign("count", 0);
        s.assign("shared", "from-parent");
        s.assign("tab", "none");
    }
    void handle_params(const value& params, const std::string&, socket& s) override {
        s.assign("tab", params.value("tab", "none"));
    }
    const template_& render(const socket&) const override {
        return compiled("<p>parent <%= @count %></p><%= live_render @socket, \"Child\", id: \"child1\" %>"
                        "<i><%= @tab %></i>",
                        "parent");
    }
    event_result handle_event(std::string_view event, const value& v, socket& s) override {
        if (event == "inc") s.assign("count", count_of(s) + 1);
        else if (event == "boom") throw std::runtime_error("parent boom");
        else return live_view::handle_event(event, v, s);
        return noreply();
    }
};

class child_live : public live_view {
public:
    void mount(const value& params, const value&, socket& s) override {
        s.assign("count", 0);
        s.assign("params", params);
        s.assign_new("shared", [] { return value("own"); });
    }
    const template_& render(const socket&) const override {
        return compiled("<p>child <%= @count %> <%= @shared %></p>", "child");
    }
    event_result handle_event(std::string_view event, const value& v, socket& s) override {
        if (event == "inc") s.assign("count", count_of(s) + 1);
        else if (event == "boom") throw std::runtime_error("child boom");
        else if (event == "patch_root") {
            s.assign("count", count_of(s) + 1);
            s.put_flash("info", "patched");
            s.push_event("from_child", {{"x", 1}});
            s.push_patch("/parent?tab=2", true);
        } else if (event == "patch_other") s.push_patch("/crashy?page=2");
        else return live_view::handle_event(event, v, s);
        return noreply();
    }
};

class temp_live : public live_view {
public:
    void mount(const value&, const value&, socket& s) override {
        s.assign("messages", value::array({"a"}));
        s.set_temporary_assigns({{"messages", value::array()}});
    }
    const template_& render(const socket&) const override {
        return compiled("<div><%= for m <- @messages do %><i><%= m %></i><% end %></div>", "temp");
    }
    event_result handle_event(std::string_view event, const value& v, socket& s) override {
        if (event != "add") return live_view::handle_event(event, v, s);
        s.assign("messages", value::array({v.value("text", "")}));
        return noreply();
    }
};

class echo_live : public live_view {
public:
    void mount(const value&, const value&, socket& s) override {
        const value& p = s.get_connect_params();
        const value& i = s.get_connect_info();
        s.assign("csrf", p.is_object() ? p.value("_csrf_token", "") : "none");
        s.assign("peer", i.is_object() ? i.value("peer", "") : "none");
        s.assign("static_changed", s.static_changed() ? "yes" : "no");
        s.assign("transport", s.transport_id() != 0 ? "set" : "unset");
    }
    const template_& render(const socket&) const override {
        return compiled("<p><%= @csrf %>|<%= @peer %>|<%= @static_changed %>|<%= @transport %></p>",
                        "echo");
    }
};

class other_live : public live_view {
public:
    const template_& render(const socket&) const override {
        return compiled("<p>other <%= @flash_text %></p>", "other");
    }
    void mount(const value&, const value&, socket& s) override {
        s.assign("flash_text", s.flash().value("info", ""));
    }
};

class bouncer_live : public live_view {
public:
    void mount(const value&, const value&, socket& s) override {
        s.put_flash("info", "moved");
        if (s.connected()) s.push_redirect("/other");
        else s.redirect("/other");
    }
    const template_& render(const socket&) const override {
        return compiled("<p>never</p>", "bouncer");
    }
};

class patch_in_mount_live : public live_view {
public:
    void mount(const value&, const value&, socket& s) override { s.push_patch("/patch_mount?x=1"); }
    const template_& render(const socket&) const override {
        return compiled("<p>never</p>", "patch_in_mount");
    }
};

class broken_mount_live : public live_view {
public:
    void mount(const value&, const value&, socket& s) override {
        if (s.connected()) throw std::runtime_error("mount failed");
    }
    const template_& render(const socket&) const override {
        return compiled("<p>broken</p>", "broken");
    }
};

}  // namespace

void add_test_views(view_registry& views, component_registry& components) {
    add_golden_views(views, components);
    components.add<item_component>("Item");
    views.add<crashy_live>("Crashy");
    views.add<ticker_live>("Ticker");
    views.add<chat_live>("Chat");
    views.add<parent_live>("Parent");
    views.add<child_live>("Child");
    views.add<temp_live>("Temp");
    views.add<echo_live>("Echo");
    views.add<other_live>("Other");
    views.add<bouncer_live>("Bouncer");
    views.add<broken_mount_live>("Broken");
    views.add<patch_in_mount_live>("PatchInMount");
}

lvh::ref::router test_router() {
    lvh::ref::router r;
    r.live("/", "CounterLive");
    r.live("/crashy", "Crashy");
    r.live("/ticker", "Ticker");
    r.live("/chat", "Chat");
    r.live("/parent", "Parent");
    r.live("/temp", "Temp");
    r.live("/echo", "Echo");
    r.live("/other", "Other");
    r.live("/bounce", "Bouncer");
    r.live("/broken", "Broken");
    r.live("/patch_mount", "PatchInMount");
    return r;
}

fixture::fixture(endpoint_config cfg) {
    if (cfg.secret_key_base.empty())
        cfg.secret_key_base = "liveharness-test-secret-key-base-liveharness-test-secret-key-base";
    if (!cfg.seed) cfg.seed = 42;
    if (!cfg.clock) cfg.clock = [this] { return clock; };
    if (!cfg.logger) cfg.logger = [this](std::string_view line) { logs.emplace_back(line); };
    view_registry views;
    component_registry components;
    add_test_views(views, components);
    ep = std::make_unique<endpoint>(std::move(cfg), std::move(views), std::move(components),
                                    test_router(), sched);
}

fixture::opened fixture::open(const std::string& path, in_process_client::mode m) {
    opened o;
    o.page = ep->get({.url = path});
    o.client = in_process_client::connect(*ep, {{"_csrf_token", o.page.csrf_token}},
                                          {{"session", o.page.session_cookie}, {"peer", "test-peer"}},
                                          m);
    o.topic = "lv:" + o.page.view_id;
    o.session = attr(o.page.body, "data-phx-session");
    o.static_token = attr(o.page.body, "data-phx-static");
    o.url = "http://127.0.0.1:4000" + path;
    return o;
}

fixture::opened fixture::page_on(const opened& o, const std::string& path) {
    opened p;
    p.page = ep->get({.url = path, .session_cookie = o.page.session_cookie});
    p.client = o.client;
    p.topic = "lv:" + p.page.view_id;
    p.session = attr(p.page.body, "data-phx-session");
    p.static_token = attr(p.page.body, "data-phx-static");
    p.url = "http://127.0.0.1:4000" + path;
    return p;
}

std::vector<protocol::frame> fixture::exchange(in_process_client& c, const std::string& text) {
    c.send(text);
    sched.run_until_idle();
    return c.receive_all();
}

std::vector<protocol::frame> fixture::exchange(in_process_client& c, const protocol::frame& f) {
    c.send(f);
    sched.run_until_idle();
    return c.receive_all();
}

std::vector<protocol::frame> fixture::join(in_process_client& c, const std::string& topic,
                                           const std::string& ref, const std::string& session,
                                           const std::optional<std::string>& static_token,
                                           int mounts, const std::string& url) {
    value payload = {{"url", url},
                     {"params", {{"_mounts", mounts}}},
                     {"session", session},
                     {"static", static_token ? value(*static_token) : value(nullptr)}};
    return exchange(c, protocol::frame{ref, ref, topic, "phx_join", payload});
}

std::vector<protocol::frame> fixture::event(in_process_client& c, const std::string& topic,
                                            const std::string& join_ref, const std::string& ref,
                                            const std::string& name, value val,
                                            std::optional<int> cid, std::string type) {
    value payload = {{"type", type}, {"event", name}, {"value", std::move(val)}};
    payload["cid"] = cid ? value(*cid) : value(nullptr);
    return exchange(c, protocol::frame{join_ref, ref, topic, "event", payload});
}

std::string attr(const std::string& html, const std::string& name, std::size_t from) {
    std::string needle = " " + name + "=\"";
    auto at = html.find(needle, from);
    if (at == std::string::npos) return {};
    at += needle.size();
    auto end = html.find('"', at);
    return html.substr(at, end - at);
}

}  // namespace lvh::ref::test
