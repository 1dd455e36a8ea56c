// proxmox::sim over plain HTTPS: guest config endpoints.
#include "client.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

namespace {} // namespace
