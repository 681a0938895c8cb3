// Links from a configured public URL, from a trusted proxy's forwarded headers, or from a Host
// that is a host: never from whatever a client sends.
#include <gtest/gtest.h>

#include "hexa/http/syntax.hpp"
#include "hexa/model/errors.hpp"
#include "hexa/rest/public_url.hpp"
#include "hexa/rest/resource_core.hpp"

namespace {

using hexa::http::Request;
using hexa::http::Verb;
using hexa::rest::ForwardedHeaders;
namespace bhttp = boost::beast::http;

Request with(std::initializer_list<std::pair<std::string, std::string>> headers) {
  Request req{Verb::get, "/contracts", 11};
  for (const auto& [name, value] : headers) req.set(name, value);
  return req;
}

TEST(PublicUrl, LinksNeverCarryAHostThatIsNotAHost) {
  EXPECT_EQ(hexa::rest::base_url(with({{"Host", "localhost:8088"}})), "http://localhost:8088");
  for (const char* host : {"javascript://evil.example", "evil.example/x", "\xff\xfe", "a b", "\"><script>"})
    EXPECT_THROW(hexa::rest::base_url(with({{"Host", host}})), hexa::Invalid) << host;
  EXPECT_THROW(hexa::rest::base_url(with({{"Host", "h"}, {"X-Forwarded-Host", "\xff"}})), hexa::Invalid);
  EXPECT_THROW(hexa::rest::base_url(with({{"Host", "h"}, {"X-Forwarded-Proto", "javascript"}})), hexa::Invalid);
  EXPECT_EQ(hexa::rest::base_url(with({{"Host", "h"}, {"X-Forwarded-Host", "rental.example"},
                                       {"X-Forwarded-Proto", "https"}, {"X-Forwarded-Port", "443"}})),
            "https://rental.example");
  EXPECT_EQ(hexa::rest::base_url(with({{"Host", "h"}, {"X-Forwarded-Host", "[::1]"}, {"X-Forwarded-Port", "8088"}})),
            "http://[::1]:8088");
}

TEST(PublicUrl, ForwardedHeadersFromAnUntrustedPeerAreDropped) {
  const ForwardedHeaders forwarded(std::nullopt, {"127.0.0.1"});
  Request req = with({{"Host", "localhost:8081"}, {"X-Forwarded-Host", "evil.example"},
                      {"X-Forwarded-For", "6.6.6.6"}, {"Forwarded", "host=evil.example"}});
  EXPECT_FALSE(forwarded.admit(req, "10.1.2.3"));
  EXPECT_EQ(req.count("X-Forwarded-Host"), 0u);
  EXPECT_EQ(req.count("X-Forwarded-For"), 0u);
  EXPECT_EQ(req.count("Forwarded"), 0u);
  EXPECT_EQ(hexa::rest::base_url(req), "http://localhost:8081");
  EXPECT_EQ(forwarded.client_address(req, "10.1.2.3"), "10.1.2.3");

  Request proxied = with({{"Host", "h"}, {"X-Forwarded-Host", "rental.example"}, {"X-Forwarded-For", "1.1.1.1, 2.2.2.2"}});
  EXPECT_FALSE(forwarded.admit(proxied, "::ffff:127.0.0.1"));
  EXPECT_EQ(hexa::rest::base_url(proxied), "http://rental.example");
  EXPECT_EQ(forwarded.client_address(proxied, "127.0.0.1"), "2.2.2.2");
  Request bad = with({{"Host", "h"}, {"X-Forwarded-Host", "javascript://evil.example"}});
  EXPECT_TRUE(forwarded.admit(bad, "127.0.0.1"));
}

TEST(PublicUrl, AConfiguredPublicUrlWins) {
  const ForwardedHeaders forwarded(std::string("https://rental.example:8443/"), {"127.0.0.1"});
  Request req = with({{"Host", "localhost"}, {"X-Forwarded-Host", "evil.example"}, {"X-Forwarded-Port", "1"}});
  EXPECT_FALSE(forwarded.admit(req, "127.0.0.1"));
  EXPECT_EQ(hexa::rest::base_url(req), "https://rental.example:8443");
  EXPECT_THROW(ForwardedHeaders(std::string("javascript://x"), {}), std::invalid_argument);
  EXPECT_THROW(ForwardedHeaders(std::string("rental.example"), {}), std::invalid_argument);
}

TEST(ClientText, Utf8AndHostSyntax) {
  using hexa::http::is_valid_host;
  using hexa::http::is_valid_utf8;
  EXPECT_TRUE(is_valid_utf8("고객1 ok"));
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x9a\x97"));  // an emoji
  for (const char* bad : {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe3\x81", "a\x80"})
    EXPECT_FALSE(is_valid_utf8(bad)) << bad;
  for (const char* good : {"localhost", "localhost:8088", "10.0.0.1:80", "[::1]:8080", "[::1]", "my_host.example"})
    EXPECT_TRUE(is_valid_host(good)) << good;
  for (const char* bad : {"", "x:", "x:0", "x:99999", "x:8a", ":80", "a..b", ".a", "[::1", "[zz]", "a/b", "a@b", "\xc3\xa9"})
    EXPECT_FALSE(is_valid_host(bad)) << bad;
}

}  // namespace
