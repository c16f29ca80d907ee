// Memory per connected idle view (docs/benchmarks.md): the golden view (CounterLive +
// ItemComponent) joined by N clients through lvh::ref::in_process_client on one endpoint with
// the deterministic scheduler, run until idle; heap bytes live afterwards minus before, / N.
// Goal (issue 3): under 8 KB per view.
//
// Heap bytes are counted by this executable's global operator new/delete (the usable size of
// each block, malloc_usable_size: what the allocator really hands out, without its 8-16 byte
// chunk header) and cross-checked with glibc's mallinfo2 (in-use bytes, headers included).
//
//   lvh_view_memory_bench [--views N] [--json]
//     one connection per view (each client a browser tab), then N views on one connection
#include "golden_view.hpp"  // reference/test: the golden view

#include <lvh/ref/endpoint.hpp>
#include <lvh/ref/runtime.hpp>
#include <lvh/ref/transport.hpp>

#include <malloc.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace {

std::atomic<long long> g_live{0};
std::atomic<long long> g_allocs{0};

void* counted_alloc(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (!p) throw std::bad_alloc();
  g_live.fetch_add(static_cast<long long>(malloc_usable_size(p)), std::memory_order_relaxed);
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  return p;
}

void* counted_alloc_aligned(std::size_t n, std::align_val_t al) {
  const auto a = static_cast<std::size_t>(al);
  void* p = std::aligned_alloc(a, (n + a - 1) / a * a);
  if (!p) throw std::bad_alloc();
  g_live.fetch_add(static_cast<long long>(malloc_usable_size(p)), std::memory_order_relaxed);
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  return p;
}

void counted_free(void* p) noexcept {
  if (!p) return;
  g_live.fetch_sub(static_cast<long long>(malloc_usable_size(p)), std::memory_order_relaxed);
  g_allocs.fetch_sub(1, std::memory_order_relaxed);
  std::free(p);
}

}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(std::size_t n, std::align_val_t a) { return counted_alloc_aligned(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_alloc_aligned(n, a); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }

namespace {

using lvh::ref::value;

struct heap {
  long long counted = 0;  // operator new, usable bytes
  long long blocks = 0;
  long long malloc_in_use = 0;  // mallinfo2().uordblks
};

heap snapshot() {
  malloc_trim(0);
  return {g_live.load(), g_allocs.load(), static_cast<long long>(mallinfo2().uordblks)};
}

std::string attr(const std::string& html, const std::string& name) {
  const std::string needle = " " + name + "=\"";
  auto at = html.find(needle);
  if (at == std::string::npos) return {};
  at += needle.size();
  return html.substr(at, html.find('"', at) - at);
}

// What a join needs from a page load.
struct page {
  std::string csrf, cookie, topic, session, static_token;
};

page load(lvh::ref::endpoint& ep, const std::string* cookie = nullptr) {
  lvh::ref::http_request req{.url = "/"};
  if (cookie) req.session_cookie = *cookie;
  auto r = ep.get(req);
  if (r.status != 200) {
    std::fprintf(stderr, "GET / answered %d\n", r.status);
    std::exit(1);
  }
  return {r.csrf_token, r.session_cookie, "lv:" + r.view_id, attr(r.body, "data-phx-session"),
          attr(r.body, "data-phx-static")};
}

lvh::protocol::frame join_frame(const page& p, int ref) {
  const std::string r = std::to_string(ref);
  return {r, r, p.topic, "phx_join",
          value{{"url", "http://127.0.0.1:4000/"},
                {"params", {{"_mounts", 0}}},
                {"session", p.session},
                {"static", p.static_token}}};
}

// Every client's inbox emptied, checking that each join was answered ok.
int drain(std::vector<std::shared_ptr<lvh::ref::in_process_client>>& clients) {
  int ok = 0;
  for (auto& c : clients) {
    for (auto& f : c->receive_all()) {
      if (f.event == "phx_reply" && f.payload.value("status", "") == "ok") ++ok;
    }
  }
  return ok;
}

struct result {
  const char* name;
  int views;
  double counted_per_view;
  double malloc_per_view;
  double blocks_per_view;
  long long left_after_close;  // counted bytes still live after every client closed
};

struct bench_env {
  lvh::ref::deterministic_scheduler sched;
  std::unique_ptr<lvh::ref::endpoint> ep;

  bench_env() {
    lvh::ref::view_registry views;
    lvh::ref::component_registry components;
    lvh::ref::router routes;
    lvh::ref::test::add_golden_views(views, components);
    routes.live("/", "CounterLive");
    lvh::ref::endpoint_config cfg;
    cfg.secret_key_base = "liveharness-bench-secret-key-base-liveharness-bench-secret-key-base";
    cfg.seed = 7;
    cfg.logger = [](std::string_view line) { std::fprintf(stderr, "server: %.*s\n", static_cast<int>(line.size()), line.data()); };
    ep = std::make_unique<lvh::ref::endpoint>(std::move(cfg), std::move(views), std::move(components),
                                              std::move(routes), sched);
  }
};

// One connection (in_process_client) per view.
result one_connection_each(int n) {
  bench_env env;
  std::vector<page> pages;
  pages.reserve(static_cast<std::size_t>(n) + 8);
  std::vector<std::shared_ptr<lvh::ref::in_process_client>> clients;
  clients.reserve(static_cast<std::size_t>(n) + 8);
  // Warm-up: a few views first, so that what is built once per process (compiled templates,
  // statics) is not counted per view.
  for (int i = 0; i < 8; ++i) {
    pages.push_back(load(*env.ep));
    auto c = lvh::ref::in_process_client::connect(*env.ep, {{"_csrf_token", pages.back().csrf}},
                                                  {{"session", pages.back().cookie}});
    c->send(join_frame(pages.back(), 1));
    clients.push_back(std::move(c));
  }
  env.sched.run_until_idle();
  drain(clients);
  for (int i = 0; i < n; ++i) pages.push_back(load(*env.ep));

  const heap before = snapshot();
  for (int i = 0; i < n; ++i) {
    const page& p = pages[8 + static_cast<std::size_t>(i)];
    auto c = lvh::ref::in_process_client::connect(*env.ep, {{"_csrf_token", p.csrf}}, {{"session", p.cookie}});
    c->send(join_frame(p, 1));
    clients.push_back(std::move(c));
  }
  env.sched.run_until_idle();
  const int ok = drain(clients);
  env.sched.run_until_idle();
  const heap after = snapshot();
  if (ok != n + 0) {
    std::fprintf(stderr, "only %d of %d joins answered ok\n", ok, n);
    std::exit(1);
  }
  for (auto& c : clients) c->close();
  env.sched.run_until_idle();
  clients.clear();
  env.sched.run_until_idle();
  const heap closed = snapshot();
  return {"one connection per view", n, double(after.counted - before.counted) / n,
          double(after.malloc_in_use - before.malloc_in_use) / n, double(after.blocks - before.blocks) / n,
          closed.counted - before.counted};
}

// Every view on one connection (one socket, many root views: only the view's own cost).
result shared_connection(int n) {
  bench_env env;
  const page first = load(*env.ep);
  std::vector<std::shared_ptr<lvh::ref::in_process_client>> clients;
  clients.push_back(lvh::ref::in_process_client::connect(*env.ep, {{"_csrf_token", first.csrf}},
                                                         {{"session", first.cookie}}));
  std::vector<page> pages;
  pages.reserve(static_cast<std::size_t>(n) + 8);
  for (int i = 0; i < 8; ++i) {
    pages.push_back(load(*env.ep, &first.cookie));
    clients[0]->send(join_frame(pages.back(), i + 1));
  }
  env.sched.run_until_idle();
  drain(clients);
  for (int i = 0; i < n; ++i) pages.push_back(load(*env.ep, &first.cookie));

  const heap before = snapshot();
  for (int i = 0; i < n; ++i) clients[0]->send(join_frame(pages[8 + static_cast<std::size_t>(i)], 100 + i));
  env.sched.run_until_idle();
  const int ok = drain(clients);
  env.sched.run_until_idle();
  const heap after = snapshot();
  if (ok != n) {
    std::fprintf(stderr, "only %d of %d joins answered ok\n", ok, n);
    std::exit(1);
  }
  clients[0]->close();
  env.sched.run_until_idle();
  clients.clear();
  env.sched.run_until_idle();
  const heap closed = snapshot();
  return {"views sharing one connection", n, double(after.counted - before.counted) / n,
          double(after.malloc_in_use - before.malloc_in_use) / n, double(after.blocks - before.blocks) / n,
          closed.counted - before.counted};
}

}  // namespace

int main(int argc, char** argv) {
  int n = 1000;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--views") == 0 && i + 1 < argc) n = std::max(1, std::atoi(argv[++i]));
    else if (std::strcmp(argv[i], "--json") == 0) json = true;
    else {
      std::fprintf(stderr, "usage: %s [--views N] [--json]\n", argv[0]);
      return 2;
    }
  }
  const result rs[] = {one_connection_each(n), shared_connection(n)};
  if (json) {
    std::printf("{\"goal_bytes\": 8192, \"results\": [");
    for (std::size_t i = 0; i < 2; ++i) {
      const auto& r = rs[i];
      std::printf("%s{\"case\": \"%s\", \"views\": %d, \"bytes_per_view\": %.0f, \"malloc_bytes_per_view\": %.0f, "
                  "\"blocks_per_view\": %.1f, \"bytes_left_after_close\": %lld}",
                  i ? ", " : "", r.name, r.views, r.counted_per_view, r.malloc_per_view, r.blocks_per_view,
                  r.left_after_close);
    }
    std::printf("]}\n");
    return 0;
  }
  std::printf("golden view (CounterLive + ItemComponent), %d idle connected views, goal < 8192 bytes each\n", n);
  for (const auto& r : rs) {
    std::printf("  %-30s %8.0f bytes/view (operator new, usable)  %8.0f (malloc in use)  %6.1f blocks/view  %s\n",
                r.name, r.counted_per_view, r.malloc_per_view, r.blocks_per_view,
                r.counted_per_view < 8192 ? "< 8 KB" : ">= 8 KB");
    std::printf("  %-30s %lld bytes still live after every client closed\n", "", r.left_after_close);
  }
  return 0;
}
