#pragma once
// A throw-away Apache Kafka broker for tests: scripts/kafka-dev on free ports with its data in
// a fresh temporary folder, started on first use (so a run that filters out the Kafka cases
// pays nothing) and stopped when the test binary ends, as a GoogleTest environment. The script
// gets KAFKA_OWNER_PID, so the broker also stops should this process die first (kill -9, a
// ctest timeout). A broker that cannot start fails every test that asked for it: never a skip.
//
//   hexa::testing::KafkaBroker* const kKafka = hexa::testing::add_kafka_broker();
//   ... kKafka->bus_url() ...   // "kafka://127.0.0.1:<port>?namespace=<fresh>"
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace hexa::testing {

// A TCP port nobody listens on right now (the kernel's pick for an ephemeral bind).
inline std::uint16_t free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  const bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
  if (fd >= 0) ::close(fd);
  if (!ok) throw std::runtime_error("no free TCP port");
  return ntohs(address.sin_port);
}

// Runs a program to its end with `extra` added to this process's environment; its exit code
// (-1 when it could not start or did not exit normally).
inline int run_program(const std::vector<std::string>& args, const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    if (!extra.contains(entry.substr(0, entry.find('=')))) env_text.push_back(entry);
  }
  for (const auto& [name, value] : extra) env_text.push_back(name + "=" + value);
  std::vector<char*> argv, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  for (const auto& e : env_text) envp.push_back(const_cast<char*>(e.c_str()));
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  pid_t pid = -1;
  if (::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), envp.data()) != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class KafkaBroker final : public ::testing::Environment {
 public:
  // "127.0.0.1:<port>"; starts the broker on the first call. Throws when it cannot start.
  const std::string& bootstrap() {
    if (failed_) throw std::runtime_error("the test Kafka broker failed to start (see above)");
    if (bootstrap_.empty()) start();
    return bootstrap_;
  }

  // A fresh, empty bus on the shared broker: a namespace of its own for topics and groups.
  // `params` are added to the URL ("&session_timeout_ms=6000").
  std::string bus_url(const std::string& params = "") {
    const auto& address = bootstrap();
    return "kafka://" + address + "?namespace=t" + std::to_string(::getpid()) + "-" +
           std::to_string(++namespaces_) + params;
  }

  void TearDown() override {
    if (bootstrap_.empty()) return;
    if (run_program({script().string(), "stop"}, env()) != 0)
      ADD_FAILURE() << "scripts/kafka-dev stop failed for the test broker in " << dir_;
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    bootstrap_.clear();
  }

 private:
  static std::filesystem::path script() {
    return std::filesystem::path(HEXA_SYSTEMS_DIR).parent_path() / "scripts" / "kafka-dev";
  }

  std::map<std::string, std::string> env() const {
    return {{"KAFKA_HOST", "127.0.0.1"},
            {"KAFKA_PORT", std::to_string(port_)},
            {"KAFKA_CONTROLLER_PORT", std::to_string(controller_port_)},
            {"KAFKA_DATA_DIR", (dir_ / "kafka").string()},
            {"KAFKA_OWNER_PID", std::to_string(::getpid())}};
  }

  void start() {
    failed_ = true;  // until it answers
    std::string pattern = (std::filesystem::temp_directory_path() / "hexa-kafka-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder");
    dir_ = pattern;
    port_ = free_tcp_port();
    do controller_port_ = free_tcp_port();
    while (controller_port_ == port_);
    if (run_program({script().string(), "start"}, env()) != 0)
      throw std::runtime_error("scripts/kafka-dev start failed for the test broker (data in " +
                               dir_.string() + ")");
    bootstrap_ = "127.0.0.1:" + std::to_string(port_);
    failed_ = false;
  }

  std::filesystem::path dir_;
  std::string bootstrap_;  // empty until started
  std::uint16_t port_ = 0;
  std::uint16_t controller_port_ = 0;
  bool failed_ = false;
  int namespaces_ = 0;
};

// Registers a broker environment with GoogleTest (which owns it); call at namespace scope.
inline KafkaBroker* add_kafka_broker() {
  return static_cast<KafkaBroker*>(::testing::AddGlobalTestEnvironment(new KafkaBroker));
}

}  // namespace hexa::testing
