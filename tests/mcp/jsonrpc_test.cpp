#include "json_text.hpp"
#include "jsonrpc.hpp"
#include "protocol.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <limits>

namespace json = boost::json;
using namespace proxmox::mcp;

TEST(McpJsonRpc, ParseLineKinds) {
    EXPECT_EQ(jsonrpc::parse_line("").what, jsonrpc::parsed_line::kind::empty);
    EXPECT_EQ(jsonrpc::parse_line("  \r").what, jsonrpc::parsed_line::kind::empty);
    EXPECT_EQ(jsonrpc::parse_line("{\"a\":1}\r").what, jsonrpc::parsed_line::kind::single);
    EXPECT_EQ(jsonrpc::parse_line("[1,2]").what, jsonrpc::parsed_line::kind::batch);
    auto bad = jsonrpc::parse_line("{\"jsonrpc\":\"2.0\",");
    EXPECT_EQ(bad.what, jsonrpc::parsed_line::kind::parse_error);
    EXPECT_FALSE(bad.error.empty());
    EXPECT_EQ(jsonrpc::parse_line("{} {}").what, jsonrpc::parsed_line::kind::parse_error);
    EXPECT_EQ(jsonrpc::parse_line("\xff\xfe").what, jsonrpc::parsed_line::kind::parse_error);
}

TEST(McpJsonRpc, ClassifiesRequestsAndNotifications) {
    auto m = jsonrpc::classify(json::parse(R"({"jsonrpc":"2.0","id":7,"method":"ping"})"));
    ASSERT_TRUE(std::holds_alternative<jsonrpc::request>(m));
    const auto& r = std::get<jsonrpc::request>(m);
    EXPECT_FALSE(r.is_notification());
    EXPECT_EQ(r.method, "ping");
    EXPECT_TRUE(r.params.is_null());

    auto n = jsonrpc::classify(json::parse(R"({"jsonrpc":"2.0","method":"notifications/initialized"})"));
    ASSERT_TRUE(std::holds_alternative<jsonrpc::request>(n));
    EXPECT_TRUE(std::get<jsonrpc::request>(n).is_notification());

    auto resp = jsonrpc::classify(json::parse(R"({"jsonrpc":"2.0","id":1,"result":{}})"));
    EXPECT_TRUE(std::holds_alternative<jsonrpc::response>(resp));
}

TEST(McpJsonRpc, RejectsInvalidRequests) {
    struct tc {
        const char* text;
        bool id_null;
    };
    for (auto [text, id_null] :
         {tc{"42", true}, tc{R"("ping")", true}, tc{R"({"id":1,"method":"ping"})", false},
          tc{R"({"jsonrpc":"1.0","id":1,"method":"ping"})", false}, tc{R"({"jsonrpc":"2.0","id":1})", false},
          tc{R"({"jsonrpc":"2.0","id":1,"method":5})", false},
          tc{R"({"jsonrpc":"2.0","id":null,"method":"ping"})", true},
          tc{R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})", true},
          tc{R"({"jsonrpc":"2.0","id":{},"method":"ping"})", true}}) {
        auto m = jsonrpc::classify(json::parse(text));
        ASSERT_TRUE(std::holds_alternative<jsonrpc::invalid>(m)) << text;
        const auto& inv = std::get<jsonrpc::invalid>(m);
        EXPECT_EQ(inv.code, jsonrpc::invalid_request) << text;
        EXPECT_EQ(inv.id.is_null(), id_null) << text;
    }
}

TEST(McpJsonRpc, IdKeysKeepTypes) {
    EXPECT_NE(jsonrpc::id_key(json::value(1)), jsonrpc::id_key(json::value("1")));
    EXPECT_EQ(jsonrpc::id_key(json::value(std::int64_t{5})), jsonrpc::id_key(json::value(std::uint64_t{5})));
}

TEST(McpJsonRpc, BuildsResponses) {
    auto ok = jsonrpc::make_result("abc", json::object{});
    EXPECT_EQ(json::serialize(ok), R"({"jsonrpc":"2.0","id":"abc","result":{}})");
    auto err = jsonrpc::make_error(nullptr, jsonrpc::parse_error, "Parse error");
    EXPECT_EQ(json::serialize(err),
              R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}})");
    auto line = jsonrpc::to_line(json::object{{"text", "a\nb"}});
    EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(McpProtocol, Negotiation) {
    for (auto v : protocol::supported_versions)
        EXPECT_EQ(protocol::negotiate(v), v);
    EXPECT_EQ(protocol::negotiate("2099-01-01"), "2025-11-25");
    EXPECT_EQ(protocol::negotiate("2024-10-07"), "2025-11-25");
    EXPECT_EQ(protocol::negotiate(""), "2025-11-25");
    EXPECT_TRUE(protocol::has_structured_output("2025-06-18"));
    EXPECT_FALSE(protocol::has_structured_output("2025-03-26"));
    EXPECT_TRUE(protocol::has_tool_annotations("2025-03-26"));
    EXPECT_FALSE(protocol::has_tool_annotations("2024-11-05"));
    EXPECT_TRUE(protocol::accepts_batches("2025-03-26"));
    EXPECT_FALSE(protocol::accepts_batches("2025-06-18"));
    EXPECT_FALSE(protocol::accepts_batches("2024-11-05"));
}

TEST(McpJsonText, NumbersAsPeopleWriteThem) {
    json::value v = json::parse(R"({"a":0.0756,"b":2.42,"c":0.0,"d":-3,"e":18446744073709551615,"f":1e300,
                                   "s":"x\"y\n\u0001","n":null,"t":[true,false,{}],"big":123456789.5})");
    auto text = to_json_text(v);
    EXPECT_EQ(text, R"({"a":0.0756,"b":2.42,"c":0,"d":-3,"e":18446744073709551615,"f":1e+300,)"
                    R"("s":"x\"y\n\u0001","n":null,"t":[true,false,{}],"big":123456789.5})");
    // the same JSON as Boost's spelling (an integral double reads back as an integer: same number)
    auto back = json::parse(text).as_object();
    EXPECT_EQ(back.at("c"), 0);
    back["c"] = 0.0;
    EXPECT_EQ(json::value(back), v);
    EXPECT_EQ(to_json_text(json::value(std::numeric_limits<double>::infinity())), "null");
}

TEST(McpJsonRpc, ResponsesAreRecognisedWhateverTheirId) {
    // A peer's error about a line it could not read has id null; answering it would start a loop
    // between two peers that each answer the other's errors.
    for (const char* text :
         {R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"x"}})",
          R"({"jsonrpc":"2.0","error":{"code":-32700,"message":"x"}})",
          R"({"jsonrpc":"2.0","id":{"a":1},"result":{}})", R"({"jsonrpc":"2.0","id":1.5,"result":{}})",
          R"({"jsonrpc":"1.0","id":1,"error":{"code":1,"message":"x"}})", R"({"id":1,"result":{}})",
          R"({"jsonrpc":"2.0","id":"x","result":null})"}) {
        EXPECT_TRUE(std::holds_alternative<jsonrpc::response>(jsonrpc::classify(json::parse(text)))) << text;
    }
    // A method makes it a request (or a notification), whatever else it carries.
    auto m = jsonrpc::classify(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"ping","result":{}})"));
    EXPECT_TRUE(std::holds_alternative<jsonrpc::request>(m));
    // Neither method nor result/error: still an invalid request.
    m = jsonrpc::classify(json::parse(R"({"jsonrpc":"2.0","id":null})"));
    EXPECT_TRUE(std::holds_alternative<jsonrpc::invalid>(m));
}

TEST(McpJsonRpc, OverlongStringIdsAreInvalidWithIdNull) {
    std::string longest(jsonrpc::max_id_length, 'i');
    auto m = jsonrpc::classify(json::object{{"jsonrpc", "2.0"}, {"id", longest}, {"method", "ping"}});
    ASSERT_TRUE(std::holds_alternative<jsonrpc::request>(m));
    EXPECT_EQ(std::get<jsonrpc::request>(m).id, json::value(longest))
        << "an id within the limit is echoed verbatim";

    for (std::size_t size : {jsonrpc::max_id_length + 1, std::size_t{1} << 20}) {
        m = jsonrpc::classify(
            json::object{{"jsonrpc", "2.0"}, {"id", std::string(size, 'i')}, {"method", "ping"}});
        ASSERT_TRUE(std::holds_alternative<jsonrpc::invalid>(m)) << size;
        const auto& inv = std::get<jsonrpc::invalid>(m);
        EXPECT_EQ(inv.code, jsonrpc::invalid_request);
        EXPECT_TRUE(inv.id.is_null());
        EXPECT_NE(inv.message.find("at most 256"), std::string::npos) << inv.message;
        EXPECT_LT(inv.message.size(), 200u) << inv.message;
    }
}
