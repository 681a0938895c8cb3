#include "hexa/client/question_scope.hpp"

namespace hexa {

namespace {
thread_local bool asking_now = false;  // this thread's, as logging's correlation key
}  // namespace

QuestionScope::QuestionScope() : previous_(asking_now) { asking_now = true; }
QuestionScope::~QuestionScope() { asking_now = previous_; }
bool QuestionScope::asking() { return asking_now; }

}  // namespace hexa
