// The files are plain comma-separated text without quoting (the trace never
// quotes), so a hand-written splitter is enough and keeps errors located.
#include "suanli/config/openb_reader.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "suanli/config/text_lines.h"
#include "suanli/model/error.h"

namespace suanli::config {

using trace::kMilliPerGpu;
namespace {

struct Row {
  const std::string& file;
  int line;
  const std::vector<std::string_view>& header;
  std::vector<std::string_view> cells;

  std::string where() const { return fmt::format("{}:{}", file, line); }
  [[noreturn]] void fail(std::size_t col, std::string_view expected) const {
    throw InputError(where(), fmt::format("column {} '{}': found '{}', expected {}", col + 1, header[col],
                                          cells[col], expected));
  }
  std::int64_t integer(std::size_t col, std::int64_t lo, std::int64_t hi) const {
    const std::string_view s = cells[col];
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v < lo || v > hi) {
      fail(col, hi == INT64_MAX ? fmt::format("an integer >= {}", lo) : fmt::format("an integer in {}..{}", lo, hi));
    }
    return v;
  }
  std::optional<std::int64_t> optional_integer(std::size_t col) const {
    if (cells[col].empty()) return std::nullopt;
    return integer(col, 0, INT64_MAX);
  }
};

constexpr std::string_view kNodeHeader = "sn,cpu_milli,memory_mib,gpu,model";
constexpr std::string_view kPodHeaderShort = "name,cpu_milli,memory_mib,num_gpu,gpu_milli";
constexpr std::string_view kPodHeaderFull =
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time";

std::vector<std::string_view> read_header(Lines& lines, const std::string& file,
                                          std::initializer_list<std::string_view> allowed) {
  std::string_view line;
  if (!lines.next(line)) throw InputError(file + ":1", "empty file, expected a CSV header line");
  for (std::string_view a : allowed) {
    if (line == a) return split(line, ',');
  }
  std::string expected;
  for (std::string_view a : allowed) expected += fmt::format("{}'{}'", expected.empty() ? "" : " or ", a);
  throw InputError(file + ":1", fmt::format("header: found '{}', expected {}", line, expected));
}

template <typename Fn>
void for_each_row(Lines& lines, const std::string& file, const std::vector<std::string_view>& header, Fn&& fn) {
  std::string_view line;
  while (lines.next(line)) {
    if (line.empty()) continue;  // a trailing blank line
    Row row{file, lines.number(), header, split(line, ',')};
    if (row.cells.size() != header.size()) {
      throw InputError(row.where(), fmt::format("found {} columns, expected {} ({})", row.cells.size(),
                                                header.size(), fmt::join(header, ",")));
    }
    if (row.cells[0].empty()) row.fail(0, "a name");
    fn(row);
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open the file (missing or unreadable)");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::vector<OpenbNode> parse_openb_nodes(std::string_view text, const std::string& file) {
  Lines lines(text);
  const auto header = read_header(lines, file, {kNodeHeader});
  std::vector<OpenbNode> out;
  for_each_row(lines, file, header, [&](const Row& r) {
    OpenbNode n;
    n.name = std::string(r.cells[0]);
    n.cpu_milli = r.integer(1, 0, INT64_MAX);
    n.memory_mib = r.integer(2, 0, INT64_MAX);
    n.gpus = static_cast<int>(r.integer(3, 0, 64));
    n.model = std::string(r.cells[4]);
    if (n.gpus > 0 && n.model.empty()) r.fail(4, "a GPU model for a node with GPUs");
    out.push_back(std::move(n));
  });
  return out;
}

std::vector<OpenbPod> parse_openb_pods(std::string_view text, const std::string& file) {
  Lines lines(text);
  const auto header = read_header(lines, file, {kPodHeaderFull, kPodHeaderShort});
  const bool full = header.size() == 11;
  std::vector<OpenbPod> out;
  for_each_row(lines, file, header, [&](const Row& r) {
    OpenbPod p;
    p.name = std::string(r.cells[0]);
    p.cpu_milli = r.integer(1, 0, INT64_MAX);
    p.memory_mib = r.integer(2, 0, INT64_MAX);
    p.num_gpu = static_cast<int>(r.integer(3, 0, 64));
    p.gpu_milli = r.integer(4, 0, kMilliPerGpu);
    if (p.num_gpu == 0 && p.gpu_milli != 0) r.fail(4, "0 when num_gpu is 0");
    if (p.num_gpu > 0 && p.gpu_milli == 0) r.fail(4, "1..1000 when num_gpu > 0");
    if (p.num_gpu > 1 && p.gpu_milli != kMilliPerGpu) r.fail(4, "1000 (whole GPUs) when num_gpu > 1");
    if (full) {
      if (!r.cells[5].empty()) {
        for (std::string_view m : split(r.cells[5], '|')) {
          if (m.empty()) r.fail(5, "GPU models separated by '|'");
          p.gpu_spec.emplace_back(m);
        }
      }
      p.qos = std::string(r.cells[6]);
      p.phase = std::string(r.cells[7]);
      p.creation_time = r.optional_integer(8);
      p.deletion_time = r.optional_integer(9);
      p.scheduled_time = r.optional_integer(10);
    }
    out.push_back(std::move(p));
  });
  return out;
}

std::vector<OpenbNode> read_openb_nodes(const std::string& path) { return parse_openb_nodes(read_file(path), path); }
std::vector<OpenbPod> read_openb_pods(const std::string& path) { return parse_openb_pods(read_file(path), path); }

const std::vector<TraceGpuModel>& openb_gpu_models() {
  // Catalog ids (data/accelerators.yaml, with sources). Which variant a trace
  // server used (SXM or PCIe) is not published; the entries say which they describe.
  static const std::vector<TraceGpuModel> models = {
      {"T4", "t4", "NVIDIA Tesla T4 16 GB (Turing)"},
      {"P100", "p100", "NVIDIA Tesla P100 16 GB (Pascal; PCIe variant assumed)"},
      {"V100M16", "v100-16gb", "NVIDIA Tesla V100 16 GB (Volta; SXM2 assumed)"},
      {"V100M32", "v100-32gb", "NVIDIA Tesla V100 32 GB (Volta; SXM2 assumed)"},
      {"A10", "a10", "NVIDIA A10 24 GB (Ampere)"},
      {"G1", "", "undisclosed Alibaba GPU code"},
      {"G2", "", "undisclosed Alibaba GPU code"},
      {"G3", "", "undisclosed Alibaba GPU code"},
  };
  return models;
}

}  // namespace suanli::config
