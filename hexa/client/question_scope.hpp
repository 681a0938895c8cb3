#pragma once
// A reconciler's question (rest::ResourceCore::reconcile asking `confirmed` whether a callee
// acted on a call whose outcome was unknown) is asked while one of these is alive on the
// asking thread. Nobody waits for its answer, so each call it makes may wait for the callee
// for clients.<service>.reconcile-timeout-ms instead of timeout-ms: a callee that keeps
// answering later than the customer's call could wait would otherwise never be heard, and its
// pending items never settle. As CorrelationScope, the thread's own state, set and undone by RAII.
namespace hexa {

class QuestionScope {
 public:
  QuestionScope();
  ~QuestionScope();
  QuestionScope(const QuestionScope&) = delete;
  QuestionScope& operator=(const QuestionScope&) = delete;
  static bool asking();  // true on a thread inside a QuestionScope

 private:
  bool previous_;
};

}  // namespace hexa
