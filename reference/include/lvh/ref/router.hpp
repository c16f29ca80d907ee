// Routes: path patterns → the live view that serves them (Phoenix.Router's `live/3`).
//
//   lvh::ref::router r;
//   r.live("/", "CounterLive");
//   r.live("/items/:id", "ItemLive", {.session = {{"admin", true}}, .action = "show"});
//   auto m = r.match("/items/7?tab=a");   // m->params == {"id":"7","tab":"a"}
#pragma once

#include <lvh/ref/template.hpp>
#include <lvh/ref/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <deque>
#include <vector>

namespace lvh::ref {

struct route_options {
    // Merged over the HTTP session into the session the view's mount receives.
    value session = value::object();
    // The live_action assign (Phoenix's `live "/x", View, :action`); empty: none assigned.
    std::string action{};
    // The page layout; unset: the endpoint's.
    std::optional<template_> layout{};
    // The container element's tag.
    std::string container_tag = "div";
};

struct route {
    std::string path;                   // "/items/:id", "/files/*rest"
    std::string view;                   // a name in the view_registry
    route_options options;
};

struct route_match {
    const route* matched = nullptr;
    value params = value::object();     // path params, then query params (path params win)
    std::string path;                   // the request's path
};

class router {
public:
    router& live(std::string path, std::string view, route_options options = {});

    // A path with an optional query ("/items/7?tab=a") or an absolute URL. Segments match
    // literally, `:name` captures one segment (percent-decoded), `*name` the rest as a list.
    // nullopt when nothing matches or the query does not decode.
    std::optional<route_match> match(std::string_view url) const;

    const std::deque<route>& routes() const { return routes_; }

private:
    std::deque<route> routes_;
};

// The path-and-query part of an absolute URL ("http://h:4000/a?b" → "/a?b"); a relative
// URL is returned unchanged.
std::string url_path_and_query(std::string_view url);

}  // namespace lvh::ref
