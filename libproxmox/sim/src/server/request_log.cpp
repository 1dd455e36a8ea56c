#include "server/request_log.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace proxmox::sim::detail {

namespace json = boost::json;

request_log::~request_log() {
    close();
}

void request_log::open(const std::string& path) {
    std::lock_guard lock(mutex_);
    if (file_)
        std::fclose(file_);
    file_ = std::fopen(path.c_str(), "a");
    if (!file_)
        throw std::invalid_argument("proxmox::sim: cannot open the request log '" + path +
                                    "': " + std::strerror(errno));
}

void request_log::close() {
    std::lock_guard lock(mutex_);
    if (file_)
        std::fclose(file_);
    file_ = nullptr;
}

std::string request_log::json_line(const request_log_entry& e) {
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(e.time.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm g{};
    gmtime_r(&secs, &g);
    char stamp[40];
    const std::size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &g);
    std::snprintf(stamp + n, sizeof stamp - n, ".%03dZ", static_cast<int>(ms % 1000));

    json::error_code ec;
    json::value params =
        json::parse(e.params.empty() ? std::string_view("{}") : std::string_view(e.params), ec);
    if (ec || !params.is_object())
        params = json::object{};
    // assembled by hand for a fixed-point duration (Boost.JSON writes doubles as 1.5E0)
    std::string line = "{\"time\":" + json::serialize(json::string(stamp));
    line += ",\"method\":" + json::serialize(json::string(e.method));
    line += ",\"path\":" + json::serialize(json::string(e.path));
    line += ",\"params\":" + json::serialize(params);
    line += ",\"status\":" + std::to_string(e.status);
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.3f", e.duration_ms);
    line += ",\"duration_ms\":" + std::string(duration);
    line += ",\"auth\":" + json::serialize(json::string(e.auth));
    line += ",\"connection\":" + std::to_string(e.connection);
    if (!e.fault.empty())
        line += ",\"fault\":" + json::serialize(json::string(e.fault));
    line += "}";
    return line;
}

void request_log::add(request_log_entry entry) {
    std::string line;
    {
        std::lock_guard lock(mutex_);
        if (file_) {
            line = json_line(entry);
            line += '\n';
            std::fwrite(line.data(), 1, line.size(), file_);
            std::fflush(file_);
        }
        entries_.push_back(std::move(entry));
    }
}

std::vector<request_log_entry> request_log::entries() const {
    std::lock_guard lock(mutex_);
    return entries_;
}

void request_log::clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
}

} // namespace proxmox::sim::detail
