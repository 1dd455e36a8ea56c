// The safety model across every write tool: confirm, dry_run, read-only mode, allow-lists.
#include "tool_fixture.hpp"

namespace {

using proxmox::mcp::testing::tool_fixture;

class SafetyTools : public tool_fixture {};

} // namespace
