// lvh::protocol in one include: frames, messages, client profiles, rendered trees and the
// container they patch, errors.
#pragma once

#include <lvh/protocol/container.hpp>
#include <lvh/protocol/error.hpp>
#include <lvh/protocol/frame.hpp>
#include <lvh/protocol/messages.hpp>
#include <lvh/protocol/profile.hpp>
#include <lvh/protocol/rendered.hpp>
