#include "resources.hpp"

#include <cctype>
#include <stdexcept>

namespace proxmox::mcp {

namespace json = boost::json;

resource_contents resource_contents::text(std::string uri, std::string mime_type, std::string text) {
    resource_contents r;
    r.contents.push_back(
        json::object{{"uri", std::move(uri)}, {"mimeType", std::move(mime_type)}, {"text", std::move(text)}});
    return r;
}

resource_contents resource_contents::missing(std::string message) {
    resource_contents r;
    r.error = std::move(message);
    r.not_found = true;
    return r;
}

resource_contents resource_contents::failure(std::string message) {
    resource_contents r;
    r.error = std::move(message);
    return r;
}

namespace {

bool is_variable_char(char c) {
    return c != '/' && c != '?' && c != '#' && c != '{' && c != '}' && static_cast<unsigned char>(c) > 0x20 &&
           c != 0x7f;
}

/// Checks that `{` and `}` pair up around non-empty names made of [A-Za-z0-9_].
bool is_level_one(std::string_view t) {
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '}')
            return false;
        if (t[i] != '{')
            continue;
        auto close = t.find('}', i + 1);
        if (close == std::string_view::npos || close == i + 1)
            return false;
        for (std::size_t k = i + 1; k < close; ++k) {
            char c = t[k];
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
                return false;
        }
        if (close + 1 < t.size() && t[close + 1] == '{')
            return false; // two variables in a row cannot be told apart
        i = close;
    }
    return true;
}

} // namespace

std::optional<uri_variables> match_uri_template(std::string_view t, std::string_view uri) {
    uri_variables vars;
    std::size_t ti = 0, ui = 0;
    while (ti < t.size()) {
        if (t[ti] != '{') {
            if (ui >= uri.size() || uri[ui] != t[ti])
                return std::nullopt;
            ++ti;
            ++ui;
            continue;
        }
        auto close = t.find('}', ti);
        if (close == std::string_view::npos)
            return std::nullopt;
        std::string name(t.substr(ti + 1, close - ti - 1));
        std::size_t start = ui;
        while (ui < uri.size() && is_variable_char(uri[ui]) &&
               (close + 1 >= t.size() || uri[ui] != t[close + 1]))
            ++ui;
        std::size_t length = ui - start;
        if (length == 0 || length > max_uri_variable_length)
            return std::nullopt;
        vars.emplace(std::move(name), std::string(uri.substr(start, length)));
        ti = close + 1;
    }
    if (ui != uri.size())
        return std::nullopt;
    return vars;
}

void resource_registry::add(resource_def resource) {
    if (resource.uri.empty() || !resource.read)
        throw std::invalid_argument("a resource needs a uri and a reader");
    resources_.push_back(std::move(resource));
}

void resource_registry::add(resource_template_def resource_template) {
    if (!is_level_one(resource_template.uri_template) || !resource_template.read)
        throw std::invalid_argument("a resource template needs a level-1 uri template and a reader: " +
                                    resource_template.uri_template);
    templates_.push_back(std::move(resource_template));
}

std::optional<resource_match> resource_registry::find(std::string_view uri) const {
    for (const auto& r : resources_)
        if (r.uri == uri)
            return resource_match{&r, nullptr, {}};
    for (const auto& t : templates_)
        if (auto vars = match_uri_template(t.uri_template, uri))
            return resource_match{nullptr, &t, std::move(*vars)};
    return std::nullopt;
}

const resource_template_def* resource_registry::find_template(std::string_view uri_template) const noexcept {
    for (const auto& t : templates_)
        if (t.uri_template == uri_template)
            return &t;
    return nullptr;
}

bool resource_registry::can_complete() const noexcept {
    for (const auto& t : templates_)
        if (!t.complete.empty())
            return true;
    return false;
}

namespace {

void put_optional(json::object& o, std::string_view key, const std::string& value) {
    if (!value.empty())
        o[key] = value;
}

} // namespace

json::object to_json(const resource_def& r) {
    json::object o{{"uri", r.uri}, {"name", r.name}};
    put_optional(o, "title", r.title);
    put_optional(o, "description", r.description);
    put_optional(o, "mimeType", r.mime_type);
    return o;
}

json::object to_json(const resource_template_def& t) {
    json::object o{{"uriTemplate", t.uri_template}, {"name", t.name}};
    put_optional(o, "title", t.title);
    put_optional(o, "description", t.description);
    put_optional(o, "mimeType", t.mime_type);
    return o;
}

} // namespace proxmox::mcp
