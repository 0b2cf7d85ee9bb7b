// The languages suanli writes in for people, and how one is chosen.
//
// Two languages: English and Simplified Chinese (zh-CN). Machine-readable
// output (JSON keys, CSV headers, ids) never changes with the language.
// Pure functions; thread-safe. The callers read the environment or the
// request and pass the values in (no getenv here).
#pragma once

#include <optional>
#include <string_view>

namespace suanli::i18n {

enum class Lang { En, Zh };

inline constexpr Lang kLangs[] = {Lang::En, Lang::Zh};

std::string_view code(Lang lang);       // "en", "zh"
std::string_view html_lang(Lang lang);  // the BCP 47 tag for lang="": "en", "zh-CN"

// A language named by a user (a --lang value, a ?lang= parameter): "en",
// "zh", and tags or locale names that start with them ("en-US", "zh-CN",
// "zh_CN.UTF-8", "zh-Hans"), in any case. nullopt for anything else.
std::optional<Lang> parse_lang(std::string_view text);

// The language a POSIX locale environment asks for, given the values of
// LC_ALL, LC_MESSAGES and LANG (null or empty = unset). The first set one in
// that order decides, as for setlocale: a zh* locale means Chinese, anything
// else (C, POSIX, en_US.UTF-8, ...) English; none set means English.
Lang lang_from_locale(const char* lc_all, const char* lc_messages, const char* lang);

// The language an HTTP Accept-Language header prefers among the two: the
// highest q-value among zh* and en* ranges (ties: the earlier one); `fallback`
// when neither appears (or only with q=0), e.g. "*" alone.
Lang lang_from_accept_language(std::string_view header, Lang fallback = Lang::En);

}  // namespace suanli::i18n
