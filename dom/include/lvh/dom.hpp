// lvh::dom — a mutable HTML DOM with HTML5 parsing (Gumbo) and serialization.
#pragma once

#include <lvh/dom/html.hpp>
#include <lvh/dom/node.hpp>
