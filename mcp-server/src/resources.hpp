#ifndef PROXMOX_MCP_RESOURCES_HPP
#define PROXMOX_MCP_RESOURCES_HPP

#include "completion.hpp"
#include "tool_registry.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::mcp {

/// The variables a URI matched in a resource template (empty for a fixed resource).
using uri_variables = std::map<std::string, std::string, std::less<>>;

/// What reading a resource gave: its contents, or why not.
struct resource_contents {
    boost::json::array contents; ///< `{uri, mimeType, text}` or `{uri, mimeType, blob}` items
    std::string error;           ///< not empty: the read failed (the message names the fix)
    bool not_found = false;      ///< with error: the resource does not exist (-32002)

    static resource_contents text(std::string uri, std::string mime_type, std::string text);
    static resource_contents missing(std::string message);
    static resource_contents failure(std::string message);
};

using resource_reader =
    std::function<boost::asio::awaitable<resource_contents>(tool_context, std::string uri, uri_variables)>;

/// Runs while the client is subscribed to a resource: calls `changed()` each time it changed and
/// returns once it cannot change any more (a task that ended); the subscription then ends.
/// Cancelled when the client unsubscribes or the session ends.
using resource_watcher = std::function<boost::asio::awaitable<void>(
    tool_context, std::string uri, uri_variables, std::function<void()> changed)>;

/// A resource with a fixed URI (resources/list).
struct resource_def {
    std::string uri;
    std::string name;
    std::string title;
    std::string description;
    std::string mime_type;
    resource_reader read;
    resource_watcher watch; ///< empty: cannot be subscribed to
};

/// A family of resources (resources/templates/list), RFC 6570 level 1: `scheme://a/{var}/b`.
struct resource_template_def {
    std::string uri_template;
    std::string name;
    std::string title;
    std::string description;
    std::string mime_type;
    resource_reader read;
    resource_watcher watch;                                 ///< empty: cannot be subscribed to
    std::map<std::string, completer, std::less<>> complete; ///< per variable, for completion/complete
};

/// A URI that matched a resource or a template.
struct resource_match {
    const resource_def* resource = nullptr;
    const resource_template_def* from_template = nullptr;
    uri_variables variables;

    const resource_reader& reader() const { return resource ? resource->read : from_template->read; }
    const resource_watcher& watcher() const { return resource ? resource->watch : from_template->watch; }
};

class resource_registry {
public:
    void add(resource_def resource);
    /// Throws std::invalid_argument for a template that is not level 1 (`{name}` segments).
    void add(resource_template_def resource_template);
    const std::vector<resource_def>& resources() const noexcept { return resources_; }
    const std::vector<resource_template_def>& templates() const noexcept { return templates_; }
    /// The resource for `uri`: a fixed one first, then the first template that matches.
    std::optional<resource_match> find(std::string_view uri) const;
    const resource_template_def* find_template(std::string_view uri_template) const noexcept;
    bool empty() const noexcept { return resources_.empty() && templates_.empty(); }
    bool can_complete() const noexcept;

private:
    std::vector<resource_def> resources_;
    std::vector<resource_template_def> templates_;
};

/// The longest value a template variable matches.
inline constexpr std::size_t max_uri_variable_length = 256;

/// Matches `uri` against a level-1 template: each `{var}` takes 1..256 characters other than
/// `/ ? # { }`; the literal parts must match exactly.
std::optional<uri_variables> match_uri_template(std::string_view uri_template, std::string_view uri);

boost::json::object to_json(const resource_def& resource);
boost::json::object to_json(const resource_template_def& resource_template);

} // namespace proxmox::mcp

#endif
