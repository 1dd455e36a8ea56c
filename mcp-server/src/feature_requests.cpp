#include "caller_text.hpp"
#include "feature_requests.hpp"
#include "jsonrpc.hpp"

#include <fmt/format.h>

namespace proxmox::mcp {

namespace json = boost::json;
namespace asio = boost::asio;

namespace {

constexpr std::size_t max_uri_length = 2048;
constexpr std::size_t max_argument_length = 4096;
constexpr std::size_t max_prompt_arguments = 32;

rpc_outcome bad_params(std::string message) {
    return rpc_outcome::failure(jsonrpc::invalid_params, "Invalid params: " + message);
}

const json::string* string_member(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v ? v->if_string() : nullptr;
}

} // namespace

uri_param read_uri_param(const json::object& params) {
    const auto* uri = string_member(params, "uri");
    if (!uri)
        return {{}, bad_params("uri (a string) is required")};
    if (uri->size() > max_uri_length)
        return {{},
                bad_params(
                    fmt::format("uri has {} bytes; at most {} are accepted", uri->size(), max_uri_length))};
    return {std::string(*uri), std::nullopt};
}

asio::awaitable<rpc_outcome>
read_resource(const resource_registry& resources, tool_context context, json::object params) {
    auto uri = read_uri_param(params);
    if (uri.problem)
        co_return *uri.problem;
    auto match = resources.find(uri.uri);
    if (!match)
        co_return rpc_outcome::failure(resource_not_found,
                                       fmt::format("Resource not found: {}; resources/list and "
                                                   "resources/templates/list name the readable URIs",
                                                   quote_text(uri.uri, 200)),
                                       json::object{{"uri", uri.uri}});
    auto reading = match->reader()(std::move(context), uri.uri, std::move(match->variables));
    resource_contents read = co_await std::move(reading);
    if (!read.error.empty()) {
        if (read.not_found)
            co_return rpc_outcome::failure(resource_not_found, read.error, json::object{{"uri", uri.uri}});
        co_return rpc_outcome::failure(jsonrpc::internal_error, read.error);
    }
    co_return rpc_outcome::success(json::object{{"contents", std::move(read.contents)}});
}

asio::awaitable<rpc_outcome>
get_prompt(const prompt_registry& prompts, tool_context context, json::object params) {
    const auto* name = string_member(params, "name");
    if (!name)
        co_return bad_params("name (a string) is required");
    const prompt_def* prompt = prompts.find(*name);
    if (!prompt)
        co_return bad_params(
            fmt::format("unknown prompt {}; prompts/list names them", quote_text(*name, 128)));
    prompt_arguments args;
    if (const auto* a = params.if_contains("arguments"); a && !a->is_null()) {
        const auto* given = a->if_object();
        if (!given)
            co_return bad_params("arguments must be an object of strings");
        if (given->size() > max_prompt_arguments)
            co_return bad_params(fmt::format("at most {} arguments are accepted", max_prompt_arguments));
        for (const auto& [key, value] : *given) {
            bool known = false;
            for (const auto& declared : prompt->arguments)
                known = known || declared.name == key;
            if (!known)
                co_return bad_params(
                    fmt::format("{} takes no argument {}", prompt->name, quote_text(key, 64)));
            if (!value.is_string())
                co_return bad_params(fmt::format("argument {} must be a string", std::string_view(key)));
            if (value.get_string().size() > max_argument_length)
                co_return bad_params(fmt::format("argument {} has more than {} bytes", std::string_view(key),
                                                 max_argument_length));
            args.emplace(std::string(key), std::string(value.get_string()));
        }
    }
    for (const auto& declared : prompt->arguments)
        if (declared.required && !args.count(declared.name))
            co_return bad_params(fmt::format("{} needs the argument {} ({})", prompt->name, declared.name,
                                             declared.description));
    auto building = prompt->get(std::move(context), std::move(args));
    prompt_messages built = co_await std::move(building);
    if (!built.error.empty())
        co_return bad_params(built.error);
    json::object result{{"messages", std::move(built.messages)}};
    if (!built.description.empty())
        result["description"] = built.description;
    co_return rpc_outcome::success(std::move(result));
}

asio::awaitable<rpc_outcome> complete_argument(const resource_registry* resources,
                                               const prompt_registry* prompts,
                                               tool_context context,
                                               json::object params) {
    const auto* ref = params.if_contains("ref");
    const auto* argument = params.if_contains("argument");
    if (!ref || !ref->is_object() || !argument || !argument->is_object())
        co_return bad_params("completion/complete needs ref and argument objects");
    const auto* arg_name = string_member(argument->get_object(), "name");
    const auto* typed = string_member(argument->get_object(), "value");
    if (!arg_name || !typed)
        co_return bad_params("argument needs name and value (strings)");
    if (typed->size() > max_argument_length)
        co_return bad_params(fmt::format("argument.value has more than {} bytes", max_argument_length));
    json::object filled;
    if (const auto* ctx = params.if_contains("context"); ctx && ctx->is_object())
        if (const auto* a = ctx->get_object().if_contains("arguments"); a && a->is_object())
            filled = a->get_object();

    const completer* source = nullptr;
    const auto* type = string_member(ref->get_object(), "type");
    if (type && *type == "ref/prompt") {
        const auto* name = string_member(ref->get_object(), "name");
        const prompt_def* prompt = prompts && name ? prompts->find(*name) : nullptr;
        if (!prompt)
            co_return bad_params("ref.name is not a prompt; prompts/list names them");
        for (const auto& a : prompt->arguments)
            if (a.name == *arg_name && a.complete)
                source = &a.complete;
    } else if (type && *type == "ref/resource") {
        const auto* uri = string_member(ref->get_object(), "uri");
        const resource_template_def* t = resources && uri ? resources->find_template(*uri) : nullptr;
        if (!t)
            co_return bad_params("ref.uri is not a resource template; resources/templates/list names them");
        if (auto it = t->complete.find(std::string_view(*arg_name)); it != t->complete.end())
            source = &it->second;
    } else {
        co_return bad_params("ref.type must be ref/prompt or ref/resource");
    }
    std::vector<std::string> values;
    if (source) {
        auto listing = (*source)(std::move(context), std::move(filled));
        values = co_await std::move(listing);
    }
    co_return rpc_outcome::success(json::object{{"completion", completion_result(values, *typed)}});
}

} // namespace proxmox::mcp
