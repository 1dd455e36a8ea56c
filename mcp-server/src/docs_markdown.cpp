#include "docs_markdown.hpp"
#include "protocol.hpp"
#include "tools/tools.hpp"
#include "toolsets.hpp"

#include <boost/json/serialize.hpp>

#include <fmt/format.h>

namespace proxmox::mcp {

namespace json = boost::json;

namespace {

void pretty(const json::value& v, std::string& out, int indent) {
    std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
    std::string inner(static_cast<std::size_t>(indent + 1) * 2, ' ');
    if (const auto* o = v.if_object(); o && !o->empty()) {
        out += "{\n";
        bool first = true;
        for (const auto& m : *o) {
            if (!first)
                out += ",\n";
            first = false;
            out += inner + json::serialize(json::value(m.key())) + ": ";
            pretty(m.value(), out, indent + 1);
        }
        out += "\n" + pad + "}";
        return;
    }
    if (const auto* a = v.if_array(); a && !a->empty()) {
        bool scalars = true;
        for (const auto& item : *a)
            scalars = scalars && !item.is_object() && !item.is_array();
        if (scalars) { // short lists of scalars stay on one line
            out += "[";
            for (std::size_t i = 0; i < a->size(); ++i)
                out += (i ? ", " : "") + json::serialize((*a)[i]);
            out += "]";
            return;
        }
        out += "[\n";
        for (std::size_t i = 0; i < a->size(); ++i) {
            if (i)
                out += ",\n";
            out += inner;
            pretty((*a)[i], out, indent + 1);
        }
        out += "\n" + pad + "]";
        return;
    }
    out += json::serialize(v);
}

std::string cell(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '|')
            out += "\\|";
        else if (c == '\n')
            out += ' ';
        else
            out += c;
    }
    return out;
}

std::string str(const json::object& o, std::string_view key) {
    if (const auto* v = o.if_contains(key); v && v->is_string())
        return std::string(v->get_string());
    return {};
}

std::string type_text(const json::object& s) {
    std::string t = str(s, "type");
    if (const auto* types = s.if_contains("type"); types && types->is_array()) {
        for (const auto& x : types->get_array())
            if (x.is_string())
                t += (t.empty() ? "" : " or ") + std::string(x.get_string());
    }
    if (t == "array") {
        if (const auto* items = s.if_contains("items"); items && items->is_object())
            t = "array of " + str(items->get_object(), "type");
    }
    std::vector<std::string> notes;
    if (const auto* e = s.if_contains("enum"); e && e->is_array()) {
        std::string values;
        for (const auto& x : e->get_array())
            values += (values.empty() ? "" : ", ") + json::serialize(x);
        notes.push_back("one of " + values);
    }
    const auto* mn = s.if_contains("minimum");
    const auto* mx = s.if_contains("maximum");
    if (mn && mx)
        notes.push_back(fmt::format("{}..{}", json::serialize(*mn), json::serialize(*mx)));
    else if (mn)
        notes.push_back(">= " + json::serialize(*mn));
    else if (mx)
        notes.push_back("<= " + json::serialize(*mx));
    if (const auto* ml = s.if_contains("minLength"); ml && ml->is_int64() && ml->get_int64() == 1)
        notes.push_back("non-empty");
    if (const auto* d = s.if_contains("default"))
        notes.push_back("default " + json::serialize(*d));
    if (notes.empty())
        return t;
    return fmt::format("{} ({})", t, fmt::join(notes, "; "));
}

bool is_required(const json::object& schema, std::string_view key) {
    if (const auto* r = schema.if_contains("required"); r && r->is_array())
        for (const auto& k : r->get_array())
            if (k.is_string() && k.get_string() == key)
                return true;
    return false;
}

void output_rows(const json::object& schema, const std::string& prefix, std::string& out) {
    const auto* props = schema.if_contains("properties");
    if (!props || !props->is_object())
        return;
    for (const auto& p : props->get_object()) {
        if (!p.value().is_object())
            continue;
        const auto& ps = p.value().get_object();
        std::string name = prefix + std::string(p.key());
        out +=
            fmt::format("| `{}` | {} | {} | {} |\n", name, cell(type_text(ps)),
                        is_required(schema, p.key()) ? "always" : "when known", cell(str(ps, "description")));
        if (str(ps, "type") == "object")
            output_rows(ps, name + ".", out);
        if (const auto* items = ps.if_contains("items");
            items && items->is_object() && str(ps, "type") == "array")
            output_rows(items->get_object(), name + "[].", out);
    }
}

std::string_view yes_no(bool b) {
    return b ? "yes" : "no";
}

constexpr std::string_view config_rows[][2] = {
    {"PROXMOX_API_URL", "`https://host:8006` of one cluster node. Required."},
    {"PROXMOX_TOKEN_ID", "API token id, `USER@REALM!TOKENID` (preferred)."},
    {"PROXMOX_TOKEN_SECRET", "API token secret; never printed."},
    {"PROXMOX_USER", "`USER@REALM` for ticket login instead of a token."},
    {"PROXMOX_PASSWORD", "That user's password; never printed."},
    {"PROXMOX_VERIFY", "`true` (default) verifies the certificate (system CAs or `PROXMOX_CA_FILE`); `false` "
                       "disables verification (logged as a warning)."},
    {"PROXMOX_FINGERPRINT",
     "SHA-256 fingerprint of the node certificate (`pvenode cert info`); pins it instead "
     "of CA verification."},
    {"PROXMOX_CA_FILE", "CA certificate file, e.g. the cluster's `/etc/pve/pve-root-ca.pem`."},
    {"PROXMOX_TIMEOUT", "Seconds one API call may take, retries included (default 30)."},
    {"PROXMOX_CONNECT_TIMEOUT", "Seconds for TCP connect and TLS handshake (default 10)."},
    {"PROXMOX_DEFAULT_NODE", "Node used by tools whose `node` argument is left out."},
    {"PROXMOX_DEFAULT_STORAGE", "Storage used by tools that create disks when `storage` is left out."},
    {"PROXMOX_DEFAULT_BRIDGE", "Bridge used by tools that create NICs when `bridge` is left out."},
    {"PROXMOX_DEFAULT_LXC_PASSWORD",
     "Root password of containers made by proxmox-create-lxc; never printed."},
    {"PROXMOX_READ_ONLY", "`true`: only reading tools are listed; no request but GET leaves the process."},
    {"PROXMOX_ALLOWED_NODES", "Comma list: only these nodes can be targeted or listed."},
    {"PROXMOX_ALLOWED_VMIDS", "Ranges like `100-199,9000`: only these guests (and new vmids)."},
    {"PROXMOX_ALLOWED_POOLS", "Comma list: only guests in these pools, and only these pools."},
    {"PROXMOX_ALLOW_GUEST_EXEC",
     "`true` lists proxmox-guest-exec (commands inside guests); `--demo` sets it."},
    {"PROXMOX_UPLOAD_DIR", "The upload tools read local files only below this directory (unset: refused)."},
    {"PROXMOX_AUDIT_LOG", "File that gets one JSON line per executed write (default: stderr)."},
    {"PROXMOX_TOOLSETS",
     "Comma list of toolsets to list (default: all): discovery, lifecycle, lxc, network, images, metrics, "
     "access, orchestration. Fewer tools, less context."},
    {"PROXMOX_PROFILES",
     "JSON file naming several clusters (README \"Fewer tools, several clusters, HTTP\"); every tool then "
     "takes `cluster`."},
    {"PROXMOX_MCP_HTTP_TOKEN",
     "With `--http` (environment only): the bearer token clients must send; required beyond loopback."},
    {"PROXMOX_MCP_HTTP_ALLOWED_ORIGINS",
     "With `--http` (environment only): browser origins accepted besides localhost."},
};

std::string_view safety_name(const tool_def& t) {
    switch (t.safety) {
    case tool_safety::read:
        return "read";
    case tool_safety::write:
        return "write";
    case tool_safety::destructive:
        return "destructive";
    }
    return "read";
}

/// A plausible value for an argument, for the example calls.
json::value sample(std::string_view name, const json::object& schema) {
    if (const auto* e = schema.if_contains("enum"); e && e->is_array() && !e->get_array().empty())
        return e->get_array()[0];
    std::string type = str(schema, "type");
    if (name == "vmid" || name == "source_vmid")
        return 100;
    if (name == "new_vmid")
        return 123;
    if (type == "integer")
        return 1;
    if (type == "number")
        return 1.5;
    if (type == "boolean")
        return true;
    if (type == "array")
        return json::array{"..."};
    if (type == "object")
        return json::object{};
    if (name == "node" || name == "target_node")
        return "pve";
    if (name == "upid")
        return "UPID:pve:0012AB34:0A1B2C3D:6650A1B2:qmstart:100:root@pam!mcp:";
    return "...";
}

json::object example_arguments(const tool_def& t) {
    json::object args;
    const auto* props = t.input_schema.if_contains("properties");
    if (!props || !props->is_object())
        return args;
    const auto& p = props->get_object();
    if (p.contains("vmid") && !is_required(t.input_schema, "vmid"))
        args["vmid"] = 100; // the guest selector: vmid or name
    if (const auto* r = t.input_schema.if_contains("required"); r && r->is_array())
        for (const auto& k : r->get_array())
            if (k.is_string() && p.contains(k.get_string()))
                args[k.get_string()] = sample(k.get_string(), p.at(k.get_string()).get_object());
    if (t.safety != tool_safety::read)
        args["confirm"] = true;
    return args;
}

} // namespace

std::string pretty_json(const json::value& v) {
    std::string out;
    pretty(v, out, 0);
    return out;
}

std::string render_tools_markdown(const tool_registry& registry) {
    std::string out;
    out += "# proxmox-mcp tool reference\n\n";
    out +=
        "<!-- Generated from the tool registry by `proxmox-mcp --list-tools-markdown`; do not edit by hand.\n"
        "     The test McpDocs.CommittedReferenceMatchesRegistry fails when this file is stale. -->\n\n";
    out +=
        "`proxmox-mcp` is an MCP server on stdio (newline-delimited JSON-RPC 2.0) that maps tool calls onto "
        "the libproxmox SDK. Protocol versions: ";
    for (std::size_t i = 0; i < protocol::supported_versions.size(); ++i)
        out += fmt::format("{}`{}`", i ? ", " : "", protocol::supported_versions[i]);
    out += " (the client's version when supported, else the newest). Tool names and arguments follow the "
           "Python `mcp-proxmox` server, so prompts written for it keep working.\n\n";
    out +=
        "Results carry `structuredContent` that matches the tool's `outputSchema` (protocol 2025-06-18 and "
        "later) and the same JSON as a text block. Failures (invalid arguments, Proxmox errors, failed "
        "tasks) "
        "are results with `isError: true` and a message that says what to fix. Run `proxmox-mcp --demo` to "
        "try the tools against a simulated cluster.\n\n";

    out +=
        "## Arguments every tool shares\n\n"
        "- **Guest selector** `vmid` or `name`, optional `node`: one `GET /cluster/resources` finds the "
        "guest; "
        "a name on several nodes is an error listing them unless `node` is given; `vmid` and `name` together "
        "must name the same guest.\n"
        "- **`confirm`** (write and destructive tools): without `confirm: true` nothing is written; the "
        "answer is an error that shows the requests the call would send.\n"
        "- **`dry_run: true`** (write and destructive tools): checks the target with GET requests only and "
        "returns `summary`, `checks` (each with `ok`) and the exact `requests` (method, path, parameters, "
        "secrets as `***`); needs no `confirm`. Not repeated in each listed schema (the server's "
        "instructions "
        "say it once).\n"
        "- **`wait`, `timeout`, `poll_interval`** (tools that start a PVE task): `wait: false` answers the "
        "`upid` at once; `wait: true` polls every `poll_interval` seconds (default 2) up to `timeout` "
        "seconds "
        "(default 300 unless the tool says); a failed task is an error with PVE's exit status and log tail; "
        "a timeout is an error naming the UPID for proxmox-wait-task. With `_meta.progressToken` the wait "
        "sends `notifications/progress`.\n"
        "- **`limit`, `offset`, `fields`** (list tools): `limit` items (default 50) from `offset`, only the "
        "named `fields`; the answer has `total` and `next_offset` while more remain.\n\n"
        "Listed schemas leave out the bounds (string lengths, minimum/maximum) to save the model's context; "
        "the server enforces them and names them in its errors. A string without a stated bound may hold "
        "4096 characters.\n\n";

    out += "| Tool | Title | Safety | readOnlyHint | destructiveHint | idempotentHint | openWorldHint |\n";
    out += "| --- | --- | --- | --- | --- | --- | --- |\n";
    for (const auto& t : registry.tools())
        out += fmt::format("| [`{}`](#{}) | {} | {} | {} | {} | {} | {} |\n", t.name, t.name, cell(t.title),
                           safety_name(t), yes_no(t.annotations.read_only), yes_no(t.annotations.destructive),
                           yes_no(t.annotations.idempotent), yes_no(t.annotations.open_world));

    out += "\n## Configuration\n\n";
    out +=
        "Read from the environment (an MCP client's `env` block) and from one env file: `--env-file PATH`, "
        "else `.env` in the working directory, else `$XDG_CONFIG_HOME/proxmox-mcp/env` (default "
        "`~/.config/proxmox-mcp/env`). The environment wins. `--demo` needs none of them. A missing or "
        "malformed setting does not stop the server: every tool call answers the problem and its fix.\n\n";
    out += "| Key | Meaning |\n| --- | --- |\n";
    for (const auto& row : config_rows)
        out += fmt::format("| `{}` | {} |\n", row[0], row[1]);

    out += "\n## Tools\n";
    for (std::size_t index = 0; index < registry.tools().size(); ++index) {
        const auto& t = registry.tools()[index];
        for (const auto& f : toolsets)
            if (f.first == index && index < seed_tool_order.size() && seed_tool_order[index] == t.name)
                out += fmt::format("\n## {} (toolset `{}`)\n", f.title, f.name);
        out += fmt::format("\n### {}\n\n**{}** — {}\n\n", t.name, t.title, t.description);
        out += fmt::format("Safety: **{}**{}. Annotations: `readOnlyHint: {}`, `destructiveHint: {}`, "
                           "`idempotentHint: {}`, `openWorldHint: {}`.\n\n",
                           safety_name(t), t.safety == tool_safety::read ? "" : " (needs `confirm: true`)",
                           t.annotations.read_only, t.annotations.destructive, t.annotations.idempotent,
                           t.annotations.open_world);
        out += fmt::format("Example: `{}`\n\n", json::serialize(example_arguments(t)));
        out += "Arguments:\n\n";
        const auto* props = t.input_schema.if_contains("properties");
        if (!props || !props->is_object() || props->get_object().empty()) {
            out += "None (`{}`).\n\n";
        } else {
            out += "| Name | Type | Required | Description |\n| --- | --- | --- | --- |\n";
            for (const auto& p : props->get_object()) {
                if (!p.value().is_object())
                    continue;
                const auto& ps = p.value().get_object();
                out +=
                    fmt::format("| `{}` | {} | {} | {} |\n", p.key(), cell(type_text(ps)),
                                yes_no(is_required(t.input_schema, p.key())), cell(str(ps, "description")));
            }
            out += "\n";
        }
        if (!t.output_schema.empty()) {
            out += "Result (`structuredContent`):\n\n";
            out += "| Field | Type | Present | Description |\n| --- | --- | --- | --- |\n";
            output_rows(t.output_schema, "", out);
            out += "\n";
        }
        out += "<details><summary>JSON schemas</summary>\n\n";
        out += "`inputSchema`:\n\n```json\n" + pretty_json(t.input_schema) + "\n```\n\n";
        if (!t.output_schema.empty())
            out += "`outputSchema`:\n\n```json\n" + pretty_json(t.output_schema) + "\n```\n\n";
        out += "</details>\n";
    }
    return out;
}

} // namespace proxmox::mcp
