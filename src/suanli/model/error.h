// Errors in suanli: one written policy.
//
// - InputError: the user's input is wrong (a file, a flag, a request body).
//   It carries where (file:line, JSON path or flag) and a message that says
//   what was found and what was expected. The CLI turns it into exit code 2,
//   the API into HTTP 400 with a JSON body. Core code throws it only from
//   functions whose contract says they validate user input.
// - SUANLI_ASSERT: a programmer error (a broken invariant). Never triggered by
//   user input; aborts with the location.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>

namespace suanli {

class InputError : public std::runtime_error {
 public:
  // `where` is "file:line", "--flag" or a JSON path; may be empty.
  InputError(std::string where, const std::string& message)
      : std::runtime_error(where.empty() ? message : where + ": " + message), where_(std::move(where)),
        message_(message) {}

  const std::string& where() const { return where_; }
  // The message without the location.
  const std::string& message() const { return message_; }

 private:
  std::string where_;
  std::string message_;
};

}  // namespace suanli

#define SUANLI_ASSERT(cond)                                                                  \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "suanli: internal error: %s at %s:%d\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)
