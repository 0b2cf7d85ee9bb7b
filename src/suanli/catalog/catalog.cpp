#include "suanli/catalog/catalog.h"

#include <algorithm>
#include <cctype>
#include <numeric>

#include "suanli/model/error.h"

namespace suanli {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Ids, aliases and user spellings compare after lower-casing and folding '_'
// and ' ' into '-', so "H200_SXM", "h200 sxm" and "h200-sxm" all match.
std::string fold(std::string_view s) {
  std::string out = lower(s);
  std::replace(out.begin(), out.end(), '_', '-');
  std::replace(out.begin(), out.end(), ' ', '-');
  return out;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  std::iota(prev.begin(), prev.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

template <typename T>
const T* find_by_name(const std::vector<T>& items, std::string_view name) {
  const std::string key = fold(name);
  for (const T& item : items) {
    if (fold(item.id) == key) return &item;
  }
  if constexpr (requires(const T& t) { t.aliases; }) {
    for (const T& item : items) {
      for (const std::string& alias : item.aliases) {
        if (fold(alias) == key) return &item;
      }
    }
  }
  return nullptr;
}

template <typename T>
[[noreturn]] void throw_unknown(const std::vector<T>& items, std::string_view name, std::string_view what,
                                std::string_view kind) {
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const T& item : items) ids.push_back(item.id);
  std::string message = "unknown " + std::string(kind) + " '" + std::string(name) + "'";
  const auto near = closest_names(name, ids);
  if (!near.empty()) {
    message += "; did you mean ";
    for (std::size_t i = 0; i < near.size(); ++i) message += (i ? ", '" : "'") + near[i] + "'";
    message += "?";
  } else {
    message += "; `suanli catalog` lists the known names";
  }
  throw InputError(std::string(what), message);
}

template <typename T>
T& upsert_into(std::vector<T>& items, T item) {
  for (T& existing : items) {
    if (fold(existing.id) == fold(item.id)) return existing = std::move(item);
  }
  return items.emplace_back(std::move(item));
}

}  // namespace

const Accelerator* Catalog::find_accelerator(std::string_view name) const { return find_by_name(accelerators, name); }
const ModelSpec* Catalog::find_model(std::string_view name) const { return find_by_name(models, name); }

const Accelerator& Catalog::accelerator(std::string_view name, std::string_view what) const {
  if (const Accelerator* a = find_accelerator(name)) return *a;
  throw_unknown(accelerators, name, what, "accelerator");
}

const ModelSpec& Catalog::model(std::string_view name, std::string_view what) const {
  if (const ModelSpec* m = find_model(name)) return *m;
  throw_unknown(models, name, what, "model");
}

Accelerator& Catalog::upsert(Accelerator a) { return upsert_into(accelerators, std::move(a)); }
ModelSpec& Catalog::upsert(ModelSpec m) { return upsert_into(models, std::move(m)); }

std::vector<std::string> closest_names(std::string_view name, const std::vector<std::string>& candidates,
                                       std::size_t limit) {
  const std::string key = fold(name);
  const std::size_t threshold = std::max<std::size_t>(2, key.size() / 3);
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const std::string& c : candidates) {
    const std::string folded = fold(c);
    std::size_t d = edit_distance(key, folded);
    // A typed prefix or fragment ("910c", "llama-3.1") is a strong hint.
    if (!key.empty() && folded.find(key) != std::string::npos) d = std::min<std::size_t>(d, 1);
    if (d <= threshold) scored.emplace_back(d, c);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && out.size() < limit; ++i) out.push_back(scored[i].second);
  return out;
}

}  // namespace suanli
