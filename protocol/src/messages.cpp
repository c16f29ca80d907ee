#include <lvh/protocol/messages.hpp>

#include <initializer_list>
#include <limits>
#include <utility>

namespace lvh::protocol {

namespace {

using json = nlohmann::json;

class message_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "message"; }

  std::string message(int ev) const override {
    switch (static_cast<message_errc>(ev)) {
      case message_errc::not_object:
        return "the message or one of its values is not a JSON object where one is required";
      case message_errc::missing_key:
        return "the message lacks a key that it must carry";
      case message_errc::wrong_type:
        return "a key of the message holds a value of the wrong JSON type";
      case message_errc::bad_value:
        return "a key of the message holds a value that the protocol does not allow";
      case message_errc::conflicting_keys:
        return "the message carries keys that exclude each other";
      case message_errc::unexpected_key:
        return "the message carries a key that this kind of message has no use for";
      case message_errc::wrong_event:
        return "the frame carries another event than the message expected";
    }
    return "unknown message error";
  }
};

std::string join_path(const std::string& base, std::string_view key) {
  std::string p = base;
  if (!p.empty() && !key.empty()) p += '.';
  p += key;
  return p;
}

// Reads the keys of one JSON object, remembering the first error and which keys it used;
// the keys it did not use become the struct's `extra`.
class reader {
 public:
  reader(const json& j, std::string path) : j_(j), path_(std::move(path)) {
    if (!j_.is_object()) fail(message_errc::not_object, path_);
    used_.reserve(8);  // more than any message names: one allocation, not four
  }

  bool ok() const noexcept { return !err_; }
  error take_error() { return std::move(*err_); }
  const std::string& path() const noexcept { return path_; }
  std::string path(std::string_view key) const { return join_path(path_, key); }

  void fail(message_errc e, std::string where) {
    if (!err_) err_ = make_error(e, std::move(where));
  }

  const json* find(std::string_view key) {
    if (err_) return nullptr;
    used_.emplace_back(key);
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }

  bool has(std::string_view key) const { return j_.is_object() && j_.contains(key); }

  const json* required(std::string_view key) {
    const json* v = find(key);
    if (!v) fail(message_errc::missing_key, path(key));
    return v;
  }

  std::string string(std::string_view key) {
    const json* v = required(key);
    if (!v) return {};
    if (!v->is_string()) {
      fail(message_errc::wrong_type, path(key));
      return {};
    }
    return v->get<std::string>();
  }

  std::optional<std::string> optional_string(std::string_view key) {
    const json* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      fail(message_errc::wrong_type, path(key));
      return std::nullopt;
    }
    return v->get<std::string>();
  }

  nullable<std::string> nullable_string(std::string_view key) {
    const json* v = find(key);
    if (!v) return std::nullopt;
    if (v->is_null()) return std::optional<std::string>{};
    if (!v->is_string()) {
      fail(message_errc::wrong_type, path(key));
      return std::nullopt;
    }
    return std::optional<std::string>{v->get<std::string>()};
  }

  std::optional<bool> optional_bool(std::string_view key) {
    const json* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) {
      fail(message_errc::wrong_type, path(key));
      return std::nullopt;
    }
    return v->get<bool>();
  }

  // Integers only: 1.0 is a float on the wire and not a count.
  std::optional<std::int64_t> optional_int(std::string_view key, std::int64_t min) {
    const json* v = find(key);
    if (!v) return std::nullopt;
    return int_value(*v, path(key), min);
  }

  std::optional<std::int64_t> int_value(const json& v, const std::string& where, std::int64_t min) {
    if (!v.is_number_integer()) {
      fail(message_errc::wrong_type, where);
      return std::nullopt;
    }
    if (v.is_number_unsigned() &&
        v.get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(message_errc::bad_value, where);
      return std::nullopt;
    }
    const auto n = v.get<std::int64_t>();
    if (n < min) {
      fail(message_errc::bad_value, where);
      return std::nullopt;
    }
    return n;
  }

  const json* optional_object(std::string_view key) {
    const json* v = find(key);
    if (v && !v->is_object()) {
      fail(message_errc::not_object, path(key));
      return nullptr;
    }
    return v;
  }

  navigation kind(std::string_view key) {
    const std::string k = string(key);
    if (!ok()) return navigation::push;
    if (k == "push") return navigation::push;
    if (k == "replace") return navigation::replace;
    fail(message_errc::bad_value, path(key));
    return navigation::push;
  }

  // Nested struct with its own from_json; its error paths are made absolute here.
  template <class T>
  std::optional<T> nested(std::string_view key) {
    const json* v = find(key);
    if (!v) return std::nullopt;
    auto r = T::from_json(*v);
    if (!r) {
      auto e = r.error();
      fail(static_cast<message_errc>(e.code.value()),
           e.where.empty() ? path(key) : join_path(path(key), e.where));
      return std::nullopt;
    }
    return std::move(*r);
  }

  json extra() const {
    json out = json::object();
    if (!j_.is_object()) return out;
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (!used(it.key())) out[it.key()] = it.value();
    return out;
  }

  // extra(), moving the values out of `same`, the object this reader reads.
  json take_extra(json& same) const {
    json out = json::object();
    if (!same.is_object()) return out;
    for (auto it = same.begin(); it != same.end(); ++it)
      if (!used(it.key())) out[it.key()] = std::move(it.value());
    return out;
  }

 private:
  bool used(const std::string& key) const {
    for (const auto& u : used_)
      if (u == key) return true;
    return false;
  }

  const json& j_;
  std::string path_;
  std::vector<std::string_view> used_;
  std::optional<error> err_;
};

void merge_extra(json& out, const json& extra) {
  if (!extra.is_object()) return;
  for (auto it = extra.begin(); it != extra.end(); ++it) {
    // Named fields win: extra only holds what from_json did not recognise.
    if (!out.contains(it.key())) out[it.key()] = it.value();
  }
}

void put_optional(json& out, const char* key, const std::optional<std::string>& v) {
  if (v) out[key] = *v;
}

void put_nullable(json& out, const char* key, const nullable<std::string>& v) {
  if (!v) return;
  if (*v)
    out[key] = **v;
  else
    out[key] = nullptr;
}

bool is_positive_int(const json& v) {
  if (!v.is_number_integer()) return false;
  if (v.is_number_unsigned())
    return v.get<std::uint64_t>() >= 1 && v.get<std::uint64_t>() <= std::numeric_limits<int>::max();
  const auto n = v.get<std::int64_t>();
  return n >= 1 && n <= std::numeric_limits<int>::max();
}

join_error::kind kind_of_reason(std::string_view r) {
  if (r == "stale") return join_error::kind::stale;
  if (r == "unauthorized") return join_error::kind::unauthorized;
  if (r == "unmatched topic") return join_error::kind::unmatched_topic;
  if (r == "join crashed") return join_error::kind::join_crashed;
  if (r == "reload") return join_error::kind::reload;
  return join_error::kind::other_reason;
}

frame make_frame(std::optional<std::string> join_ref, std::optional<std::string> ref,
                 std::string topic, std::string_view event, json payload) {
  // Built whole: a default frame's payload would allocate an object only to be replaced.
  return frame{std::move(join_ref), std::move(ref), std::move(topic), std::string(event),
               std::move(payload)};
}

}  // namespace

const std::error_category& message_category() noexcept {
  static const message_category_impl category;
  return category;
}

std::error_code make_error_code(message_errc e) noexcept {
  return {static_cast<int>(e), message_category()};
}

std::string_view to_string(navigation n) noexcept {
  return n == navigation::replace ? "replace" : "push";
}

std::string_view to_string(event_type t) noexcept {
  switch (t) {
    case event_type::click:
      return "click";
    case event_type::keyup:
      return "keyup";
    case event_type::keydown:
      return "keydown";
    case event_type::focus:
      return "focus";
    case event_type::blur:
      return "blur";
    case event_type::form:
      return "form";
    case event_type::hook:
      return "hook";
    case event_type::other:
      break;
  }
  return "";
}

// --- navigation -----------------------------------------------------------------------

json redirect_to::to_json() const {
  json out = {{"to", to}};
  put_optional(out, "flash", flash);
  merge_extra(out, extra);
  return out;
}

result<redirect_to> redirect_to::from_json(const json& j) {
  reader r(j, "");
  redirect_to out;
  out.to = r.string("to");
  out.flash = r.optional_string("flash");
  if (!r.ok()) return r.take_error();
  out.extra = r.extra();
  return out;
}

json live_redirect_to::to_json() const {
  json out = {{"to", to}, {"kind", to_string(kind)}};
  put_optional(out, "flash", flash);
  merge_extra(out, extra);
  return out;
}

result<live_redirect_to> live_redirect_to::from_json(const json& j) {
  reader r(j, "");
  live_redirect_to out;
  out.to = r.string("to");
  out.kind = r.kind("kind");
  out.flash = r.optional_string("flash");
  if (!r.ok()) return r.take_error();
  out.extra = r.extra();
  return out;
}

json live_patch_to::to_json() const {
  json out = {{"to", to}, {"kind", to_string(kind)}};
  merge_extra(out, extra);
  return out;
}

result<live_patch_to> live_patch_to::from_json(const json& j) {
  reader r(j, "");
  live_patch_to out;
  out.to = r.string("to");
  out.kind = r.kind("kind");
  if (!r.ok()) return r.take_error();
  out.extra = r.extra();
  return out;
}

// --- join -----------------------------------------------------------------------------

json join_params::to_json() const {
  json out = json::object();
  put_optional(out, "_csrf_token", csrf_token);
  if (mounts) out["_mounts"] = *mounts;
  if (track_static) out["_track_static"] = *track_static;
  put_optional(out, "_live_referer", live_referer);
  if (mount_attempts) out["_mount_attempts"] = *mount_attempts;
  merge_extra(out, extra);
  return out;
}

result<join_params> join_params::from_json(const json& j) {
  reader r(j, "");
  join_params out;
  out.csrf_token = r.optional_string("_csrf_token");
  out.mounts = r.optional_int("_mounts", 0);
  if (const json* ts = r.find("_track_static")) {
    if (!ts->is_array()) {
      r.fail(message_errc::wrong_type, r.path("_track_static"));
    } else {
      std::vector<std::string> urls;
      for (std::size_t i = 0; i < ts->size(); ++i) {
        const json& u = (*ts)[i];
        if (!u.is_string()) {
          r.fail(message_errc::wrong_type, r.path("_track_static") + "." + std::to_string(i));
          break;
        }
        urls.push_back(u.get<std::string>());
      }
      out.track_static = std::move(urls);
    }
  }
  out.live_referer = r.optional_string("_live_referer");
  out.mount_attempts = r.optional_int("_mount_attempts", 0);
  if (!r.ok()) return r.take_error();
  out.extra = r.extra();
  return out;
}

json join_payload::to_json() const {
  json out = json::object();
  put_optional(out, "url", url);
  put_optional(out, "redirect", redirect);
  out["params"] = params.to_json();
  out["session"] = session;
  put_nullable(out, "static", static_token);
  put_nullable(out, "flash", flash);
  if (sticky) out["sticky"] = *sticky;
  merge_extra(out, extra);
  return out;
}

result<join_payload> join_payload::from_json(const json& j) {
  reader r(j, "");
  join_payload out;
  out.url = r.optional_string("url");
  out.redirect = r.optional_string("redirect");
  if (r.ok() && out.url && out.redirect) r.fail(message_errc::conflicting_keys, "redirect");
  if (const json* p = r.required("params")) {
    auto params = join_params::from_json(*p);
    if (params) {
      out.params = std::move(*params);
    } else {
      auto e = params.error();
      r.fail(static_cast<message_errc>(e.code.value()), join_path("params", e.where));
    }
  }
  out.session = r.string("session");
  out.static_token = r.nullable_string("static");
  out.flash = r.nullable_string("flash");
  out.sticky = r.optional_bool("sticky");
  if (!r.ok()) return r.take_error();
  out.extra = r.extra();
  return out;
}

json join_ok::to_json() const {
  json out = {{"rendered", rendered}};
  if (live_patch) out["live_patch"] = live_patch->to_json();
  if (container) out["container"] = json::array({container->tag, container->attrs});
  put_optional(out, "liveview_version", liveview_version);
  merge_extra(out, extra);
  return out;
}

result<join_ok> join_ok::from_json(const json& response) {
  reader r(response, "");
  join_ok out;
  if (const json* rendered = r.required("rendered")) {
    if (rendered->is_object())
      out.rendered = *rendered;
    else
      r.fail(message_errc::not_object, "rendered");
  }
  out.live_patch = r.nested<live_patch_to>("live_patch");
  if (const json* c = r.find("container")) {
    if (!c->is_array() || c->size() != 2)
      r.fail(message_errc::wrong_type, "container");
    else if (!(*c)[0].is_string())
      r.fail(message_errc::wrong_type, "container.0");
    else if (!(*c)[1].is_object())
      r.fail(message_errc::not_object, "container.1");
    else
      out.container = container_spec{(*c)[0].get<std::string>(), (*c)[1]};
  }
  out.liveview_version = r.optional_string("liveview_version");
  if (!r.ok()) return r.take_error();
  out.extra = r.extra();
  return out;
}

join_error join_error::with_reason(std::string reason) {
  join_error e;
  e.what = kind_of_reason(reason);
  e.reason = std::move(reason);
  return e;
}

join_error join_error::redirecting(redirect_to r) {
  join_error e;
  e.what = kind::redirect;
  e.redirect = std::move(r);
  return e;
}

join_error join_error::live_redirecting(live_redirect_to r) {
  join_error e;
  e.what = kind::live_redirect;
  e.live_redirect = std::move(r);
  return e;
}

json join_error::to_json() const {
  json out = json::object();
  if (what == kind::redirect && redirect) {
    out["redirect"] = redirect->to_json();
  } else if (what == kind::live_redirect && live_redirect) {
    out["live_redirect"] = live_redirect->to_json();
  } else {
    out["reason"] = reason;
  }
  if (status) out["status"] = *status;
  put_optional(out, "token", token);
  merge_extra(out, extra);
  return out;
}

result<join_error> join_error::from_json(const json& response) {
  reader r(response, "");
  join_error out;
  const bool has_redirect = r.has("redirect");
  const bool has_live_redirect = r.has("live_redirect");
  const bool has_reason = r.has("reason");
  if (int(has_redirect) + int(has_live_redirect) + int(has_reason) > 1) {
    r.fail(message_errc::conflicting_keys, has_reason ? "reason" : "live_redirect");
  } else if (has_redirect) {
    out.what = kind::redirect;
    out.redirect = r.nested<redirect_to>("redirect");
  } else if (has_live_redirect) {
    out.what = kind::live_redirect;
    out.live_redirect = r.nested<live_redirect_to>("live_redirect");
  } else {
    out.reason = r.string("reason");
    out.what = kind_of_reason(out.reason);
  }
  out.status = r.optional_int("status", 0);
  out.token = r.optional_string("token");
  if (r.ok() && out.what == kind::reload) {
    if (!out.status) r.fail(message_errc::missing_key, "status");
    if (!out.token) r.fail(message_errc::missing_key, "token");
  }
  if (!r.ok()) return r.take_error();
  out.extra = r.extra();
  return out;
}

// --- replies --------------------------------------------------------------------------

json reply::to_json() const {
  json out = {{"status", status == reply_status::ok ? "ok" : "error"}, {"response", response}};
  merge_extra(out, extra);
  return out;
}

result<reply> reply::from_json(const json& payload) {
  reader r(payload, "");
  reply out;
  const std::string status = r.string("status");
  if (r.ok()) {
    if (status == "ok")
      out.status = reply_status::ok;
    else if (status == "error")
      out.status = reply_status::error;
    else
      r.fail(message_errc::bad_value, "status");
  }
  if (const json* resp = r.required("response")) {
    // Phoenix replies are maps; a bare value would be a server bug worth seeing.
    if (resp->is_object())
      out.response = *resp;
    else
      r.fail(message_errc::not_object, "response");
  }
  if (!r.ok()) return r.take_error();
  out.extra = r.extra();
  return out;
}

result<reply> reply::from_frame(const frame& f) {
  if (f.event != events::reply) return make_error(message_errc::wrong_event, f.event);
  return from_json(f.payload);
}

json join_reply::to_json() const {
  if (const auto* ok = std::get_if<join_ok>(&value))
    return reply{reply_status::ok, ok->to_json(), json::object()}.to_json();
  return reply{reply_status::error, std::get<join_error>(value).to_json(), json::object()}
      .to_json();
}

result<join_reply> join_reply::from_json(const json& payload) {
  auto env = reply::from_json(payload);
  if (!env) return env.error();
  if (!env->extra.empty()) {
    return make_error(message_errc::unexpected_key, env->extra.begin().key());
  }
  auto in_response = [](error e) {
    e.where = join_path("response", e.where);
    return e;
  };
  if (env->status == reply_status::ok) {
    auto ok = join_ok::from_json(env->response);
    if (!ok) return in_response(ok.error());
    return join_reply{std::move(*ok)};
  }
  auto err = join_error::from_json(env->response);
  if (!err) return in_response(err.error());
  return join_reply{std::move(*err)};
}

json event_reply::to_json() const {
  json out = json::object();
  if (diff) out["diff"] = *diff;
  if (redirect) out["redirect"] = redirect->to_json();
  if (live_redirect) out["live_redirect"] = live_redirect->to_json();
  if (live_patch) out["live_patch"] = live_patch->to_json();
  if (link_redirect) out["link_redirect"] = *link_redirect;
  merge_extra(out, extra);
  return out;
}

result<event_reply> event_reply::from_json(const json& response) {
  reader r(response, "");
  event_reply out;
  if (const json* d = r.optional_object("diff")) out.diff = *d;
  out.redirect = r.nested<redirect_to>("redirect");
  out.live_redirect = r.nested<live_redirect_to>("live_redirect");
  out.live_patch = r.nested<live_patch_to>("live_patch");
  out.link_redirect = r.optional_bool("link_redirect");
  if (!r.ok()) return r.take_error();
  out.extra = r.extra();
  return out;
}

// --- client pushes --------------------------------------------------------------------

json event_payload::to_json() const {
  json out = json::object();
  if (type == event_type::other) {
    if (other_type)
      out["type"] = *other_type;
    else
      out["type"] = nullptr;
  } else {
    out["type"] = to_string(type);
  }
  out["event"] = event;
  out["value"] = value;
  if (cid)
    out["cid"] = *cid;
  else if (null_cid)
    out["cid"] = nullptr;
  if (uploads) out["uploads"] = *uploads;
  if (meta) out["meta"] = *meta;
  merge_extra(out, extra);
  return out;
}

namespace {

// Decodes an event payload; with `take` (which is `j` itself, not const) the JSON values are
// moved out of it rather than copied. One pass over the members finds the known keys (an event
// per click makes the six separate lookups and the key list of `reader` show); the checks then
// run in reader order, so the first error is the one reader would report.
result<event_payload> decode_event(const json& j, json* take) {
  if (!j.is_object()) return make_error(message_errc::not_object, "");
  // v points into j; with take, j is *take and may be moved from.
  auto grab = [take](const json& v) -> json {
    return take ? std::move(const_cast<json&>(v)) : v;
  };
  const json* type = nullptr;
  const json* event = nullptr;
  const json* value = nullptr;
  const json* cid = nullptr;
  const json* uploads = nullptr;
  const json* meta = nullptr;
  bool others = false;
  for (const auto& [key, v] : j.get_ref<const json::object_t&>()) {
    if (key == "type") type = &v;
    else if (key == "event") event = &v;
    else if (key == "value") value = &v;
    else if (key == "cid") cid = &v;
    else if (key == "uploads") uploads = &v;
    else if (key == "meta") meta = &v;
    else others = true;
  }

  event_type kind = event_type::other;
  std::optional<std::string> other_type;
  if (!type) return make_error(message_errc::missing_key, "type");
  if (!type->is_null()) {
    if (!type->is_string()) return make_error(message_errc::wrong_type, "type");
    const auto& s = type->get_ref<const std::string&>();
    static constexpr event_type named[] = {
        event_type::click, event_type::keyup, event_type::keydown, event_type::focus,
        event_type::blur,  event_type::form,  event_type::hook};
    for (event_type n : named)
      if (s == to_string(n)) {
        kind = n;
        break;
      }
    if (kind == event_type::other) other_type = s;
  }
  if (!event) return make_error(message_errc::missing_key, "event");
  if (!event->is_string()) return make_error(message_errc::wrong_type, "event");
  if (!value) return make_error(message_errc::missing_key, "value");
  if (kind == event_type::form ? !value->is_string() : !value->is_object())
    return make_error(kind == event_type::form ? message_errc::wrong_type : message_errc::not_object,
                      "value");
  std::optional<int> cid_value;
  bool null_cid = false;
  if (cid) {
    if (cid->is_null())
      null_cid = true;
    else if (!cid->is_number_integer())
      return make_error(message_errc::wrong_type, "cid");
    else if (!is_positive_int(*cid))
      return make_error(message_errc::bad_value, "cid");  // cids are allocated from 1
    else
      cid_value = cid->get<int>();
  }
  for (auto [v, key] : {std::pair{uploads, "uploads"}, std::pair{meta, "meta"}}) {
    if (!v) continue;
    if (!v->is_object()) return make_error(message_errc::not_object, key);
    if (kind != event_type::form) return make_error(message_errc::unexpected_key, key);
  }

  json extra(json::value_t::object);
  if (others) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& k = it.key();
      if (k == "type" || k == "event" || k == "value" || k == "cid" || k == "uploads" || k == "meta")
        continue;
      extra[k] = grab(it.value());
    }
  }
  // Built whole: the defaults of value and extra would each allocate an object first.
  return event_payload{
      .type = kind,
      .other_type = std::move(other_type),
      .event = take ? std::move(const_cast<json*>(event)->get_ref<std::string&>())
                    : event->get_ref<const std::string&>(),
      .value = grab(*value),
      .cid = cid_value,
      .null_cid = null_cid,
      .uploads = uploads ? std::optional<json>(grab(*uploads)) : std::nullopt,
      .meta = meta ? std::optional<json>(grab(*meta)) : std::nullopt,
      .extra = std::move(extra),
  };
}

}  // namespace

result<event_payload> event_payload::from_json(const json& j) { return decode_event(j, nullptr); }

result<event_payload> event_payload::from_json(json&& j) { return decode_event(j, &j); }

json link_payload::to_json() const {
  json out = {{"url", url}};
  merge_extra(out, extra);
  return out;
}

result<link_payload> link_payload::from_json(const json& j) {
  reader r(j, "");
  link_payload out;
  out.url = r.string("url");
  if (!r.ok()) return r.take_error();
  out.extra = r.extra();
  return out;
}

json cids_payload::to_json() const {
  json out = {{"cids", cids}};
  merge_extra(out, extra);
  return out;
}

result<cids_payload> cids_payload::from_json(const json& j) {
  reader r(j, "");
  cids_payload out;
  if (const json* c = r.required("cids")) {
    if (!c->is_array()) {
      r.fail(message_errc::wrong_type, "cids");
    } else {
      for (std::size_t i = 0; i < c->size(); ++i) {
        const json& v = (*c)[i];
        if (!v.is_number_integer()) {
          r.fail(message_errc::wrong_type, "cids." + std::to_string(i));
          break;
        }
        if (!is_positive_int(v)) {
          r.fail(message_errc::bad_value, "cids." + std::to_string(i));
          break;
        }
        out.cids.push_back(v.get<int>());
      }
    }
  }
  if (!r.ok()) return r.take_error();
  out.extra = r.extra();
  return out;
}

// --- frames ---------------------------------------------------------------------------

frame make_join(std::string topic, std::string ref, const join_payload& p) {
  std::string join_ref = ref;
  return make_frame(std::move(join_ref), std::move(ref), std::move(topic), events::join,
                    p.to_json());
}

frame make_push(std::string topic, std::string event, json payload, std::string join_ref,
                std::string ref) {
  return make_frame(std::move(join_ref), std::move(ref), std::move(topic), event,
                    std::move(payload));
}

frame make_server_push(std::string topic, std::string event, json payload,
                       std::optional<std::string> join_ref) {
  return make_frame(std::move(join_ref), std::nullopt, std::move(topic), event, std::move(payload));
}

frame make_reply(const frame& request, const reply& r) {
  return make_frame(request.join_ref, request.ref, request.topic, events::reply, r.to_json());
}

frame make_reply(const frame& request, reply_status status, json response) {
  // What reply{status, response}.to_json() writes, without copying the response.
  json payload(json::value_t::object);
  auto& fields = payload.get_ref<json::object_t&>();
  fields.emplace("response", std::move(response));
  fields.emplace("status", status == reply_status::ok ? "ok" : "error");
  return make_frame(request.join_ref, request.ref, request.topic, events::reply,
                    std::move(payload));
}

frame make_reply(frame&& request, reply_status status, json response) {
  frame f;
  f.join_ref = std::move(request.join_ref);
  f.ref = std::move(request.ref);
  f.topic = std::move(request.topic);
  f.event = events::reply;
  auto& fields = f.payload.get_ref<json::object_t&>();
  fields.emplace("response", std::move(response));
  fields.emplace("status", status == reply_status::ok ? "ok" : "error");
  return f;
}

frame make_unmatched_topic_reply(const frame& request) {
  reply r{reply_status::error, join_error::with_reason("unmatched topic").to_json(),
          json::object()};
  return make_frame(std::nullopt, request.ref, request.topic, events::reply, r.to_json());
}

frame make_phx_error(std::string topic, std::string join_ref) {
  std::string ref = join_ref;
  return make_frame(std::move(join_ref), std::move(ref), std::move(topic), events::error,
                    json::object());
}

frame make_phx_close(std::string topic, std::string join_ref) {
  std::string ref = join_ref;
  return make_frame(std::move(join_ref), std::move(ref), std::move(topic), events::close,
                    json::object());
}

frame make_phx_leave(std::string topic, std::string join_ref, std::string ref) {
  return make_frame(std::move(join_ref), std::move(ref), std::move(topic), events::leave,
                    json::object());
}

frame make_heartbeat(std::string ref) {
  return make_frame(std::nullopt, std::move(ref), std::string(phoenix_topic), events::heartbeat,
                    json::object());
}

frame make_heartbeat_reply(std::string ref) {
  reply r{reply_status::ok, json::object(), json::object()};
  return make_frame(std::nullopt, std::move(ref), std::string(phoenix_topic), events::reply,
                    r.to_json());
}

bool is_heartbeat(const frame& f) noexcept {
  return f.topic == phoenix_topic && f.event == events::heartbeat;
}

}  // namespace lvh::protocol
