// Fault injection: which requests a fault applies to and when it fires. Sans-I/O and
// thread-safe (faults are added from the test's thread while the server thread matches).
#ifndef PROXMOX_SIM_SRC_FAULTS_HPP
#define PROXMOX_SIM_SRC_FAULTS_HPP

#include "state/state.hpp"

#include <proxmox/sim/server.hpp>

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::sim::detail {

/// Glob on an API path: `*` matches any text without `/`, `**` any text (also `/`, also none).
bool glob_match(std::string_view pattern, std::string_view path);

/// The name of an action as the CLI spells it (`status`, `reset_after`, ...).
std::string_view action_name(fault::action a);

/// Checks a fault against a cluster of `nodes` nodes; throws std::invalid_argument.
void validate_fault(const fault& f, unsigned nodes);

/// Node names as generate_cluster gives them: pve, pve2, pve3, ...
std::string node_name(unsigned index);

class fault_table {
public:
    explicit fault_table(std::uint64_t seed) : rng_(seed ^ 0x6661756c74734ULL) {}

    void add(fault f);
    void clear();

    /// Counts the request for every request fault whose method and path match and returns the
    /// first one (in the order they were added) that fires.
    std::optional<fault> match(std::string_view method, std::string_view path);

    /// Nodes currently declared offline.
    std::vector<std::string> offline_nodes() const;

private:
    struct entry {
        fault f;
        std::uint64_t seen = 0;
    };
    mutable std::mutex mutex_;
    std::vector<entry> entries_;
    rng rng_;
};

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_FAULTS_HPP
