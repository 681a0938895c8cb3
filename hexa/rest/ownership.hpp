#pragma once
// Rows that belong to someone. An aggregate or a view whose rows each belong to one caller
// names the field holding its owner, before its resource or view is declared:
//
//   template <> inline constexpr std::string_view hexa::owner_field<Contract> = "custName";
//
// Who is limited to their own rows is the gateway's decision (a role policy, next to its
// route rules: gateway.yaml security.owner-bypass-roles); which rows are theirs is the
// service's (a domain fact: this field). The gateway says it in one header, X-Auth-Owner,
// holding the caller's name; without it (security off, or a caller whose role sees
// everything) nothing changes. With it, on a resource whose type names an owner field:
//   - lists and findBy searches hold only the caller's rows;
//   - another's row, read or changed by id, answers 404 exactly as a missing one: ids are
//     sequential, and a 403 would tell a caller which of them exist;
//   - creation fills the field with the caller's name when absent; another name is 403;
//   - a change may not hand the row to someone else (403).
// A declaration on the type rather than a builder option, so that both of its REST faces
// read it: svc.resource<T>() and svc.view<T>(key).
#include <string_view>

namespace hexa {

// Empty: rows are not owned by anyone in particular (the default).
template <class T>
inline constexpr std::string_view owner_field{};

namespace rest {
// Written by the gateway only (it removes every X-Auth-* header a client sends).
inline constexpr std::string_view kOwnerHeader = "X-Auth-Owner";
}  // namespace rest

}  // namespace hexa
