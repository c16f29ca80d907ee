#include "golden_view.hpp"

#include "golden_counter.hpp"

#include <lvh/ref/socket.hpp>

namespace lvh::ref::test {

namespace {

class counter_live : public live_view {
public:
    void mount(const value&, const value&, socket& s) override {
        s.assign("count", 0);
        s.assign("name", "");
        s.assign("submitted", nullptr);
    }
    const template_& render(const socket&) const override {
        return counter_compiled();
    }
    event_result handle_event(std::string_view event, const value& v, socket& s) override {
        int count = s.get("count").get<int>();
        if (event == "inc") {
            s.assign("count", count + 1);
        } else if (event == "dec") {
            s.assign("count", count > 0 ? count - 1 : 0);
        } else if (event == "validate") {
            s.assign("name", v.value("name", ""));
        } else if (event == "save") {
            s.assign("name", v.value("name", ""));
            s.assign("submitted", v.value("name", ""));
        } else {
            return live_view::handle_event(event, v, s);  // no clause: the view crashes
        }
        return noreply();
    }
};

}  // namespace

void add_golden_views(view_registry& views, component_registry& components) {
    views.add<counter_live>("CounterLive");
    components.add<item_component>("ItemComponent");
}

}  // namespace lvh::ref::test
