#include "http/event_log.hpp"

#include <algorithm>
#include <charconv>

namespace proxmox::mcp {

namespace {

/// A decimal number of at most 20 digits without sign or leading garbage.
std::optional<std::uint64_t> parse_number(std::string_view text) {
    if (text.empty() || text.size() > 20)
        return std::nullopt;
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

} // namespace

std::string event_log::event_id(position p) {
    return std::to_string(p.stream) + "-" + std::to_string(p.seq);
}

std::optional<event_log::position> event_log::parse_event_id(std::string_view id) {
    auto dash = id.find('-');
    if (dash == std::string_view::npos)
        return std::nullopt;
    auto stream = parse_number(id.substr(0, dash));
    auto seq = parse_number(id.substr(dash + 1));
    if (!stream || !seq)
        return std::nullopt;
    return position{*stream, *seq};
}

event_log::event_log(std::size_t max_bytes, std::chrono::milliseconds linger)
    : max_bytes_(max_bytes), linger_(linger) {
    streams_.emplace(standalone, stream_state{});
}

event_log::position event_log::open_stream() {
    const stream_id id = next_stream_++;
    stream_state s;
    s.first = ++next_seq_;
    streams_.emplace(id, std::move(s));
    return position{id, next_seq_};
}

event_log::position event_log::mark(position at) {
    auto it = streams_.find(at.stream);
    if (it == streams_.end())
        return at;
    std::uint64_t target = at.seq;
    if (auto m = it->second.marks.find(target); m != it->second.marks.end())
        target = m->second; // a mark of a mark stands for the same position
    const std::uint64_t seq = ++next_seq_;
    it->second.marks.emplace(seq, target);
    return position{at.stream, seq};
}

std::uint64_t event_log::append(stream_id stream, std::string data) {
    auto it = streams_.find(stream);
    if (it == streams_.end())
        return 0;
    const std::uint64_t seq = ++next_seq_;
    auto& s = it->second;
    s.last = seq;
    if (data.size() > max_bytes_) { // it would push out everything else and still not fit
        s.dropped_through = seq;
        return seq;
    }
    bytes_ += data.size();
    ++live_;
    s.events.push_back(event{seq, std::move(data), std::nullopt});
    order_.emplace_back(seq, stream);
    enforce_cap();
    compact_order();
    return seq;
}

void event_log::end_stream(stream_id stream, clock::time_point now) {
    auto it = streams_.find(stream);
    if (it == streams_.end() || stream == standalone)
        return;
    it->second.ended = true;
    it->second.ended_at = now;
    check_done(it->second, now);
}

void event_log::delivered(stream_id stream, std::uint64_t seq, clock::time_point now) {
    auto it = streams_.find(stream);
    if (it == streams_.end())
        return;
    auto& s = it->second;
    if (seq <= s.delivered_through)
        return;
    auto from = std::upper_bound(s.events.begin(), s.events.end(), s.delivered_through,
                                 [](std::uint64_t v, const event& e) { return v < e.seq; });
    for (; from != s.events.end() && from->seq <= seq; ++from)
        if (!from->delivered)
            from->delivered = now;
    s.delivered_through = seq;
    check_done(s, now);
}

void event_log::clear(stream_id stream) {
    auto it = streams_.find(stream);
    if (it == streams_.end())
        return;
    auto& s = it->second;
    for (const auto& e : s.events)
        bytes_ -= e.data.size();
    live_ -= s.events.size();
    s.events.clear();
    s.marks.clear();
    s.dropped_through = next_seq_; // a resume from before now finds what it missed gone
    compact_order();
}

void event_log::expire(clock::time_point now) {
    for (auto it = streams_.begin(); it != streams_.end();) {
        auto& s = it->second;
        if (it->first == standalone) {
            while (!s.events.empty() && s.events.front().delivered &&
                   *s.events.front().delivered + linger_ <= now)
                drop_front(s);
            for (auto m = s.marks.begin(); m != s.marks.end();) {
                if (m->second < s.dropped_through)
                    m = s.marks.erase(m);
                else
                    ++m;
            }
            ++it;
            continue;
        }
        const bool done = s.done_at && *s.done_at + linger_ <= now;
        const bool lost = s.ended && s.events.empty() && s.ended_at && *s.ended_at + linger_ <= now;
        if (done || lost) {
            auto next = std::next(it);
            forget(it);
            it = next;
        } else {
            ++it;
        }
    }
    compact_order();
}

event_log::replay event_log::after(position from) const {
    replay out;
    auto it = streams_.find(from.stream);
    if (it == streams_.end())
        return out;
    const auto& s = it->second;
    std::uint64_t at = from.seq;
    if (auto m = s.marks.find(at); m != s.marks.end())
        at = m->second;
    else if (at < s.first || at > next_seq_)
        return out;
    if (at < s.dropped_through) {
        out.status = found::expired;
        return out;
    }
    out.status = found::ok;
    auto e = std::upper_bound(s.events.begin(), s.events.end(), at,
                              [](std::uint64_t v, const event& ev) { return v < ev.seq; });
    for (; e != s.events.end(); ++e)
        out.events.emplace_back(e->seq, e->data);
    out.ended = s.ended;
    return out;
}

void event_log::drop_front(stream_state& s) {
    bytes_ -= s.events.front().data.size();
    --live_;
    s.dropped_through = std::max(s.dropped_through, s.events.front().seq);
    s.events.pop_front();
}

void event_log::enforce_cap() {
    while (bytes_ > max_bytes_ && !order_.empty()) {
        auto [seq, stream] = order_.front();
        order_.pop_front();
        auto it = streams_.find(stream);
        if (it != streams_.end() && !it->second.events.empty() && it->second.events.front().seq == seq)
            drop_front(it->second);
    }
}

void event_log::compact_order() {
    if (order_.size() <= 2 * live_ + 64)
        return;
    std::deque<std::pair<std::uint64_t, stream_id>> kept;
    for (const auto& entry : order_) {
        auto it = streams_.find(entry.second);
        // A stream's events are dropped from its front (or all at once): what is at or after
        // its first kept event is kept.
        if (it != streams_.end() && !it->second.events.empty() &&
            entry.first >= it->second.events.front().seq)
            kept.push_back(entry);
    }
    order_.swap(kept);
}

void event_log::check_done(stream_state& s, clock::time_point now) {
    const bool all_delivered = s.last == 0 || s.delivered_through >= s.last;
    if (s.ended && all_delivered && !s.done_at)
        s.done_at = now;
}

void event_log::forget(std::map<stream_id, stream_state>::iterator it) {
    for (const auto& e : it->second.events)
        bytes_ -= e.data.size();
    live_ -= it->second.events.size();
    streams_.erase(it);
}

} // namespace proxmox::mcp
