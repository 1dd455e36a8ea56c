#ifndef PROXMOX_TESTS_CODEGEN_PATH_CASES_HPP
#define PROXMOX_TESTS_CODEGEN_PATH_CASES_HPP

// Every string path parameter of every endpoint (generated/path_cases.cpp, written by
// libproxmox/codegen/generate.py): tests feed hostile values into each one.

#include <proxmox/generated/common.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace proxmox::testing {

struct path_case {
    std::string_view method; ///< GET, POST, PUT, DELETE
    std::string_view path;   ///< the endpoint's path template
    std::string_view param;  ///< the path parameter this case varies
    bool rest_of_path;       ///< PVE routes it as the rest of the path ('/' allowed)
    /// The endpoint's params with `param` = value and every other path parameter valid, encoded.
    gen::encoded_request (*encode)(const std::string& value);
};

const std::vector<path_case>& path_cases();

} // namespace proxmox::testing

#endif
