// The vendored PVE API schema (embedded at build time): endpoint lookup by method and path, and
// parameter validation with pve-common's JSONSchema.pm rules and error texts.
#ifndef PROXMOX_SIM_SRC_SCHEMA_HPP
#define PROXMOX_SIM_SRC_SCHEMA_HPP

#include "schema/schema_blob.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace proxmox::sim::detail {

struct endpoint {
    std::string path;   ///< template, e.g. /nodes/{node}/qemu/{vmid}/status/start
    std::string method; ///< GET, POST, PUT, DELETE
    std::string name;   ///< Perl handler name
    bool allowtoken = true;
    std::string proxyto;                             ///< parameter naming the node, or empty
    const boost::json::object* parameters = nullptr; ///< parameter name -> property schema
    const boost::json::object* definition = nullptr; ///< the whole endpoint object
};

struct route_match {
    const endpoint* ep = nullptr;
    std::vector<std::pair<std::string, std::string>> path_params; ///< placeholder name -> segment
};

class api_schema {
public:
    /// Parses and indexes a schema document (throws std::runtime_error when it is malformed).
    explicit api_schema(std::string_view json_text);
    ~api_schema();
    api_schema(const api_schema&) = delete;
    api_schema& operator=(const api_schema&) = delete;

    /// The schema embedded into the library, parsed once per process.
    static const api_schema& embedded();

    /// Finds the endpoint for `method` and a decoded relative path (`/nodes/pve/qemu`). Literal
    /// segments win over placeholders. Returns nullopt when no endpoint matches.
    std::optional<route_match> find(std::string_view method, std::string_view rel_path) const;

    /// The endpoint with this exact method and path template, or nullptr.
    const endpoint* lookup(std::string_view method, std::string_view path_template) const;

    const std::vector<endpoint>& endpoints() const { return endpoints_; }

    /// Checks `params` against the endpoint's parameter schema the way PVE's
    /// JSONSchema::validate does, after normalizing form-encoded values (a single value for an
    /// array parameter becomes a one-element array, repeated keys of a `-list` format are joined
    /// with `,`). Returns the `errors` object; empty means valid.
    boost::json::object validate(const endpoint& ep, boost::json::object& params) const;

private:
    struct trie_node {
        std::unordered_map<std::string, std::unique_ptr<trie_node>> literal;
        std::unique_ptr<trie_node> placeholder;
        std::string placeholder_name;
        std::vector<const endpoint*> methods;
    };

    bool match(const trie_node& n,
               const std::vector<std::string_view>& segs,
               std::size_t i,
               std::string_view method,
               route_match& out) const;
    void check_prop(const boost::json::value* value,
                    const boost::json::object& schema,
                    const std::string& path,
                    boost::json::object& errors) const;
    /// Whether `text` passes a `pattern` of the schema (compiled when the schema loaded).
    bool pattern_matches(std::string_view pattern, const std::string& text) const;
    /// JSONSchema.pm parse_property_string + check_object: the die() text (nested errors as
    /// PVE::Exception prints them) or nullopt.
    std::optional<std::string> check_property_string(const boost::json::object& props,
                                                     const std::string& text,
                                                     const std::string& path) const;

    boost::json::value doc_;
    std::vector<endpoint> endpoints_;
    trie_node root_;
    /// The `pattern`s of all parameters, compiled (PCRE2 stays out of this header).
    struct pattern_table;
    std::unique_ptr<pattern_table> patterns_;
};

/// The schema of parameter `key` in `props`, also for numbered keys: `net3` finds `net[n]` when 3 is
/// below PVE's count for net (the vendored schema folds net0..net31 into `net[n]`).
const boost::json::object* find_parameter(const boost::json::object& props, std::string_view key);

/// A property string split like JSONSchema.pm parse_property_string does it (without checks): a
/// value without key is stored under `default_key`; keys in the order given.
std::vector<std::pair<std::string, std::string>> split_property_string(std::string_view text,
                                                                       std::string_view default_key);

/// Perl's view of a JSON scalar as text (strings as is, numbers in Perl's number formatting);
/// nullopt for booleans, arrays, objects and null.
std::optional<std::string> perl_scalar_text(const boost::json::value& v);

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_SCHEMA_HPP
