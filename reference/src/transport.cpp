#include <lvh/ref/connection.hpp>
#include <lvh/ref/endpoint.hpp>
#include <lvh/ref/transport.hpp>

#include <cmath>

namespace lvh::ref {

namespace {

// Why v could not travel as JSON text, or empty.
std::string unencodable(const value& v) {
    switch (v.type()) {
        case value::value_t::number_float:
            if (!std::isfinite(v.get<double>())) return "a non-finite number";
            return {};
        case value::value_t::binary: return "binary data";
        case value::value_t::string:
            try {
                (void)v.dump();
            } catch (const nlohmann::json::type_error&) {
                return "a string that is not UTF-8";
            }
            return {};
        case value::value_t::array:
            for (const auto& e : v) {
                auto why = unencodable(e);
                if (!why.empty()) return why;
            }
            return {};
        case value::value_t::object:
            for (auto it = v.begin(); it != v.end(); ++it) {
                auto why = unencodable(value(it.key()));
                if (why.empty()) why = unencodable(it.value());
                if (!why.empty()) return why;
            }
            return {};
        default: return {};
    }
}

}  // namespace

std::string encode_strict(const protocol::frame& f) {
    value head = value::array({f.topic, f.event});
    if (f.join_ref) head.push_back(*f.join_ref);
    if (f.ref) head.push_back(*f.ref);
    std::string why = unencodable(head);
    if (why.empty()) why = unencodable(f.payload);
    if (!why.empty())
        throw transport_error("frame " + f.event + " on " + f.topic + " cannot be sent as JSON: " + why);
    return protocol::encode(f);
}

std::shared_ptr<in_process_client> in_process_client::connect(endpoint& ep, value params,
                                                              value connect_info, mode m) {
    auto conn = ep.connect(std::move(params), std::move(connect_info));
    std::shared_ptr<in_process_client> client(new in_process_client(conn, m));
    std::weak_ptr<in_process_client> w = client;
    conn->set_sink([w](const protocol::frame& f) {
        if (auto c = w.lock()) c->deliver(f);
    });
    return client;
}

in_process_client::in_process_client(std::shared_ptr<connection> c, mode m)
    : conn_(std::move(c)), mode_(m) {}

in_process_client::~in_process_client() { conn_->close(); }

void in_process_client::send(std::string text) { conn_->receive(std::move(text)); }

void in_process_client::send(const protocol::frame& f) {
    if (mode_ == mode::frames) conn_->receive(f);
    else conn_->receive(protocol::encode(f));
}

void in_process_client::deliver(const protocol::frame& f) {
    item it;
    if (mode_ == mode::frames) {
        it.frame = f;
    } else {
        try {
            it.text = encode_strict(f);
        } catch (const transport_error& e) {
            it.error = e.what();
        }
    }
    std::lock_guard lock(mutex_);
    inbox_.push_back(std::move(it));
}

in_process_client::item in_process_client::pop() {
    std::lock_guard lock(mutex_);
    if (inbox_.empty()) return {};
    item it = std::move(inbox_.front());
    inbox_.pop_front();
    return it;
}

std::optional<std::string> in_process_client::receive_text() {
    item it = pop();
    if (!it.error.empty()) throw transport_error(it.error);
    if (it.text) return it.text;
    if (it.frame) return protocol::encode(*it.frame);
    return std::nullopt;
}

std::optional<protocol::frame> in_process_client::receive() {
    item it = pop();
    if (!it.error.empty()) throw transport_error(it.error);
    if (it.frame) return it.frame;
    if (!it.text) return std::nullopt;
    auto f = protocol::decode(*it.text);
    if (!f) throw transport_error("the server sent a frame that does not decode: " + f.error().message());
    return *f;
}

std::vector<protocol::frame> in_process_client::receive_all() {
    std::vector<protocol::frame> out;
    while (auto f = receive()) out.push_back(std::move(*f));
    return out;
}

std::size_t in_process_client::waiting() const {
    std::lock_guard lock(mutex_);
    return inbox_.size();
}

void in_process_client::close() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    conn_->close();
}

bool in_process_client::closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
}

}  // namespace lvh::ref
