// The container element as the official client patches it (View.update): a real DOM, so
// that skipped elements and component patches behave as they do in a browser.
#include <lvh/protocol/container.hpp>

#include <lvh/dom/html.hpp>
#include <lvh/dom/node.hpp>

#include <algorithm>
#include <set>
#include <unordered_map>

namespace lvh::protocol {
namespace {

/// Elements of `root`'s subtree in document order; `descend` decides whether to look
/// inside an element.
template <class Descend, class Fn>
void for_each_element(dom::node& root, Descend descend, Fn fn) {
  std::vector<dom::node*> todo;
  for (std::size_t i = root.child_count(); i-- > 0;) todo.push_back(&root.child(i));
  while (!todo.empty()) {
    dom::node* n = todo.back();
    todo.pop_back();
    if (!n->is_element()) continue;
    fn(*n);
    if (!descend(*n)) continue;
    for (std::size_t i = n->child_count(); i-- > 0;) todo.push_back(&n->child(i));
  }
}

const std::string* skip_key(const dom::node& el) {
  if (const std::string* m = el.get_attribute("data-phx-id"); m && !m->empty()) return m;
  if (const std::string* id = el.get_attribute("id"); id && !id->empty()) return id;
  return nullptr;
}

/// An element the client skipped (data-phx-skip) is the element the DOM already holds with
/// the same data-phx-id (1.x) or id (components up to 0.20): morphdom keeps it untouched.
void resolve_skips(dom::node& next, dom::node* previous) {
  if (!previous) return;
  std::unordered_map<std::string, dom::node*> by_key;
  for_each_element(
      *previous, [](dom::node&) { return true; },
      [&](dom::node& el) {
        if (const std::string* m = el.get_attribute("data-phx-id"); m && !m->empty())
          by_key.emplace(*m, &el);
        if (const std::string* id = el.get_attribute("id"); id && !id->empty())
          by_key.emplace(*id, &el);
      });
  std::vector<dom::node*> placeholders;
  for_each_element(
      next, [](dom::node& el) { return !el.has_attribute("data-phx-skip"); },
      [&](dom::node& el) {
        if (el.has_attribute("data-phx-skip")) placeholders.push_back(&el);
      });
  for (dom::node* ph : placeholders) {
    const std::string* key = skip_key(*ph);
    if (!key) continue;
    auto it = by_key.find(*key);
    if (it == by_key.end()) continue;
    ph->parent()->replace_child(ph->index_in_parent(), it->second->clone());
  }
}

std::optional<int> cid_of(const dom::node& el) {
  const std::string* c = el.get_attribute("data-phx-component");
  if (!c || c->empty() || c->size() > 9) return std::nullopt;
  int v = 0;
  for (char ch : *c) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v;
}

/// The elements a patch of `cid` replaces: 1.x, the element carrying its magic id; before,
/// the elements tagged with the cid that are not inside another one of them.
std::vector<dom::node*> component_elements(dom::node& container, int cid, client_profile p,
                                           const std::string& view_id) {
  std::vector<dom::node*> out;
  if (has_magic_ids(p)) {
    std::string want(1, 'c');
    want += std::to_string(cid);
    want += '-';
    want += view_id;
    for_each_element(
        container, [](dom::node&) { return true; },
        [&](dom::node& el) {
          const std::string* m = el.get_attribute("data-phx-id");
          if (out.empty() && m && *m == want) out.push_back(&el);
        });
    return out;
  }
  for_each_element(
      container, [&](dom::node& el) { return cid_of(el) != cid; },
      [&](dom::node& el) {
        if (cid_of(el) == cid) out.push_back(&el);
      });
  return out;
}

/// Which components to patch for a components-only diff: the changed ones minus those the
/// DOM shows inside one of them. 1.x also requires a component to be in the DOM
/// (findExistingParentCIDs); earlier clients try every one (findParentCIDs), and 0.18 and
/// 0.20 fall back to all of them when that leaves none.
std::vector<int> parent_cids(dom::node& container, const std::vector<int>& changed,
                             client_profile p) {
  std::set<int> nested;
  std::set<int> present;
  for (int cid : changed) {
    for_each_element(
        container, [](dom::node&) { return true; },
        [&](dom::node& el) {
          if (cid_of(el) != cid) return;
          present.insert(cid);
          for_each_element(
              el, [](dom::node&) { return true; },
              [&](dom::node& inner) {
                if (auto c = cid_of(inner)) nested.insert(*c);
              });
        });
  }
  std::vector<int> out;
  for (int cid : changed) {
    if (has_magic_ids(p) && !present.count(cid)) continue;
    if (!nested.count(cid)) out.push_back(cid);
  }
  if (!has_magic_ids(p) && out.empty() && p != client_profile::v0_15) out = changed;
  return out;
}

void take_extracted(step& s, const diff& d) {
  if (d.title()) s.title = *d.title();
  s.events = d.events();
  if (d.reply()) s.reply = *d.reply();
}

}  // namespace

struct container_model::state {
  state(client_profile p, std::string id) : tree(p, std::move(id)) {}
  state(const state& o)
      : tree(o.tree), dom(o.dom ? o.dom->clone() : nullptr), html(o.html), joined(o.joined) {}

  rendered tree;
  std::unique_ptr<dom::node> dom;
  std::string html;
  bool joined = false;
};

container_model::container_model(client_profile profile, std::string view_id)
    : s_(std::make_unique<state>(profile, std::move(view_id))) {}
container_model::container_model(const container_model& o)
    : s_(std::make_unique<state>(*o.s_)) {}
container_model& container_model::operator=(const container_model& o) {
  if (this != &o) s_ = std::make_unique<state>(*o.s_);
  return *this;
}
container_model::container_model(container_model&&) noexcept = default;
container_model& container_model::operator=(container_model&&) noexcept = default;
container_model::~container_model() = default;

bool container_model::joined() const noexcept { return s_->joined; }
const std::string& container_model::html() const noexcept { return s_->html; }
const rendered& container_model::tree() const noexcept { return s_->tree; }
client_profile container_model::profile() const noexcept { return s_->tree.profile(); }

result<step> container_model::join(diff d) {
  rendered fresh(s_->tree.profile(), s_->tree.view_id());
  if (auto r = fresh.merge(d); !r) return r.error();
  step out;
  take_extracted(out, d);
  out.patch = step::patch_kind::full;
  std::string markup = fresh.to_string(nullptr, &out.streams);
  auto next = dom::parse_fragment(markup, "div");
  out.html = dom::serialize_children(*next);
  s_->tree = std::move(fresh);
  s_->dom = std::move(next);
  s_->html = out.html;
  s_->joined = true;
  return out;
}

result<step> container_model::join(nlohmann::json rendered_json) {
  auto d = diff::from_json(std::move(rendered_json), s_->tree.profile());
  if (!d) return d.error();
  return join(std::move(*d));
}

result<step> container_model::update(diff d) {
  if (!s_->joined) return make_error(diff_errc::not_joined, "");
  const bool components_only = d.components_only();
  const bool touches = d.touches_view();
  const std::vector<int> changed = d.component_ids();
  if (auto r = s_->tree.merge(d); !r) return r.error();

  step out;
  take_extracted(out, d);
  const client_profile p = s_->tree.profile();
  dom::node& container = *s_->dom;
  if (components_only) {
    out.patch = step::patch_kind::components;
    for (int cid : parent_cids(container, changed, p)) {
      auto markup = s_->tree.component_markup_of(cid, &out.streams);
      if (!markup) continue;
      // The client renders every parent; the patch only lands where the DOM has it.
      auto els = component_elements(container, cid, p, s_->tree.view_id());
      if (els.empty()) continue;
      auto frag = markup->parsed ? std::move(markup->parsed) : dom::parse_fragment(markup->html, "template");
      resolve_skips(*frag, &container);
      dom::node* parent = els.front()->parent();
      std::size_t at = els.front()->index_in_parent();
      while (frag->child_count() > 0) parent->insert_child(at++, frag->remove_child(0));
      for (dom::node* el : els) el->parent()->remove_child(el->index_in_parent());
      out.patched_cids.push_back(cid);
    }
  } else if (touches || !changed.empty()) {
    out.patch = step::patch_kind::full;
    std::string markup = s_->tree.to_string(&changed, &out.streams);
    auto next = dom::parse_fragment(markup, "div");
    resolve_skips(*next, &container);
    s_->dom = std::move(next);
  }
  s_->html = dom::serialize_children(*s_->dom);
  out.html = s_->html;
  return out;
}

result<step> container_model::update(nlohmann::json diff_json) {
  auto d = diff::from_json(std::move(diff_json), s_->tree.profile());
  if (!d) return d.error();
  return update(std::move(*d));
}

}  // namespace lvh::protocol
