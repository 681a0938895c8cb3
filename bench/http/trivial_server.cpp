// bench-http-trivial [io_threads] [port]: hexa's HTTP server with the least possible handler
// (a small JSON answered inline on the I/O thread), to compare the server itself with nginx.
// Prints the bound port on its first line; SIGINT/SIGTERM stop it.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include "hexa/http/server.hpp"

int main(int argc, char** argv) {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // before the I/O threads exist

  hexa::http::ServerOptions options;
  options.io_threads = argc > 1 ? std::stoi(argv[1]) : 1;
  options.port = static_cast<std::uint16_t>(argc > 2 ? std::stoi(argv[2]) : 0);
  hexa::http::Server server(options, [](hexa::http::Request&& req, hexa::http::Responder respond) {
    respond(hexa::http::json_response(req, hexa::http::Status::ok, R"({"status":"UP"})"));
  });
  server.start();
  std::cout << server.port() << std::endl;

  int sig = 0;
  sigwait(&stop, &sig);
  server.stop(std::chrono::milliseconds{1000});
  return 0;
}
