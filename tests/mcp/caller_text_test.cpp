#include "caller_text.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <string>

namespace json = boost::json;
using proxmox::mcp::quote_json;
using proxmox::mcp::quote_text;

TEST(McpCallerText, ShortTextIsQuotedAsIs) {
    EXPECT_EQ(quote_text("proxmox-list-vms"), "proxmox-list-vms");
    EXPECT_EQ(quote_text(""), "");
    std::string exactly(64, 'a');
    EXPECT_EQ(quote_text(exactly), exactly);
}

TEST(McpCallerText, LongTextIsCutWithItsLength) {
    std::string huge(1 << 20, 'x');
    auto q = quote_text(huge);
    EXPECT_EQ(q, std::string(64, 'x') + "\xE2\x80\xA6 (1048576 characters)");
    EXPECT_EQ(quote_text("abcdef", 3), "abc\xE2\x80\xA6 (6 characters)");
}

TEST(McpCallerText, CutsOnCharacterBoundaries) {
    // "ä" is two bytes, "€" three, "😀" four: the cut counts characters, never splits one.
    std::string text = "\xC3\xA4\xE2\x82\xAC\xF0\x9F\x98\x80z";
    EXPECT_EQ(quote_text(text, 3), "\xC3\xA4\xE2\x82\xAC\xF0\x9F\x98\x80\xE2\x80\xA6 (4 characters)");
    EXPECT_EQ(quote_text(text, 1), "\xC3\xA4\xE2\x80\xA6 (4 characters)");
}

TEST(McpCallerText, EscapesControlsAndBrokenBytes) {
    EXPECT_EQ(quote_text("a\nb\r\tc"), "a\\nb\\r\\tc");
    EXPECT_EQ(quote_text("\x1b[31mred"), "\\x1b[31mred");
    EXPECT_EQ(quote_text("\xC2\x9B"
                         "1m"),
              "\\u009b1m"); // C1 control introducer
    EXPECT_EQ(quote_text("a\xFF"
                         "b\xC3"),
              "a\\xffb\\xc3");                                // not UTF-8
    EXPECT_EQ(quote_text("\xED\xA0\x80"), "\\xed\\xa0\\x80"); // a UTF-16 surrogate
}

TEST(McpCallerText, JsonValues) {
    EXPECT_EQ(quote_json(json::parse(R"("paused")")), R"("paused")");
    EXPECT_EQ(quote_json(json::parse("42")), "42");
    EXPECT_EQ(quote_json(json::parse(R"({"a":[1,2]})")), R"({"a":[1,2]})");
    EXPECT_EQ(quote_json(json::value("a\nb")), R"("a\nb")");

    std::string big(100000, 'y');
    auto s = quote_json(json::value(big));
    EXPECT_EQ(s, "\"" + std::string(64, 'y') + "\xE2\x80\xA6\" (100000 characters)");
    EXPECT_EQ(json::parse(s.substr(0, s.find("\" (") + 1)).as_string().size(), 64u + 3u)
        << "the quote stays JSON";

    json::array many(100000, json::value(7));
    auto a = quote_json(many);
    EXPECT_LT(a.size(), 120u) << a;
    EXPECT_EQ(a.rfind("[7,7,7", 0), 0u) << a;
    EXPECT_NE(a.find("(an array of 100000 items)"), std::string::npos) << a;

    json::object wide;
    for (int i = 0; i < 1000; ++i)
        wide[std::to_string(i)] = i;
    EXPECT_NE(quote_json(wide).find("(an object of 1000 members)"), std::string::npos);
}

TEST(McpCallerText, EscapesCountAsWhatTheyPrint) {
    // 300 C1 controls (U+0096, 2 bytes each) print as \u0096: 6 characters each
    std::string controls;
    for (int i = 0; i < 300; ++i)
        controls += "\xC2\x96";
    const auto quoted = quote_text(controls, 200);
    EXPECT_TRUE(quoted.starts_with("\\u0096\\u0096")) << quoted;
    // 33 escapes fit in 200 printed characters, then the cut and the length
    EXPECT_EQ(quoted.substr(0, 33 * 6), [] {
        std::string s;
        for (int i = 0; i < 33; ++i)
            s += "\\u0096";
        return s;
    }());
    EXPECT_TRUE(quoted.ends_with("\xE2\x80\xA6 (300 characters)")) << quoted;
    EXPECT_LT(quoted.size(), 1024u);
}
