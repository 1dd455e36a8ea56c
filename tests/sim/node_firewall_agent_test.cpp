// proxmox::sim over plain HTTPS: node firewall agent endpoints.
#include "client.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

namespace {} // namespace
