#ifndef PROXMOX_MCP_RPC_OUTCOME_HPP
#define PROXMOX_MCP_RPC_OUTCOME_HPP

#include <boost/json/value.hpp>

#include <string>

namespace proxmox::mcp {

/// The answer to one request other than tools/call: a result, or a JSON-RPC error.
struct rpc_outcome {
    boost::json::value result; ///< the result object when `code` is 0
    int code = 0;              ///< a jsonrpc::error_code (or an MCP one) when not 0
    std::string message;
    boost::json::value data;

    static rpc_outcome success(boost::json::value result) { return {std::move(result), 0, {}, nullptr}; }
    static rpc_outcome failure(int code, std::string message, boost::json::value data = nullptr) {
        return {nullptr, code, std::move(message), std::move(data)};
    }
};

} // namespace proxmox::mcp

#endif
