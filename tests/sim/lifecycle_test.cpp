// proxmox::sim over plain HTTPS: lifecycle endpoints.
#include "client.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

namespace {} // namespace
