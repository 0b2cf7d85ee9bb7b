// Accelerator: one chip model with its published figures.
//
// Every figure carries its value (or the fact that it is unknown, or that the
// chip lacks the feature), the sources it came from and a confidence grade.
// Unknown figures stay unknown: code that needs one must say so rather than
// substitute a guess (see perf/estimate.h).
//
// Plain value type; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "suanli/model/enums.h"

namespace suanli {

// A published number with its provenance.
struct Figure {
  enum class State { Known, Unknown, Unsupported };

  State state = State::Unknown;
  double value = 0.0;            // meaningful only when state == Known
  std::optional<double> alt;     // a conflicting published value, if any
  Grade grade = Grade::Unknown;
  std::vector<std::string> sources;  // keys into Catalog::sources
  std::string note;
  bool derived = false;          // arithmetic on sourced numbers, not itself published

  bool known() const { return state == State::Known; }
  bool unsupported() const { return state == State::Unsupported; }
  // The value, or nullopt when unknown or unsupported.
  std::optional<double> get() const { return known() ? std::optional<double>(value) : std::nullopt; }

  bool operator==(const Figure&) const = default;
};

// A published text (e.g. memory type) with its provenance.
struct TextFigure {
  std::string text;  // empty when unknown
  Grade grade = Grade::Unknown;
  std::vector<std::string> sources;
  std::string note;

  bool operator==(const TextFigure&) const = default;
};

struct Accelerator {
  std::string id;      // canonical lower-case id, e.g. "h200", "ascend-910c"
  std::string name;    // display name, e.g. "NVIDIA H200 SXM"
  std::string vendor;
  Origin origin = Origin::Imported;
  std::string country;
  int year = 0;
  std::string status;  // shipping | announced | discontinued
  std::string stack;   // software stack: cuda, cann, neuware, ...
  std::string form;    // sxm | oam | pcie | module
  bool datacenter = true;  // designed or marketed for data centres (3A090 note 2)
  std::vector<std::string> aliases;
  int node_devices = 8;     // devices in a standard server
  int scaleup_devices = 8;  // devices reachable over the chip-to-chip link

  Figure bf16_tflops;   // dense BF16/FP16 tensor rate
  Figure fp8_tflops;    // dense FP8
  Figure int8_tops;     // dense INT8
  Figure fp4_tflops;    // dense FP4
  Figure mem_gb;        // device memory, GB (decimal)
  TextFigure mem_type;
  Figure mem_tbps;      // memory bandwidth, TB/s
  Figure link_gbps;     // chip-to-chip bandwidth as published
  LinkDirection link_direction = LinkDirection::Unclear;
  Figure tdp_w;
  Figure die_area_mm2;  // applicable (logic) die area, for performance density

  // The dense rate at a precision (TFLOPS or TOPS), as a Figure.
  const Figure& rate(Precision p) const;

  // Chip-to-chip bandwidth in one direction, GB/s: half the bidirectional
  // aggregate; an "unclear" figure is read as bidirectional (the cautious
  // reading). nullopt when unknown.
  std::optional<double> link_gbps_per_direction() const;

  // Aggregate bidirectional chip-to-chip bandwidth, GB/s (for the 2022 rule).
  std::optional<double> link_gbps_bidirectional() const;

  // The lowest confidence grade among the figures that are known or marked
  // unsupported; Grade::Unknown if a core figure (compute, memory, bandwidth)
  // is unknown.
  Grade lowest_grade() const;

  // Device memory in MiB (the catalog's GB are decimal): floor(mem_gb x 10^9 /
  // 2^20); 0 when unknown. Shared-device accounting counts memory in MiB.
  int mem_mib() const;

  // All figures with their field names, for listing and validation.
  struct NamedFigure {
    const char* field;
    const Figure* figure;
  };
  std::vector<NamedFigure> figures() const;

  bool operator==(const Accelerator&) const = default;
};

// Decimal GB <-> MiB (resource quantities are integer MiB; rates stay doubles).
int mib_from_gb(double gb);  // rounded up: a request never shrinks; 0 to INT_MAX (saturating)
double gb_from_mib(int mib);

}  // namespace suanli
