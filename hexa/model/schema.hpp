#pragma once
// The storage shape of a declared struct, derived from its field list.
#include <string>
#include <vector>

#include "hexa/model/fields.hpp"

namespace hexa {

struct Column {
  std::string name;
  Kind kind;
  bool unique = false;
  bool indexed = false;
};

// A table: an integer key "id" assigned by the store (the row id), then the columns (without
// "id"). A natural key ({.key = true}) is one of the columns, unique.
struct Schema {
  std::string table;
  std::vector<Column> columns;
};

template <class T>
Schema schema_of(std::string table) {
  Schema s{std::move(table), {}};
  for (const auto& f : fields_of<T>())
    if (f.name != "id") s.columns.push_back({f.name, f.kind, f.rules.unique || f.rules.key, f.rules.indexed});
  return s;
}

}  // namespace hexa
