// Helpers the unit tests share: the folder of real data files they read
// ($SUANLI_SHARED_DATA, which tests/CMakeLists.txt sets to ../shared/data
// beside the repository; the files are not copied into the repository), and
// the message of an expected InputError.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "suanli/model/error.h"

namespace suanli::test_data {

// "<shared>/<sub>/" when <shared>/<sub>/<probe> exists; otherwise records a
// test failure that says what is missing and returns "".
inline std::string shared_dir(const std::string& sub, const std::string& probe) {
  const char* env = std::getenv("SUANLI_SHARED_DATA");
  if (env == nullptr || *env == '\0') {
    ADD_FAILURE() << "SUANLI_SHARED_DATA is not set; run through ctest or point it at the shared data folder";
    return "";
  }
  const std::string dir = std::string(env) + "/" + sub + "/";
  if (!std::filesystem::exists(dir + probe)) {
    ADD_FAILURE() << "shared data missing: " << dir << probe << " (expected ../shared/data beside the repository)";
    return "";
  }
  return dir;
}

// The message of the InputError `fn` throws, or "(no error)".
template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace suanli::test_data
