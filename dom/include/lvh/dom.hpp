// lvh::dom — a mutable HTML DOM with HTML5 parsing (Gumbo), serialization and CSS selectors.
#pragma once

#include <lvh/dom/html.hpp>
#include <lvh/dom/node.hpp>
#include <lvh/dom/select.hpp>
