#include <lvh/ref/channel.hpp>
#include <lvh/ref/connection.hpp>
#include <lvh/ref/params.hpp>

#include "server_util.hpp"

#include <algorithm>
#include <stdexcept>

namespace lvh::ref {

namespace {

// A form event's `_target` ("user[email]") as the path Phoenix gives the view
// (["user", "email"]): the keys of the decoded target, outermost first.
void merge_target(value& params) {
    if (!params.is_object() || !params.contains("_target") || !params["_target"].is_string())
        return;
    auto decoded = decode_query(params["_target"].get<std::string>());
    value path = value::array();
    if (decoded) {
        const value* node = &*decoded;
        while (true) {
            if (node->is_object() && !node->empty()) {
                path.push_back(node->begin().key());
                node = &node->begin().value();
            } else if (node->is_array() && node->size() == 1 && (*node)[0].is_object()) {
                node = &(*node)[0];
            } else {
                break;
            }
        }
    }
    params["_target"] = std::move(path);
}

// Merges a view diff into a component diff (or the other way): keys of b win, except `c`,
// whose entries are merged.
void merge_diff(value& a, value b) {
    if (!a.is_object()) a = value::object();
    if (!b.is_object()) return;
    for (auto it = b.begin(); it != b.end(); ++it) {
        if (it.key() == "c" && a.contains("c") && a["c"].is_object() && it.value().is_object()) {
            for (auto c = it.value().begin(); c != it.value().end(); ++c) a["c"][c.key()] = c.value();
        } else {
            a[it.key()] = std::move(it.value());
        }
    }
}

value navigation_opts(const navigation& nav) {
    value opts = {{"to", nav.to}};
    if (nav.type != navigation::kind::redirect) opts["kind"] = nav.replace ? "replace" : "push";
    return opts;
}

}  // namespace

channel::channel(const std::shared_ptr<connection>& conn, std::string topic, std::string join_ref)
    : conn_(conn),
      ep_(conn->owner()),
      topic_(std::move(topic)),
      join_ref_(std::move(join_ref)),
      serial_(ep_.next_serial()),
      subscriber_id_("lv#" + std::to_string(serial_)),
      box_(ep_.sched()) {}

channel::~channel() = default;

channel::state channel::current_state() const {
    std::lock_guard lock(mutex_);
    return state_;
}

value channel::assigns_for_children() const {
    std::lock_guard lock(mutex_);
    return child_assigns_;
}

void channel::add_child(const std::shared_ptr<channel>& child) {
    bool dead;
    {
        std::lock_guard lock(mutex_);
        dead = state_ == state::dead;
        if (!dead) children_.push_back(child);
    }
    if (dead) child->parent_exited();
}

template <class F>
task channel::as_message(F fn) {
    std::weak_ptr<channel> w = weak_from_this();
    return [w = std::move(w), fn = std::move(fn)]() mutable {
        auto self = w.lock();
        if (!self) return;
        std::lock_guard run(self->run_mutex_);
        fn(*self);
    };
}

template <class F>
bool channel::enqueue(F fn) {
    return box_.post(as_message(std::move(fn)));
}

template <class F>
void channel::guarded(F&& fn) {
    try {
        std::forward<F>(fn)();
    } catch (const std::exception& e) {
        crash(e.what());
    } catch (...) {
        crash("unknown exception");
    }
}

void channel::join(join_request req) {
    enqueue([req = std::move(req)](channel& self) mutable { self.do_join(req); });
}

bool channel::push(protocol::frame f) {
    return push(std::make_shared<protocol::frame>(std::move(f)));
}

bool channel::push(std::shared_ptr<protocol::frame> p) {
    if (box_.pending() >= ep_.config().max_pending_per_view) return false;
    return enqueue([p = std::move(p)](channel& self) { self.do_push(*p); });
}

bool channel::post_info(value msg) {
    return enqueue([msg = std::move(msg)](channel& self) {
        self.guarded([&] {
            if (self.current_state() == state::joined) self.do_info(msg);
        });
    });
}

namespace {
// Calls the reply exactly once: with the result, or with nullopt when the message was
// dropped (the view died first).
struct reply_once {
    std::function<void(std::optional<value>)> fn;
    bool done = false;
    void operator()(std::optional<value> v) {
        if (done) return;
        done = true;
        fn(std::move(v));
    }
    ~reply_once() {
        if (!done && fn) fn(std::nullopt);
    }
};
}  // namespace

bool channel::call(value msg, std::function<void(std::optional<value>)> reply_fn) {
    auto once = std::make_shared<reply_once>();
    once->fn = std::move(reply_fn);
    return enqueue([msg = std::move(msg), once](channel& self) {
        if (self.current_state() != state::joined) return (*once)(std::nullopt);
        std::optional<value> result;
        self.guarded([&] {
            value r = self.view_->handle_call(msg, *self.socket_);
            self.handle_changed(nullptr, std::nullopt, value::object(), nullptr);
            result = std::move(r);
        });
        (*once)(std::move(result));
    });
}

void channel::parent_exited() {
    enqueue([](channel& self) {
        self.close_with("parent_exited", protocol::make_phx_close(self.topic_, self.join_ref_));
    });
}

void channel::shutdown(std::string reason) {
    std::lock_guard run(run_mutex_);
    close_with(reason, std::nullopt);
}

// --- join ----------------------------------------------------------------------------------

void channel::do_join(join_request& req) {
    auto conn = conn_.lock();
    if (!conn) return;
    const value& sd = req.session_data;
    view_name_ = sd.value("view", "");
    view_id_ = sd.value("id", "");
    routed_ = sd.contains("route") && sd["route"].is_string();
    if (routed_) route_path_ = sd["route"].get<std::string>();
    url_ = req.payload.url.value_or(req.payload.redirect.value_or(""));

    auto fail = [&](value response) {
        {
            std::lock_guard lock(mutex_);
            state_ = state::dead;
        }
        ep_.pubsub().unsubscribe_all(subscriber_id_);
        reply(req.frame, false, std::move(response));
        // Pushes already queued behind the join are answered "unmatched topic" (do_push)
        // before the connection forgets the topic; later ones by the connection itself.
        enqueue([](channel& self) {
            self.box_.close();
            if (auto c = self.conn_.lock()) c->channel_ended(&self, std::nullopt);
        });
    };

    std::optional<value> live_patch;
    value rendered;
    try {
        view_ = ep_.views().make(view_name_);
        if (!view_) return fail({{"reason", "stale"}});
        socket_ = std::make_unique<lvh::ref::socket>(view_id_, true, static_cast<socket_host*>(this));
        socket_->set_connect_params(req.payload.params.to_json());
        socket_->set_connect_info(conn->connect_info());
        socket_->set_transport_id(conn->id());
        if (req.payload.params.track_static && !ep_.config().static_paths.empty()) {
            const auto& served = ep_.config().static_paths;
            bool changed = false;
            for (const auto& p : *req.payload.params.track_static)
                if (std::find(served.begin(), served.end(), p) == served.end()) changed = true;
            socket_->set_static_changed(changed);
        }

        // The flash: a live redirect's token, else the page's (first mount only, §2.3.5).
        value flash = value::object();
        if (req.payload.flash && *req.payload.flash)
            flash = ep_.verify_flash(**req.payload.flash);
        else if (req.payload.params.mounts.value_or(0) == 0 && req.static_data.is_object() &&
                 req.static_data.contains("flash") && req.static_data["flash"].is_object())
            flash = req.static_data["flash"];
        socket_->assign("flash", flash);

        lvh::ref::assigns parent_assigns;
        if (req.parent) {
            parent_ = req.parent;
            // The parent finished its join before rendering this child's container.
            root_ = req.parent->root_;
            root_routed_ = req.parent->root_routed_;
            root_view_name_ = req.parent->root_view_name_;
            root_route_path_ = req.parent->root_route_path_;
            socket_->set_parent_id(req.parent->view_id_);
            parent_assigns = lvh::ref::assigns(req.parent->assigns_for_children());
            socket_->set_parent_assigns(&parent_assigns);
        } else {
            root_ = weak_from_this();
            root_routed_ = routed_;
            root_view_name_ = view_name_;
            root_route_path_ = route_path_;
        }

        value params = "not_mounted_at_router";
        if (routed_) {
            bool same = false;
            params = route_params(url_, same);
            if (!same) throw std::runtime_error("the join's url " + url_ + " does not route to " + view_name_);
        }
        value session = sd.contains("session") ? sd["session"] : value::object();
        renderer_ = std::make_unique<view_renderer>(ep_.components(), view_id_);

        telemetry_metadata md = meta();
        md.params = params;
        ep_.telemetry().run(telemetry_event::mount, std::move(md),
                            [&] { view_->mount(params, session, *socket_); });
        socket_->set_parent_assigns(nullptr);
        // Phoenix checks mount's result: a patch there raises (utils.ex,
        // validate_mount_redirect!); handle_params may patch.
        if (socket_->patch_pending()) throw std::runtime_error("attempted to live patch while mounting");
        if (req.parent) req.parent->add_child(shared_from_this());

        bool first = true;
        while (true) {
            if (socket_->redirected()) {
                auto p = socket_->take_pending();
                const navigation& nav = *p.navigation;
                if (nav.type == navigation::kind::patch && routed_) {
                    live_patch = navigation_opts(nav);
                    bool same = false;
                    params = route_params(nav.to, same);
                    if (!same) throw std::runtime_error("push_patch to another view: " + nav.to);
                    url_ = ep_.absolute_url(nav.to);
                    for (auto& e : p.events) socket_->push_event(e.event, e.payload);
                    call_handle_params(params, url_);
                    continue;
                }
                if (nav.type == navigation::kind::patch)
                    throw std::logic_error("push_patch from a view not mounted by the router");
                // A redirect during mount is the join's answer; the view ends (§7.4.3).
                value opts = navigation_opts(nav);
                value all_flash = socket_->flash();
                if (all_flash.is_object() && !all_flash.empty())
                    opts["flash"] = ep_.sign_flash(all_flash);
                const char* key = nav.type == navigation::kind::redirect ? "redirect" : "live_redirect";
                try {
                    view_->terminate(key, *socket_);
                } catch (...) {
                }
                return fail({{key, opts}});
            }
            if (routed_ && first) {
                first = false;
                call_handle_params(params, ep_.absolute_url(url_));
                continue;
            }
            break;
        }

        render_context ctx = make_context();
        rendered = render_diff(ctx);
        apply_context(ctx);
        auto p = socket_->take_pending();
        if (!p.events.empty()) {
            value e = value::array();
            for (auto& ev : p.events) e.push_back(value::array({ev.event, ev.payload}));
            rendered["e"] = std::move(e);
        }
    } catch (const std::exception& e) {
        conn->log("join of " + topic_ + " (" + view_name_ + ") crashed: " + e.what());
        return fail({{"reason", "join crashed"}});
    } catch (...) {
        conn->log("join of " + topic_ + " (" + view_name_ + ") crashed");
        return fail({{"reason", "join crashed"}});
    }

    {
        std::lock_guard lock(mutex_);
        state_ = state::joined;
    }
    value response = {{"rendered", std::move(rendered)}};
    if (live_patch) response["live_patch"] = *live_patch;
    reply(req.frame, true, std::move(response));
}

// --- pushes --------------------------------------------------------------------------------

void channel::do_push(protocol::frame& f) {
    if (current_state() != state::joined) {
        // A push that queued behind a join that failed: the topic was never joined.
        if (auto conn = conn_.lock()) conn->emit(protocol::make_unmatched_topic_reply(f));
        return;
    }
    guarded([&] {
        if (f.event == protocol::events::event) return do_event(f);
        if (f.event == protocol::events::link || f.event == protocol::events::live_patch)
            return do_link(f);
        if (f.event == protocol::events::cids_will_destroy) {
            auto p = protocol::cids_payload::from_json(f.payload);
            if (!p) throw std::invalid_argument("cids_will_destroy: " + p.error().message());
            renderer_->will_destroy(p->cids);
            return reply(f, true, value::object());
        }
        if (f.event == protocol::events::cids_destroyed) {
            auto p = protocol::cids_payload::from_json(f.payload);
            if (!p) throw std::invalid_argument("cids_destroyed: " + p.error().message());
            return reply(f, true, renderer_->destroy(p->cids));
        }
        if (f.event == protocol::events::leave) {
            // 0.15: the reply, then phx_error with the join_ref (§1.5.2).
            reply(f, true, value::object());
            return close_with("left", protocol::make_phx_error(topic_, join_ref_));
        }
        // Phoenix hands other events to handle_info, where no clause matches: the view dies.
        throw std::invalid_argument("unexpected push \"" + f.event + "\" on " + topic_);
    });
}

void channel::do_event(protocol::frame& f) {
    // The payload is not needed after this (the reply takes the refs and topic only).
    auto ev = protocol::event_payload::from_json(std::move(f.payload));
    release(f.payload);
    if (!ev) throw std::invalid_argument("bad event payload: " + ev.error().message());
    value val = std::move(ev->value);
    struct release_at_end {
        value& v;
        ~release_at_end() { release(v); }
    } val_goes{val};
    if (ev->type == protocol::event_type::form) {
        if (!val.is_string()) throw std::invalid_argument("form event value is not a string");
        auto decoded = decode_query(val.get<std::string>());
        if (!decoded) throw std::invalid_argument("form event value: " + decoded.error().message());
        val = std::move(*decoded);
        merge_target(val);
    }
    const std::string& name = ev->event;

    if (name == "lv:clear-flash") {
        if (val.is_object() && val.contains("key") && val["key"].is_string())
            socket_->clear_flash(val["key"].get<std::string>());
        else
            socket_->clear_flash();
        return handle_changed(&f, std::nullopt, value::object(), nullptr);
    }
    if (name.rfind("lv:", 0) == 0) throw std::invalid_argument("unknown LiveView event " + name);

    if (ev->cid) {
        render_context ctx = make_context();
        auto md = [&] {
            telemetry_metadata m = meta();
            m.component = *ev->cid;
            m.event = name;
            m.params = val;
            return m;
        };
        value diff = ep_.telemetry().run_lazy(telemetry_event::handle_event, md, [&] {
            return renderer_->component_event(*ev->cid, name, val, ctx);
        });
        return handle_changed(&f, std::nullopt, std::move(diff), &ctx);
    }

    auto md = [&] {
        telemetry_metadata m = meta();
        m.event = name;
        m.params = val;
        return m;
    };
    event_result r = ep_.telemetry().run_lazy(telemetry_event::handle_event, md, [&] {
        return view_->handle_event(name, val, *socket_);
    });
    if (r.reply && !r.reply->is_object())
        throw std::invalid_argument("handle_event replied with a non-map: " + inspect(*r.reply));
    handle_changed(&f, std::move(r.reply), value::object(), nullptr);
}

void channel::do_link(protocol::frame& f) {
    auto p = protocol::link_payload::from_json(f.payload);
    if (!p) throw std::invalid_argument("bad link payload: " + p.error().message());
    bool same = false;
    value params = route_params(p->url, same);
    if (!same || !routed_) return reply(f, true, {{"link_redirect", true}});
    socket_->clear_flash();
    url_ = p->url;
    call_handle_params(params, p->url);
    handle_changed(&f, std::nullopt, value::object(), nullptr);
}

void channel::do_info(const value& msg) {
    view_->handle_info(msg, *socket_);
    handle_changed(nullptr, std::nullopt, value::object(), nullptr);
}

void channel::do_send_update(const std::string& component, const value& id, const value& assigns) {
    render_context ctx = make_context();
    value diff = renderer_->update_component(component, id, assigns, ctx);
    handle_changed(nullptr, std::nullopt, std::move(diff), &ctx);
}

// --- after a callback ----------------------------------------------------------------------

void channel::apply_context(render_context& ctx) {
    for (auto& e : ctx.events) socket_->push_event(std::move(e.event), std::move(e.payload));
    ctx.events.clear();
    for (auto& f : ctx.flash) socket_->put_flash(std::move(f.kind), std::move(f.message));
    ctx.flash.clear();
    if (ctx.navigation && !socket_->redirected()) {
        const navigation& nav = *ctx.navigation;
        switch (nav.type) {
            case navigation::kind::patch: socket_->push_patch(nav.to, nav.replace); break;
            case navigation::kind::live_redirect: socket_->push_redirect(nav.to, nav.replace); break;
            case navigation::kind::redirect: socket_->redirect(nav.to); break;
        }
    }
    ctx.navigation.reset();
}

void channel::handle_changed(protocol::frame* request,
                             std::optional<value> reply_value, value base_diff,
                             render_context* extra) {
    if (extra) apply_context(*extra);

    if (socket_->redirected()) {
        auto p = socket_->take_pending();
        const navigation& nav = *p.navigation;
        if (nav.type != navigation::kind::patch) {
            value opts = navigation_opts(nav);
            if (p.changed_flash.is_object() && !p.changed_flash.empty())
                opts["flash"] = ep_.sign_flash(p.changed_flash);
            const char* key = nav.type == navigation::kind::redirect ? "redirect" : "live_redirect";
            if (request) reply(*request, true, {{key, opts}});
            else push_frame(key, opts);
            return close_with(key, protocol::make_phx_close(topic_, join_ref_));
        }
        if (!socket_->parent_id().empty()) {
            // A nested view: push_patch checks the URL against the root view's route (a bad one
            // crashes this view), the root runs handle_params and pushes live_patch, and this
            // view renders as usual (Phoenix 0.15 channel.ex handle_redirect).
            if (!root_routed_)
                throw std::logic_error("push_patch from a view tree not mounted by the router");
            auto m = ep_.routes().match(nav.to);
            if (!m || m->matched->view != root_view_name_ || m->matched->path != root_route_path_)
                throw std::invalid_argument("push_patch to " + nav.to +
                                            ", which is not the root view " + root_view_name_);
            if (auto root = root_.lock()) {
                root->enqueue([nav, flash = p.changed_flash](channel& self) {
                    self.guarded([&] {
                        if (self.current_state() == state::joined) self.patch_from_child(nav, flash);
                    });
                });
            }
            socket_->pending().events = std::move(p.events);
            return handle_changed(request, std::move(reply_value), std::move(base_diff), nullptr);
        }
        if (!routed_) throw std::logic_error("push_patch from a view not mounted by the router");
        bool same = false;
        value params = route_params(nav.to, same);
        if (!same) throw std::invalid_argument("push_patch to another view: " + nav.to);
        // The push first, then the diff of handle_params (§4.4.2).
        push_frame(protocol::events::live_patch, navigation_opts(nav));
        socket_->assign("flash", p.changed_flash.is_object() ? p.changed_flash : value::object());
        url_ = ep_.absolute_url(nav.to);
        auto later = socket_->take_pending();
        for (auto& e : p.events) socket_->push_event(std::move(e.event), std::move(e.payload));
        for (auto& e : later.events) socket_->push_event(std::move(e.event), std::move(e.payload));
        call_handle_params(params, url_);
        return handle_changed(request, std::move(reply_value), std::move(base_diff), nullptr);
    }

    std::vector<pushed_event> events = socket_->take_events();  // no navigation is pending

    value diff = base_diff.is_object() ? std::move(base_diff) : value::object();
    if (socket_->assigns().any_changed()) {
        render_context ctx = make_context();
        value view_diff = render_diff(ctx);
        merge_diff(diff, std::move(view_diff));
        for (auto& e : ctx.events) events.push_back(std::move(e));
    }
    if (!events.empty()) {
        value e = value::array();
        for (auto& ev : events) e.push_back(value::array({ev.event, ev.payload}));
        diff["e"] = std::move(e);
    }
    if (reply_value) diff["r"] = std::move(*reply_value);

    if (request) {
        value response(value::value_t::object);
        if (!diff.empty()) response.get_ref<value::object_t&>().emplace("diff", std::move(diff));
        reply(*request, true, std::move(response));
    } else if (!diff.empty()) {
        push_frame(protocol::events::diff, std::move(diff));
    }
}

void channel::patch_from_child(const navigation& nav, value flash) {
    socket_->pending().navigation = nav;
    socket_->pending().changed_flash = flash.is_object() ? std::move(flash) : value::object();
    handle_changed(nullptr, std::nullopt, value::object(), nullptr);
}

value channel::render_diff(render_context& ctx) {
    value diff = ep_.telemetry().run_lazy(telemetry_event::render, [this] { return meta(); }, [&] {
        return renderer_->render(view_->render(*socket_), socket_->assigns(), ctx);
    });
    socket_->reset_temporary_assigns();
    return diff;
}

void channel::call_handle_params(const value& params, const std::string& uri) {
    auto md = [&] {
        telemetry_metadata m = meta();
        m.params = params;
        m.uri = uri;
        return m;
    };
    ep_.telemetry().run_lazy(telemetry_event::handle_params, md,
                             [&] { view_->handle_params(params, uri, *socket_); });
}

value channel::route_params(const std::string& url, bool& same_view) {
    auto m = ep_.routes().match(url);
    same_view = m && m->matched->view == view_name_ && m->matched->path == route_path_;
    if (!m) return value::object();
    if (same_view && socket_ && !m->matched->options.action.empty())
        socket_->assign("live_action", m->matched->options.action);
    return m->params;
}

render_context channel::make_context() {
    render_context ctx;
    ctx.connected = true;
    // ctx.view_id is left empty: nothing reads it (the renderer has the view's id), and a
    // copy per event is an allocation, view ids being longer than a short string.
    ctx.live_render = [this](const std::string& name, const value& opts) {
        return live_render(name, opts);
    };
    return ctx;
}

telemetry_metadata channel::meta() const {
    telemetry_metadata md;
    md.view = view_name_;
    md.connected = true;
    return md;
}

std::string channel::live_render(const std::string& name, const value& opts) {
    std::string id = detail::child_id(opts);
    if (!ep_.views().has(name)) throw std::invalid_argument("live_render: unknown view \"" + name + "\"");
    value session = opts.is_object() && opts.contains("session") ? opts["session"] : value::object();
    value data = {{"id", id},         {"view", name},           {"session", session},
                  {"route", nullptr}, {"parent", view_id_},      {"parent_serial", serial_},
                  {"root", view_id_}};
    {
        std::lock_guard lock(mutex_);
        child_assigns_ = socket_->assigns().all();
    }
    std::string tag = detail::container_tag(opts);
    // The connected render's container: the session, no static, no content (§9.5.2).
    return "<" + tag + " data-phx-parent-id=\"" + detail::escape_attr(view_id_) +
           "\" data-phx-session=\"" + ep_.sign(data, ep_.config().session_max_age) +
           "\" data-phx-static=\"\" data-phx-view=\"" + detail::escape_attr(name) + "\" id=\"" +
           detail::escape_attr(id) + "\"></" + tag + ">";
}

// --- frames and endings --------------------------------------------------------------------

void channel::reply(protocol::frame& request, bool ok, value response) {
    auto conn = conn_.lock();
    if (!conn) return;
    conn->emit(protocol::make_reply(std::move(request),
                                    ok ? protocol::reply_status::ok : protocol::reply_status::error,
                                    std::move(response)));
}

void channel::push_frame(std::string_view event, value payload) {
    auto conn = conn_.lock();
    if (!conn) return;
    // 0.15 servers push with a null join_ref (§1.3.5).
    conn->emit(protocol::make_server_push(topic_, std::string(event), std::move(payload), std::nullopt));
}

void channel::crash(std::string_view reason) {
    if (auto conn = conn_.lock())
        conn->log("view " + view_name_ + " on " + topic_ + " crashed: " + std::string(reason));
    close_with(reason, protocol::make_phx_error(topic_, join_ref_));
}

void channel::close_with(std::string_view reason, std::optional<protocol::frame> last) {
    std::vector<std::weak_ptr<channel>> children;
    {
        std::lock_guard lock(mutex_);
        if (state_ == state::dead) return;
        bool was_joined = state_ == state::joined;
        state_ = state::dead;
        children.swap(children_);
        if (!was_joined) last.reset();
    }
    if (view_ && socket_) {
        try {
            view_->terminate(reason, *socket_);
        } catch (...) {
            // terminate's own failure changes nothing: the view is gone either way.
        }
    }
    ep_.pubsub().unsubscribe_all(subscriber_id_);
    box_.close();
    for (auto& w : children)
        if (auto child = w.lock()) child->parent_exited();
    if (auto conn = conn_.lock()) conn->channel_ended(this, std::move(last));
}

// --- socket_host ---------------------------------------------------------------------------

void channel::send_self(value msg) { post_info(std::move(msg)); }

std::uint64_t channel::send_after(value msg, std::chrono::milliseconds delay) {
    return box_.post_after(delay, as_message([msg = std::move(msg)](channel& self) {
        self.guarded([&] {
            if (self.current_state() == state::joined) self.do_info(msg);
        });
    }));
}

bool channel::cancel_timer(std::uint64_t timer) { return box_.cancel(timer); }

void channel::subscribe(const std::string& topic) {
    std::weak_ptr<channel> w = weak_from_this();
    ep_.pubsub().subscribe(topic, subscriber_id_, box_.ref(),
                           [w](const std::string&, const value& msg) {
                               auto self = w.lock();
                               if (!self) return;
                               std::lock_guard run(self->run_mutex_);
                               self->guarded([&] {
                                   if (self->current_state() == state::joined) self->do_info(msg);
                               });
                           });
}

void channel::unsubscribe(const std::string& topic) { ep_.pubsub().unsubscribe(topic, subscriber_id_); }

void channel::broadcast(const std::string& topic, const value& msg) { ep_.pubsub().broadcast(topic, msg); }

void channel::broadcast_from(const std::string& topic, const value& msg) {
    ep_.pubsub().broadcast(topic, msg, std::string_view(subscriber_id_));
}

void channel::send_update(std::string component, value id, value assigns) {
    enqueue([component = std::move(component), id = std::move(id),
             assigns = std::move(assigns)](channel& self) {
        self.guarded([&] {
            if (self.current_state() == state::joined) self.do_send_update(component, id, assigns);
        });
    });
}

std::uint64_t channel::send_update_after(std::string component, value id, value assigns,
                                         std::chrono::milliseconds delay) {
    return box_.post_after(delay, as_message([component = std::move(component), id = std::move(id),
                                              assigns = std::move(assigns)](channel& self) {
        self.guarded([&] {
            if (self.current_state() == state::joined) self.do_send_update(component, id, assigns);
        });
    }));
}

}  // namespace lvh::ref
