#pragma once
// `hexa describe <system>`: runs each service of the system with --describe (in the
// environment `hexa up` would give it, nothing opened) and writes the system's documents under
// `out`/<system>/ (hexa/docs/system_docs.hpp), the SVGs rendered from the .dot files by
// Graphviz's `dot`. The files are committed; tests/deploy/test_describe_docs.py fails when stale.
#include <filesystem>
#include <string>

namespace hexa::launcher {

// Returns 0; throws std::runtime_error naming the service whose description failed, or when
// Graphviz is missing (scripts/bootstrap installs it).
int run_describe(const std::string& system, const std::filesystem::path& out);

}  // namespace hexa::launcher
