#pragma once
// What domain code includes: declared fields, domain errors, the unit of work. No HTTP, JSON,
// SQL or bus here.
#include "hexa/domain/event_of.hpp"
#include "hexa/domain/unit_of_work.hpp"
#include "hexa/model/errors.hpp"
#include "hexa/model/fields.hpp"
#include "hexa/model/model.hpp"
