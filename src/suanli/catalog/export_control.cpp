#include "suanli/catalog/export_control.h"

#include <fmt/format.h>

namespace suanli {
namespace {

constexpr double kTpp2022 = 4800;        // 87 FR 62186
constexpr double kLink2022Gbps = 600;    // 87 FR 62186, aggregate bidirectional
constexpr double kTppA = 4800;           // 88 FR 73458, 3A090.a
constexpr double kTppAWithDensity = 1600;
constexpr double kPdA = 5.92;
constexpr double kTppBLow = 2400;        // 3A090.b.1
constexpr double kPdBLow = 1.6;
constexpr double kPdB2 = 3.2;            // 3A090.b.2
constexpr double kTpp2026 = 21000;       // 91 FR 1684
constexpr double kDramGbps2026 = 6500;

void compute_tpp(const Accelerator& a, ExportClassification& out) {
  for (Precision p : {Precision::BF16, Precision::FP8, Precision::INT8, Precision::FP4}) {
    const Figure& rate = a.rate(p);
    if (!rate.known()) continue;
    const double tpp = rate.value * bits(p);
    if (!out.tpp || tpp > *out.tpp) {
      out.tpp = tpp;
      out.tpp_format = p;
    }
  }
  if (out.tpp && a.die_area_mm2.known() && a.die_area_mm2.value > 0) {
    out.performance_density = *out.tpp / a.die_area_mm2.value;
  }
}

void classify_2022(const Accelerator& a, ExportClassification& out) {
  const auto link = a.link_gbps_bidirectional();
  if (out.tpp && *out.tpp < kTpp2022) {
    out.rule_2022 = ExportClass::NotControlled;
    out.why_2022 = fmt::format("TPP {:.0f} < 4,800", *out.tpp);
  } else if (link && *link < kLink2022Gbps) {
    out.rule_2022 = ExportClass::NotControlled;
    out.why_2022 = fmt::format("chip-to-chip {:.0f} GB/s < 600 GB/s", *link);
  } else if (out.tpp && link) {
    out.rule_2022 = ExportClass::Controlled;
    out.why_2022 = fmt::format("TPP {:.0f} >= 4,800 and chip-to-chip {:.0f} GB/s >= 600 GB/s", *out.tpp, *link);
  } else {
    out.why_2022 = out.tpp ? "chip-to-chip bandwidth unknown" : "no dense compute rate known (TPP unknown)";
  }
}

void classify_2023(const Accelerator& a, ExportClassification& out) {
  if (!out.tpp) {
    out.why_2023 = "no dense compute rate known (TPP unknown)";
    return;
  }
  const double tpp = *out.tpp;
  if (tpp >= kTppA) {
    out.rule_2023 = ExportClass::Controlled3A090a;
    out.why_2023 = fmt::format("TPP {:.0f} >= 4,800", tpp);
    return;
  }
  if (!a.datacenter) {
    out.rule_2023 = ExportClass::NotControlled;
    out.why_2023 = fmt::format("not a data-centre part and TPP {:.0f} < 4,800 (Note 2)", tpp);
    return;
  }
  if (tpp < kTppAWithDensity) {
    out.rule_2023 = ExportClass::NotControlled;
    out.why_2023 = fmt::format("TPP {:.0f} < 1,600", tpp);
    return;
  }
  if (!out.performance_density) {
    out.why_2023 = fmt::format("TPP {:.0f} is between 1,600 and 4,800 and the die area is unknown (PD needed)", tpp);
    return;
  }
  const double pd = *out.performance_density;
  if (pd >= kPdA) {
    out.rule_2023 = ExportClass::Controlled3A090a;
    out.why_2023 = fmt::format("TPP {:.0f} >= 1,600 and PD {:.2f} >= 5.92", tpp, pd);
  } else if ((tpp >= kTppBLow && pd >= kPdBLow) || pd >= kPdB2) {
    out.rule_2023 = ExportClass::Controlled3A090b;
    out.why_2023 = tpp >= kTppBLow && pd >= kPdBLow
                       ? fmt::format("2,400 <= TPP {:.0f} < 4,800 and 1.6 <= PD {:.2f} < 5.92", tpp, pd)
                       : fmt::format("TPP {:.0f} >= 1,600 and 3.2 <= PD {:.2f} < 5.92", tpp, pd);
  } else {
    out.rule_2023 = ExportClass::NotControlled;
    out.why_2023 = fmt::format("TPP {:.0f} < 4,800 with PD {:.2f} below the 3A090.b thresholds", tpp, pd);
  }
}

void classify_2026(const Accelerator& a, ExportClassification& out) {
  const auto bw = a.mem_tbps.get();
  if (out.tpp && *out.tpp >= kTpp2026) {
    out.rule_2026 = CaseByCase::NotEligible;
    out.why_2026 = fmt::format("TPP {:.0f} >= 21,000", *out.tpp);
  } else if (bw && *bw * 1000 >= kDramGbps2026) {
    out.rule_2026 = CaseByCase::NotEligible;
    out.why_2026 = fmt::format("DRAM bandwidth {:.0f} GB/s >= 6,500 GB/s", *bw * 1000);
  } else if (out.tpp && bw) {
    out.rule_2026 = CaseByCase::Eligible;
    out.why_2026 = fmt::format("TPP {:.0f} < 21,000 and DRAM bandwidth {:.0f} GB/s < 6,500 GB/s", *out.tpp, *bw * 1000);
  } else {
    out.why_2026 = out.tpp ? "memory bandwidth unknown" : "no dense compute rate known (TPP unknown)";
  }
}

}  // namespace

ExportClassification classify_export(const Accelerator& a) {
  ExportClassification out;
  compute_tpp(a, out);
  classify_2022(a, out);
  classify_2023(a, out);
  classify_2026(a, out);
  return out;
}

std::string_view name(ExportClass c) {
  switch (c) {
    case ExportClass::Controlled3A090a: return "3A090.a";
    case ExportClass::Controlled3A090b: return "3A090.b";
    case ExportClass::Controlled: return "controlled";
    case ExportClass::NotControlled: return "not controlled";
    case ExportClass::Unknown: return "unknown";
  }
  return "unknown";
}

std::string_view name(CaseByCase c) {
  switch (c) {
    case CaseByCase::Eligible: return "eligible";
    case CaseByCase::NotEligible: return "not eligible";
    case CaseByCase::Unknown: return "unknown";
  }
  return "unknown";
}

}  // namespace suanli
