// Languages: the message catalogues (the same ids in both, every id used and
// every id the sources use present, the same placeholders, no English left in
// the Chinese one), choosing a language, formatting for it, the policy's
// reasons in both languages with their visible fallback, the chips' Chinese
// names, and the reports' language.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/args.h>
#include <gtest/gtest.h>

#include "suanli/config/catalog_loader.h"
#include "suanli/config/scenario_loader.h"
#include "suanli/i18n/catalogue.h"
#include "suanli/i18n/format.h"
#include "suanli/i18n/lang.h"
#include "suanli/i18n/terms.h"
#include "suanli/model/error.h"
#include "suanli/policy/coverage.h"
#include "suanli/policy/rule_reason.h"
#include "suanli/report/catalog_report.h"
#include "suanli/report/coverage_report.h"
#include "suanli/report/html_report.h"

namespace suanli {
namespace {

namespace fs = std::filesystem;
using i18n::Lang;

// {name} placeholders of a message text ({{ and }} are literal braces).
std::set<std::string> placeholders(std::string_view text) {
  std::set<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      if (i + 1 < text.size() && text[i + 1] == '{') {
        ++i;
        continue;
      }
      const std::size_t end = text.find('}', i);
      std::string name(text.substr(i + 1, end - i - 1));
      out.insert(name.substr(0, name.find(':')));
      i = end;
    }
  }
  return out;
}

bool has_cjk(std::string_view text) {
  // Any code point from U+3000 up (CJK punctuation, ideographs, full-width forms).
  for (unsigned char c : text) {
    if (c >= 0xE3) return true;
  }
  return false;
}

TEST(Catalogue, SortedUniqueAndTheSameIdsInBothLanguages) {
  for (Lang lang : i18n::kLangs) {
    const auto all = i18n::catalogue(lang);
    ASSERT_FALSE(all.empty());
    for (std::size_t i = 1; i < all.size(); ++i) {
      EXPECT_LT(all[i - 1].id, all[i].id) << "catalogue " << i18n::code(lang) << " not sorted or has a duplicate at "
                                          << all[i].id;
    }
  }
  std::set<std::string_view> en, zh;
  for (const auto& m : i18n::catalogue(Lang::En)) en.insert(m.id);
  for (const auto& m : i18n::catalogue(Lang::Zh)) zh.insert(m.id);
  for (std::string_view id : en) EXPECT_TRUE(zh.count(id)) << "missing in the Chinese catalogue: " << id;
  for (std::string_view id : zh) EXPECT_TRUE(en.count(id)) << "missing in the English catalogue: " << id;
}

TEST(Catalogue, SamePlaceholdersNothingEmptyNoEnglishLeftInChinese) {
  for (const auto& m : i18n::catalogue(Lang::En)) {
    const std::string_view zh = i18n::message(Lang::Zh, m.id);
    EXPECT_FALSE(m.text.empty()) << m.id;
    EXPECT_FALSE(zh.empty()) << m.id;
    std::set<std::string> en_args = placeholders(m.text), zh_args = placeholders(zh);
    en_args.erase("s");  // the English plural ending, which Chinese does not need
    EXPECT_EQ(en_args, zh_args) << m.id << ": \"" << m.text << "\" vs \"" << zh << "\"";
    // Chinese texts are Chinese, except the few that are punctuation or
    // names the two languages share.
    static const std::set<std::string_view> kSame = {"sector.other"};
    if (!kSame.count(m.id)) {
      EXPECT_TRUE(has_cjk(zh)) << m.id << ": \"" << zh << "\" has no Chinese";
    }
    // Every text formats with its placeholders bound (a number fits every spec used).
    for (Lang lang : i18n::kLangs) {
      fmt::dynamic_format_arg_store<fmt::format_context> args;
      for (const std::string& name : placeholders(i18n::message(lang, m.id))) {
        args.push_back(fmt::arg(name.c_str(), 1.5));
      }
      EXPECT_NO_THROW((void)fmt::vformat(i18n::message(lang, m.id), args)) << m.id << " in " << i18n::code(lang);
    }
  }
}

// The string literals of `text` shaped like a message id: "ns.rest", ns of
// [a-z][a-z0-9_]*, rest of [a-z0-9_.]+. (A hand scan: GCC 12's std::regex
// trips -Wmaybe-uninitialized in the sanitizer build.)
std::vector<std::string> dotted_literals(const std::string& text) {
  auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  auto word = [&](char c) { return lower(c) || (c >= '0' && c <= '9') || c == '_'; };
  std::vector<std::string> out;
  for (std::size_t i = text.find('"'); i != std::string::npos; i = text.find('"', i + 1)) {
    std::size_t j = i + 1;
    if (j >= text.size() || !lower(text[j])) continue;
    while (j < text.size() && word(text[j])) ++j;
    if (j >= text.size() || text[j] != '.') continue;
    const std::size_t rest = ++j;
    while (j < text.size() && (word(text[j]) || text[j] == '.')) ++j;
    if (j == rest || j >= text.size() || text[j] != '"') continue;
    out.push_back(text.substr(i + 1, j - i - 1));
    i = j;  // the closing quote is not the next literal's opening one
  }
  return out;
}

// Ids are used as string literals ("sim.title"), never built at run time, so
// a scan of the sources finds every use.
TEST(Catalogue, EveryIdUsedAndEveryUsedIdPresent) {
  std::set<std::string> namespaces, ids;
  for (const auto& m : i18n::catalogue(Lang::En)) {
    ids.emplace(m.id);
    namespaces.insert(std::string(m.id.substr(0, m.id.find('.'))));
  }
  std::map<std::string, std::string> used;  // id -> a file using it
  for (const auto& e : fs::recursive_directory_iterator(fs::path(SUANLI_SOURCE_DIR) / "src" / "suanli")) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file() || name.rfind("messages_", 0) == 0) continue;
    if (e.path().extension() != ".cpp" && e.path().extension() != ".h") continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    for (const std::string& id : dotted_literals(text)) {
      if (namespaces.count(id.substr(0, id.find('.')))) used.emplace(id, e.path().string());
    }
  }
  for (const auto& [id, file] : used) EXPECT_TRUE(ids.count(id)) << file << " uses " << id << ", which no catalogue has";
  for (const std::string& id : ids) EXPECT_TRUE(used.count(id)) << "message " << id << " is never used";
}

TEST(Catalogue, MissingIdAndBadFormatShowRatherThanVanish) {
  EXPECT_EQ(i18n::tr(Lang::En, "no.such_id"), "\u27e6no.such_id\u27e7");
  EXPECT_EQ(i18n::tr(Lang::Zh, "sim.title", i18n::arg("name", "x")), "suanli 仿真报告：x");
  EXPECT_NE(i18n::tr(Lang::En, "sim.title").find("\u27e6sim.title\u27e7"), std::string::npos);
}

TEST(Lang, ParsesFlagsLocalesAndHeaders) {
  EXPECT_EQ(i18n::parse_lang("zh"), Lang::Zh);
  EXPECT_EQ(i18n::parse_lang("zh-CN"), Lang::Zh);
  EXPECT_EQ(i18n::parse_lang("ZH_cn.UTF-8"), Lang::Zh);
  EXPECT_EQ(i18n::parse_lang("en-US"), Lang::En);
  EXPECT_FALSE(i18n::parse_lang("fr"));
  EXPECT_FALSE(i18n::parse_lang("zhx"));
  EXPECT_FALSE(i18n::parse_lang(""));

  EXPECT_EQ(i18n::lang_from_locale(nullptr, nullptr, "zh_CN.UTF-8"), Lang::Zh);
  EXPECT_EQ(i18n::lang_from_locale("C", nullptr, "zh_CN.UTF-8"), Lang::En);  // LC_ALL wins
  EXPECT_EQ(i18n::lang_from_locale("", "zh_TW.UTF-8", "en_US.UTF-8"), Lang::Zh);
  EXPECT_EQ(i18n::lang_from_locale(nullptr, nullptr, nullptr), Lang::En);
  EXPECT_EQ(i18n::lang_from_locale(nullptr, nullptr, "POSIX"), Lang::En);

  EXPECT_EQ(i18n::lang_from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
  EXPECT_EQ(i18n::lang_from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8"), Lang::En);
  EXPECT_EQ(i18n::lang_from_accept_language("fr, zh;q=0.5"), Lang::Zh);
  EXPECT_EQ(i18n::lang_from_accept_language("zh;q=0, en;q=0.1"), Lang::En);
  EXPECT_EQ(i18n::lang_from_accept_language("*", Lang::Zh), Lang::Zh);
  EXPECT_EQ(i18n::lang_from_accept_language("", Lang::En), Lang::En);
}

TEST(Format, DatesDurationsAndMoneyPerLanguage) {
  const Seconds t = *parse_time("2025-12-08T06:30");
  EXPECT_EQ(i18n::date(Lang::En, t), "2025-12-08");
  EXPECT_EQ(i18n::date(Lang::Zh, t), "2025年12月8日");
  EXPECT_EQ(i18n::date_time(Lang::Zh, t), "2025年12月8日 06:30");
  EXPECT_EQ(i18n::month(Lang::Zh, t), "2025年12月");
  EXPECT_EQ(i18n::duration(Lang::En, 3 * kDay + 4 * kHour), "3d 4h");
  EXPECT_EQ(i18n::duration(Lang::Zh, 3 * kDay + 4 * kHour), "3天4小时");
  EXPECT_EQ(i18n::duration(Lang::Zh, 45 * kMinute), "45分钟");
  EXPECT_EQ(i18n::duration(Lang::Zh, -12), "-12秒");
  EXPECT_EQ(i18n::usd(Lang::En, 1234567), "USD 1,234,567");
  EXPECT_EQ(i18n::usd(Lang::Zh, 1234567), "1,234,567 美元");
  EXPECT_EQ(i18n::usd_short(Lang::En, 1.2e6), "USD 1.2M");
  EXPECT_EQ(i18n::usd_short(Lang::Zh, 1.2e6), "120万美元");
  EXPECT_EQ(i18n::usd_short(Lang::Zh, 3.5e9), "35.0亿美元");
  EXPECT_EQ(i18n::percent(Lang::Zh, 0.924), "92.4%");
}

TEST(Terms, OriginsSectorsVendors) {
  EXPECT_EQ(i18n::origin_name(Origin::Domestic, Lang::Zh), "国产");
  EXPECT_EQ(i18n::origin_name(Origin::Imported, Lang::Zh), "进口");
  EXPECT_EQ(i18n::origin_name(Origin::Imported, Lang::En), "imported");
  EXPECT_EQ(i18n::sector_name("government", Lang::Zh), "政务");
  EXPECT_EQ(i18n::sector_name("telecom", Lang::Zh), "电信");
  EXPECT_EQ(i18n::sector_name("lunar", Lang::Zh), "lunar");  // unknown: as written
  EXPECT_EQ(i18n::vendor_name("Huawei", Lang::Zh), "华为");
  EXPECT_EQ(i18n::vendor_name("Acme", Lang::Zh), "Acme");
  EXPECT_EQ(i18n::vendor_name("Moore Threads", Lang::En), "Moore Threads");
}

TEST(RuleReason, BothLanguagesFromTheShippedPolicies) {
  for (const char* name : {"seed", "strict"}) {
    const PolicySpec p = config::load_policy(name);
    for (Rule r : kRules) {
      for (Lang lang : i18n::kLangs) {
        EXPECT_FALSE(rule_reason_is_fallback(p, r, lang)) << name << " " << rule_id(r) << " " << i18n::code(lang);
        EXPECT_FALSE(rule_reason(p, r, lang).empty());
      }
      EXPECT_TRUE(has_cjk(rule_reason(p, r, Lang::Zh))) << name << " " << rule_id(r);
    }
  }
  // strict states its own cap in both languages (not the seed's 30%).
  const PolicySpec strict = config::load_policy("strict");
  EXPECT_NE(rule_reason(strict, Rule::ImportedCap, Lang::Zh).find("10%"), std::string::npos);
  EXPECT_NE(rule_reason(strict, Rule::ImportedCap, Lang::En).find("10%"), std::string::npos);
}

TEST(RuleReason, OneLanguageFallsBackVisibly) {
  PolicySpec p;
  p.cap_reason_zh.clear();
  EXPECT_TRUE(rule_reason_is_fallback(p, Rule::ImportedCap, Lang::Zh));
  EXPECT_EQ(rule_reason(p, Rule::ImportedCap, Lang::Zh), "[EN] " + p.cap_reason);
  EXPECT_EQ(rule_reason(p, Rule::ImportedCap, Lang::En), p.cap_reason);
  p.gap_reason.clear();
  EXPECT_EQ(rule_reason(p, Rule::GapOnly, Lang::En), "[中文] " + p.gap_reason_zh);
  EXPECT_EQ(rule_reason(p, "gap-only", Lang::En), "[中文] " + p.gap_reason_zh);
  EXPECT_FALSE(rule_reason(p, "no-such-rule", Lang::En));
  EXPECT_EQ(parse_rule("ported-stack"), Rule::PortedStack);
  EXPECT_EQ(rule_title(Rule::CiiDomesticOnly, Lang::Zh), "关键信息基础设施仅用国产芯片");
}

TEST(RuleReason, AUserPolicyGivingOneLanguageReplacesBoth) {
  const PolicySpec en_only = config::parse_policy(
      "base: seed\nrules:\n  imported-cap: {fleet: 0.2, reason: \"imports stay under a fifth\"}\n", "mine.yaml");
  EXPECT_EQ(rule_reason(en_only, Rule::ImportedCap, Lang::Zh), "[EN] imports stay under a fifth");
  // The rules it does not touch keep the seed's two texts.
  EXPECT_FALSE(rule_reason_is_fallback(en_only, Rule::CiiDomesticOnly, Lang::Zh));
  const PolicySpec zh_only = config::parse_policy(
      "base: seed\nrules:\n  gap-only: {reason_zh: \"进口芯片只补缺口\"}\n", "mine.yaml");
  EXPECT_EQ(rule_reason(zh_only, Rule::GapOnly, Lang::En), "[中文] 进口芯片只补缺口");
  EXPECT_EQ(rule_reason(zh_only, Rule::GapOnly, Lang::Zh), "进口芯片只补缺口");
  // The English verdicts quote the marked text rather than an empty reason.
  EXPECT_THROW(config::parse_policy("name: x\nrules:\n  gap-only: {reason: \"\"}\n", "mine.yaml"), InputError);
}

TEST(ChineseNames, EveryDomesticChipHasOneWithSources) {
  const Catalog c = config::load_catalog({});
  for (const Accelerator& a : c.accelerators) {
    if (a.origin == Origin::Domestic) {
      EXPECT_FALSE(a.name_zh.text.empty()) << a.id;
    }
    if (!a.name_zh.text.empty()) {
      EXPECT_NE(a.name_zh.grade, Grade::Unknown) << a.id;
      ASSERT_FALSE(a.name_zh.sources.empty()) << a.id;
      for (const std::string& s : a.name_zh.sources) EXPECT_TRUE(c.sources.count(s)) << a.id << " cites " << s;
      EXPECT_TRUE(has_cjk(a.name_zh.text)) << a.id;
    }
  }
  EXPECT_EQ(c.accelerator("ascend-910c", "test").name_zh.text, "昇腾 910C");
  EXPECT_EQ(c.accelerator("c500", "test").name_zh.text, "沐曦 曦云 C500");
  EXPECT_EQ(c.accelerator("bi-v150", "test").name_zh.text, "天数智芯 天垓 150");
  EXPECT_TRUE(c.accelerator("k80", "test").name_zh.text.empty());
}

TEST(ChineseNames, AUserCatalogMustCiteASourceThatExists) {
  const fs::path dir = fs::temp_directory_path() / "suanli_i18n_test";
  fs::create_directories(dir);
  auto load = [&](const std::string& yaml) {
    const fs::path f = dir / "chips.yaml";
    std::ofstream(f) << yaml;
    config::CatalogFiles files;
    files.accelerators = f.string();
    return config::load_catalog(files);
  };
  EXPECT_EQ(load("accelerators:\n  - id: h200\n    name_zh: {text: \"辉达 H200\", grade: L, source: [Z3]}\n")
                .accelerator("h200", "test")
                .name_zh.text,
            "辉达 H200");
  EXPECT_THROW(load("accelerators:\n  - id: h200\n    name_zh: {text: \"辉达 H200\", grade: L, source: [NOPE]}\n"),
               InputError);
  EXPECT_THROW(load("accelerators:\n  - id: h200\n    name_zh: {text: \"辉达 H200\"}\n"), InputError);
  fs::remove_all(dir);
}

TEST(Reports, CatalogAndCheckSpeakChineseAndKeepJsonEnglish) {
  const Catalog c = config::load_catalog({});
  const std::string table = report::accelerator_table(c, Lang::Zh).render();
  EXPECT_NE(table.find("昇腾 910C"), std::string::npos);
  EXPECT_NE(table.find("国产"), std::string::npos);
  EXPECT_EQ(report::accelerator_table(c).render().find("国产"), std::string::npos);
  EXPECT_NE(report::accelerators_json(c).find("\"name_zh\": \"昇腾 910C\""), std::string::npos);

  const Scenario s = config::load_scenario(c, "h200-window");
  const Coverage cov = analyse_coverage(s, c);
  const std::string zh = report::coverage_text(s, cov, c, Lang::Zh);
  EXPECT_NE(zh.find("关键信息基础设施租户仅使用国产加速卡"), std::string::npos);
  EXPECT_EQ(zh.find("[EN]"), std::string::npos);
  EXPECT_NE(report::coverage_text(s, cov, c, Lang::En).find("critical-infrastructure tenants run on domestic"),
            std::string::npos);
}

TEST(Reports, HtmlPageLanguageAndFonts) {
  const std::string zh = report::html_page_start("标题", Lang::Zh);
  EXPECT_NE(zh.find("<html lang=\"zh-CN\">"), std::string::npos);
  EXPECT_NE(zh.find("\"Noto Sans CJK SC\""), std::string::npos);
  EXPECT_NE(zh.find("\"WenQuanYi Micro Hei\""), std::string::npos);
  const std::string en = report::html_page_start("title");
  EXPECT_NE(en.find("<html lang=\"en\">"), std::string::npos);
  // Chinese fonts come first on a Chinese page, the system UI font first on an English one.
  EXPECT_LT(zh.find("PingFang SC"), zh.find("system-ui"));
  EXPECT_LT(en.find("system-ui"), en.find("PingFang SC"));
}

}  // namespace
}  // namespace suanli
