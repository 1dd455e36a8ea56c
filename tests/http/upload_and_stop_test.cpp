// Streaming upload and task stop against the simulator.

#include "sdk_sim_fixture.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace proxmox;
using namespace std::chrono_literals;

namespace {

class UploadAndStop : public proxmox::testing::sdk_sim_fixture {
protected:
    void tune(sim::options& o) override {
        if (test_is("StoppedTaskIsAFailureNotASuccess"))
            o.task_seconds = 30; // the task is stopped long before it could end
    }
};

/// A temporary file of `size` bytes, removed with the object.
struct temp_file {
    explicit temp_file(std::uintmax_t size, std::string name) {
        path = std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "-" + name);
        std::ofstream out(path, std::ios::binary);
        std::string block(1 << 16, 'x');
        for (std::uintmax_t written = 0; written < size; written += block.size())
            out.write(block.data(),
                      static_cast<std::streamsize>(std::min<std::uintmax_t>(block.size(), size - written)));
    }
    ~temp_file() { std::filesystem::remove(path); }
    std::filesystem::path path;
};

TEST_F(UploadAndStop, IsoIsStreamedAndAppearsInTheStorage) {
    temp_file iso(20u << 20, "upload-test.iso");
    blocking_client pve(token_options());
    std::uint64_t last_sent = 0, total = 0;
    int reports = 0;
    auto task = pve.run(pve.async().node("pve").storage("local").async_upload(
        {.content = "iso",
         .file_path = iso.path.string(),
         .on_progress = [&](std::uint64_t sent, std::uint64_t all) {
             EXPECT_GE(sent, last_sent);
             last_sent = sent;
             total = all;
             ++reports;
         }}));
    ASSERT_TRUE(task) << task.error().to_string();
    EXPECT_EQ(task->id().type, "imgcopy");
    EXPECT_GT(reports, 10);
    EXPECT_EQ(last_sent, total);
    EXPECT_GT(total, 20u << 20); // the file plus the multipart framing
    auto done = pve.run(task->async_wait({.timeout = 10s, .initial_interval = 10ms}));
    ASSERT_TRUE(done) << done.error().to_string();

    auto content = pve.run(pve.async().async_request(http_method::get, "/nodes/pve/storage/local/content",
                                                     {{"content", "iso"}}));
    ASSERT_TRUE(content) << content.error().to_string();
    bool found = false;
    for (const auto& item : content->data.as_array())
        found |= item.as_object().at("volid").as_string() == "local:iso/" + iso.path.filename().string();
    EXPECT_TRUE(found);
    EXPECT_EQ(count("POST", "/nodes/pve/storage/local/upload"), 1u);
}

TEST_F(UploadAndStop, WrongExtensionIsRejectedByPve) {
    temp_file bad(1024, "not-an-iso.txt");
    blocking_client pve(token_options());
    auto task = pve.run(pve.async().node("pve").storage("local").async_upload(
        {.content = "iso", .file_path = bad.path.string()}));
    ASSERT_FALSE(task);
    EXPECT_EQ(task.error().code, errc::invalid_parameter) << task.error().to_string();
    EXPECT_EQ(task.error().field_errors.count("filename"), 1u) << task.error().to_string();
}

TEST_F(UploadAndStop, BadArgumentsFailBeforeAnyRequest) {
    blocking_client pve(token_options());
    auto missing = pve.run(pve.async().node("pve").storage("local").async_upload(
        {.content = "iso", .file_path = "/nonexistent/file.iso"}));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, errc::invalid_argument);
    auto wrong_content = pve.run(pve.async().node("pve").storage("local").async_upload(
        {.content = "images", .file_path = "/etc/hostname"}));
    ASSERT_FALSE(wrong_content);
    EXPECT_EQ(wrong_content.error().code, errc::invalid_argument);
    EXPECT_EQ(count("POST", "/nodes/pve/storage/local/upload"), 0u);
}

TEST_F(UploadAndStop, StoppedTaskIsAFailureNotASuccess) {
    blocking_client pve(token_options());
    auto task = pve.run(pve.async().node("pve").qemu(103).async_start());
    ASSERT_TRUE(task) << task.error().to_string();
    auto stopped = pve.run(task->async_stop());
    ASSERT_TRUE(stopped) << stopped.error().to_string();
    EXPECT_FALSE(stopped->running());
    auto done = pve.run(task->async_wait({.timeout = 10s, .initial_interval = 10ms}));
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().code, errc::task_failed);
    EXPECT_FALSE(done.error().exit_status.empty());
}

} // namespace
