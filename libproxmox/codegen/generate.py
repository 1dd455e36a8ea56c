#!/usr/bin/env python3
"""Generate libproxmox's endpoint table, parameter structs and encoders from schema.json.

Usage:
  python3 libproxmox/codegen/generate.py            write the generated files in place
  python3 libproxmox/codegen/generate.py --check    regenerate into a temp dir and compare byte
                                                   for byte with the committed files (exit 1 and
                                                   name the stale files when they differ)
  python3 libproxmox/codegen/generate.py --out DIR  write the tree below DIR instead (for tests)

Python 3 standard library only. Output (paths relative to libproxmox/):
  include/proxmox/generated/{common,endpoints,<area>,all}.hpp
  src/generated/{common,endpoints,<area>}.cpp
  src/generated/sources.cmake
  ../tests/codegen/generated/path_cases.cpp (test data: every string path parameter)
See libproxmox/codegen/README.md ("The generator") for the naming scheme.
"""

import argparse
import filecmp
import hashlib
import json
import os
import re
import sys
import tempfile

from cpp_text import COMMON_CPP, COMMON_HPP, ENDPOINTS_HPP

HERE = os.path.dirname(os.path.abspath(__file__))
LIBDIR = os.path.dirname(HERE)  # libproxmox/

CPP_KEYWORDS = set("""
alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t
char32_t class compl concept const consteval constexpr constinit const_cast continue co_await
co_return co_yield decltype default delete do double dynamic_cast else enum explicit export
extern false float for friend goto if import inline int long module mutable namespace new
noexcept not not_eq nullptr operator or or_eq private protected public register
reinterpret_cast requires return short signed sizeof static static_assert static_cast struct
switch template this thread_local throw true try typedef typeid typename union unsigned using
virtual void volatile wchar_t while xor xor_eq
""".split())

# Area = one header + one .cpp. First matching prefix wins.
AREAS = [
    ("access", "/access"),
    ("cluster_firewall", "/cluster/firewall"),
    ("cluster_sdn", "/cluster/sdn"),
    ("cluster", "/cluster"),
    ("nodes_qemu", "/nodes/{node}/qemu"),
    ("nodes_lxc", "/nodes/{node}/lxc"),
    ("nodes_storage", "/nodes/{node}/storage"),
    ("nodes_ceph", "/nodes/{node}/ceph"),
    ("nodes_other", "/nodes"),
    ("pools", "/pools"),
    ("storage", "/storage"),
    ("version", "/version"),
]

TASK_KINDS = {None: "none", "upid": "upid", "upid-or-null": "upid_or_null",
              "object-with-upid": "object_with_upid", "task-no-upid": "task_no_upid"}
METHODS = {"GET": "get", "POST": "post", "PUT": "put", "DELETE": "del"}

# Field groups: parameters that several endpoints declare identically (same key, same schema)
# become one struct in generated/field_groups.hpp, held by each endpoint's params struct as the
# named member, so e.g. the ~80 QEMU config keys exist once for create and both config calls.
# (struct name, member name, regex over "METHOD PATH")
GROUPS = [
    ("qemu_config_fields", "config", r"^(POST /nodes/\{node\}/qemu|(POST|PUT) /nodes/\{node\}/qemu/\{vmid\}/config)$"),
    ("lxc_config_fields", "config", r"^(POST /nodes/\{node\}/lxc|PUT /nodes/\{node\}/lxc/\{vmid\}/config)$"),
    ("storage_config_fields", "settings", r"^(POST /storage|PUT /storage/\{storage\})$"),
    ("realm_config_fields", "settings", r"^(POST /access/domains|PUT /access/domains/\{realm\})$"),
    ("backup_job_fields", "job", r"^(POST /cluster/backup|PUT /cluster/backup/\{id\}|POST /nodes/\{node\}/vzdump)$"),
    ("network_interface_fields", "settings", r"^(POST /nodes/\{node\}/network|PUT /nodes/\{node\}/network/\{iface\})$"),
    ("sdn_zone_fields", "settings", r"^(POST /cluster/sdn/zones|PUT /cluster/sdn/zones/\{zone\})$"),
    ("firewall_rule_fields", "rule", r"^(POST|PUT) .*/firewall/(rules(/\{pos\})?|groups/\{group\}(/\{pos\})?)$"),
    ("guest_firewall_options_fields", "options", r"^PUT /nodes/\{node\}/(qemu|lxc)/\{vmid\}/firewall/options$"),
]
MIN_GROUP_FIELDS = 8  # a group smaller than this is a table mistake


def area_of(path):
    for name, prefix in AREAS:
        if path == prefix or path.startswith(prefix + "/"):
            return name
    raise SystemExit(f"generate.py: no area for path {path}")


def ident(text):
    """A C++ identifier from a schema key: non-alphanumerics -> '_', keywords get a '_' suffix."""
    out = re.sub(r"[^A-Za-z0-9_]", "_", text)
    if not out or out[0].isdigit():
        out = "v_" + out
    if out in CPP_KEYWORDS:
        out += "_"
    return out


def struct_name(ep):
    """Literal path segments joined by '_'; a placeholder followed by a literal segment is dropped,
    a trailing placeholder (no literal after it) is spelled by its name; then the method."""
    segs = [s for s in ep["path"].split("/") if s]
    parts = []
    for i, seg in enumerate(segs):
        if seg.startswith("{"):
            if any(not s.startswith("{") for s in segs[i + 1:]):
                continue
            parts.append(seg[1:-1])
        else:
            parts.append(seg)
    base = "_".join(re.sub(r"[^A-Za-z0-9]", "_", p).lower() for p in parts) or "root"
    return f"{base}_{ep['method'].lower()}_params"


def cpp_str(text):
    """A C++ string literal (ASCII; everything else escaped as octal)."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "?":
            out.append("?")
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            for b in ch.encode("utf-8"):
                out.append(f"\\{b:03o}")
    return '"' + "".join(out) + '"'


def comment_text(text):
    text = " ".join(str(text).split())
    text = text.replace("*/", "* /")
    return text.rstrip("\\")


def first_sentence(text):
    text = " ".join(str(text or "").split())
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    return m.group(1) if m else text


class Field:
    def __init__(self, key, spec, in_path):
        self.key = key  # schema key, e.g. "net[n]", "start-on-boot"
        self.spec = spec
        self.in_path = in_path
        self.numbered = key.endswith("[n]")
        self.wire = key[:-3] if self.numbered else key
        self.member = ident(self.wire)
        self.type = spec.get("type", "string")
        self.enum = [str(v) for v in (spec.get("enum") or [])] if self.type == "string" else []
        self.optional = bool(spec.get("optional")) and not in_path
        self.enum_type = None

    def kind(self):
        if self.in_path:
            return "int" if self.type == "integer" else "string"
        if self.numbered:
            return "map"
        if self.type == "array":
            return "array"
        if self.type == "integer":
            return "int"
        if self.type == "number":
            return "double"
        if self.type == "boolean":
            return "bool"
        if self.enum:
            return "enum"
        return "string"

    def cpp_type(self):
        k = self.kind()
        base = {"int": "std::int64_t", "double": "double", "bool": "bool", "string": "std::string",
                "enum": self.enum_type, "map": "std::map<int, std::string>",
                "array": "std::vector<std::string>"}[k]
        if self.optional and k in ("int", "double", "bool", "string", "enum"):
            return f"std::optional<{base}>"
        return base


def build_fields(ep, exclude=(), reserved=()):
    """The struct fields of `ep` without the keys in `exclude` (they live in a field group);
    `reserved` names are taken (the group member)."""
    placeholders = re.findall(r"\{([^}]+)\}", ep["path"])
    fields = []
    for key, spec in ep.get("parameters", {}).items():
        if key not in exclude:
            fields.append(Field(key, spec, key in placeholders))
    for ph in placeholders:
        if ph not in ep.get("parameters", {}):
            raise SystemExit(f"generate.py: {ep['method']} {ep['path']}: placeholder {ph} not a parameter")
    # Path placeholders first (path order), then the rest in schema order.
    fields.sort(key=lambda f: (0, placeholders.index(f.key)) if f.in_path else (1, 0))
    used = set(reserved)
    for f in fields:  # numbered families whose base name is also a plain key: suffix "_n"
        if f.numbered and any(g.key == f.wire for g in fields):
            f.member = ident(f.wire + "_n")
    for f in fields:
        if f.member in used:
            raise SystemExit(f"generate.py: {ep['path']}: member name clash {f.member}")
        used.add(f.member)
    for f in fields:
        if f.kind() == "enum":
            name = f.member.rstrip("_") + "_enum"
            while name in used:
                name += "_"
            used.add(name)
            f.enum_type = name
    return fields


def enum_constants(values):
    out, used = [], {"str", "string_enum"}
    for v in values:
        name = ident(v) if v else "empty"
        while name in used:
            name += "_"
        used.add(name)
        out.append((name, v))
    return out


def banner(meta, sha, style):
    lines = [
        "Generated by libproxmox/codegen/generate.py -- DO NOT EDIT.",
        f"Schema: {meta['pve_version']}",
        f"Schema sha256: {sha}",
    ]
    if style == "cmake":
        return "".join(f"# {line}\n" for line in lines)
    return "".join(f"// {line}\n" for line in lines)


def gen_endpoints_cpp(eps):
    rows = []
    for ep in eps:
        perm = (ep.get("permissions") or {}).get("check") or ""
        rows.append(
            "    {http_method::%s, %s, %s, task_kind::%s, %s, %s, %s, %s},"
            % (METHODS[ep["method"]], cpp_str(ep["path"]), cpp_str(ep.get("name", "")),
               TASK_KINDS[ep.get("task")], "true" if ep.get("allowtoken", True) else "false",
               "true" if ep.get("protected") else "false", cpp_str(perm), cpp_str(ep.get("proxyto") or "")))
    return """
#include <proxmox/generated/endpoints.hpp>

#include <algorithm>
#include <iterator>

namespace proxmox::gen {

namespace {
constexpr endpoint_info table[] = {
%s
};
} // namespace

std::span<const endpoint_info> endpoints() noexcept { return table; }

const endpoint_info* find_endpoint(http_method method, std::string_view path_template) noexcept {
    auto it = std::find_if(std::begin(table), std::end(table), [&](const endpoint_info& e) {
        return e.method == method && e.path == path_template;
    });
    return it == std::end(table) ? nullptr : &*it;
}

} // namespace proxmox::gen
""" % "\n".join(rows)


def field_lines(fields, indent="    "):
    """Nested enum types, then one member line per field."""
    out = []
    for f in fields:
        if f.kind() == "enum":
            out.append(f"{indent}struct {f.enum_type} : string_enum {{")
            out.append(f"{indent}    using string_enum::string_enum;")
            for cname, v in enum_constants(f.enum):
                out.append(f"{indent}    static constexpr std::string_view {cname} = {cpp_str(v)};")
            out.append(f"{indent}}};")
    for f in fields:
        desc = comment_text(first_sentence(f.spec.get("description", "")))
        where = "path" if f.in_path else ("numbered " + f.wire + "N" if f.numbered else "")
        note = f" [{where}]" if where else ""
        if f.spec.get("format") == "property-string":
            note += " [property string]"
        init = ""
        if f.kind() in ("int", "double") and not f.optional:
            init = " = 0"
        elif f.kind() == "bool" and not f.optional:
            init = " = false"
        out.append(f"{indent}{f.cpp_type()} {f.member}{init}; ///< `{comment_text(f.key)}`{note} {desc}".rstrip())
    return out


def permission_text(ep):
    perms = ep.get("permissions") or {}
    return perms.get("check") or (f"none (user: {perms['user']})" if perms.get("user") else "none")


def gen_struct(ep, sname, fields, group):
    out = []
    out.append(f"/// `{ep['method']} {comment_text(ep['path'])}`: {comment_text(first_sentence(ep.get('description', '')))}")
    out.append(f"/// Permission check: {comment_text(permission_text(ep))}")
    out.append(f"struct {sname} {{")
    out.append(f"    static constexpr call_info endpoint{{http_method::{METHODS[ep['method']]}, "
               f"{cpp_str(ep['path'])}, task_kind::{TASK_KINDS[ep.get('task')]}}};")
    out.extend(field_lines(fields))
    if group:
        out.append(f"    {group.name} {group.member}; ///< the parameters shared with {group.shared_with_text(ep)}")
    out.append("};")
    out.append(f"encoded_request encode(const {sname}& p);")
    return "\n".join(out)


def is_rest_of_path(ep, field):
    """pve-manager mounts PVE::API2::Storage::Content with `fragmentDelimiter => ''` (volume IDs
    contain '/'), so `{volume}` takes the rest of the path; every other placeholder is one segment."""
    return field.key == "volume" and ep["path"].endswith("/storage/{storage}/content/{volume}")


def gen_encoder(ep, sname, fields, group):
    out = [f"encoded_request encode(const {sname}& p) {{"]
    if not fields and not group:
        out[0] = f"encoded_request encode(const {sname}&) {{"
    out.append(f"    encoded_request r{{{cpp_str(ep['path'])}, {{}}}};")
    # Last placeholder first, so the earliest invalid one is the error that remains.
    for f in reversed([f for f in fields if f.in_path]):
        fn = "subst_rest" if is_rest_of_path(ep, f) else "subst"
        out.append(f"    detail::{fn}(r, {cpp_str(f.key)}, p.{f.member});")
    for f in fields:
        if not f.in_path:
            out.append(f"    detail::put(r.params, {cpp_str(f.wire)}, p.{f.member});")
    if group:
        out.append(f"    encode_fields(r.params, p.{group.member});")
    out.append("    return r;")
    out.append("}")
    return "\n".join(out)


class Group:
    """A field group (see GROUPS): the parameters all matching endpoints declare identically."""

    def __init__(self, name, member, pattern, eps):
        self.name, self.member = name, member
        self.endpoints = [ep for ep in eps if re.match(pattern, f"{ep['method']} {ep['path']}")]
        if len(self.endpoints) < 2:
            raise SystemExit(f"generate.py: field group {name} matches {len(self.endpoints)} endpoint(s)")

        def shared(ep):
            ph = set(re.findall(r"\{([^}]+)\}", ep["path"]))
            return {k: json.dumps(v, sort_keys=True) for k, v in ep.get("parameters", {}).items() if k not in ph}

        first = shared(self.endpoints[0])
        common = set(first.items())
        for ep in self.endpoints[1:]:
            common &= set(shared(ep).items())
        self.keys = [k for k in first if (k, first[k]) in common]  # schema order of the first endpoint
        if len(self.keys) < MIN_GROUP_FIELDS:
            raise SystemExit(f"generate.py: field group {name} shares only {len(self.keys)} fields")
        params = {k: self.endpoints[0]["parameters"][k] for k in self.keys}
        self.fields = build_fields({"method": "", "path": "", "parameters": params})

    def shared_with_text(self, ep):
        others = [f"{e['method']} {e['path']}" for e in self.endpoints if e is not ep]
        return comment_text(", ".join(others))


def gen_group_struct(g):
    out = [f"/// Parameters shared by {comment_text(', '.join(e['method'] + ' ' + e['path'] for e in g.endpoints))}."]
    out.append(f"struct {g.name} {{")
    out.extend(field_lines(g.fields))
    out.append("};")
    out.append(f"void encode_fields(request_params& params, const {g.name}& fields);")
    out.append(f"/// The keys of {g.name} as PVE's schema names them, for checking free-form keys.")
    out.append(f"std::span<const field_key> {g.name[:-len('_fields')]}_keys() noexcept;")
    return "\n".join(out)


def gen_group_encoder(g):
    out = [f"void encode_fields(request_params& params, const {g.name}& p) {{"]
    for f in g.fields:
        out.append(f"    detail::put(params, {cpp_str(f.wire)}, p.{f.member});")
    out.append("}")
    keys = ", ".join(f"{{{cpp_str(f.wire)}, {'true' if f.numbered else 'false'}}}" for f in g.fields)
    out.append(f"std::span<const field_key> {g.name[:-len('_fields')]}_keys() noexcept {{")
    out.append(f"    static constexpr field_key keys[] = {{{keys}}};")
    out.append("    return keys;")
    out.append("}")
    return "\n".join(out)


def gen_api_member(ep, sname):
    task = ep.get("task")
    completes = {"upid": "task_handle (the task has started, not finished)",
                 "upid-or-null": "std::optional<task_handle>"}.get(task, "api_response (the raw `data`)")
    fn = "async_" + sname[: -len("_params")]
    return "\n".join([
        f"    /// `{ep['method']} {comment_text(ep['path'])}`: {comment_text(first_sentence(ep.get('description', '')))}",
        f"    /// Permission check: {comment_text(permission_text(ep))}. Completes with {completes}.",
        "    template <class Token = boost::asio::deferred_t>",
        f"    auto {fn}(const {sname}& params, Token&& token = {{}}) const {{",
        "        return client_.async_call(params, std::forward<Token>(token));",
        "    }",
    ])


# Test data next to the tests (relative to libproxmox/ like every other output).
PATH_CASES = "../tests/codegen/generated/path_cases.cpp"


def path_default(field):
    """A valid value for a path parameter the case does not vary."""
    if field.kind() == "int":
        return "100"
    return cpp_str({"node": "pve", "storage": "local"}.get(field.key, "x1"))


def gen_path_cases(by_area):
    """For every string path parameter of every endpoint: a function that encodes the endpoint's
    params with that parameter set to a given value and every other path parameter valid."""
    rows = []
    for area, _ in AREAS:
        for ep, sname, fields, group in by_area[area]:
            path_fields = [f for f in fields if f.in_path]
            for f in path_fields:
                if f.kind() != "string":
                    continue
                sets = [f"p.{g.member} = {'v' if g is f else path_default(g)};" for g in path_fields]
                rest = "true" if is_rest_of_path(ep, f) else "false"
                rows.append(f"        {{\"{ep['method']}\", {cpp_str(ep['path'])}, {cpp_str(f.key)}, {rest},\n"
                            f"         [](const std::string& v) {{ gen::{sname} p; {' '.join(sets)} return encode(p); }}}},")
    body = "\n".join(rows)
    return f"""
// Every string path parameter of every endpoint, for tests that feed it hostile values.

#include "path_cases.hpp"

#include <proxmox/generated/all.hpp>

namespace proxmox::testing {{

const std::vector<path_case>& path_cases() {{
    static const std::vector<path_case> cases = {{
{body}
    }};
    return cases;
}}

}} // namespace proxmox::testing
"""


def generate(schema_path, lock_path):
    raw = open(schema_path, "rb").read()
    sha = hashlib.sha256(raw).hexdigest()
    lock = dict(line.split("=", 1) for line in open(lock_path).read().splitlines()
                if "=" in line and not line.startswith("#"))
    if lock.get("sha256") != sha:
        raise SystemExit(f"generate.py: schema.json sha256 {sha} does not match schema.lock {lock.get('sha256')}")
    schema = json.loads(raw)
    meta = schema["meta"]
    eps = schema["endpoints"]
    if int(lock.get("endpoints", len(eps))) != len(eps):
        raise SystemExit("generate.py: endpoint count differs from schema.lock")

    files = {}  # relative path (to libproxmox/) -> text
    cb = banner(meta, sha, "c")
    files["include/proxmox/generated/common.hpp"] = cb + COMMON_HPP
    files["src/generated/common.cpp"] = cb + COMMON_CPP
    files["include/proxmox/generated/endpoints.hpp"] = cb + ENDPOINTS_HPP
    files["src/generated/endpoints.cpp"] = cb + gen_endpoints_cpp(eps)

    groups = [Group(name, member, pattern, eps) for name, member, pattern in GROUPS]
    group_of = {}
    for g in groups:
        for ep in g.endpoints:
            key = f"{ep['method']} {ep['path']}"
            if key in group_of:
                raise SystemExit(f"generate.py: {key} is in field groups {group_of[key].name} and {g.name}")
            group_of[key] = g

    names = {}
    by_area = {a: [] for a, _ in AREAS}
    for ep in eps:
        sname = struct_name(ep)
        if sname in names:
            raise SystemExit(f"generate.py: struct name {sname} used by {names[sname]} and {ep['method']} {ep['path']}")
        names[sname] = f"{ep['method']} {ep['path']}"
        group = group_of.get(f"{ep['method']} {ep['path']}")
        fields = build_fields(ep, exclude=set(group.keys) if group else (),
                              reserved={group.member} if group else ())
        by_area[area_of(ep["path"])].append((ep, sname, fields, group))

    group_body = "\n\n".join(gen_group_struct(g) for g in groups)
    files["include/proxmox/generated/field_groups.hpp"] = cb + f"""
#ifndef PROXMOX_GENERATED_FIELD_GROUPS_HPP
#define PROXMOX_GENERATED_FIELD_GROUPS_HPP

// Parameter sets several endpoints share (create and update of a guest's config, storage and
// realm definitions, backup jobs, firewall rules, ...): one struct each, held by the endpoints'
// params structs as a member.

#include <proxmox/generated/common.hpp>

#include <span>
#include <string_view>

namespace proxmox::gen {{

/// One key of a field group: `wire` as sent (`cores`), or with `numbered` the stem of `net0`, `net1`...
struct field_key {{
    std::string_view wire;
    bool numbered;
}};

/// Whether `key` is one of `keys` (`net3` matches the numbered stem `net`).
bool is_field_key(std::span<const field_key> keys, std::string_view key) noexcept;

{group_body}

}} // namespace proxmox::gen

#endif
"""
    group_enc = "\n\n".join(gen_group_encoder(g) for g in groups)
    files["src/generated/field_groups.cpp"] = cb + f"""
#include <proxmox/generated/field_groups.hpp>

namespace proxmox::gen {{

bool is_field_key(std::span<const field_key> keys, std::string_view key) noexcept {{
    for (const auto& k : keys) {{
        if (!k.numbered) {{
            if (key == k.wire)
                return true;
            continue;
        }}
        if (!key.starts_with(k.wire) || key.size() == k.wire.size() || key.size() > k.wire.size() + 3)
            continue;
        const auto digits = key.substr(k.wire.size());
        if (digits.find_first_not_of("0123456789") == std::string_view::npos && (digits.size() == 1 || digits[0] != '0'))
            return true;
    }}
    return false;
}}

{group_enc}

}} // namespace proxmox::gen
"""

    for area, items in by_area.items():
        guard = f"PROXMOX_GENERATED_{area.upper()}_HPP"
        body = "\n\n".join(gen_struct(ep, s, f, g) for ep, s, f, g in items)
        files[f"include/proxmox/generated/{area}.hpp"] = cb + f"""
#ifndef {guard}
#define {guard}

// Parameter structs and encoders for the {len(items)} endpoints under {dict(AREAS)[area]}.

#include <proxmox/generated/common.hpp>
#include <proxmox/generated/field_groups.hpp>

namespace proxmox::gen {{

{body}

}} // namespace proxmox::gen

#endif
"""
        enc = "\n\n".join(gen_encoder(ep, s, f, g) for ep, s, f, g in items)
        files[f"src/generated/{area}.cpp"] = cb + f"""
#include <proxmox/generated/{area}.hpp>

namespace proxmox::gen {{

{enc}

}} // namespace proxmox::gen
"""

    members = "\n\n".join(gen_api_member(ep, s) for items in by_area.values() for ep, s, _, _ in items)
    files["include/proxmox/generated/api.hpp"] = cb + f"""
#ifndef PROXMOX_GENERATED_API_HPP
#define PROXMOX_GENERATED_API_HPP

#include <proxmox/client.hpp>
#include <proxmox/generated/all.hpp>

#include <utility>

namespace proxmox::gen {{

/// Every endpoint of the PVE API as a typed asynchronous call: `async_<params struct name
/// without _params>(params, token)`. Each sends the request its params struct encodes and
/// completes with `result<task_handle>` for calls that start a worker task, with
/// `result<std::optional<task_handle>>` where PVE may answer null instead, and with
/// `result<api_response>` (the raw `data`) otherwise. Cheap to copy, like the client.
///
///     proxmox::gen::api api(client);
///     const nodes_qemu_status_start_post_params start{{.node = "pve", .vmid = 100}};
///     auto task = co_await api.async_nodes_qemu_status_start_post(start);
///
/// Keep params in named variables under co_await: g++ 12 destroys temporaries inside a
/// co_await expression twice (GCC bug 100611).
class api {{
public:
    explicit api(proxmox::client c) : client_(std::move(c)) {{}}

    const proxmox::client& client() const noexcept {{ return client_; }}

{members}

private:
    proxmox::client client_;
}};

}} // namespace proxmox::gen

#endif
"""
    includes = "\n".join(f"#include <proxmox/generated/{a}.hpp>" for a, _ in AREAS)
    files["include/proxmox/generated/all.hpp"] = cb + f"""
#ifndef PROXMOX_GENERATED_ALL_HPP
#define PROXMOX_GENERATED_ALL_HPP

// Every generated header: the endpoint table and all parameter structs.

#include <proxmox/generated/endpoints.hpp>
#include <proxmox/generated/field_groups.hpp>
{includes}

#endif
"""
    files[PATH_CASES] = cb + gen_path_cases(by_area)

    srcs = ["src/generated/common.cpp", "src/generated/endpoints.cpp", "src/generated/field_groups.cpp"] + \
        [f"src/generated/{a}.cpp" for a, _ in AREAS]
    files["src/generated/sources.cmake"] = banner(meta, sha, "cmake") + """
# Included from libproxmox/CMakeLists.txt after add_library(proxmox ...): adds the generated
# endpoint table, parameter structs and encoders to the library, and defines the target
# `proxmox-codegen`, which regenerates them from codegen/schema.json
# (`cmake --build build/dev --target proxmox-codegen`).
target_sources(proxmox PRIVATE
%s
)

find_package(Python3 COMPONENTS Interpreter QUIET)
if(Python3_Interpreter_FOUND AND NOT TARGET proxmox-codegen)
    add_custom_target(proxmox-codegen
        COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/../../codegen/generate.py
        WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/../..
        COMMENT "Regenerating libproxmox's generated API layer from codegen/schema.json"
        VERBATIM)
endif()
""" % "\n".join(f"    ${{CMAKE_CURRENT_LIST_DIR}}/{os.path.basename(s)}" for s in srcs)
    return files


GENERATED_DIRS = ["include/proxmox/generated", "src/generated", "../tests/codegen/generated"]


def write_tree(files, root):
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)


def existing_generated(root):
    found = set()
    for d in GENERATED_DIRS:
        full = os.path.join(root, d)
        if os.path.isdir(full):
            for name in os.listdir(full):
                found.add(f"{d}/{name}")
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed output, write nothing")
    ap.add_argument("--out", default=os.path.relpath(LIBDIR), help="root to write below (default: libproxmox/)")
    ap.add_argument("--schema", default=os.path.join(HERE, "schema.json"))
    ap.add_argument("--lock", default=os.path.join(HERE, "schema.lock"))
    args = ap.parse_args()
    files = generate(args.schema, args.lock)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp_root:
            tmp = os.path.join(tmp_root, "libproxmox")
            write_tree(files, tmp)
            stale = []
            for rel in sorted(files):
                committed = os.path.join(args.out, rel)
                if not os.path.exists(committed):
                    stale.append(f"missing:   {committed}")
                elif not filecmp.cmp(committed, os.path.join(tmp, rel), shallow=False):
                    stale.append(f"differs:   {committed}")
            for rel in sorted(existing_generated(args.out) - set(files)):
                stale.append(f"extra (not generated, remove it): {os.path.join(args.out, rel)}")
        if stale:
            print("generate.py --check: the generated code is out of sync with the schema or the generator:",
                  file=sys.stderr)
            for s in stale:
                print(f"  {s}", file=sys.stderr)
            print("Run `python3 libproxmox/codegen/generate.py` (or build target proxmox-codegen) and commit the result.",
                  file=sys.stderr)
            return 1
        print(f"generate.py --check: {len(files)} generated files are up to date")
        return 0
    stale = existing_generated(args.out) - set(files)
    for rel in stale:
        os.remove(os.path.join(args.out, rel))
    write_tree(files, args.out)
    print(f"generate.py: wrote {len(files)} files below {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
