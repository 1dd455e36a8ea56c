// Tools of the vm family against the simulator (see tool_fixture.hpp).
#include "tool_fixture.hpp"

namespace {

using proxmox::mcp::testing::tool_fixture;

class VmTools : public tool_fixture {};

} // namespace
