// A whole MCP session: each line of the input is one line from the client, dispatched by
// session::on_line to a handful of fake tools (one answers at once, one sleeps 0 ms, one waits until
// it is cancelled, one throws, one fails, one writes, one asks the client), a resource, a template
// with completion, a subscribable resource and a prompt, with the io_context run after every line
// so calls start, finish and get cancelled in between. Answers to the server's own requests
// (elicitation, sampling) come from the input too. Then the input ends, as stdin EOF ends a session.
#include "fuzz_support.hpp"
#include "jsonrpc.hpp"
#include "log.hpp"
#include "session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <stdexcept>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace proxmox::mcp;
using proxmox::fuzz::max_error_bytes;

namespace {

asio::awaitable<tool_result> echo_tool(tool_context, json::object args) {
    co_return tool_result::success({{"text", args.at("text")}});
}

asio::awaitable<tool_result> sleep_tool(tool_context, json::object) {
    auto executor = co_await asio::this_coro::executor; // g++ 12: one co_await per statement
    asio::steady_timer timer(executor, std::chrono::milliseconds(0));
    co_await timer.async_wait(asio::use_awaitable);
    co_return tool_result::success({{"slept", 0}});
}

/// Ends only by cancellation (notifications/cancelled, or the end of the input).
asio::awaitable<tool_result> wait_tool(tool_context, json::object) {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor, asio::steady_timer::time_point::max());
    co_await timer.async_wait(asio::use_awaitable);
    co_return tool_result::success({});
}

asio::awaitable<tool_result> throw_tool(tool_context, json::object args) {
    // an exception text with the client's argument in it, as SDK errors can have
    throw std::runtime_error("cannot handle " + std::string(args.at("text").as_string()));
    co_return tool_result{};
}

asio::awaitable<tool_result> fail_tool(tool_context, json::object) {
    co_return tool_result::failure("VM 100 already running",
                                   {{"upid", "UPID:pve:00001234:00005678:65A0B1C2:qmstart:100:root@pam:"}});
}

/// A write tool: its mode follows confirm/dry_run; it reports progress (some of it not
/// increasing) and then answers, so progress lines and the answer interleave with input.
asio::awaitable<tool_result> progress_tool(tool_context ctx, json::object) {
    if (ctx.progress) {
        ctx.progress(1, std::nullopt, "first");
        ctx.progress(1, std::nullopt, "not increasing");
        ctx.progress(50, 100.0, std::string(2000, 'x'));
    }
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor, std::chrono::milliseconds(0));
    co_await timer.async_wait(asio::use_awaitable);
    co_return tool_result::success({{"mode", static_cast<int>(ctx.mode)}});
}

/// Asks the client (elicitation) and answers with what it said.
asio::awaitable<tool_result> ask_tool(tool_context ctx, json::object) {
    if (!ctx.peer.request)
        co_return tool_result::failure("no client");
    ctx.peer.send_log(log_level::info, "asking");
    auto asking = ctx.peer.request("elicitation/create",
                                   {{"message", "?"}, {"requestedSchema", json::object{{"type", "object"}}}},
                                   std::chrono::hours(1));
    client_answer answer = co_await std::move(asking);
    co_return answer.ok ? tool_result::success({{"answer", answer.result}})
                        : tool_result::failure(answer.error);
}

resource_registry fake_resources() {
    resource_registry r;
    r.add(resource_def{
        "fuzz://static", "static", "", "", "text/plain",
        [](tool_context, std::string uri, uri_variables) -> asio::awaitable<resource_contents> {
            co_return resource_contents::text(std::move(uri), "text/plain", "x");
        },
        [](tool_context, std::string, uri_variables, std::function<void()> changed) -> asio::awaitable<void> {
            changed();
            co_return;
        }});
    resource_template_def t;
    t.uri_template = "fuzz://items/{id}/data";
    t.name = "items";
    t.read = [](tool_context, std::string uri, uri_variables vars) -> asio::awaitable<resource_contents> {
        if (vars["id"] == "0")
            co_return resource_contents::missing("no item 0");
        co_return resource_contents::text(std::move(uri), "text/plain", vars["id"]);
    };
    t.complete["id"] = [](tool_context, json::object) -> asio::awaitable<std::vector<std::string>> {
        co_return std::vector<std::string>(150, "1");
    };
    r.add(std::move(t));
    return r;
}

prompt_registry fake_prompts() {
    prompt_registry p;
    p.add(prompt_def{"greet",
                     "Greet",
                     "Greets.",
                     {prompt_argument{"who", "", "whom", true, {}}},
                     [](tool_context, prompt_arguments args) -> asio::awaitable<prompt_messages> {
                         prompt_messages m;
                         if (args["who"].empty())
                             m.error = "who is empty";
                         else
                             m.messages.push_back(user_text("hello " + args["who"]));
                         co_return m;
                     }});
    return p;
}

json::object schema(const char* text) {
    return json::parse(text).as_object();
}

tool_registry fake_tools() {
    tool_registry reg;
    const tool_annotations ro{
        .read_only = true, .destructive = false, .idempotent = true, .open_world = false};
    const char* text_arg = R"({"type":"object","properties":{"text":{"type":"string","maxLength":300}},
                               "required":["text"],"additionalProperties":false})";
    const char* no_args = R"({"type":"object","additionalProperties":false})";
    const char* out = R"({"type":"object","properties":{}})";
    reg.add({"echo", "Echo", "Returns its text.", schema(text_arg), schema(out), ro, echo_tool});
    reg.add({"sleep", "Sleep", "Sleeps 0 ms.", schema(no_args), schema(out), ro, sleep_tool});
    reg.add({"wait", "Wait", "Waits until cancelled.", schema(no_args), schema(out), ro, wait_tool});
    reg.add({"throw", "Throw", "Throws.", schema(text_arg), schema(out), ro, throw_tool});
    reg.add({"fail", "Fail", "Fails.", schema(no_args), schema(out), ro, fail_tool});
    tool_def writer{"write", "Write", "Writes.", schema(no_args), schema(out), ro, progress_tool};
    writer.safety = tool_safety::write;
    writer.waits = wait_defaults{};
    reg.add(std::move(writer));
    reg.add({"ask", "Ask", "Asks the client.", schema(no_args), schema(out), ro, ask_tool});
    return reg;
}

/// One response as the client reads it: JSON-RPC 2.0, a result or an error, and bounded errors.
void check_response(const json::value& v, const std::string& line) {
    const auto* o = v.if_object();
    PROXMOX_FUZZ_CHECK(o != nullptr, line.substr(0, 200));
    const auto* version = o->if_contains("jsonrpc");
    PROXMOX_FUZZ_CHECK(version && *version == "2.0", line.substr(0, 200));
    PROXMOX_FUZZ_CHECK(o->contains("id"), line.substr(0, 200));
    const auto* error = o->if_contains("error");
    const auto* result = o->if_contains("result");
    PROXMOX_FUZZ_CHECK((error != nullptr) != (result != nullptr), line.substr(0, 200));
    if (error) {
        const auto& message = error->at("message").as_string();
        PROXMOX_FUZZ_CHECK(!message.empty() && message.size() < max_error_bytes, line.substr(0, 300));
    } else if (const auto* r = result->if_object(); r && r->contains("isError")) {
        const auto& text = r->at("content").at(0).at("text").as_string();
        PROXMOX_FUZZ_CHECK(text.size() < 2 * max_error_bytes, line.substr(0, 300));
    }
}

/// Every line the session writes is one line of valid JSON (Boost.JSON checks the UTF-8, too).
void check_output_line(const std::string& line) {
    PROXMOX_FUZZ_CHECK(line.find('\n') == std::string::npos, line.substr(0, 200));
    json::error_code ec;
    const auto v = json::parse(line, ec);
    PROXMOX_FUZZ_CHECK(!ec, ec.message() + ": " + line.substr(0, 200));
    if (const auto* o = v.if_object(); o && o->contains("method")) {
        // what the server sends unasked: progress, log messages, resource updates, cancellations
        // of its own requests, and those requests (elicitation)
        const auto& method = o->at("method").as_string();
        PROXMOX_FUZZ_CHECK(method == "notifications/progress" || method == "notifications/message" ||
                               method == "notifications/resources/updated" ||
                               method == "notifications/cancelled" || method == "elicitation/create",
                           line.substr(0, 200));
        if (method == "notifications/progress") {
            const auto& params = o->at("params").as_object();
            PROXMOX_FUZZ_CHECK(params.contains("progressToken") && params.at("progress").is_number(), line);
        }
        PROXMOX_FUZZ_CHECK(line.size() <= 4 * max_error_bytes, line.substr(0, 200));
        return;
    }
    if (const auto* batch = v.if_array()) {
        PROXMOX_FUZZ_CHECK(!batch->empty(), line);
        for (const auto& item : *batch)
            check_response(item, line);
    } else {
        check_response(v, line);
    }
}

/// Every input logs (initialize, cancellations, failures); the checks read the protocol, not stderr.
bool silence_log() {
    set_log_threshold(
        static_cast<log_severity>(static_cast<int>(log_severity::error) + 1)); // above every level
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool silent = silence_log();
    (void)silent;
    static const tool_registry tools = fake_tools();

    asio::io_context io;
    session_options options;
    options.page_size = 2;                            // pagination with five tools
    options.eof_grace = std::chrono::milliseconds(0); // the end of input cancels what still runs
    options.max_calls = 3;                            // so "server busy" is reachable
    static const auto resources = std::make_shared<const resource_registry>(fake_resources());
    static const auto prompts = std::make_shared<const prompt_registry>(fake_prompts());
    options.resources = resources;
    options.prompts = prompts;
    options.client_request_timeout = std::chrono::hours(1); // answered by the input, or cancelled at its end
    server_identity identity;
    identity.version = "0.0.0-fuzz";
    identity.instructions = "fuzzing";
    bool finished = false;
    {
        session s(
            io.get_executor(), tools, tool_context{}, [](std::string line) { check_output_line(line); },
            identity, options);
        s.set_on_finished([&finished] { finished = true; });
        for (auto line : proxmox::fuzz::split_lines(proxmox::fuzz::as_text(data, size))) {
            s.on_line(line);
            io.restart();
            io.poll();
        }
        s.on_input_closed();
        io.restart();
        io.run(); // returns once every call ended: a call that never ends hangs here (a libFuzzer timeout)
        PROXMOX_FUZZ_CHECK(finished && s.finished(), "the session did not finish after its input closed");
        PROXMOX_FUZZ_CHECK(s.calls_in_flight() == 0,
                           std::to_string(s.calls_in_flight()) + " calls still running");
    }
    io.restart();
    io.run();
    return 0;
}
