#pragma once
// What a service's main() includes: the runtime that serves its domain.
#include "hexa/domain.hpp"
#include "hexa/runtime/service.hpp"
