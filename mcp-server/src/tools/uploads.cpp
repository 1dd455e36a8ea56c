// proxmox-upload-iso, -upload-template.
#include "tools/tools.hpp"

namespace proxmox::mcp::tools {

void register_upload_tools(tool_registry& /*registry*/) {}

} // namespace proxmox::mcp::tools
