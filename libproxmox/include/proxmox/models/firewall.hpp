#ifndef PROXMOX_MODELS_FIREWALL_HPP
#define PROXMOX_MODELS_FIREWALL_HPP

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox {

/// A firewall policy (what happens to packets no rule matched).
enum class firewall_policy { accept, reject, drop };
/// A firewall log level (`nolog` = no logging).
enum class firewall_log_level { emerg, alert, crit, err, warning, notice, info, debug, nolog };
/// What a rule applies to: incoming or outgoing packets, forwarded packets, or a security group.
enum class firewall_rule_type { in, out, forward, group };

/// "ACCEPT", "REJECT", "DROP".
std::string_view to_string(firewall_policy p) noexcept;
/// "emerg", ..., "nolog".
std::string_view to_string(firewall_log_level l) noexcept;
/// "in", "out", "forward", "group".
std::string_view to_string(firewall_rule_type t) noexcept;

/// A guest's firewall options (`GET .../firewall/options`). Reading: only the options set in
/// the guest's firewall file are present (PVE fills in no defaults: enable off, policy_in DROP,
/// policy_out ACCEPT, ipfilter/macfilter on, log levels nolog). Writing: only the set fields are
/// sent, `remove` resets options to their defaults, a non-empty `digest` makes PVE refuse the
/// change when the options were changed since it was read.
struct firewall_options {
    std::optional<bool> enable;
    std::optional<firewall_policy> policy_in;
    std::optional<firewall_policy> policy_out;
    std::optional<bool> dhcp;
    std::optional<bool> ipfilter;
    std::optional<bool> macfilter;
    std::optional<bool> ndp;
    std::optional<bool> radv;
    std::optional<firewall_log_level> log_level_in;
    std::optional<firewall_log_level> log_level_out;
    std::vector<std::string> remove; ///< writing only: option names to delete, e.g. "policy_in"
    std::string digest;
    boost::json::object raw;
};

/// A firewall rule. Reading (`GET .../firewall/rules`): `pos` is its position and `digest` the
/// digest of the whole rule list. Adding: `type` and `action` are required, empty strings and
/// unset optionals are not sent.
struct firewall_rule {
    firewall_rule_type type = firewall_rule_type::in;
    std::string action; ///< ACCEPT, DROP, REJECT, or the security group's name for type group
    std::string macro;  ///< e.g. `SSH`, `HTTPS` (sets proto and dport)
    std::string source; ///< address, CIDR, range, alias or `+ipset`
    std::string dest;
    std::string proto; ///< tcp, udp, icmp, ... (needed by dport/sport)
    std::string dport; ///< `22`, `80:90`, `http,https`
    std::string sport;
    std::string iface; ///< `net0`, ...
    std::string icmp_type;
    std::optional<firewall_log_level> log;
    std::string comment;
    bool enable = false; ///< PVE adds rules disabled unless enabled
    std::int64_t pos = 0;
    std::string digest;
    boost::json::object raw;
};

/// What async_update_rule changes; only the set fields are sent, `remove` deletes properties
/// (e.g. "dport", "comment"), a non-empty `digest` guards against concurrent changes.
struct firewall_rule_update {
    std::optional<firewall_rule_type> type;
    std::optional<std::string> action;
    std::optional<std::string> macro;
    std::optional<std::string> source;
    std::optional<std::string> dest;
    std::optional<std::string> proto;
    std::optional<std::string> dport;
    std::optional<std::string> sport;
    std::optional<std::string> iface;
    std::optional<std::string> icmp_type;
    std::optional<firewall_log_level> log;
    std::optional<std::string> comment;
    std::optional<bool> enable;
    std::vector<std::string> remove;
    std::string digest;
};

firewall_options tag_invoke(boost::json::value_to_tag<firewall_options>, const boost::json::value& v);
firewall_rule tag_invoke(boost::json::value_to_tag<firewall_rule>, const boost::json::value& v);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const firewall_options& o);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const firewall_rule& r);

} // namespace proxmox

#endif
