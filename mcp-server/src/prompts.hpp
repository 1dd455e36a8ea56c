#ifndef PROXMOX_MCP_PROMPTS_HPP
#define PROXMOX_MCP_PROMPTS_HPP

#include "completion.hpp"
#include "tool_registry.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::mcp {

struct prompt_argument {
    std::string name;
    std::string title;
    std::string description;
    bool required = false;
    completer complete; ///< empty: no completion for this argument
};

/// The messages of one prompt, or why they cannot be made (e.g. the guest does not exist).
struct prompt_messages {
    std::string description;
    boost::json::array messages; ///< `{role, content}` items
    std::string error;           ///< not empty: answered as invalid params
};

using prompt_arguments = std::map<std::string, std::string, std::less<>>;
using prompt_builder = std::function<boost::asio::awaitable<prompt_messages>(tool_context, prompt_arguments)>;

struct prompt_def {
    std::string name;
    std::string title;
    std::string description;
    std::vector<prompt_argument> arguments;
    prompt_builder get;
};

class prompt_registry {
public:
    void add(prompt_def prompt);
    const prompt_def* find(std::string_view name) const noexcept;
    const std::vector<prompt_def>& prompts() const noexcept { return prompts_; }
    bool empty() const noexcept { return prompts_.empty(); }
    bool can_complete() const noexcept;

private:
    std::vector<prompt_def> prompts_;
};

/// The MCP `Prompt` object (`title` from 2025-06-18).
boost::json::object to_json(const prompt_def& prompt, std::string_view protocol_version);

/// A `{role: "user", content: {type: "text", text}}` message.
boost::json::object user_text(std::string text);

} // namespace proxmox::mcp

#endif
