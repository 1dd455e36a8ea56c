// blocking_client::run when an operation never completes: an error, not a read of an empty result.

#include <proxmox/blocking_client.hpp>

#include <boost/asio/deferred.hpp>

#include <gtest/gtest.h>

using namespace proxmox;

namespace {

TEST(BlockingClient, AnOperationThatNeverCompletesIsAnError) {
    client_options options;
    options.url = "https://pve.example:8006";
    options.token = {"root@pam!ci", "00000000-0000-0000-0000-000000000000"};
    blocking_client pve(options);
    // drops its handler: nothing is left for the io_context to run
    auto never = boost::asio::async_initiate<const boost::asio::deferred_t, void(result<int>)>(
        [](auto handler) { (void)handler; }, boost::asio::deferred);
    auto out = pve.run(std::move(never));
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().code, boost::asio::error::operation_aborted);
    EXPECT_NE(out.error().message.find("without completing"), std::string::npos) << out.error().message;
}

} // namespace
