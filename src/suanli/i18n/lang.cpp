#include "suanli/i18n/lang.h"

#include <cctype>
#include <cstdlib>
#include <string>

namespace suanli::i18n {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "zh", "zh-cn", "zh_cn.utf-8", "zh-hans": the primary subtag is exactly `primary`.
bool has_primary(const std::string& tag, std::string_view primary) {
  if (tag.rfind(primary, 0) != 0) return false;
  if (tag.size() == primary.size()) return true;
  const char next = tag[primary.size()];
  return next == '-' || next == '_' || next == '.' || next == '@';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view code(Lang lang) { return lang == Lang::Zh ? "zh" : "en"; }

std::string_view html_lang(Lang lang) { return lang == Lang::Zh ? "zh-CN" : "en"; }

std::optional<Lang> parse_lang(std::string_view text) {
  const std::string t = lower(trim(text));
  if (has_primary(t, "zh")) return Lang::Zh;
  if (has_primary(t, "en")) return Lang::En;
  return std::nullopt;
}

Lang lang_from_locale(const char* lc_all, const char* lc_messages, const char* lang) {
  for (const char* v : {lc_all, lc_messages, lang}) {
    if (v == nullptr || *v == '\0') continue;
    return has_primary(lower(v), "zh") ? Lang::Zh : Lang::En;
  }
  return Lang::En;
}

Lang lang_from_accept_language(std::string_view header, Lang fallback) {
  std::optional<Lang> best;
  double best_q = 0;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    double q = 1.0;
    if (const std::size_t semi = item.find(';'); semi != std::string_view::npos) {
      std::string_view params = item.substr(semi + 1);
      item = item.substr(0, semi);
      params = trim(params);
      if (params.size() > 2 && (params[0] == 'q' || params[0] == 'Q') && params[1] == '=') {
        const std::string value(params.substr(2));
        char* end = nullptr;
        const double v = std::strtod(value.c_str(), &end);
        q = end != value.c_str() && v >= 0 && v <= 1 ? v : 0;
      }
    }
    const std::string range = lower(trim(item));
    std::optional<Lang> l;
    if (has_primary(range, "zh")) l = Lang::Zh;
    else if (has_primary(range, "en")) l = Lang::En;
    if (l && q > best_q) {
      best = l;
      best_q = q;
    }
  }
  return best.value_or(fallback);
}

}  // namespace suanli::i18n
