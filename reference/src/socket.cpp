#include <lvh/ref/socket.hpp>

#include <stdexcept>

namespace lvh::ref {

namespace {
const value& null_value() {
    static const value v;
    return v;
}
}  // namespace

socket::socket(std::string id, bool connected, socket_host* host)
    : id_(std::move(id)), connected_(connected), host_(host) {
    // Phoenix assigns an empty flash before mount; templates may read @flash.
    assigns_.set("flash", value::object());
}

socket& socket::assign(std::string key, value v) {
    assigns_.set(std::move(key), std::move(v));
    return *this;
}

socket& socket::assign(const value& object) {
    assigns_.merge(object);
    return *this;
}

socket& socket::assign_new(std::string key, const std::function<value()>& fn) {
    if (assigns_.has(key)) return *this;
    assign_new_keys_.push_back(key);
    if (parent_assigns_ != nullptr && parent_assigns_->has(key)) {
        assigns_.set(key, parent_assigns_->get(key));
        return *this;
    }
    assigns_.set(std::move(key), fn());
    return *this;
}

socket& socket::update(std::string key, const std::function<value(const value&)>& fn) {
    if (!assigns_.has(key)) throw std::out_of_range("update: no assign \"" + key + "\"");
    value next = fn(assigns_.get(key));
    assigns_.set(std::move(key), std::move(next));
    return *this;
}

const value& socket::get_connect_params() const {
    return connected_ ? connect_params_ : null_value();
}

const value& socket::get_connect_info() const {
    return connected_ ? connect_info_ : null_value();
}

socket& socket::put_flash(std::string kind, std::string message) {
    value flash = assigns_.get("flash");
    if (!flash.is_object()) flash = value::object();
    flash[kind] = message;
    pending_.changed_flash[kind] = std::move(message);
    assigns_.set("flash", std::move(flash));
    return *this;
}

socket& socket::clear_flash() {
    assigns_.set("flash", value::object());
    pending_.changed_flash = value::object();
    return *this;
}

socket& socket::clear_flash(std::string_view kind) {
    value flash = assigns_.get("flash");
    if (flash.is_object()) flash.erase(std::string(kind));
    pending_.changed_flash.erase(std::string(kind));
    assigns_.set("flash", std::move(flash));
    return *this;
}

socket& socket::push_event(std::string event, value payload) {
    pending_.events.push_back({std::move(event), std::move(payload)});
    return *this;
}

socket& socket::push_patch(std::string to, bool replace) {
    pending_.navigation = navigation{navigation::kind::patch, std::move(to), replace};
    pending_.external_redirect = false;
    return *this;
}

socket& socket::push_redirect(std::string to, bool replace) {
    pending_.navigation = navigation{navigation::kind::live_redirect, std::move(to), replace};
    pending_.external_redirect = false;
    return *this;
}

socket& socket::redirect(std::string to) {
    pending_.navigation = navigation{navigation::kind::redirect, std::move(to), false};
    pending_.external_redirect = false;
    return *this;
}

socket& socket::redirect_external(std::string url) {
    pending_.navigation = navigation{navigation::kind::redirect, std::move(url), false};
    pending_.external_redirect = true;
    return *this;
}

socket& socket::set_temporary_assigns(value object) {
    temporary_assigns_ = object.is_object() ? std::move(object) : value::object();
    return *this;
}

void socket::reset_temporary_assigns() {
    if (temporary_assigns_.empty()) return;
    for (auto it = temporary_assigns_.begin(); it != temporary_assigns_.end(); ++it)
        assigns_.set(it.key(), it.value());
    // Resetting is not a change the client must see.
    assigns_.clear_changed();
}

socket::state socket::take_pending() {
    state out = std::move(pending_);
    pending_ = state{};
    return out;
}

std::vector<pushed_event> socket::take_events() {
    std::vector<pushed_event> events = std::move(pending_.events);
    pending_.events.clear();
    pending_.navigation.reset();
    pending_.external_redirect = false;
    if (!pending_.changed_flash.is_object() || !pending_.changed_flash.empty())
        pending_.changed_flash = value::object();
    return events;
}

void socket::send_self(value msg) {
    if (connected_ && host_ != nullptr) host_->send_self(std::move(msg));
}

std::uint64_t socket::send_after(value msg, std::chrono::milliseconds delay) {
    if (!connected_ || host_ == nullptr) return 0;
    return host_->send_after(std::move(msg), delay);
}

bool socket::cancel_timer(std::uint64_t timer) {
    if (!connected_ || host_ == nullptr) return false;
    return host_->cancel_timer(timer);
}

void socket::subscribe(const std::string& topic) {
    if (connected_ && host_ != nullptr) host_->subscribe(topic);
}

void socket::unsubscribe(const std::string& topic) {
    if (connected_ && host_ != nullptr) host_->unsubscribe(topic);
}

void socket::broadcast(const std::string& topic, const value& msg) {
    if (host_ != nullptr) host_->broadcast(topic, msg);
}

void socket::broadcast_from(const std::string& topic, const value& msg) {
    if (host_ != nullptr) host_->broadcast_from(topic, msg);
}

void socket::send_update(std::string component, value id, value assigns) {
    if (connected_ && host_ != nullptr)
        host_->send_update(std::move(component), std::move(id), std::move(assigns));
}

std::uint64_t socket::send_update_after(std::string component, value id, value assigns,
                                        std::chrono::milliseconds delay) {
    if (!connected_ || host_ == nullptr) return 0;
    return host_->send_update_after(std::move(component), std::move(id), std::move(assigns),
                                    delay);
}

}  // namespace lvh::ref
