// Export classification of a chip under US ECCN 3A090, computed from its
// published specs (never typed in).
//
// Definitions (88 FR 73458, Technical Notes to 3A090):
//   TPP = bit length x dense TOPS, maximised over the formats the chip runs;
//   performance density PD = TPP / applicable die area (mm^2).
// Rules:
//   Oct 2022 (87 FR 62186): controlled iff bidirectional chip-to-chip
//     bandwidth >= 600 GB/s AND TPP >= 4,800.
//   Oct 2023 (88 FR 73458): 3A090.a iff TPP >= 4,800, or TPP >= 1,600 and
//     PD >= 5.92; 3A090.b iff 2,400 <= TPP < 4,800 and 1.6 <= PD < 5.92, or
//     TPP >= 1,600 and 3.2 <= PD < 5.92; a chip not designed or marketed for
//     data centres with TPP < 4,800 is outside 3A090 (Note 2).
//   Jan 2026 (91 FR 1684): licence review for China is case-by-case for
//     chips with TPP < 21,000 and DRAM bandwidth < 6,500 GB/s.
// A class that needs an unknown figure is Unknown, with the missing figure named.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "suanli/model/accelerator.h"

namespace suanli {

enum class ExportClass { Controlled3A090a, Controlled3A090b, Controlled, NotControlled, Unknown };
enum class CaseByCase { Eligible, NotEligible, Unknown };

struct ExportClassification {
  std::optional<double> tpp;                  // total processing performance
  Precision tpp_format = Precision::BF16;     // the format that gave the maximum
  std::optional<double> performance_density;  // TPP per mm^2
  ExportClass rule_2022 = ExportClass::Unknown;  // Controlled or NotControlled
  ExportClass rule_2023 = ExportClass::Unknown;  // 3A090.a, 3A090.b or NotControlled
  CaseByCase rule_2026 = CaseByCase::Unknown;
  std::string why_2022, why_2023, why_2026;   // one line each, quoting the thresholds
};

ExportClassification classify_export(const Accelerator& a);

std::string_view name(ExportClass c);
std::string_view name(CaseByCase c);

}  // namespace suanli
