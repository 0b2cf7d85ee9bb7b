// JsonReader: typed, located access to a JSON value from outside (a request
// body, a stored log record). Every failure throws InputError whose `where`
// is the JSON path ("$.slo.max_tpot_ms", "$.accelerators[2]") and whose
// message says what was found and what was expected. Unknown keys are
// errors, with a "did you mean" when one is close, so typos never pass.
//
// Thread-compatible; a reader refers to a value it does not own.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "suanli/model/error.h"
#include "suanli/model/time.h"

namespace suanli::wire {

using Json = nlohmann::json;

// Parses `text` as JSON; a syntax error is InputError("$", "malformed JSON at
// byte N: ..."). Duplicate keys keep the last value (RFC 8259 leaves it open).
Json parse_json(std::string_view text);

// "a string", "a number", "an object", ... for messages.
std::string describe(const Json& j);

class JsonReader {
 public:
  JsonReader(const Json& value, std::string path) : v_(&value), path_(std::move(path)) {}

  const Json& value() const { return *v_; }
  const std::string& path() const { return path_; }
  [[noreturn]] void fail(const std::string& message) const { throw InputError(path_, message); }

  // The value must be an object whose keys are all in `allowed`.
  void expect_object(std::initializer_list<std::string_view> allowed) const;
  bool has(std::string_view key) const;
  // A member (the value must be an object); absent members are null.
  JsonReader at(std::string_view key) const;
  // Elements of an array (else fail naming `what`).
  std::vector<JsonReader> elements(std::string_view what) const;

  // This value as a type, or fail with "found <kind>, expected <what>".
  std::string text(std::string_view what = "a string") const;
  double number(std::string_view what = "a number") const;
  std::int64_t integer(std::string_view what = "an integer") const;
  bool boolean() const;
  // A duration: seconds as a number, or text such as "90s", "12h", "14d".
  Seconds duration() const;
  // A time: seconds since 1970 as a number, or "2025-12-08[Thh:mm[:ss]]" (UTC).
  Seconds time() const;
  std::vector<std::string> strings(std::string_view what) const;  // an array of strings (or one string)

  // Optional members: nullopt when absent or null.
  std::optional<std::string> opt_text(std::string_view key) const;
  std::optional<double> opt_number(std::string_view key) const;
  std::optional<std::int64_t> opt_integer(std::string_view key) const;
  std::optional<bool> opt_bool(std::string_view key) const;

 private:
  const Json* v_;
  std::string path_;
};

}  // namespace suanli::wire
