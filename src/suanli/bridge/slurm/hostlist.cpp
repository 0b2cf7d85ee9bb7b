#include "suanli/bridge/slurm/hostlist.h"

#include <charconv>

#include <fmt/format.h>

#include "suanli/model/error.h"

namespace suanli::bridge::slurm {
namespace {

[[noreturn]] void bad(std::string_view expr, std::string_view why) {
  throw InputError("nodelist", fmt::format("found '{}', expected a Slurm hostlist such as 'ascend-[1-2],h200-1' ({})",
                                           expr, why));
}

long number(std::string_view expr, std::string_view digits) {
  long n = 0;
  const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size()) bad(expr, "a range bound is not a number");
  return n;
}

// One element: prefix[ranges]suffix, or a plain name.
void expand_one(std::string_view expr, std::string_view item, std::vector<std::string>& out) {
  const auto open = item.find('[');
  if (open == std::string_view::npos) {
    if (item.find(']') != std::string_view::npos) bad(expr, "']' without '['");
    if (!item.empty()) out.emplace_back(item);
    return;
  }
  const auto close = item.find(']', open);
  if (close == std::string_view::npos) bad(expr, "'[' without ']'");
  const std::string_view prefix = item.substr(0, open);
  const std::string_view ranges = item.substr(open + 1, close - open - 1);
  const std::string_view rest = item.substr(close + 1);
  std::vector<std::string> tails;
  expand_one(expr, rest, tails);  // a second bracket ("r[1-2]n[1-2]") expands on the right
  if (tails.empty()) tails.emplace_back();
  std::size_t start = 0;
  while (start <= ranges.size()) {
    const auto comma = ranges.find(',', start);
    const std::string_view r = ranges.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const auto dash = r.find('-');
    const std::string_view lo_text = dash == std::string_view::npos ? r : r.substr(0, dash);
    const std::string_view hi_text = dash == std::string_view::npos ? r : r.substr(dash + 1);
    const long lo = number(expr, lo_text), hi = number(expr, hi_text);
    if (hi < lo || hi - lo > 100000) bad(expr, "a range runs backwards or is too long");
    const int width = lo_text.size() > 1 && lo_text[0] == '0' ? static_cast<int>(lo_text.size()) : 0;
    for (long n = lo; n <= hi; ++n) {
      for (const std::string& t : tails) out.push_back(fmt::format("{}{:0{}}{}", prefix, n, width, t));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

}  // namespace

std::vector<std::string> expand_hostlist(std::string_view expr) {
  std::vector<std::string> out;
  if (expr.empty() || expr == "(null)" || expr == "None assigned") return out;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= expr.size(); ++i) {
    const char c = i < expr.size() ? expr[i] : ',';
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (depth < 0) bad(expr, "unbalanced brackets");
    if (c == ',' && depth == 0) {
      expand_one(expr, expr.substr(start, i - start), out);
      start = i + 1;
    }
  }
  if (depth != 0) bad(expr, "unbalanced brackets");
  return out;
}

std::string join_hostlist(const std::vector<std::string>& names) { return fmt::format("{}", fmt::join(names, ",")); }

}  // namespace suanli::bridge::slurm
