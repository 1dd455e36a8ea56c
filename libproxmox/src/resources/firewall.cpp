// Guest firewalls: /nodes/{node}/{qemu|lxc}/{vmid}/firewall/{options,rules}. The qemu and lxc
// endpoints take the same parameters; each call fills whichever generated struct fits the guest.

#include "core/client_state.hpp"
#include "resources/calls.hpp"

#include <proxmox/generated/nodes_lxc.hpp>
#include <proxmox/generated/nodes_qemu.hpp>
#include <proxmox/resources/firewall.hpp>

#include <fmt/format.h>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

result<void> check_target(const guest_firewall_target& t) {
    return check_guest(t.node, t.vmid);
}

result<void> check_pos(std::int64_t pos, const char* what) {
    if (pos < 0)
        return make_error(errc::invalid_argument,
                          fmt::format("{} {} is negative; rule positions start at 0", what, pos));
    return {};
}

/// Encodes the qemu or the lxc variant of a call; `fill` sets the call's own fields.
template <class Qemu, class Lxc, class Fill>
gen::encoded_request encode_for(const guest_firewall_target& t, Fill&& fill) {
    auto build = [&](auto params) {
        params.node = t.node;
        params.vmid = t.vmid;
        fill(params);
        return gen::encode(params);
    };
    static_assert(Qemu::endpoint.method == Lxc::endpoint.method);
    return t.type == guest_type::qemu ? build(Qemu{}) : build(Lxc{});
}

std::optional<std::string> non_empty(const std::string& s) {
    if (s.empty())
        return std::nullopt;
    return s;
}

std::string comma_list(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items)
        out += (out.empty() ? "" : ",") + i;
    return out;
}

gen::firewall_rule_fields rule_fields(const firewall_rule& r) {
    gen::firewall_rule_fields f;
    f.macro = non_empty(r.macro);
    f.source = non_empty(r.source);
    f.dest = non_empty(r.dest);
    f.proto = non_empty(r.proto);
    f.dport = non_empty(r.dport);
    f.sport = non_empty(r.sport);
    f.iface = non_empty(r.iface);
    f.icmp_type = non_empty(r.icmp_type);
    if (r.log)
        f.log = std::string(to_string(*r.log));
    f.comment = non_empty(r.comment);
    if (r.enable)
        f.enable = 1;
    return f;
}

gen::firewall_rule_fields rule_fields(const firewall_rule_update& u) {
    gen::firewall_rule_fields f;
    f.macro = u.macro;
    f.source = u.source;
    f.dest = u.dest;
    f.proto = u.proto;
    f.dport = u.dport;
    f.sport = u.sport;
    f.iface = u.iface;
    f.icmp_type = u.icmp_type;
    if (u.log)
        f.log = std::string(to_string(*u.log));
    f.comment = u.comment;
    if (u.enable)
        f.enable = *u.enable ? 1 : 0;
    f.digest = non_empty(u.digest);
    return f;
}

gen::guest_firewall_options_fields option_fields(const firewall_options& o) {
    gen::guest_firewall_options_fields f;
    f.enable = o.enable;
    if (o.policy_in)
        f.policy_in = std::string(to_string(*o.policy_in));
    if (o.policy_out)
        f.policy_out = std::string(to_string(*o.policy_out));
    f.dhcp = o.dhcp;
    f.ipfilter = o.ipfilter;
    f.macfilter = o.macfilter;
    f.ndp = o.ndp;
    f.radv = o.radv;
    if (o.log_level_in)
        f.log_level_in = std::string(to_string(*o.log_level_in));
    if (o.log_level_out)
        f.log_level_out = std::string(to_string(*o.log_level_out));
    if (!o.remove.empty())
        f.delete_ = comma_list(o.remove);
    f.digest = non_empty(o.digest);
    return f;
}

constexpr auto no_fields = [](auto&) {};

awaitable<result<firewall_options>> options(state_ptr state, guest_firewall_target t) {
    if (auto ok = check_target(t); !ok)
        co_return ok.error();
    auto req =
        encode_for<gen::nodes_qemu_firewall_options_get_params, gen::nodes_lxc_firewall_options_get_params>(
            t, no_fields);
    auto response = co_await send(state, http_method::get, std::move(req));
    if (!response)
        co_return response.error();
    co_return convert<firewall_options>(*response, "firewall options");
}

awaitable<result<void>> set_options(state_ptr state, guest_firewall_target t, firewall_options o) {
    if (auto ok = check_target(t); !ok)
        co_return ok.error();
    auto req =
        encode_for<gen::nodes_qemu_firewall_options_put_params, gen::nodes_lxc_firewall_options_put_params>(
            t, [&](auto& p) { p.options = option_fields(o); });
    auto response = co_await send(state, http_method::put, std::move(req));
    if (!response)
        co_return response.error();
    co_return result<void>{};
}

awaitable<result<std::vector<firewall_rule>>> rules(state_ptr state, guest_firewall_target t) {
    if (auto ok = check_target(t); !ok)
        co_return ok.error();
    auto req =
        encode_for<gen::nodes_qemu_firewall_rules_get_params, gen::nodes_lxc_firewall_rules_get_params>(
            t, no_fields);
    auto response = co_await send(state, http_method::get, std::move(req));
    if (!response)
        co_return response.error();
    co_return convert<std::vector<firewall_rule>>(*response, "firewall rules");
}

awaitable<result<firewall_rule>> rule(state_ptr state, guest_firewall_target t, std::int64_t pos) {
    if (auto ok = check_target(t); !ok)
        co_return ok.error();
    if (auto ok = check_pos(pos, "pos"); !ok)
        co_return ok.error();
    auto req = encode_for<gen::nodes_qemu_firewall_rules_pos_get_params,
                          gen::nodes_lxc_firewall_rules_pos_get_params>(t, [&](auto& p) { p.pos = pos; });
    auto response = co_await send(state, http_method::get, std::move(req));
    if (!response)
        co_return response.error();
    co_return convert<firewall_rule>(*response, "firewall rule");
}

awaitable<result<void>> add_rule(state_ptr state, guest_firewall_target t, firewall_rule r) {
    if (auto ok = check_target(t); !ok)
        co_return ok.error();
    if (r.action.empty())
        co_return make_error(errc::invalid_argument,
                             "firewall rule action is empty; set ACCEPT, DROP, REJECT or a security group");
    auto req =
        encode_for<gen::nodes_qemu_firewall_rules_post_params, gen::nodes_lxc_firewall_rules_post_params>(
            t, [&](auto& p) {
                p.type = std::string(to_string(r.type));
                p.action = r.action;
                p.rule = rule_fields(r);
                p.rule.digest = non_empty(r.digest);
            });
    auto response = co_await send(state, http_method::post, std::move(req));
    if (!response)
        co_return response.error();
    co_return result<void>{};
}

awaitable<result<void>>
update_rule(state_ptr state, guest_firewall_target t, std::int64_t pos, firewall_rule_update u) {
    if (auto ok = check_target(t); !ok)
        co_return ok.error();
    if (auto ok = check_pos(pos, "pos"); !ok)
        co_return ok.error();
    auto req = encode_for<gen::nodes_qemu_firewall_rules_pos_put_params,
                          gen::nodes_lxc_firewall_rules_pos_put_params>(t, [&](auto& p) {
        p.pos = pos;
        if (u.type)
            p.type = std::string(to_string(*u.type));
        p.action = u.action;
        if (!u.remove.empty())
            p.delete_ = comma_list(u.remove);
        p.rule = rule_fields(u);
    });
    auto response = co_await send(state, http_method::put, std::move(req));
    if (!response)
        co_return response.error();
    co_return result<void>{};
}

awaitable<result<void>>
move_rule(state_ptr state, guest_firewall_target t, std::int64_t pos, std::int64_t to, std::string digest) {
    if (auto ok = check_target(t); !ok)
        co_return ok.error();
    if (auto ok = check_pos(pos, "pos"); !ok)
        co_return ok.error();
    if (auto ok = check_pos(to, "target position"); !ok)
        co_return ok.error();
    auto req = encode_for<gen::nodes_qemu_firewall_rules_pos_put_params,
                          gen::nodes_lxc_firewall_rules_pos_put_params>(t, [&](auto& p) {
        p.pos = pos;
        p.moveto = to;
        p.rule.digest = non_empty(digest);
    });
    auto response = co_await send(state, http_method::put, std::move(req));
    if (!response)
        co_return response.error();
    co_return result<void>{};
}

awaitable<result<void>>
delete_rule(state_ptr state, guest_firewall_target t, std::int64_t pos, std::string digest) {
    if (auto ok = check_target(t); !ok)
        co_return ok.error();
    if (auto ok = check_pos(pos, "pos"); !ok)
        co_return ok.error();
    auto req = encode_for<gen::nodes_qemu_firewall_rules_pos_delete_params,
                          gen::nodes_lxc_firewall_rules_pos_delete_params>(t, [&](auto& p) {
        p.pos = pos;
        p.digest = non_empty(digest);
    });
    auto response = co_await send(state, http_method::del, std::move(req));
    if (!response)
        co_return response.error();
    co_return result<void>{};
}

} // namespace

void op_fw_options(const state_ptr& state, guest_firewall_target t, handler<firewall_options> h) {
    spawn(state, options(state, std::move(t)), std::move(h));
}

void op_fw_set_options(const state_ptr& state, guest_firewall_target t, firewall_options o, handler<void> h) {
    spawn(state, set_options(state, std::move(t), std::move(o)), std::move(h));
}

void op_fw_rules(const state_ptr& state, guest_firewall_target t, handler<std::vector<firewall_rule>> h) {
    spawn(state, rules(state, std::move(t)), std::move(h));
}

void op_fw_rule(const state_ptr& state, guest_firewall_target t, std::int64_t pos, handler<firewall_rule> h) {
    spawn(state, rule(state, std::move(t), pos), std::move(h));
}

void op_fw_add_rule(const state_ptr& state, guest_firewall_target t, firewall_rule r, handler<void> h) {
    spawn(state, add_rule(state, std::move(t), std::move(r)), std::move(h));
}

void op_fw_update_rule(const state_ptr& state,
                       guest_firewall_target t,
                       std::int64_t pos,
                       firewall_rule_update u,
                       handler<void> h) {
    spawn(state, update_rule(state, std::move(t), pos, std::move(u)), std::move(h));
}

void op_fw_move_rule(const state_ptr& state,
                     guest_firewall_target t,
                     std::int64_t pos,
                     std::int64_t to,
                     std::string digest,
                     handler<void> h) {
    spawn(state, move_rule(state, std::move(t), pos, to, std::move(digest)), std::move(h));
}

void op_fw_delete_rule(
    const state_ptr& state, guest_firewall_target t, std::int64_t pos, std::string digest, handler<void> h) {
    spawn(state, delete_rule(state, std::move(t), pos, std::move(digest)), std::move(h));
}

} // namespace proxmox::detail
