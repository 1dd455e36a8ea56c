#!/usr/bin/env python3
"""Fails naming the file and the include when libproxmox's sources break the layering rule of
docs/architecture.md: async <- http <- core <- {generated, models, resources}, public model
headers never reach resources or the client, and Beast/OpenSSL streams compile in one file."""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parents[2] / "libproxmox"
src, public = root / "src", root / "include" / "proxmox"

# src/<layer>/ may include "<folder>/..." from these folders only.
SRC_ALLOWED = {
    "async": {"async"},
    "http": {"async", "http"},
    "core": {"async", "http", "core"},
    "generated": {"core", "generated"},
    "models": {"core", "models"},
    "resources": {"async", "core", "resources"},
}
# include/proxmox/<area>/ may include <proxmox/<area or file>...> from these only.
PUBLIC_ALLOWED = {
    "detail": {"error.hpp", "detail"},
    "generated": {"error.hpp", "types.hpp", "detail", "generated"},
    "models": {"error.hpp", "types.hpp", "detail", "generated", "models"},
    "resources": {"error.hpp", "types.hpp", "task.hpp", "detail", "generated", "models", "resources"},
}
# generated/api.hpp is the typed facade over the client (api(client).nodes()...), above it.
PUBLIC_EXCEPTIONS = {(public / "generated" / "api.hpp", "client.hpp")}
BEAST_HOME = {src / "http" / "https_transport.cpp"}

quoted = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')
angled = re.compile(r'^\s*#\s*include\s+<proxmox/([a-z_]+(?:\.hpp)?)')
beast = re.compile(r'^\s*#\s*include\s+<(boost/beast|boost/asio/ssl|openssl/ssl)')

problems = []
for path in sorted(list(src.rglob("*.[ch]pp")) + list(public.rglob("*.hpp"))):
    rel = path.relative_to(root)
    parts = path.relative_to(src if path.is_relative_to(src) else public).parts
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"libproxmox/{rel}:{number}"
        if beast.match(line) and path not in BEAST_HOME:
            problems.append(f"{where}: {line.strip()} (Beast/SSL streams compile only in src/http/https_transport.cpp)")
        if path.is_relative_to(src):
            m = quoted.match(line)
            if m and len(parts) > 1 and m.group(1) not in SRC_ALLOWED.get(parts[0], set()):
                problems.append(f"{where}: src/{parts[0]} includes {m.group(1)}/ ({line.strip()})")
        elif len(parts) > 1:
            m = angled.match(line)
            if (m and m.group(1) not in PUBLIC_ALLOWED.get(parts[0], {m.group(1)})
                    and (path, m.group(1)) not in PUBLIC_EXCEPTIONS):
                problems.append(f"{where}: include/proxmox/{parts[0]} includes <proxmox/{m.group(1)}> ({line.strip()})")

unknown = sorted({p.relative_to(src).parts[0] for p in src.rglob("*.[ch]pp")} - set(SRC_ALLOWED))
for folder in unknown:
    problems.append(f"libproxmox/src/{folder}/: a folder the layering rule does not name; add it to {__file__}")

if problems:
    print("layering rule broken (see docs/architecture.md):", *problems, sep="\n  ")
    sys.exit(1)
print(f"layering ok: {len(list(src.rglob('*.[ch]pp')))} source and {len(list(public.rglob('*.hpp')))} public files")
