#ifndef PROXMOX_MCP_TEST_CONFORMANCE_FIXTURE_FEATURES_HPP
#define PROXMOX_MCP_TEST_CONFORMANCE_FIXTURE_FEATURES_HPP

#include "prompts.hpp"
#include "resources.hpp"
#include "tool_registry.hpp"

/// The tools, resources and prompts the MCP conformance suite's server scenarios call
/// (`test_simple_text`, `test://static-text`, `test_simple_prompt`, ...). Test-only: they are
/// served by the fixture executable, never by proxmox-mcp.
namespace proxmox::mcp::conformance {

tool_registry make_fixture_tools();
resource_registry make_fixture_resources();
prompt_registry make_fixture_prompts();

} // namespace proxmox::mcp::conformance

#endif
