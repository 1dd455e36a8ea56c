#ifndef PROXMOX_RESOURCES_FIREWALL_HPP
#define PROXMOX_RESOURCES_FIREWALL_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/models/firewall.hpp>
#include <proxmox/models/guest.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace proxmox {

/// Where a guest firewall lives: `/nodes/{node}/{qemu|lxc}/{vmid}/firewall`.
struct guest_firewall_target {
    std::string node;
    guest_type type = guest_type::qemu;
    vmid_t vmid = 0;
};

namespace detail {
void op_fw_options(const state_ptr& state, guest_firewall_target t, handler<firewall_options> h);
void op_fw_set_options(const state_ptr& state, guest_firewall_target t, firewall_options o, handler<void> h);
void op_fw_rules(const state_ptr& state, guest_firewall_target t, handler<std::vector<firewall_rule>> h);
void op_fw_rule(const state_ptr& state, guest_firewall_target t, std::int64_t pos, handler<firewall_rule> h);
void op_fw_add_rule(const state_ptr& state, guest_firewall_target t, firewall_rule r, handler<void> h);
void op_fw_update_rule(const state_ptr& state,
                       guest_firewall_target t,
                       std::int64_t pos,
                       firewall_rule_update u,
                       handler<void> h);
void op_fw_move_rule(const state_ptr& state,
                     guest_firewall_target t,
                     std::int64_t pos,
                     std::int64_t to,
                     std::string digest,
                     handler<void> h);
void op_fw_delete_rule(
    const state_ptr& state, guest_firewall_target t, std::int64_t pos, std::string digest, handler<void> h);
} // namespace detail

/// A VM's or container's firewall: options and rules. Cheap to copy; creating it sends nothing.
///
/// Reads need VM.Audit on /vms/{vmid}, writes VM.Config.Network. Writes complete with an empty
/// result<void> once PVE accepted them (no task). Writes with a `digest` fail with PVE's 500
/// `detected modified configuration - file changed by other user? Try again.` when someone
/// changed the options (or the rule list) since it was read: read again and retry.
class guest_firewall_handle {
public:
    guest_firewall_handle(detail::state_ptr state, std::string node, guest_type type, vmid_t vmid)
        : state_(std::move(state)), target_{std::move(node), type, vmid} {}

    const std::string& node() const noexcept { return target_.node; }
    guest_type type() const noexcept { return target_.type; }
    vmid_t vmid() const noexcept { return target_.vmid; }

    /// The options set in the guest's firewall file, and their digest.
    /// PVE endpoint: GET .../firewall/options. Completion: void(result<firewall_options>).
    template <class Token = boost::asio::deferred_t> auto async_options(Token&& token = {}) const {
        return detail::initiate<firewall_options>(
            std::forward<Token>(token),
            [s = state_, t = target_](auto h) { detail::op_fw_options(s, t, std::move(h)); });
    }

    /// Sets the options that are set in `changes`, deletes those in `changes.remove`.
    /// PVE endpoint: PUT .../firewall/options. Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_set_options(firewall_options changes, Token&& token = {}) const {
        return detail::initiate<void>(std::forward<Token>(token),
                                      [s = state_, t = target_, c = std::move(changes)](auto h) {
                                          detail::op_fw_set_options(s, t, c, std::move(h));
                                      });
    }

    /// The rules in order (`pos` 0 first), each with the digest of the list.
    /// PVE endpoint: GET .../firewall/rules. Completion: void(result<std::vector<firewall_rule>>).
    template <class Token = boost::asio::deferred_t> auto async_rules(Token&& token = {}) const {
        return detail::initiate<std::vector<firewall_rule>>(
            std::forward<Token>(token),
            [s = state_, t = target_](auto h) { detail::op_fw_rules(s, t, std::move(h)); });
    }

    /// The rule at `pos`. PVE endpoint: GET .../firewall/rules/{pos}.
    /// Completion: void(result<firewall_rule>).
    template <class Token = boost::asio::deferred_t>
    auto async_rule(std::int64_t pos, Token&& token = {}) const {
        return detail::initiate<firewall_rule>(
            std::forward<Token>(token),
            [s = state_, t = target_, pos](auto h) { detail::op_fw_rule(s, t, pos, std::move(h)); });
    }

    /// Adds a rule at the top (position 0; PVE ignores `pos` here, use async_move_rule). A rule
    /// is added disabled unless `enable` is set. PVE verifies it like pve-firewall: a bad field
    /// is a 400 naming it. PVE endpoint: POST .../firewall/rules. Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_add_rule(firewall_rule rule, Token&& token = {}) const {
        return detail::initiate<void>(std::forward<Token>(token),
                                      [s = state_, t = target_, r = std::move(rule)](auto h) {
                                          detail::op_fw_add_rule(s, t, r, std::move(h));
                                      });
    }

    /// Changes the rule at `pos`. PVE endpoint: PUT .../firewall/rules/{pos}.
    /// Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_update_rule(std::int64_t pos, firewall_rule_update changes, Token&& token = {}) const {
        return detail::initiate<void>(std::forward<Token>(token),
                                      [s = state_, t = target_, pos, c = std::move(changes)](auto h) {
                                          detail::op_fw_update_rule(s, t, pos, c, std::move(h));
                                      });
    }

    /// Moves the rule at `pos` in front of the rule now at `to` (last when `to` is past the end).
    /// PVE endpoint: PUT .../firewall/rules/{pos} with `moveto`. Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto
    async_move_rule(std::int64_t pos, std::int64_t to, std::string digest = {}, Token&& token = {}) const {
        return detail::initiate<void>(std::forward<Token>(token),
                                      [s = state_, t = target_, pos, to, d = std::move(digest)](auto h) {
                                          detail::op_fw_move_rule(s, t, pos, to, d, std::move(h));
                                      });
    }

    /// Deletes the rule at `pos`. PVE endpoint: DELETE .../firewall/rules/{pos}.
    /// Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_delete_rule(std::int64_t pos, std::string digest = {}, Token&& token = {}) const {
        return detail::initiate<void>(std::forward<Token>(token),
                                      [s = state_, t = target_, pos, d = std::move(digest)](auto h) {
                                          detail::op_fw_delete_rule(s, t, pos, d, std::move(h));
                                      });
    }

private:
    detail::state_ptr state_;
    guest_firewall_target target_;
};

} // namespace proxmox

#endif
