// A service whose policy has a remote step, as a real process, for tests/unit/step_service_test:
// when a Happened arrives it sends an alert on channel "alerts" (a webhook in the test's
// configuration) and then records a Note, served at /notes.
//   step_service --config <application.yaml>
#include "hexa/service.hpp"

namespace {

struct Note {
  static constexpr std::string_view name = "Note";
  std::int64_t id = 0;
  std::string caseId;
  std::string text;
  static hexa::Fields<Note> fields() {
    return {hexa::field("id", &Note::id), hexa::field("caseId", &Note::caseId), hexa::field("text", &Note::text)};
  }
};

struct Happened {
  static constexpr std::string_view name = "Happened";
  static constexpr std::string_view key = "caseId";
  std::string caseId;
  std::string text;
  static hexa::Fields<Happened> fields() {
    return {hexa::field("caseId", &Happened::caseId), hexa::field("text", &Happened::text)};
  }
};

}  // namespace

int main(int argc, char** argv) {
  hexa::Service svc("stepper", argc, argv);
  svc.resource<Note>();
  hexa::Channel& alerts = svc.channel("alerts");
  svc.when<Happened>()
      .call([&](const Happened& e, const hexa::StepContext& s) { alerts.send(e.text, s); })
      .then([](const Happened& e, hexa::UnitOfWork& uow) {
        Note n{0, e.caseId, e.text};
        uow.add(n);
      });
  return svc.run();
}
