#include "completion.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/json/array.hpp>

namespace proxmox::mcp {

namespace {

constexpr std::size_t max_completion_values = 100; // the spec's limit per answer

bool starts_with_icase(std::string_view value, std::string_view prefix) {
    return prefix.size() <= value.size() && boost::beast::iequals(value.substr(0, prefix.size()), prefix);
}

} // namespace

boost::json::object completion_result(const std::vector<std::string>& values, std::string_view typed) {
    boost::json::array matched;
    std::size_t total = 0;
    for (const auto& v : values) {
        if (!starts_with_icase(v, typed))
            continue;
        ++total;
        if (matched.size() < max_completion_values)
            matched.emplace_back(v);
    }
    return boost::json::object{
        {"values", std::move(matched)}, {"total", total}, {"hasMore", total > max_completion_values}};
}

} // namespace proxmox::mcp
