#ifndef PROXMOX_MCP_TOOLS_OUTCOME_HPP
#define PROXMOX_MCP_TOOLS_OUTCOME_HPP

#include "tool_registry.hpp"

#include <optional>
#include <utility>

namespace proxmox::mcp::tools {

/// A value, or the tool result that explains why there is none (a step of a handler).
template <class T> class outcome {
public:
    outcome(T value) : value_(std::move(value)) {}
    outcome(tool_result failure) : failure_(std::move(failure)) {}

    explicit operator bool() const noexcept { return value_.has_value(); }
    T& operator*() { return *value_; }
    const T& operator*() const { return *value_; }
    T* operator->() { return &*value_; }
    const T* operator->() const { return &*value_; }
    /// The failure (only when there is no value).
    tool_result& failure() { return failure_; }

private:
    std::optional<T> value_;
    tool_result failure_;
};

} // namespace proxmox::mcp::tools

#endif
