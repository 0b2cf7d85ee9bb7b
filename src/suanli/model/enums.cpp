#include "suanli/model/enums.h"

#include <array>

namespace suanli {
namespace {

constexpr std::array<std::string_view, 4> kPrecisionNames = {"bf16", "fp8", "int8", "fp4"};
constexpr std::array<std::string_view, 4> kTaskNames = {"train", "prefill", "decode", "serve"};

template <typename E, std::size_t N>
std::optional<E> lookup(const std::array<std::string_view, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view name(Precision p) { return kPrecisionNames[static_cast<std::size_t>(p)]; }
std::string_view name(Origin o) { return o == Origin::Domestic ? "domestic" : "imported"; }
std::string_view name(Grade g) {
  constexpr std::array<std::string_view, 4> names = {"H", "M", "L", "unknown"};
  return names[static_cast<std::size_t>(g)];
}
std::string_view name(LinkDirection d) {
  constexpr std::array<std::string_view, 3> names = {"bidirectional", "unidirectional", "unclear"};
  return names[static_cast<std::size_t>(d)];
}
std::string_view name(Task t) { return kTaskNames[static_cast<std::size_t>(t)]; }
std::string_view name(Bound b) {
  constexpr std::array<std::string_view, 3> names = {"compute", "memory-bw", "interconnect"};
  return names[static_cast<std::size_t>(b)];
}

std::optional<Precision> parse_precision(std::string_view text) {
  if (text == "fp16") return Precision::BF16;
  return lookup<Precision>(kPrecisionNames, text);
}
std::optional<Origin> parse_origin(std::string_view text) {
  if (text == "domestic") return Origin::Domestic;
  if (text == "imported") return Origin::Imported;
  return std::nullopt;
}
std::optional<Grade> parse_grade(std::string_view text) {
  if (text == "H") return Grade::H;
  if (text == "M") return Grade::M;
  if (text == "L") return Grade::L;
  if (text == "unknown") return Grade::Unknown;
  return std::nullopt;
}
std::optional<LinkDirection> parse_link_direction(std::string_view text) {
  if (text == "bidirectional") return LinkDirection::Bidirectional;
  if (text == "unidirectional") return LinkDirection::Unidirectional;
  if (text == "unclear") return LinkDirection::Unclear;
  return std::nullopt;
}
std::optional<Task> parse_task(std::string_view text) { return lookup<Task>(kTaskNames, text); }

int bits(Precision p) {
  switch (p) {
    case Precision::BF16: return 16;
    case Precision::FP8: return 8;
    case Precision::INT8: return 8;
    case Precision::FP4: return 4;
  }
  return 16;
}
double bytes_per_value(Precision p) { return bits(p) / 8.0; }

std::span<const std::string_view> precision_names() { return kPrecisionNames; }
std::span<const std::string_view> task_names() { return kTaskNames; }

}  // namespace suanli
