// Movie booking's domain in process (hexa/testing/in_process.hpp): book and ticket with their
// own declarations and application.yaml, ticket asking book in process, payment faked. What
// needs processes stays end to end (tests/e2e/test_moviebooking_*.py).
#include <gtest/gtest.h>

#include <string>

#include "events.hpp"
#include "hexa/testing/in_process.hpp"

namespace moviebooking {
namespace book { void declare(hexa::Service&); }
namespace ticket { void declare(hexa::Service&); }
}  // namespace moviebooking

namespace {

using hexa::rest::Json;
using hexa::testing::Answer;
using hexa::testing::Call;
using hexa::testing::Headers;
using hexa::testing::InProcess;

hexa::testing::Options config_of(const std::string& service) {
  return {.config_file = std::string(MOVIEBOOKING_DIR) + "/" + service + "/application.yaml"};
}

// As the gateway passes a client's request on (rest/caller.hpp), without and with security.
const Headers kOpenGateway{{"X-Hexa-Gateway", "open"}};
const Headers kSecureCustomer{{"X-Hexa-Gateway", "secure"}, {"X-Auth-Subject", "customer"}, {"X-Auth-Roles", "CUSTOMER"}};

// Payment takes every booking's payment.
Answer paid(const Call& call) {
  Json p = call.json();
  p["id"] = p["bookingId"];
  p["status"] = "Paid";
  return {201, p.dump(), {{"content-type", "application/json"}}};
}

class MovieBooking : public ::testing::Test {
 protected:
  MovieBooking() {
    book.remote("payment").answer(paid);
    ticket.remote("book").by(book);
  }
  std::int64_t booked() {
    auto res = book.post("/books", {{"qty", 2}, {"movieName", "soul"}, {"seat", "1A,2B"}, {"totalPrice", 10000}},
                         kOpenGateway);
    EXPECT_EQ(res.status, 201) << res.body;
    ticket.deliver(book.raised());  // the waiting ticket
    return res.json()["id"].get<std::int64_t>();
  }
  std::string status_of(std::int64_t id) { return book.get("/books/" + std::to_string(id)).json()["status"]; }

  InProcess book{"book", moviebooking::book::declare, config_of("book")};
  InProcess ticket{"ticket", moviebooking::ticket::declare, config_of("ticket")};
};

TEST_F(MovieBooking, AClientCannotMarkABookingPrintedInAnyProfile) {
  const auto id = booked();
  const auto events = book.raised().size();
  for (const auto& through : {kOpenGateway, kSecureCustomer}) {
    const auto refused = book.patch("/books/" + std::to_string(id), {{"status", "Printed"}}, through);
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_NE(refused.json()["message"].get<std::string>().find("a booking becomes Printed when its ticket is printed"),
              std::string::npos)
        << refused.body;
  }
  EXPECT_EQ(status_of(id), "Booked") << "nothing changed";
  EXPECT_EQ(book.raised().size(), events);
  EXPECT_EQ(ticket.get("/tickets/1").json()["status"], "Waiting");
}

TEST_F(MovieBooking, PrintingTheTicketAtTheCinemaStillPrintsTheBooking) {
  const auto id = booked();
  const auto printed = ticket.patch("/tickets/1", {{"status", "Printed"}}, kOpenGateway);
  ASSERT_EQ(printed.status, 200) << printed.body;
  EXPECT_EQ(printed.json()["status"], "Printed");
  EXPECT_EQ(status_of(id), "Printed") << "ticket asked book, as a service";
  EXPECT_EQ(ticket.raised<moviebooking::TicketPrinted>().size(), 1u);
  const auto cancel = book.patch("/books/" + std::to_string(id), {{"status", "Canceled"}}, kOpenGateway);
  EXPECT_EQ(cancel.status, 409) << "printed: too late to cancel";
}

}  // namespace
