// Tool arguments from the client, checked against the input schemas of proxmox-mcp's tools.
// The first line names the tool (an unknown name picks one by its length), the rest is the
// `arguments` JSON. The schemas are a snapshot (tool_input_schemas.json) because the tools
// themselves need the whole SDK; fuzz_tool_schemas_snapshot keeps it equal to the registry.
#include "fuzz_support.hpp"
#include "jsonrpc.hpp"
#include "schema_validation.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <fstream>
#include <iterator>
#include <vector>

namespace json = boost::json;
using proxmox::fuzz::max_error_bytes;

namespace {

const json::object& tool_schemas() {
    static const json::object schemas = [] {
        std::ifstream in(PROXMOX_FUZZ_TOOL_SCHEMAS);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        json::error_code ec;
        auto v = json::parse(text, ec);
        PROXMOX_FUZZ_CHECK(!ec && v.is_object() && !v.as_object().empty(),
                           std::string("cannot read ") + PROXMOX_FUZZ_TOOL_SCHEMAS);
        return v.as_object();
    }();
    return schemas;
}

const json::object& pick_schema(std::string_view name) {
    const auto& all = tool_schemas();
    if (const auto* s = all.if_contains(name))
        return s->as_object();
    auto it = all.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(name.size() % all.size()));
    return it->value().as_object();
}

std::size_t characters(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80)
            ++n;
    return n;
}

double number_of(const json::value& v) {
    return v.is_int64()    ? static_cast<double>(v.get_int64())
           : v.is_uint64() ? static_cast<double>(v.get_uint64())
                           : v.as_double();
}

bool has_type(const json::value& v, std::string_view type) {
    if (type == "string")
        return v.is_string();
    if (type == "boolean")
        return v.is_bool();
    if (type == "object")
        return v.is_object();
    if (type == "array")
        return v.is_array();
    if (type == "number")
        return v.is_number();
    if (type == "integer")
        return v.is_int64() || v.is_uint64() ||
               (v.is_double() && std::isfinite(v.get_double()) &&
                std::floor(v.get_double()) == v.get_double());
    return true;
}

/// What the schemas say of an accepted value, read independently of the validator.
void check_accepted(const json::object& schema, const json::value& v) {
    const std::string shown = json::serialize(v).substr(0, 200);
    if (const auto* t = schema.if_contains("type"); t && t->is_string())
        PROXMOX_FUZZ_CHECK(has_type(v, t->as_string()), shown);
    if (const auto* e = schema.if_contains("enum"); e && e->is_array()) {
        bool found = false;
        for (const auto& item : e->as_array())
            found = found || item == v;
        PROXMOX_FUZZ_CHECK(found, shown);
    }
    if (v.is_string()) {
        const auto n = characters(v.as_string());
        if (const auto* m = schema.if_contains("maxLength"))
            PROXMOX_FUZZ_CHECK(n <= number_of(*m), shown);
        if (const auto* m = schema.if_contains("minLength"))
            PROXMOX_FUZZ_CHECK(n >= number_of(*m), shown);
    }
    if (v.is_number()) {
        if (const auto* m = schema.if_contains("maximum"))
            PROXMOX_FUZZ_CHECK(number_of(v) <= number_of(*m), shown);
        if (const auto* m = schema.if_contains("minimum"))
            PROXMOX_FUZZ_CHECK(number_of(v) >= number_of(*m), shown);
    }
    if (const auto* o = v.if_object()) {
        const auto* props = schema.if_contains("properties");
        if (const auto* req = schema.if_contains("required"); req && req->is_array())
            for (const auto& name : req->as_array())
                PROXMOX_FUZZ_CHECK(o->contains(name.as_string()), shown);
        const auto* extra = schema.if_contains("additionalProperties");
        for (const auto& member : *o) {
            const auto* p =
                props && props->is_object() ? props->as_object().if_contains(member.key()) : nullptr;
            if (p && p->is_object())
                check_accepted(p->as_object(), member.value());
            else
                PROXMOX_FUZZ_CHECK(!(extra && extra->is_bool() && !extra->as_bool()), shown);
        }
    }
    if (const auto* a = v.if_array(); a && schema.contains("items"))
        for (const auto& item : *a)
            check_accepted(schema.at("items").as_object(), item);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto rest = proxmox::fuzz::as_text(data, size);
    const auto& schema = pick_schema(proxmox::fuzz::take_line(rest));

    json::parse_options options;
    options.max_depth = proxmox::mcp::jsonrpc::max_message_depth; // as parse_line reads a message
    json::error_code ec;
    const auto args = json::parse(rest, ec, {}, options);
    if (ec)
        return 0;

    const auto problem = proxmox::mcp::validate(schema, args);
    if (!problem) {
        check_accepted(schema, args);
        return 0;
    }
    // The message goes back to the model: one bounded line of valid UTF-8 (values in it are JSON,
    // with their control characters escaped).
    const auto& m = problem->message;
    PROXMOX_FUZZ_CHECK(!m.empty() && m.size() < max_error_bytes, m.substr(0, 300));
    PROXMOX_FUZZ_CHECK(proxmox::fuzz::is_valid_utf8(m) && !proxmox::fuzz::has_c0_control(m),
                       m.substr(0, 300));
    PROXMOX_FUZZ_CHECK(problem->path.size() < max_error_bytes, problem->path.substr(0, 300));
    PROXMOX_FUZZ_CHECK(proxmox::fuzz::is_valid_utf8(problem->path), problem->path.substr(0, 300));
    return 0;
}
