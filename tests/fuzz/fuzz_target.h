// SUANLI_FUZZ_TARGET(name, label): one fuzz target per input surface.
//
//   SUANLI_FUZZ_TARGET(scenario, "fuzz.yaml") {
//     config::parse_scenario(default_catalog(), input, label, "");
//   }
//
// The body gets `input` (std::string_view, arbitrary bytes) and `label` (the
// file name to report errors against) and feeds the input to one reader.
// The property every target checks: the reader returns, or throws a located
// InputError: its where() is "label:LINE[:COLUMN]" or "label: JSON-PATH" in
// the input, or "FILE:LINE" in a file the input names (a scenario's
// jobs_file). Any other exception, a crash, a hang, a leak or a sanitizer
// report is a defect.
//
// The same source builds two ways (tests/fuzz/CMakeLists.txt):
//  - with SUANLI_LIBFUZZER (the fuzz preset): a libFuzzer entry point; a
//    broken property prints what happened and aborts, which libFuzzer
//    records as a crash with the input that caused it;
//  - without it: the target registers itself, and fuzz_corpus_test replays
//    every committed seed and regression input through it in the ordinary
//    test builds (Release, ASan), failing instead of aborting.
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "suanli/model/error.h"

namespace suanli::fuzz {

using Body = void (*)(std::string_view input, const char* label);

// "" when `body` returns or throws an InputError located in `label`;
// otherwise a description of what broke the property.
inline std::string check_one(Body body, std::string_view input, const char* label) {
  try {
    body(input, label);
  } catch (const InputError& e) {
    const std::string_view where = e.where();
    const bool in_input = where.starts_with(label) && where.substr(std::string_view(label).size()).starts_with(':');
    bool at_line = false;  // "FILE:LINE" of another file
    for (std::size_t i = 1; i < where.size(); ++i) {
      at_line = at_line || (where[i - 1] == ':' && std::isdigit(static_cast<unsigned char>(where[i])) != 0);
    }
    if (in_input || at_line) return "";
    return "InputError not located: \"" + std::string(e.what()) + "\"";
  } catch (const std::exception& e) {
    return std::string("exception other than InputError: ") + e.what();
  } catch (...) {
    return "unknown exception";
  }
  return "";
}

struct Target {
  std::string name;
  Body body;
  const char* label;
};

// The targets linked into this program, in registration order.
inline std::vector<Target>& registry() {
  static std::vector<Target> targets;
  return targets;
}

struct Registration {
  Registration(const char* name, Body body, const char* label) { registry().push_back({name, body, label}); }
};

}  // namespace suanli::fuzz

#ifdef SUANLI_LIBFUZZER
#define SUANLI_FUZZ_TARGET(name, file_label)                                                             \
  static void suanli_fuzz_body(std::string_view input, const char* label);                              \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {                   \
    const std::string problem = ::suanli::fuzz::check_one(                                              \
        suanli_fuzz_body, std::string_view(reinterpret_cast<const char*>(data), size), file_label);      \
    if (!problem.empty()) {                                                                             \
      std::fprintf(stderr, "suanli fuzz target '%s': %s\n", #name, problem.c_str());                    \
      std::abort();                                                                                     \
    }                                                                                                   \
    return 0;                                                                                           \
  }                                                                                                     \
  static void suanli_fuzz_body(std::string_view input, [[maybe_unused]] const char* label)
#else
#define SUANLI_FUZZ_TARGET(name, file_label)                                                             \
  static void suanli_fuzz_body_##name(std::string_view input, const char* label);                       \
  static const ::suanli::fuzz::Registration suanli_fuzz_registration_##name(#name, suanli_fuzz_body_##name, \
                                                                            file_label);                \
  static void suanli_fuzz_body_##name(std::string_view input, [[maybe_unused]] const char* label)
#endif
