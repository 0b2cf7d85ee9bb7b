// Reasons in words (policy/reason_text.h) and as stored data
// (wire/reason_json.h): every structured reason renders in English and in
// Chinese (no missing message, the Chinese is Chinese), a rule's reason that
// the policy gives in one language only shows marked in the other, and a
// decision's "why" read back from its JSON renders exactly as the decision.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "suanli/i18n/lang.h"
#include "suanli/policy/reason_text.h"
#include "suanli/policy/rule_reason.h"
#include "suanli/wire/codec.h"
#include "suanli/wire/reason_json.h"

namespace suanli {
namespace {

using i18n::Lang;

bool has_cjk(const std::string& text) {
  for (unsigned char c : text) {
    if (c >= 0xE3) return true;
  }
  return false;
}

std::vector<Verdict> all_verdicts() {
  using W = VerdictWhy;
  std::vector<Verdict> out;
  for (W why : {W::Domestic, W::GapJob, W::ImportedAllowed, W::WithinCap, W::CriticalTenant, W::DomesticCan,
                W::FleetCap, W::TenantCap}) {
    Verdict v;
    v.accelerator = why == W::Domestic ? "ascend-910c" : "h20";
    v.why = why;
    v.allowed = why != W::CriticalTenant && why != W::DomesticCan && why != W::FleetCap && why != W::TenantCap;
    if (why == W::CriticalTenant) v.rule = rule::kCiiDomesticOnly;
    if (why == W::DomesticCan) v.rule = rule::kGapOnly;
    if (why == W::FleetCap || why == W::TenantCap) v.rule = rule::kImportedCap;
    v.tenant = "bank";
    v.sector = "finance";
    v.domestic = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"ascend-910c", "mlu370"});
    v.in_use = 40;
    v.limit = 32;
    v.cap_share = 0.3;
    v.fleet_devices = 108;
    out.push_back(v);
  }
  return out;
}

std::vector<ReasonPart> all_parts() {
  using K = ReasonPart::Kind;
  return {{.kind = K::Busy, .accelerator = "ascend-910c", .devices = 8},
          {.kind = K::Busy, .accelerator = "h20", .milli = 500, .mem_mib = 24 * 1024},
          {.kind = K::Quota, .accelerator = "h20", .count = 64},
          {.kind = K::Capped, .accelerator = "h800"},
          {.kind = K::Denied, .accelerator = "h20", .rule = rule::kCiiDomesticOnly},
          {.kind = K::CannotRun, .accelerator = "mlu370", .text = "not ported to its software stack"},
          {.kind = K::TooFew, .accelerator = "h800", .devices = 64, .count = 32},
          {.kind = K::CannotRun, .accelerator = "mlu370", .rule = rule::kPortedStack, .text = "neuware"}};
}

// One decision for each reason code, with every verdict kind behind it.
std::vector<Decision> all_decisions() {
  using C = Reason::Code;
  std::vector<Decision> out;
  for (int code = static_cast<int>(C::None); code <= static_cast<int>(C::Cancelled); ++code) {
    Decision d;
    d.kind = Decision::Kind::Defer;
    d.job = 7;
    d.accelerator = "h20";
    d.reason = Reason{.code = static_cast<C>(code), .accelerator = "h20", .name = "asc-3", .text = "maintenance",
                      .job = 9, .priority = 5, .other = 1, .devices = 8, .milli = 250, .count = 4, .drain = code % 2 == 0,
                      .not_requeued = code == static_cast<int>(C::NodesDown), .parts = all_parts(),
                      .asked = {"h20", "h800"}};
    std::vector<Verdict> verdicts = all_verdicts();
    if (d.reason.code == C::PinnedDenied) verdicts.front() = all_verdicts()[4];
    d.verdicts = std::move(verdicts);
    if (d.reason.code == C::Placed) d.kind = Decision::Kind::Place;
    if (d.reason.code == C::Preempted) {
      d.kind = Decision::Kind::Preempt;
      d.kept = 3600;
      d.elapsed = 5400;
    }
    out.push_back(d);
  }
  Decision violation = out[static_cast<int>(C::Placed)];
  violation.violation = true;
  std::vector<Verdict> verdicts = all_verdicts();
  verdicts.front() = all_verdicts()[4];
  violation.verdicts = std::move(verdicts);
  out.push_back(violation);
  return out;
}

TEST(ReasonText, EveryReasonRendersInBothLanguages) {
  const PolicySpec policy;
  for (const Decision& d : all_decisions()) {
    const std::string en = render(d, policy, Lang::En), zh = render(d, policy, Lang::Zh);
    if (d.reason.code == Reason::Code::None) {
      EXPECT_EQ(en, "");
      continue;
    }
    EXPECT_EQ(en.find("\u27e6"), std::string::npos) << en;  // no message missing
    EXPECT_EQ(zh.find("\u27e6"), std::string::npos) << zh;
    EXPECT_FALSE(has_cjk(en)) << en;
    EXPECT_TRUE(has_cjk(zh)) << zh;
  }
  for (const Verdict& v : all_verdicts()) {
    EXPECT_FALSE(has_cjk(render(v, policy, Lang::En)));
    EXPECT_TRUE(has_cjk(render(v, policy, Lang::Zh))) << render(v, policy, Lang::Zh);
  }
}

TEST(ReasonText, SentencesInEachLanguage) {
  const PolicySpec policy;
  const std::vector<Verdict> v = all_verdicts();
  EXPECT_EQ(render(v[4], policy, Lang::En),
            "bank (finance): critical-infrastructure tenants run on domestic accelerators only");
  EXPECT_EQ(render(v[4], policy, Lang::Zh), "bank（金融）：关键信息基础设施租户仅使用国产加速卡");
  EXPECT_EQ(render(v[5], policy, Lang::Zh),
            "进口加速卡仅用于集群中国产加速卡无法运行的作业；国产 ascend-910c、mlu370 可以运行该作业");
  EXPECT_EQ(render(v[6], policy, Lang::En),
            "imported use stays inside its capped scope: fleet imported devices in use would be 40 of 32 allowed "
            "(30% of 108)");
  EXPECT_EQ(render(v[6], policy, Lang::Zh),
            "进口芯片的使用保持在限定的使用范围之内：全集群在用进口卡将达 40 张，允许 32 张（108 张的 30%）");
  Decision waits;
  waits.reason = {.code = Reason::Code::Waits, .parts = {all_parts()[0], all_parts()[4]}};
  EXPECT_EQ(render(waits, policy, Lang::En), "no ascend-910c capacity free (8 devices needed); h20 denied by cii-domestic-only");
  EXPECT_EQ(render(waits, policy, Lang::Zh), "ascend-910c 暂无空闲算力（需要 8 张卡）；h20 被规则 cii-domestic-only 拒绝");
  const Decision placed = all_decisions()[static_cast<int>(Reason::Code::Placed)];
  EXPECT_EQ(render(placed, policy, Lang::En), "placed on h20 (0.25 share): domestic accelerator");
  EXPECT_EQ(render(placed, policy, Lang::Zh), "已调度到 h20（0.25 卡的份额）：国产加速卡");  // the dashboard's 已调度
  Decision preempt = all_decisions()[static_cast<int>(Reason::Code::Preempted)];
  EXPECT_EQ(render(preempt, policy, Lang::En), "preempted by job 9 (priority 5 > 1); 1h 0m of 1h 30m kept");
  EXPECT_EQ(render(preempt, policy, Lang::Zh), "被作业 9 抢占（优先级 5 > 1）；已运行 1小时30分钟，保留其中 1小时0分钟 的进度");
  // What exists in English only (the performance model's words) is marked in Chinese.
  Decision cannot;
  cannot.reason = {.code = Reason::Code::CannotRunOn, .accelerator = "mlu370", .text = "not ported"};
  EXPECT_EQ(render(cannot, policy, Lang::Zh), "mlu370 无法运行该作业：[EN] not ported");
  // Not ported to a chip's stack is data, said in both languages.
  Decision rejected;
  rejected.kind = Decision::Kind::Reject;
  rejected.reason = {.code = Reason::Code::NothingCanRun, .parts = {all_parts().back(), all_parts()[6]}};
  EXPECT_EQ(render(rejected, policy, Lang::En), "no accelerator in the fleet can run it (mlu370: the job is not ported "
                                                "to neuware; h800: needs 64 devices, the fleet has 32)");
  EXPECT_EQ(render(rejected, policy, Lang::Zh),
            "集群中没有加速卡能运行该作业（mlu370：作业未适配 neuware 软件栈；h800：需要 64 张卡，集群只有 32 张）");
  cannot.reason.rule = rule::kPortedStack;
  cannot.reason.text = "cann";
  EXPECT_EQ(render(cannot, policy, Lang::En), "mlu370 cannot run it: the job is not ported to cann");
}

TEST(ReasonText, ARuleReasonGivenInOneLanguageShowsMarkedInTheOther) {
  PolicySpec english_only;
  english_only.cii_reason_zh.clear();
  PolicySpec chinese_only;
  chinese_only.cii_reason.clear();
  const Verdict v = all_verdicts()[4];
  EXPECT_EQ(render(v, english_only, Lang::Zh),
            "bank（金融）：[EN] critical-infrastructure tenants run on domestic accelerators only");
  EXPECT_EQ(render(v, chinese_only, Lang::En), "bank (finance): [中文] 关键信息基础设施租户仅使用国产加速卡");
  EXPECT_EQ(render(v, chinese_only, Lang::Zh), "bank（金融）：关键信息基础设施租户仅使用国产加速卡");
}

TEST(ReasonJson, TheStoredWhyRendersAsTheDecisionInBothLanguages) {
  const PolicySpec policy;
  for (const Decision& d : all_decisions()) {
    const wire::Json body = wire::decision_json(d, [](int i) { return std::to_string(i); }, policy);
    ASSERT_TRUE(wire::has_why(body));
    const Decision back = wire::read_decision_why(wire::JsonReader(body, "$"));
    EXPECT_EQ(back.reason, d.reason);
    EXPECT_EQ(back.verdicts, d.verdicts);
    for (Lang lang : i18n::kLangs) {
      EXPECT_EQ(render(back, policy, lang), render(d, policy, lang));
      const wire::Json shown = wire::localized(body, policy, lang);
      EXPECT_EQ(shown["reason"], render(d, policy, lang));
      EXPECT_EQ(shown["verdicts"][0]["reason"], render(d.verdicts[0], policy, lang));
    }
    EXPECT_EQ(wire::localized(body, policy, Lang::En), body) << "stored English is rendered English";
  }
}

TEST(ReasonJson, ADecisionStoredWithoutWhyShowsItsEnglishMarked) {
  const PolicySpec policy;
  const Decision d = all_decisions()[static_cast<int>(Reason::Code::Waits)];
  const wire::Json old = wire::without_why(wire::decision_json(d, [](int i) { return std::to_string(i); }, policy));
  ASSERT_FALSE(wire::has_why(old));
  EXPECT_FALSE(old["verdicts"][0].contains("why"));
  EXPECT_EQ(wire::localized(old, policy, Lang::En), old);
  const wire::Json zh = wire::localized(old, policy, Lang::Zh);
  EXPECT_EQ(zh["reason"], "[EN] " + render(d, policy, Lang::En));
  EXPECT_EQ(zh["verdicts"][0]["reason"], "[EN] " + render(d.verdicts[0], policy, Lang::En));
}

TEST(ReasonJson, AMalformedWhyIsALocatedInputError) {
  wire::Json body = {{"kind", "defer"}, {"why", {{"code", "sleeping"}}}};
  try {
    (void)wire::read_decision_why(wire::JsonReader(body, "$"));
    FAIL() << "accepted an unknown code";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "$.why.code");
    EXPECT_NE(std::string(e.what()).find("expected one of none, queued"), std::string::npos) << e.what();
  }
  body = {{"kind", "place"}, {"why", {{"code", "placed"}}}};
  EXPECT_THROW((void)wire::read_decision_why(wire::JsonReader(body, "$")), InputError) << "placed quotes a verdict";
}

}  // namespace
}  // namespace suanli
