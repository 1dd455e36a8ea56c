// Tools of the discovery family against the simulator (see tool_fixture.hpp).
#include "tool_fixture.hpp"

namespace {

using proxmox::mcp::testing::tool_fixture;

class DiscoveryTools : public tool_fixture {};

} // namespace
