#include "suanli/wire/json_reader.h"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "suanli/catalog/catalog.h"

namespace suanli::wire {

Json parse_json(std::string_view text) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // nlohmann's message starts "[json.exception.parse_error.101] parse error at line 1, column 5: ..."
    std::string what = e.what();
    if (const auto colon = what.find("] "); colon != std::string::npos) what = what.substr(colon + 2);
    throw InputError("$", fmt::format("malformed JSON (byte {}): {}", e.byte, what));
  } catch (const Json::out_of_range& e) {
    // A number beyond a double's range ("1e999"): nlohmann reports no byte.
    std::string what = e.what();
    if (const auto colon = what.find("] "); colon != std::string::npos) what = what.substr(colon + 2);
    throw InputError("$", fmt::format("malformed JSON: {}, expected numbers within a double's range", what));
  }
}

std::string describe(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: {
      std::string s = j.get<std::string>();
      if (s.size() > 40) s = s.substr(0, 40) + "...";
      return fmt::format("the string \"{}\"", s);
    }
    case Json::value_t::boolean: return j.get<bool>() ? "true" : "false";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return fmt::format("the number {}", j.dump());
    default: return "a value of another kind";
  }
}

void JsonReader::expect_object(std::initializer_list<std::string_view> allowed) const {
  if (!v_->is_object()) fail(fmt::format("found {}, expected an object", describe(*v_)));
  std::vector<std::string> names(allowed.begin(), allowed.end());
  for (const auto& [key, value] : v_->items()) {
    if (std::find(names.begin(), names.end(), key) != names.end()) continue;
    const auto near = closest_names(key, names, 1);
    throw InputError(path_ + "." + key,
                     fmt::format("unknown field '{}', expected one of {}{}", key, fmt::join(names, ", "),
                                 near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near.front())));
  }
}

bool JsonReader::has(std::string_view key) const {
  if (!v_->is_object()) return false;
  auto it = v_->find(key);
  return it != v_->end() && !it->is_null();
}

JsonReader JsonReader::at(std::string_view key) const {
  static const Json null;
  if (!v_->is_object()) fail(fmt::format("found {}, expected an object", describe(*v_)));
  auto it = v_->find(key);
  return JsonReader(it == v_->end() ? null : *it, fmt::format("{}.{}", path_, key));
}

std::vector<JsonReader> JsonReader::elements(std::string_view what) const {
  if (!v_->is_array()) fail(fmt::format("found {}, expected {}", describe(*v_), what));
  std::vector<JsonReader> out;
  out.reserve(v_->size());
  for (std::size_t i = 0; i < v_->size(); ++i) out.emplace_back((*v_)[i], fmt::format("{}[{}]", path_, i));
  return out;
}

std::string JsonReader::text(std::string_view what) const {
  if (!v_->is_string()) fail(fmt::format("found {}, expected {}", describe(*v_), what));
  return v_->get<std::string>();
}

double JsonReader::number(std::string_view what) const {
  if (!v_->is_number()) fail(fmt::format("found {}, expected {}", describe(*v_), what));
  const double d = v_->get<double>();
  if (!std::isfinite(d)) fail(fmt::format("found {}, expected a finite number", v_->dump()));
  return d;
}

std::int64_t JsonReader::integer(std::string_view what) const {
  if (v_->is_number_integer() || v_->is_number_unsigned()) {
    if (v_->is_number_unsigned() && v_->get<std::uint64_t>() > static_cast<std::uint64_t>(
                                                                   std::numeric_limits<std::int64_t>::max())) {
      fail(fmt::format("found {}, expected {} in range", v_->dump(), what));
    }
    return v_->get<std::int64_t>();
  }
  if (v_->is_number_float()) {
    const double d = v_->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 9.0e15) return static_cast<std::int64_t>(d);
  }
  fail(fmt::format("found {}, expected {}", describe(*v_), what));
}

bool JsonReader::boolean() const {
  if (!v_->is_boolean()) fail(fmt::format("found {}, expected true or false", describe(*v_)));
  return v_->get<bool>();
}

Seconds JsonReader::duration() const {
  if (v_->is_number()) {
    const std::int64_t s = integer("a whole number of seconds");
    if (s < 0) fail(fmt::format("found {}, expected a duration of zero or more seconds", s));
    return s;
  }
  const std::string t = text("a duration (seconds, or text such as \"90s\", \"12h\", \"14d\")");
  const auto d = parse_duration(t);
  if (!d) fail(fmt::format("found \"{}\", expected a duration such as \"90s\", \"30m\", \"12h\", \"14d\"", t));
  return *d;
}

Seconds JsonReader::time() const {
  if (v_->is_number()) return integer("a whole number of seconds since 1970");
  const std::string t = text("a time (seconds since 1970, or \"2025-12-08T06:30\")");
  const auto parsed = parse_time(t);
  if (!parsed) fail(fmt::format("found \"{}\", expected a UTC date \"yyyy-mm-dd\" or \"yyyy-mm-ddThh:mm[:ss]\"", t));
  return *parsed;
}

std::vector<std::string> JsonReader::strings(std::string_view what) const {
  if (v_->is_string()) return {v_->get<std::string>()};
  std::vector<std::string> out;
  for (const JsonReader& e : elements(what)) out.push_back(e.text(what));
  return out;
}

std::optional<std::string> JsonReader::opt_text(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return at(key).text();
}

std::optional<double> JsonReader::opt_number(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return at(key).number();
}

std::optional<std::int64_t> JsonReader::opt_integer(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return at(key).integer();
}

std::optional<bool> JsonReader::opt_bool(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return at(key).boolean();
}

}  // namespace suanli::wire
