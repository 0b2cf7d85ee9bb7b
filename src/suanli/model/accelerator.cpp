#include "suanli/model/accelerator.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace suanli {

const Figure& Accelerator::rate(Precision p) const {
  switch (p) {
    case Precision::BF16: return bf16_tflops;
    case Precision::FP8: return fp8_tflops;
    case Precision::INT8: return int8_tops;
    case Precision::FP4: return fp4_tflops;
  }
  return bf16_tflops;
}

namespace {
constexpr double kBytesPerGB = 1e9;
constexpr double kBytesPerMiB = 1048576.0;

// A whole number of MiB as an int, saturating: a user's figure far beyond any
// device (1e300 GB) must not be an out-of-range conversion.
int saturated_mib(double mib) {
  if (!(mib > 0)) return 0;
  return mib >= static_cast<double>(std::numeric_limits<int>::max()) ? std::numeric_limits<int>::max()
                                                                      : static_cast<int>(mib);
}

}  // namespace

int Accelerator::mem_mib() const {
  return mem_gb.known() ? saturated_mib(std::floor(mem_gb.value * kBytesPerGB / kBytesPerMiB)) : 0;
}

int mib_from_gb(double gb) { return saturated_mib(std::ceil(gb * kBytesPerGB / kBytesPerMiB - 1e-9)); }

double gb_from_mib(int mib) { return static_cast<double>(mib) * kBytesPerMiB / kBytesPerGB; }

std::optional<double> Accelerator::link_gbps_per_direction() const {
  if (!link_gbps.known()) return std::nullopt;
  return link_direction == LinkDirection::Unidirectional ? link_gbps.value : link_gbps.value / 2.0;
}

std::optional<double> Accelerator::link_gbps_bidirectional() const {
  if (!link_gbps.known()) return std::nullopt;
  return link_direction == LinkDirection::Unidirectional ? link_gbps.value * 2.0 : link_gbps.value;
}

std::vector<Accelerator::NamedFigure> Accelerator::figures() const {
  return {{"bf16_tflops", &bf16_tflops}, {"fp8_tflops", &fp8_tflops}, {"int8_tops", &int8_tops},
          {"fp4_tflops", &fp4_tflops},   {"mem_gb", &mem_gb},         {"mem_tbps", &mem_tbps},
          {"link_gbps", &link_gbps},     {"tdp_w", &tdp_w},           {"die_area_mm2", &die_area_mm2}};
}

Grade Accelerator::lowest_grade() const {
  // Compute, capacity and bandwidth decide every estimate: if one is unknown
  // the chip as a whole is graded unknown.
  for (const Figure* core : {&bf16_tflops, &mem_gb, &mem_tbps}) {
    if (!core->known()) return Grade::Unknown;
  }
  Grade lowest = Grade::H;
  for (const auto& [field, figure] : figures()) {
    if (figure->state != Figure::State::Unknown) lowest = std::max(lowest, figure->grade);
  }
  return lowest;
}

}  // namespace suanli
