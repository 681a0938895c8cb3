// Fault settings (fault.*, hexa/runtime/fault_injection.hpp) read from configuration, as
// FAULT_* variables and POST /actuator/faults give them: the status injected errors answer
// (500 unless set, a 4xx for a callee that refuses) and the bounds that stop a typo.
#include <gtest/gtest.h>

#include <stdexcept>

#include "hexa/config/config.hpp"
#include "hexa/runtime/fault_injection.hpp"

namespace {

hexa::FaultOptions from(const std::string& yaml) {
  return hexa::FaultOptions::from(hexa::Config::from_string(yaml, {}, [](const std::string&) {
    return std::optional<std::string>{};
  }));
}

TEST(FaultOptions, InjectedErrorsAnswer500UnlessAStatusIsSet) {
  EXPECT_EQ(from("fault:\n  error-rate: 0.5\n").error_status, 500);
  const auto refusing = from("fault:\n  error-rate: 1\n  error-status: 422\n");
  EXPECT_EQ(refusing.error_status, 422);
  EXPECT_DOUBLE_EQ(refusing.error_rate, 1.0);
  EXPECT_TRUE(refusing.active());
}

TEST(FaultOptions, AStatusThatIsNotAnErrorStopsStartUp) {
  for (const char* status : {"200", "302", "600"}) {
    try {
      from(std::string("fault:\n  error-status: ") + status + "\n");
      ADD_FAILURE() << status << " accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("fault.error-status"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
