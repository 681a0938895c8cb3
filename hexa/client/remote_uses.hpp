#pragma once
// Which calls a program's code makes on each Remote<T> (create, find, command), by T's name:
// each Remote member the code uses instantiates detail::remote_use_noted<T, use>, whose
// initializer runs once at program start (as event_info.hpp's raised_noted), so --describe
// tells what a consumer calls without running it; the contracts are made from it.
#include <map>
#include <set>
#include <string>

namespace hexa {

enum class RemoteUse { create, find, command };
const char* remote_use_name(RemoteUse u);

// T's name -> the uses noted (filled before main() runs, read after).
const std::map<std::string, std::set<std::string>>& remote_uses();

namespace detail {
bool note_remote_use(const char* model, RemoteUse u);
template <class T, RemoteUse U>
inline const bool remote_use_noted = note_remote_use(T::name.data(), U);
}  // namespace detail

}  // namespace hexa
