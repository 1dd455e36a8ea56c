// Tools of the lxc_images family against the simulator (see tool_fixture.hpp).
#include "tool_fixture.hpp"

namespace {

using proxmox::mcp::testing::tool_fixture;

class LxcImageTools : public tool_fixture {};

} // namespace
