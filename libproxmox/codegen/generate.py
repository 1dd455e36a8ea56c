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


def build_fields(ep):
    placeholders = re.findall(r"\{([^}]+)\}", ep["path"])
    fields = []
    for key, spec in ep.get("parameters", {}).items():
        fields.append(Field(key, spec, key in placeholders))
    for ph in placeholders:
        if ph not in ep.get("parameters", {}):
            raise SystemExit(f"generate.py: {ep['method']} {ep['path']}: placeholder {ph} not a parameter")
    # Path placeholders first (path order), then the rest in schema order.
    fields.sort(key=lambda f: (0, placeholders.index(f.key)) if f.in_path else (1, 0))
    used = set()
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


COMMON_HPP = """
#ifndef PROXMOX_GENERATED_COMMON_HPP
#define PROXMOX_GENERATED_COMMON_HPP

#include <proxmox/types.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::gen {

/// An extensible string-backed enumeration: the generated per-parameter enum types derive from it
/// and add named constants for the schema's values; any other value is accepted as well (a newer
/// PVE may know more values than this schema).
class string_enum {
public:
    string_enum() = default;
    string_enum(std::string value) : value_(std::move(value)) {}
    string_enum(std::string_view value) : value_(value) {}
    string_enum(const char* value) : value_(value) {}

    const std::string& str() const noexcept { return value_; }
    friend bool operator==(const string_enum& a, const string_enum& b) noexcept { return a.value_ == b.value_; }
    friend bool operator==(const string_enum& a, std::string_view b) noexcept { return a.value_ == b; }
    friend bool operator==(const string_enum& a, const char* b) noexcept { return a.value_ == b; }

private:
    std::string value_;
};

/// What an encoder produces: the concrete path (placeholders substituted with the raw values;
/// the client URL-encodes) and the parameters in the order they are sent.
struct encoded_request {
    std::string path;
    request_params params;
};

namespace detail {
// Out-of-line helpers the generated encoders call; they keep the generated code small.
void put(request_params& p, std::string_view key, const std::string& v);
void put(request_params& p, std::string_view key, const string_enum& v);
void put(request_params& p, std::string_view key, std::int64_t v);
void put(request_params& p, std::string_view key, double v);
void put(request_params& p, std::string_view key, bool v);
void put(request_params& p, std::string_view key, const std::optional<std::string>& v);
void put(request_params& p, std::string_view key, const std::optional<std::int64_t>& v);
void put(request_params& p, std::string_view key, const std::optional<double>& v);
void put(request_params& p, std::string_view key, const std::optional<bool>& v);
void put(request_params& p, std::string_view key, const std::vector<std::string>& v);
void put(request_params& p, std::string_view key, const std::map<int, std::string>& v);
template <class E>
void put(request_params& p, std::string_view key, const std::optional<E>& v) {
    if (v) put(p, key, static_cast<const string_enum&>(*v));
}
void subst(std::string& path, std::string_view placeholder, const std::string& v);
void subst(std::string& path, std::string_view placeholder, std::int64_t v);
} // namespace detail

} // namespace proxmox::gen

#endif
"""

COMMON_CPP = """
#include <proxmox/generated/common.hpp>

#include <charconv>
#include <string>

namespace proxmox::gen::detail {

void put(request_params& p, std::string_view key, const std::string& v) { p.add(std::string(key), v); }
void put(request_params& p, std::string_view key, const string_enum& v) { p.add(std::string(key), v.str()); }
void put(request_params& p, std::string_view key, std::int64_t v) { p.add(std::string(key), v); }
void put(request_params& p, std::string_view key, double v) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    p.add(std::string(key), std::string(buf, r.ptr));
}
void put(request_params& p, std::string_view key, bool v) { p.add(std::string(key), v); }
void put(request_params& p, std::string_view key, const std::optional<std::string>& v) {
    if (v) put(p, key, *v);
}
void put(request_params& p, std::string_view key, const std::optional<std::int64_t>& v) {
    if (v) put(p, key, *v);
}
void put(request_params& p, std::string_view key, const std::optional<double>& v) {
    if (v) put(p, key, *v);
}
void put(request_params& p, std::string_view key, const std::optional<bool>& v) {
    if (v) put(p, key, *v);
}
void put(request_params& p, std::string_view key, const std::vector<std::string>& v) {
    for (const auto& item : v) p.add(std::string(key), item);
}
void put(request_params& p, std::string_view key, const std::map<int, std::string>& v) {
    for (const auto& [n, item] : v) p.add(std::string(key) + std::to_string(n), item);
}
void subst(std::string& path, std::string_view placeholder, const std::string& v) {
    auto pos = path.find(placeholder);
    if (pos != std::string::npos) path.replace(pos, placeholder.size(), v);
}
void subst(std::string& path, std::string_view placeholder, std::int64_t v) {
    subst(path, placeholder, std::to_string(v));
}

} // namespace proxmox::gen::detail
"""

ENDPOINTS_HPP = """
#ifndef PROXMOX_GENERATED_ENDPOINTS_HPP
#define PROXMOX_GENERATED_ENDPOINTS_HPP

#include <proxmox/types.hpp>

#include <span>
#include <string_view>

namespace proxmox::gen {

/// What a call returns with respect to worker tasks (the schema's derived `task` field).
enum class task_kind {
    none,             ///< no worker task
    upid,             ///< returns a task UPID string
    upid_or_null,     ///< a UPID, or null when the optional wait saw the task finish
    object_with_upid, ///< an object whose `upid` field names the worker (vncproxy, termproxy, ...)
    task_no_upid,     ///< starts a worker but returns null
};

/// One endpoint of the PVE API as the vendored schema describes it.
struct endpoint_info {
    http_method method;
    std::string_view path;             ///< template, e.g. `/nodes/{node}/qemu/{vmid}/status/start`
    std::string_view name;             ///< PVE's handler name (unique per path + method)
    task_kind task;
    bool allow_token;                  ///< false: API tokens get 403, a ticket is required
    bool is_protected;                 ///< runs in the privileged pvedaemon
    std::string_view permission_check; ///< rendered check expression, empty if none
    std::string_view proxyto;          ///< parameter naming the node the call is forwarded to, or empty
};

/// Every endpoint, sorted by path then GET, POST, PUT, DELETE.
std::span<const endpoint_info> endpoints() noexcept;

/// The endpoint for a method and a path template, or nullptr.
const endpoint_info* find_endpoint(http_method method, std::string_view path_template) noexcept;

} // namespace proxmox::gen

#endif
"""


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


def gen_struct(ep, sname, fields):
    out = []
    perms = ep.get("permissions") or {}
    perm = perms.get("check") or (f"none (user: {perms['user']})" if perms.get("user") else "none")
    out.append(f"/// `{ep['method']} {comment_text(ep['path'])}`: {comment_text(first_sentence(ep.get('description', '')))}")
    out.append(f"/// Permission check: {comment_text(perm)}")
    out.append(f"struct {sname} {{")
    for f in fields:
        if f.kind() == "enum":
            out.append(f"    struct {f.enum_type} : string_enum {{")
            out.append("        using string_enum::string_enum;")
            for cname, v in enum_constants(f.enum):
                out.append(f"        static constexpr std::string_view {cname} = {cpp_str(v)};")
            out.append("    };")
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
        out.append(f"    {f.cpp_type()} {f.member}{init}; ///< `{comment_text(f.key)}`{note} {desc}".rstrip())
    out.append("};")
    out.append(f"encoded_request encode(const {sname}& p);")
    return "\n".join(out)


def gen_encoder(ep, sname, fields):
    out = [f"encoded_request encode(const {sname}& p) {{"]
    if not fields:
        out[0] = f"encoded_request encode(const {sname}&) {{"
    out.append(f"    encoded_request r{{{cpp_str(ep['path'])}, {{}}}};")
    # Last placeholder first: subst() replaces the first occurrence, and every earlier placeholder
    # still lies before any value inserted so far, so values containing "{...}" stay intact.
    for f in reversed([f for f in fields if f.in_path]):
        out.append(f"    detail::subst(r.path, {cpp_str('{' + f.key + '}')}, p.{f.member});")
    for f in fields:
        if not f.in_path:
            out.append(f"    detail::put(r.params, {cpp_str(f.wire)}, p.{f.member});")
    out.append("    return r;")
    out.append("}")
    return "\n".join(out)


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

    names = {}
    by_area = {a: [] for a, _ in AREAS}
    for ep in eps:
        sname = struct_name(ep)
        if sname in names:
            raise SystemExit(f"generate.py: struct name {sname} used by {names[sname]} and {ep['method']} {ep['path']}")
        names[sname] = f"{ep['method']} {ep['path']}"
        by_area[area_of(ep["path"])].append((ep, sname, build_fields(ep)))

    for area, items in by_area.items():
        guard = f"PROXMOX_GENERATED_{area.upper()}_HPP"
        body = "\n\n".join(gen_struct(ep, s, f) for ep, s, f in items)
        files[f"include/proxmox/generated/{area}.hpp"] = cb + f"""
#ifndef {guard}
#define {guard}

// Parameter structs and encoders for the {len(items)} endpoints under {dict(AREAS)[area]}.

#include <proxmox/generated/common.hpp>

namespace proxmox::gen {{

{body}

}} // namespace proxmox::gen

#endif
"""
        enc = "\n\n".join(gen_encoder(ep, s, f) for ep, s, f in items)
        files[f"src/generated/{area}.cpp"] = cb + f"""
#include <proxmox/generated/{area}.hpp>

namespace proxmox::gen {{

{enc}

}} // namespace proxmox::gen
"""
    includes = "\n".join(f"#include <proxmox/generated/{a}.hpp>" for a, _ in AREAS)
    files["include/proxmox/generated/all.hpp"] = cb + f"""
#ifndef PROXMOX_GENERATED_ALL_HPP
#define PROXMOX_GENERATED_ALL_HPP

// Every generated header: the endpoint table and all parameter structs.

#include <proxmox/generated/endpoints.hpp>
{includes}

#endif
"""
    srcs = ["src/generated/common.cpp", "src/generated/endpoints.cpp"] + [f"src/generated/{a}.cpp" for a, _ in AREAS]
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


GENERATED_DIRS = ["include/proxmox/generated", "src/generated"]


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
        with tempfile.TemporaryDirectory() as tmp:
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
