#include "suanli/i18n/catalogue.h"

#include <algorithm>

namespace suanli::i18n {

// Defined in messages_en.cpp and messages_zh.cpp.
std::span<const Message> english_messages();
std::span<const Message> chinese_messages();

std::span<const Message> catalogue(Lang lang) { return lang == Lang::Zh ? chinese_messages() : english_messages(); }

std::string_view message(Lang lang, std::string_view id) {
  const std::span<const Message> all = catalogue(lang);
  const auto it = std::lower_bound(all.begin(), all.end(), id,
                                   [](const Message& m, std::string_view key) { return m.id < key; });
  if (it == all.end() || it->id != id) return {};
  return it->text;
}

namespace detail {

std::string format(Lang lang, std::string_view id, fmt::format_args args) {
  const std::string_view text = message(lang, id);
  if (text.empty()) return "\u27e6" + std::string(id) + "\u27e7";
  try {
    return fmt::vformat(text, args);
  } catch (const fmt::format_error&) {
    return "\u27e6" + std::string(id) + "\u27e7 " + std::string(text);
  }
}

}  // namespace detail
}  // namespace suanli::i18n
