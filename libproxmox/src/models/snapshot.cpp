#include "core/json_read.hpp"
#include "core/text.hpp"

#include <proxmox/models/snapshot.hpp>

#include <boost/json/value_to.hpp>

#include <fmt/format.h>

#include <cctype>

namespace proxmox {
using namespace detail;

snapshot_info tag_invoke(boost::json::value_to_tag<snapshot_info>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    snapshot_info s;
    s.name = read_string(o, "name");
    s.description = read_string(o, "description");
    s.snaptime = read_optional_int(o, "snaptime");
    s.vmstate = read_bool(o, "vmstate");
    s.parent = read_string(o, "parent");
    s.is_current = s.name == "current";
    s.raw = o;
    return s;
}

result<void> check_snapshot_name(std::string_view name) {
    const auto fail = [&](std::string_view why) {
        return make_error(errc::invalid_argument,
                          fmt::format("snapshot name {} {}", detail::bounded_quote(name), why));
    };
    if (name.empty())
        return fail("is empty; pass a name like 'before-upgrade'");
    if (name.size() > 40)
        return fail("is longer than 40 characters");
    if (!std::isalpha(static_cast<unsigned char>(name.front())))
        return fail("must start with a letter");
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
            return fail("may contain only letters, digits, '_' and '-'");
    if (name == "current")
        return fail("is reserved by PVE for the current state");
    return {};
}

} // namespace proxmox
