#include "fixture_features.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <string>

namespace proxmox::mcp::conformance {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// A 1x1 PNG and a minimal WAV, as the suite's reference server sends them.
constexpr const char* test_png =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
constexpr const char* test_wav = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

json::object text_block(std::string text) {
    return json::object{{"type", "text"}, {"text", std::move(text)}};
}
json::object image_block() {
    return json::object{{"type", "image"}, {"data", test_png}, {"mimeType", "image/png"}};
}
json::object resource_block(std::string uri, std::string mime, std::string text) {
    return json::object{
        {"type", "resource"},
        {"resource",
         json::object{{"uri", std::move(uri)}, {"mimeType", std::move(mime)}, {"text", std::move(text)}}}};
}

tool_result blocks(json::array content) {
    tool_result r;
    r.content = std::move(content);
    return r;
}

json::object no_arguments() {
    return json::object{{"type", "object"}, {"properties", json::object{}}};
}

json::object string_argument(std::string_view name, std::string_view description) {
    return json::object{
        {"type", "object"},
        {"properties", json::object{{name, json::object{{"type", "string"}, {"description", description}}}}},
        {"required", json::array{name}}};
}

std::string string_arg(const json::object& args, std::string_view key) {
    const auto* v = args.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

asio::awaitable<void> pause(std::chrono::milliseconds ms) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(ms);
    co_await timer.async_wait(asio::use_awaitable);
}

/// Sends `method` to the client; `describe` turns its answer into the tool's text.
asio::awaitable<tool_result> ask(tool_context ctx,
                                 std::string method,
                                 json::object params,
                                 std::function<std::string(const json::object&)> describe) {
    if (!ctx.peer.request)
        co_return tool_result::failure("requests to the client are not available");
    auto asking = ctx.peer.request(std::move(method), std::move(params), std::chrono::seconds(30));
    client_answer answer = co_await std::move(asking);
    if (!answer.ok)
        co_return tool_result::failure(answer.error);
    co_return blocks({text_block(describe(answer.result.get_object()))});
}

std::string elicitation_text(std::string_view lead, const json::object& result) {
    const auto* action = result.if_contains("action");
    const auto* content = result.if_contains("content");
    return std::string(lead) +
           "action=" + (action && action->is_string() ? std::string(action->get_string()) : "?") +
           ", content=" + json::serialize(content ? *content : json::value(json::object{}));
}

tool_def fixture_tool(std::string name, std::string description, json::object input, tool_handler handler) {
    tool_def t;
    t.name = std::move(name);
    t.description = std::move(description);
    t.input_schema = std::move(input);
    t.handler = std::move(handler);
    t.annotations.open_world = false;
    return t;
}

json::object elicitation_form(std::string message, json::object properties) {
    return json::object{{"mode", "form"},
                        {"message", std::move(message)},
                        {"requestedSchema", json::object{{"type", "object"},
                                                         {"properties", std::move(properties)},
                                                         {"required", json::array{}}}}};
}

json::object titled_options(std::string_view kind,
                            std::initializer_list<std::pair<const char*, const char*>> options) {
    json::array list;
    for (const auto& [value, title] : options)
        list.push_back(json::object{{"const", value}, {"title", title}});
    return json::object{{kind, std::move(list)}};
}

} // namespace

tool_registry make_fixture_tools() {
    tool_registry tools;
    tools.add(fixture_tool("test_simple_text", "Tests simple text content response", no_arguments(),
                           [](tool_context, json::object) -> asio::awaitable<tool_result> {
                               co_return blocks({text_block("This is a simple text response for testing.")});
                           }));
    tools.add(fixture_tool("test_image_content", "Tests image content response", no_arguments(),
                           [](tool_context, json::object) -> asio::awaitable<tool_result> {
                               co_return blocks({image_block()});
                           }));
    tools.add(fixture_tool("test_audio_content", "Tests audio content response", no_arguments(),
                           [](tool_context, json::object) -> asio::awaitable<tool_result> {
                               co_return blocks({json::object{
                                   {"type", "audio"}, {"data", test_wav}, {"mimeType", "audio/wav"}}});
                           }));
    tools.add(fixture_tool("test_embedded_resource", "Tests embedded resource content response",
                           no_arguments(), [](tool_context, json::object) -> asio::awaitable<tool_result> {
                               co_return blocks({resource_block("test://embedded-resource", "text/plain",
                                                                "This is an embedded resource content.")});
                           }));
    tools.add(fixture_tool(
        "test_multiple_content_types", "Tests response with multiple content types (text, image, resource)",
        no_arguments(), [](tool_context, json::object) -> asio::awaitable<tool_result> {
            co_return blocks({text_block("Multiple content types test:"), image_block(),
                              resource_block("test://mixed-content-resource", "application/json",
                                             R"({"test":"data","value":123})")});
        }));
    tools.add(fixture_tool("test_tool_with_logging", "Tests tool that emits log messages during execution",
                           no_arguments(),
                           [](tool_context ctx, json::object) -> asio::awaitable<tool_result> {
                               ctx.peer.send_log(log_level::info, "Tool execution started");
                               co_await pause(std::chrono::milliseconds(50));
                               ctx.peer.send_log(log_level::info, "Tool processing data");
                               co_await pause(std::chrono::milliseconds(50));
                               ctx.peer.send_log(log_level::info, "Tool execution completed");
                               co_return blocks({text_block("Tool with logging executed successfully")});
                           }));
    tools.add(fixture_tool(
        "test_tool_with_progress", "Tests tool that reports progress notifications", no_arguments(),
        [](tool_context ctx, json::object) -> asio::awaitable<tool_result> {
            for (int step : {0, 50, 100}) {
                if (ctx.progress)
                    ctx.progress(step, 100.0, "Completed step " + std::to_string(step) + " of 100");
                if (step < 100)
                    co_await pause(std::chrono::milliseconds(50));
            }
            co_return blocks({text_block("Progress reported")});
        }));
    tools.add(fixture_tool("test_error_handling", "Tests error response handling", no_arguments(),
                           [](tool_context, json::object) -> asio::awaitable<tool_result> {
                               co_return tool_result::failure(
                                   "This tool intentionally returns an error for testing");
                           }));
    tools.add(fixture_tool("test_reconnection", "Tests SSE stream disconnection and client reconnection",
                           no_arguments(),
                           [](tool_context ctx, json::object) -> asio::awaitable<tool_result> {
                               if (ctx.peer.close_stream) // the client reconnects and gets the rest
                                   ctx.peer.close_stream();
                               co_await pause(std::chrono::milliseconds(100));
                               co_return blocks({text_block("Reconnection test completed successfully.")});
                           }));
    tools.add(fixture_tool(
        "test_sampling", "Tests server-initiated sampling (LLM completion request)",
        string_argument("prompt", "The prompt to send to the LLM"),
        [](tool_context ctx, json::object args) -> asio::awaitable<tool_result> {
            json::object params{
                {"messages",
                 json::array{json::object{
                     {"role", "user"},
                     {"content", json::object{{"type", "text"}, {"text", string_arg(args, "prompt")}}}}}},
                {"maxTokens", 100}};
            auto asking =
                ask(std::move(ctx), "sampling/createMessage", std::move(params), [](const json::object& r) {
                    const auto* content = r.if_contains("content");
                    const auto* text =
                        content && content->is_object() ? content->get_object().if_contains("text") : nullptr;
                    return "LLM response: " + (text && text->is_string() ? std::string(text->get_string())
                                                                         : std::string("No response"));
                });
            co_return co_await std::move(asking);
        }));
    tools.add(fixture_tool(
        "test_elicitation", "Tests server-initiated elicitation (user input request)",
        string_argument("message", "The message to show the user"),
        [](tool_context ctx, json::object args) -> asio::awaitable<tool_result> {
            json::object params{
                {"mode", "form"},
                {"message", string_arg(args, "message")},
                {"requestedSchema",
                 json::object{{"type", "object"},
                              {"properties",
                               json::object{{"response", json::object{{"type", "string"},
                                                                      {"description", "User's response"}}}}},
                              {"required", json::array{"response"}}}}};
            auto asking = ask(std::move(ctx), "elicitation/create", std::move(params),
                              [](const json::object& r) { return elicitation_text("User response: ", r); });
            co_return co_await std::move(asking);
        }));
    tools.add(fixture_tool(
        "test_elicitation_sep1034_defaults", "Tests elicitation with default values per SEP-1034",
        no_arguments(), [](tool_context ctx, json::object) -> asio::awaitable<tool_result> {
            json::object props{
                {"name",
                 json::object{{"type", "string"}, {"description", "User name"}, {"default", "John Doe"}}},
                {"age", json::object{{"type", "integer"}, {"description", "User age"}, {"default", 30}}},
                {"score", json::object{{"type", "number"}, {"description", "User score"}, {"default", 95.5}}},
                {"status", json::object{{"type", "string"},
                                        {"description", "User status"},
                                        {"enum", json::array{"active", "inactive", "pending"}},
                                        {"default", "active"}}},
                {"verified", json::object{{"type", "boolean"},
                                          {"description", "Verification status"},
                                          {"default", true}}},
            };
            auto asking = ask(
                std::move(ctx), "elicitation/create",
                elicitation_form("Please review and update the form fields with defaults", std::move(props)),
                [](const json::object& r) { return elicitation_text("Elicitation completed: ", r); });
            co_return co_await std::move(asking);
        }));
    tools.add(fixture_tool(
        "test_elicitation_sep1330_enums", "Tests elicitation with enum schema improvements per SEP-1330",
        no_arguments(), [](tool_context ctx, json::object) -> asio::awaitable<tool_result> {
            json::object titled_single = titled_options(
                "oneOf",
                {{"value1", "First Option"}, {"value2", "Second Option"}, {"value3", "Third Option"}});
            titled_single["type"] = "string";
            titled_single["description"] = "Select one option with titles";
            json::object props{
                {"untitledSingle", json::object{{"type", "string"},
                                                {"description", "Select one option"},
                                                {"enum", json::array{"option1", "option2", "option3"}}}},
                {"titledSingle", std::move(titled_single)},
                {"legacyEnum",
                 json::object{{"type", "string"},
                              {"description", "Select one option (legacy)"},
                              {"enum", json::array{"opt1", "opt2", "opt3"}},
                              {"enumNames", json::array{"Option One", "Option Two", "Option Three"}}}},
                {"untitledMulti",
                 json::object{
                     {"type", "array"},
                     {"description", "Select multiple options"},
                     {"minItems", 1},
                     {"maxItems", 3},
                     {"items", json::object{{"type", "string"},
                                            {"enum", json::array{"option1", "option2", "option3"}}}}}},
                {"titledMulti",
                 json::object{{"type", "array"},
                              {"description", "Select multiple options with titles"},
                              {"minItems", 1},
                              {"maxItems", 3},
                              {"items", titled_options("anyOf", {{"value1", "First Choice"},
                                                                 {"value2", "Second Choice"},
                                                                 {"value3", "Third Choice"}})}}},
            };
            auto asking =
                ask(std::move(ctx), "elicitation/create",
                    elicitation_form("Please select options from the enum fields", std::move(props)),
                    [](const json::object& r) { return elicitation_text("Elicitation completed: ", r); });
            co_return co_await std::move(asking);
        }));
    tool_def schema_tool = fixture_tool(
        "json_schema_2020_12_tool",
        "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)",
        json::object{
            {"$schema", "https://json-schema.org/draft/2020-12/schema"},
            {"type", "object"},
            {"$defs",
             json::object{
                 {"address", json::object{{"type", "object"},
                                          {"properties", json::object{{"street", {{"type", "string"}}},
                                                                      {"city", {{"type", "string"}}}}}}}}},
            {"properties",
             json::object{{"name", {{"type", "string"}}}, {"address", {{"$ref", "#/$defs/address"}}}}},
            {"additionalProperties", false}},
        [](tool_context, json::object args) -> asio::awaitable<tool_result> {
            co_return blocks({text_block("JSON Schema 2020-12 tool called with: " + json::serialize(args))});
        });
    schema_tool.verbatim_schema = true;
    tools.add(std::move(schema_tool));
    return tools;
}

resource_registry make_fixture_resources() {
    resource_registry resources;
    resources.add(resource_def{
        "test://static-text",
        "static-text",
        "Static Text Resource",
        "A static text resource for testing",
        "text/plain",
        [](tool_context, std::string uri, uri_variables) -> asio::awaitable<resource_contents> {
            co_return resource_contents::text(std::move(uri), "text/plain",
                                              "This is the content of the static text resource.");
        },
        {}});
    resources.add(
        resource_def{"test://static-binary",
                     "static-binary",
                     "Static Binary Resource",
                     "A static binary resource (image) for testing",
                     "image/png",
                     [](tool_context, std::string uri, uri_variables) -> asio::awaitable<resource_contents> {
                         resource_contents r;
                         r.contents.push_back(json::object{
                             {"uri", std::move(uri)}, {"mimeType", "image/png"}, {"blob", test_png}});
                         co_return r;
                     },
                     {}});
    resources.add(resource_def{
        "test://watched-resource", "watched-resource", "Watched Resource",
        "A resource that changes every 3 seconds", "text/plain",
        [](tool_context, std::string uri, uri_variables) -> asio::awaitable<resource_contents> {
            co_return resource_contents::text(std::move(uri), "text/plain", "Watched resource content");
        },
        [](tool_context, std::string, uri_variables, std::function<void()> changed) -> asio::awaitable<void> {
            for (;;) {
                co_await pause(std::chrono::seconds(3));
                changed();
            }
        }});
    resource_template_def data_template;
    data_template.uri_template = "test://template/{id}/data";
    data_template.name = "template";
    data_template.title = "Resource Template";
    data_template.description = "A resource template with parameter substitution";
    data_template.mime_type = "application/json";
    data_template.read = [](tool_context, std::string uri,
                            uri_variables vars) -> asio::awaitable<resource_contents> {
        std::string id = vars["id"];
        json::object body{{"id", id}, {"templateTest", true}, {"data", "Data for ID: " + id}};
        co_return resource_contents::text(std::move(uri), "application/json", json::serialize(body));
    };
    data_template.complete["id"] = [](tool_context,
                                      json::object) -> asio::awaitable<std::vector<std::string>> {
        co_return std::vector<std::string>{"1", "2", "3", "123"};
    };
    resources.add(std::move(data_template));
    return resources;
}

prompt_registry make_fixture_prompts() {
    prompt_registry prompts;
    prompts.add(prompt_def{"test_simple_prompt",
                           "Simple Test Prompt",
                           "A simple prompt without arguments",
                           {},
                           [](tool_context, prompt_arguments) -> asio::awaitable<prompt_messages> {
                               prompt_messages m;
                               m.messages.push_back(user_text("This is a simple prompt for testing."));
                               co_return m;
                           }});
    prompts.add(prompt_def{"test_prompt_with_arguments",
                           "Prompt With Arguments",
                           "A prompt with required arguments",
                           {prompt_argument{"arg1", "", "First test argument", true, {}},
                            prompt_argument{"arg2", "", "Second test argument", true, {}}},
                           [](tool_context, prompt_arguments args) -> asio::awaitable<prompt_messages> {
                               prompt_messages m;
                               m.messages.push_back(user_text("Prompt with arguments: arg1='" + args["arg1"] +
                                                              "', arg2='" + args["arg2"] + "'"));
                               co_return m;
                           }});
    prompts.add(prompt_def{"test_prompt_with_embedded_resource",
                           "Prompt With Embedded Resource",
                           "A prompt that includes an embedded resource",
                           {prompt_argument{"resourceUri", "", "URI of the resource to embed", true, {}}},
                           [](tool_context, prompt_arguments args) -> asio::awaitable<prompt_messages> {
                               prompt_messages m;
                               m.messages.push_back(json::object{
                                   {"role", "user"},
                                   {"content", resource_block(args["resourceUri"], "text/plain",
                                                              "Embedded resource content for testing.")}});
                               m.messages.push_back(user_text("Please process the embedded resource above."));
                               co_return m;
                           }});
    prompts.add(
        prompt_def{"test_prompt_with_image",
                   "Prompt With Image",
                   "A prompt that includes image content",
                   {},
                   [](tool_context, prompt_arguments) -> asio::awaitable<prompt_messages> {
                       prompt_messages m;
                       m.messages.push_back(json::object{{"role", "user"}, {"content", image_block()}});
                       m.messages.push_back(user_text("Please analyze the image above."));
                       co_return m;
                   }});
    return prompts;
}

} // namespace proxmox::mcp::conformance
