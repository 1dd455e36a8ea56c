#include "server/faults.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace proxmox::sim {

namespace {

[[noreturn]] void bad_spec(std::string_view spec, std::string_view why) {
    throw std::invalid_argument(fmt::format("bad fault '{}': {}", spec, why));
}

template <class T> T spec_number(std::string_view spec, std::string_view key, std::string_view value) {
    T out{};
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
    if (value.empty() || ec != std::errc{} || end != value.data() + value.size())
        bad_spec(spec, fmt::format("{}={} is not a whole number", key, value));
    return out;
}

double spec_probability(std::string_view spec, std::string_view key, std::string_view value) {
    const std::string text(value);
    char* end = nullptr;
    const double p = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(p) || p < 0 || p > 1)
        bad_spec(spec, fmt::format("{}={} is not a probability between 0 and 1", key, value));
    return p;
}

} // namespace

fault parse_fault(std::string_view spec) {
    fault f;
    if (spec.starts_with("offline_node=")) {
        f.kind = fault::action::offline_node;
        f.node = std::string(spec.substr(13));
        if (f.node.empty())
            bad_spec(spec, "offline_node needs a node name");
        return f;
    }

    std::string_view rest = spec;
    for (std::string_view m : {"GET ", "POST ", "PUT ", "DELETE ", "* "}) {
        if (rest.starts_with(m)) {
            f.method = std::string(m.substr(0, m.size() - 1));
            rest.remove_prefix(m.size());
            break;
        }
    }
    if (f.method == "*")
        f.method.clear();
    if (!rest.starts_with("/"))
        bad_spec(spec, "expected [METHOD ]PATH:ACTION[,OPTION...] or offline_node=NODE, where PATH starts "
                       "with '/' and METHOD is GET, POST, PUT, DELETE or *");
    const auto colon = rest.find(':');
    if (colon == std::string_view::npos)
        bad_spec(spec, "missing ':ACTION' after the path");
    f.path = std::string(rest.substr(0, colon));
    rest.remove_prefix(colon + 1);

    bool have_action = false;
    auto set_action = [&](fault::action a) {
        if (have_action)
            bad_spec(spec, "more than one action");
        have_action = true;
        f.kind = a;
    };
    while (!rest.empty()) {
        std::string_view item;
        if (rest.starts_with("msg=")) { // takes the rest, commas included
            item = rest;
            rest = {};
        } else {
            const auto comma = rest.find(',');
            item = rest.substr(0, comma);
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
        const auto eq = item.find('=');
        const auto key = item.substr(0, eq);
        const auto value = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
        const bool has_value = eq != std::string_view::npos;
        auto need_value = [&] {
            if (!has_value)
                bad_spec(spec, fmt::format("'{}' needs a value ({}=...)", key, key));
        };
        auto no_value = [&] {
            if (has_value)
                bad_spec(spec, fmt::format("'{}' takes no value", key));
        };
        if (key == "status") {
            need_value();
            set_action(fault::action::status);
            f.status = spec_number<unsigned>(spec, key, value);
        } else if (key == "msg") {
            f.message = std::string(value);
        } else if (key == "delay") {
            need_value();
            set_action(fault::action::delay);
            f.delay = std::chrono::milliseconds(spec_number<long>(spec, key, value));
        } else if (key == "reset") {
            no_value();
            set_action(fault::action::reset);
        } else if (key == "reset_after") {
            no_value();
            set_action(fault::action::reset_after);
        } else if (key == "stall") {
            no_value();
            set_action(fault::action::stall);
        } else if (key == "truncate") {
            need_value();
            set_action(fault::action::truncate);
            f.truncate_bytes = spec_number<std::size_t>(spec, key, value);
        } else if (key == "close_idle") {
            no_value();
            set_action(fault::action::close_idle);
        } else if (key == "p" || key == "probability") {
            need_value();
            f.probability = spec_probability(spec, key, value);
        } else if (key == "nth") {
            need_value();
            f.nth = spec_number<unsigned>(spec, key, value);
            if (f.nth == 0)
                bad_spec(spec, "nth counts from 1");
        } else if (key == "first") {
            need_value();
            f.first = spec_number<unsigned>(spec, key, value);
            if (f.first == 0)
                bad_spec(spec, "first must be at least 1");
        } else {
            bad_spec(spec, fmt::format("unknown item '{}'", item));
        }
    }
    if (!have_action)
        bad_spec(spec,
                 "no action (status=CODE, delay=MS, reset, reset_after, stall, truncate=N, close_idle)");
    if (!f.message.empty() && f.kind != fault::action::status)
        bad_spec(spec, "msg= only goes with status=CODE");
    return f;
}

namespace detail {

bool glob_match(std::string_view pattern, std::string_view path) {
    if (pattern.empty())
        return path.empty();
    if (pattern.starts_with("**")) {
        const auto rest = pattern.substr(2);
        for (std::size_t i = 0; i <= path.size(); ++i)
            if (glob_match(rest, path.substr(i)))
                return true;
        return false;
    }
    if (pattern.front() == '*') {
        const auto rest = pattern.substr(1);
        for (std::size_t i = 0; i <= path.size(); ++i) {
            if (glob_match(rest, path.substr(i)))
                return true;
            if (i < path.size() && path[i] == '/')
                break;
        }
        return false;
    }
    return !path.empty() && path.front() == pattern.front() && glob_match(pattern.substr(1), path.substr(1));
}

std::string_view action_name(fault::action a) {
    switch (a) {
    case fault::action::status:
        return "status";
    case fault::action::delay:
        return "delay";
    case fault::action::reset:
        return "reset";
    case fault::action::reset_after:
        return "reset_after";
    case fault::action::stall:
        return "stall";
    case fault::action::truncate:
        return "truncate";
    case fault::action::close_idle:
        return "close_idle";
    case fault::action::offline_node:
        return "offline_node";
    }
    return "?";
}

std::string node_name(unsigned index) {
    return index == 0 ? "pve" : fmt::format("pve{}", index + 1);
}

void validate_fault(const fault& f, unsigned nodes) {
    auto bad = [](std::string why) { throw std::invalid_argument("proxmox::sim: fault: " + why); };
    if (f.kind == fault::action::offline_node) {
        bool known = false;
        for (unsigned i = 0; i < nodes; ++i)
            known = known || node_name(i) == f.node;
        if (!known)
            bad(fmt::format("offline_node: there is no node '{}'", f.node));
        if (f.node == node_name(0))
            bad(fmt::format("offline_node: '{}' answers the API and cannot be offline", f.node));
        return;
    }
    if (!f.method.empty() && f.method != "*" && f.method != "GET" && f.method != "POST" &&
        f.method != "PUT" && f.method != "DELETE")
        bad(fmt::format("method '{}' is not GET, POST, PUT, DELETE or *", f.method));
    if (!f.path.starts_with("/"))
        bad(fmt::format("path '{}' does not start with '/'", f.path));
    if (!std::isfinite(f.probability) || f.probability < 0 || f.probability > 1)
        bad("probability must be between 0 and 1");
    if (f.kind == fault::action::status && (f.status < 400 || f.status > 599))
        bad(fmt::format("status {} is not between 400 and 599", f.status));
    if (f.delay.count() < 0)
        bad("delay must not be negative");
    if (f.message.find_first_of("\r\n") != std::string::npos)
        bad("message must be one line");
}

void fault_table::add(fault f) {
    std::lock_guard lock(mutex_);
    entries_.push_back({std::move(f), 0});
}

void fault_table::clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
}

std::optional<fault> fault_table::match(std::string_view method, std::string_view path) {
    std::lock_guard lock(mutex_);
    std::optional<fault> hit;
    for (auto& e : entries_) {
        const fault& f = e.f;
        if (f.kind == fault::action::offline_node)
            continue;
        if (!f.method.empty() && f.method != "*" && f.method != method)
            continue;
        if (!glob_match(f.path, path))
            continue;
        const auto n = ++e.seen;
        bool fires = true;
        if (f.nth > 0 && n != f.nth)
            fires = false;
        if (f.first > 0 && n > f.first)
            fires = false;
        // draw only for matching requests, so the sequence depends on the traffic alone
        if (f.probability < 1.0 && rng_.unit() >= f.probability)
            fires = false;
        if (fires && !hit)
            hit = f;
    }
    return hit;
}

std::vector<std::string> fault_table::offline_nodes() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& e : entries_)
        if (e.f.kind == fault::action::offline_node)
            out.push_back(e.f.node);
    return out;
}

} // namespace detail

} // namespace proxmox::sim
