#pragma once
// A bench's own HTTP server run as a child of its script: starts it, prints the bound port on
// the first line, serves until SIGINT or SIGTERM, then stops.
#include <pthread.h>

#include <csignal>
#include <iostream>

#include "hexa/http/server.hpp"

namespace bench {

inline int serve_until_stopped(hexa::http::Server& server) {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // before start() makes the I/O threads
  server.start();
  std::cout << server.port() << std::endl;
  int sig = 0;
  sigwait(&stop, &sig);
  server.stop(std::chrono::milliseconds{1000});
  return 0;
}

}  // namespace bench
