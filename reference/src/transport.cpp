#include <lvh/ref/connection.hpp>
#include <lvh/ref/endpoint.hpp>
#include <lvh/ref/transport.hpp>

#include <cmath>

namespace lvh::ref {

namespace {

// Whether s is well-formed UTF-8 (what nlohmann's serializer accepts in strict mode).
bool valid_utf8(const std::string& s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        const unsigned char b = *p;
        if (b < 0x80) {
            ++p;
            continue;
        }
        std::size_t len;
        unsigned char lo = 0x80, hi = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            len = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            len = 3;
            if (b == 0xE0) lo = 0xA0;
            if (b == 0xED) hi = 0x9F;  // no surrogates
        } else if (b >= 0xF0 && b <= 0xF4) {
            len = 4;
            if (b == 0xF0) lo = 0x90;
            if (b == 0xF4) hi = 0x8F;
        } else {
            return false;
        }
        if (std::size_t(end - p) < len || p[1] < lo || p[1] > hi) return false;
        for (std::size_t k = 2; k < len; ++k)
            if ((p[k] & 0xC0) != 0x80) return false;
        p += len;
    }
    return true;
}

// Why v could not travel as JSON text, or null. Runs on every frame sent as text, so it
// allocates nothing.
const char* unencodable(const value& v) noexcept {
    switch (v.type()) {
        case value::value_t::number_float:
            return std::isfinite(v.get<double>()) ? nullptr : "a non-finite number";
        case value::value_t::binary: return "binary data";
        case value::value_t::string:
            return valid_utf8(v.get_ref<const std::string&>()) ? nullptr : "a string that is not UTF-8";
        case value::value_t::array:
            for (const auto& e : v)
                if (const char* why = unencodable(e)) return why;
            return nullptr;
        case value::value_t::object:
            // The map itself: items() builds a proxy (with a string of its own) per member.
            for (const auto& [key, item] : v.get_ref<const value::object_t&>()) {
                if (!valid_utf8(key)) return "a string that is not UTF-8";
                if (const char* why = unencodable(item)) return why;
            }
            return nullptr;
        default: return nullptr;
    }
}

}  // namespace

std::string encode_strict(const protocol::frame& f) {
    const char* why = nullptr;
    for (const std::string* s : {&f.topic, &f.event})
        if (!why && !valid_utf8(*s)) why = "a string that is not UTF-8";
    for (const auto* r : {&f.join_ref, &f.ref})
        if (!why && *r && !valid_utf8(**r)) why = "a string that is not UTF-8";
    if (!why) why = unencodable(f.payload);
    if (why)
        throw transport_error("frame " + f.event + " on " + f.topic + " cannot be sent as JSON: " + why);
    return protocol::encode(f);
}

std::shared_ptr<in_process_client> in_process_client::connect(endpoint& ep, value params,
                                                              value connect_info, mode m) {
    auto conn = ep.connect(std::move(params), std::move(connect_info));
    std::shared_ptr<in_process_client> client(new in_process_client(conn, m));
    std::weak_ptr<in_process_client> w = client;
    conn->set_sink([w](protocol::frame&& f) {
        if (auto c = w.lock()) c->deliver(std::move(f));
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

void in_process_client::send(protocol::frame&& f) {
    if (mode_ == mode::frames) conn_->receive(std::move(f));
    else conn_->receive(protocol::encode(f));
}

void in_process_client::deliver(protocol::frame&& f) {
    if (mode_ == mode::frames) {
        // Into the inbox in place: an item made first and moved in costs two frame moves.
        std::lock_guard lock(mutex_);
        inbox_.emplace_back().frame.emplace(std::move(f));
        waiting_.store(inbox_.size(), std::memory_order_release);
        return;
    }
    item it;
    try {
        it.text = encode_strict(f);
    } catch (const transport_error& e) {
        it.error = e.what();
    }
    release(f.payload);  // the text is what travels; the tree goes, cheaply
    std::lock_guard lock(mutex_);
    inbox_.push_back(std::move(it));
    waiting_.store(inbox_.size(), std::memory_order_release);
}

in_process_client::item in_process_client::pop() {
    if (waiting_.load(std::memory_order_acquire) == 0) return {};
    std::lock_guard lock(mutex_);
    if (inbox_.empty()) return {};
    item it = std::move(inbox_.front());
    inbox_.pop_front();
    waiting_.store(inbox_.size(), std::memory_order_release);
    return it;
}

std::optional<std::string> in_process_client::receive_text() {
    item it = pop();
    if (!it.error.empty()) throw transport_error(it.error);
    if (it.text) return std::move(it.text);
    if (it.frame) return protocol::encode(*it.frame);
    return std::nullopt;
}

std::optional<protocol::frame> in_process_client::receive() {
    item it = pop();
    if (!it.error.empty()) throw transport_error(it.error);
    if (it.frame) return std::move(it.frame);
    if (!it.text) return std::nullopt;
    auto f = protocol::decode(*it.text);
    if (!f) throw transport_error("the server sent a frame that does not decode: " + f.error().message());
    return *f;
}

std::vector<protocol::frame> in_process_client::receive_all() {
    std::vector<protocol::frame> out;
    if (mode_ != mode::frames) {
        while (auto f = receive()) out.push_back(std::move(*f));
        return out;
    }
    // Frames mode: the plain frames under one lock (this runs after every pump, mostly to
    // find nothing); anything else (none is made in this mode) goes through receive().
    if (waiting_.load(std::memory_order_acquire) == 0) return out;
    bool rest = false;
    {
        std::lock_guard lock(mutex_);
        while (!inbox_.empty() && inbox_.front().frame && inbox_.front().error.empty()) {
            out.push_back(std::move(*inbox_.front().frame));
            inbox_.pop_front();
        }
        waiting_.store(inbox_.size(), std::memory_order_release);
        rest = !inbox_.empty();
    }
    if (rest)
        while (auto f = receive()) out.push_back(std::move(*f));
    return out;
}

std::size_t in_process_client::waiting() const {
    return waiting_.load(std::memory_order_acquire);
}

void in_process_client::close() {
    {
        std::lock_guard lock(mutex_);
        closed_.store(true, std::memory_order_release);
    }
    conn_->close();
}

bool in_process_client::closed() const {
    return closed_.load(std::memory_order_acquire);
}

}  // namespace lvh::ref
