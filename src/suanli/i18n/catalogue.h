// The message catalogue: every text suanli writes for people in reports and
// terminal output, in English and Simplified Chinese, compiled in
// (messages_en.cpp, messages_zh.cpp). No translation happens at run time.
//
// A message is looked up by id ("sim.title") and formatted with named
// arguments in fmt's syntax: tr(lang, "sim.title", arg("name", s)) with the
// text "suanli simulation: {name}". Translations may reorder, repeat or leave
// out arguments (English uses {s} for a plural ending that Chinese does not
// need). tests/unit/i18n_test.cpp checks that both catalogues hold the same
// ids, that the ids the sources use exist and that every id is used.
//
// Pure; thread-safe (the catalogues are constant data).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "suanli/i18n/lang.h"

namespace suanli::i18n {

struct Message {
  std::string_view id;
  std::string_view text;
};

// One language's catalogue, sorted by id (the test checks the order).
std::span<const Message> catalogue(Lang lang);

// The text of message `id` in `lang`; empty when the catalogue lacks it.
std::string_view message(Lang lang, std::string_view id);

using fmt::arg;  // arg("name", value): a named argument for tr()

namespace detail {
std::string format(Lang lang, std::string_view id, fmt::format_args args);
}  // namespace detail

// Message `id` in `lang` with its {name} placeholders filled from `args`
// (made with arg()). Programmer errors show rather than vanish (the test
// catches both): a missing id gives "⟦id⟧"; a placeholder without an
// argument gives the unformatted text marked "⟦id⟧" in front.
template <typename... Args>
std::string tr(Lang lang, std::string_view id, const Args&... args) {
  return detail::format(lang, id, fmt::make_format_args(args...));
}

}  // namespace suanli::i18n
