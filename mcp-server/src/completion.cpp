#include "completion.hpp"

#include <boost/json/array.hpp>

#include <cctype>

namespace proxmox::mcp {

namespace {

constexpr std::size_t max_completion_values = 100; // the spec's limit per answer

bool starts_with_icase(std::string_view value, std::string_view prefix) {
    if (prefix.size() > value.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(value[i])) !=
            std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
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
