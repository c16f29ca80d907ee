// The compiled form of a template: blocks of statics and slots, expressions as a small AST,
// and what each slot reads (for change tracking). Private to the engine.
#pragma once

#include <lvh/ref/template.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lvh::ref::detail {

enum class binop { eq, ne, lt, gt, le, ge, and_, or_, andand, oror, add, sub, mul, concat };

struct expr;
using expr_ptr = std::unique_ptr<expr>;

struct keyword_arg {
  std::string key;
  expr_ptr val;
};

struct expr {
  enum class kind {
    literal,      // lit
    assign,       // @name.path…
    local,        // name.path…
    assigns_var,  // `assigns`
    list,         // [args…]
    range,        // args[0]..args[1] (//args[2])
    not_,         // not args[0] (boolean only)
    bang,         // !args[0] (truthiness)
    neg,          // -args[0]
    binary,       // args[0] op args[1]
    call,         // helper fn(args, kwargs)
    component,    // live_component: args[0] names it (alias or string), kwargs are assigns
    live_render,  // live_render: args[0] names the view, kwargs are its options
    partial,      // render "name", assigns | k: v
  };
  kind k = kind::literal;
  value lit;
  std::string name;
  std::vector<std::string> path;
  std::vector<expr_ptr> args;
  std::vector<keyword_arg> kwargs;
  binop op = binop::eq;
  helpers::function fn;
  std::shared_ptr<const template_> partial_template;
  int line = 0;
  int column = 0;
};

struct block;

struct slot {
  enum class kind { expr, if_, for_ };
  kind k = kind::expr;
  expr_ptr e;  // the expression; the condition of if_; the collection of for_
  bool negate = false;  // unless
  std::unique_ptr<block> then_block;
  std::unique_ptr<block> else_block;  // null: `if` without else renders nil
  std::string var;                    // for_
  std::unique_ptr<block> body;        // for_
  // Change tracking (LEEx): evaluated when any key changed; `always` inside comprehensions
  // and when `assigns` itself is read; never re-evaluated when it reads no assign at all.
  bool always = false;
  std::vector<std::vector<std::string>> keys;  // assign paths, parents of nested paths only
  int line = 0;
  int column = 0;
};

struct block {
  std::vector<std::string> statics;  // slots.size() + 1
  std::vector<slot> slots;
  std::uint64_t fingerprint = 0;
  // Whether rendering it can render a live component (here, in a nested block or in a
  // partial). True unless the compiler found none.
  bool has_components = true;
};

struct compiled_template {
  std::string name;
  block root;
};

}  // namespace lvh::ref::detail
