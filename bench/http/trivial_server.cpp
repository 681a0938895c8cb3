// bench-http-trivial [io_threads] [port]: hexa's HTTP server with the least possible handler
// (a small JSON answered inline on the I/O thread), to compare the server itself with nginx.
// Prints the bound port on its first line; SIGINT/SIGTERM stop it.
#include <string>

#include "bench/lib/serve_until_stopped.hpp"

int main(int argc, char** argv) {
  hexa::http::ServerOptions options;
  options.io_threads = argc > 1 ? std::stoi(argv[1]) : 1;
  options.port = static_cast<std::uint16_t>(argc > 2 ? std::stoi(argv[2]) : 0);
  hexa::http::Server server(options, [](hexa::http::Request&& req, hexa::http::Responder respond) {
    respond(hexa::http::json_response(req, hexa::http::Status::ok, R"({"status":"UP"})"));
  });
  return bench::serve_until_stopped(server);
}
