// `suanli plan`: the capacity planner (issue 5), a thin shell over plan::plan.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "suanli/cli/command.h"
#include "suanli/config/plan_loader.h"
#include "suanli/model/error.h"
#include "suanli/plan/planner.h"
#include "suanli/report/plan_html.h"
#include "suanli/report/plan_report.h"

namespace suanli::cli {
namespace {

struct PlanFlags {
  std::string file;
  bool json = false;
  std::string sweep;
  std::string compare;
  std::string html;
  std::string lang;
  double time_limit_s = 60;
};

// "domestic-share=0.5:1.0:0.1" -> 0.5, 0.6, ... 1.0
std::vector<double> parse_sweep(const std::string& text) {
  const std::string prefix = "domestic-share=";
  auto bad = [&] {
    return InputError("--sweep", fmt::format("found '{}', expected domestic-share=FROM:TO:STEP with shares in 0..1, "
                                             "e.g. domestic-share=0.5:1.0:0.1", text));
  };
  if (text.rfind(prefix, 0) != 0) throw bad();
  double from = 0, to = 0, step = 0;
  char tail = 0;
  if (std::sscanf(text.c_str() + prefix.size(), "%lf:%lf:%lf%c", &from, &to, &step, &tail) != 3) throw bad();
  if (from < 0 || to > 1 || from > to || step <= 0) throw bad();
  std::vector<double> out;
  for (int i = 0;; ++i) {
    const double t = from + i * step;
    if (t > to + 1e-9 || i > 1000) break;
    out.push_back(std::min(1.0, t));
  }
  return out;
}

}  // namespace

void add_plan_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("plan", "Plan what to buy under sovereignty rules, a budget and an import cut (MILP, CBC)");
  cmd->footer(
      "Examples:\n"
      "  suanli plan data/plans/h200-q1-2026.yaml                  the purchase plan, costs, what binds\n"
      "  suanli plan data/plans/h200-q1-2026.yaml --json           as data\n"
      "  suanli plan data/plans/h200-q1-2026.yaml --compare cost-only\n"
      "  suanli plan data/plans/h200-q1-2026.yaml --sweep domestic-share=0.5:1.0:0.1\n"
      "  suanli plan data/plans/h200-q1-2026.yaml --compare cost-only --html plan.html\n"
      "  suanli plan data/plans/h200-q1-2026.yaml --html plan.html --lang zh   the HTML report in Chinese\n"
      "The plan format is documented in the header of data/plans/h200-q1-2026.yaml; prices in data/prices.yaml.");
  auto f = std::make_shared<PlanFlags>();
  cmd->add_option("plan", f->file, "Plan YAML file")->required();
  cmd->add_flag("--json", f->json, "Print JSON");
  cmd->add_option("--sweep", f->sweep, "Cost-of-sovereignty curve: domestic-share=FROM:TO:STEP");
  cmd->add_option("--compare", f->compare, "Also solve the cost-only plan and show both: cost-only");
  cmd->add_option("--html", f->html, "Also write a self-contained HTML report of the plan to FILE (with --compare or "
                  "--sweep, including the cost-only plan or the cost-of-sovereignty curve)");
  cmd->add_option("--time-limit", f->time_limit_s, "Seconds per solve before reporting the best plan and its gap")
      ->check(CLI::PositiveNumber);
  add_lang_option(cmd, f->lang, "the HTML report (the terminal text is English)");
  cmd->callback([&ctx, f] {
    const i18n::Lang lang = output_lang(f->lang);
    if (!f->compare.empty() && f->compare != "cost-only") {
      throw InputError("--compare", fmt::format("found '{}', expected cost-only", f->compare));
    }
    if (!f->compare.empty() && !f->sweep.empty()) throw InputError("--sweep", "expected either --sweep or --compare, not both");
    const std::vector<double> targets = f->sweep.empty() ? std::vector<double>{} : parse_sweep(f->sweep);
    const Catalog& c = ctx.catalog();
    const plan::PlanProblem p = config::load_plan(c, f->file);
    plan::PlanOptions o;
    o.solve.time_limit_s = f->time_limit_s;
    auto write_html = [&](const plan::PlanResult& r, const report::PlanHtmlExtras& extras) {
      if (f->html.empty()) return;
      write_output(report::plan_html(p, r, extras, lang), f->html);
      if (f->html != "-") std::fprintf(stderr, "wrote HTML report: %s\n", f->html.c_str());
    };
    if (!targets.empty()) {
      auto results = plan::sweep_domestic_share(p, c, targets, o);
      write_output(f->json ? report::sweep_json(p, targets, results) : report::sweep_text(p, targets, results), "");
      if (!f->html.empty()) {
        const plan::PlanResult r = plan::plan(p, c, o);  // the page shows the plan itself above the curve
        write_html(r, {.cost_only = nullptr, .sweep_targets = targets, .sweep = std::move(results)});
      }
      return;
    }
    const plan::PlanResult r = plan::plan(p, c, o);
    if (!f->compare.empty()) {
      plan::PlanOptions co = o;
      co.sovereignty = false;
      co.explain = false;
      const plan::PlanResult cost_only = plan::plan(p, c, co);
      write_output(f->json ? report::compare_json(p, r, cost_only) : report::compare_text(p, r, cost_only), "");
      write_html(r, {.cost_only = &cost_only, .sweep_targets = {}, .sweep = {}});
      return;
    }
    write_output(f->json ? report::plan_json(p, r) : report::plan_text(p, r), "");
    write_html(r, {});
  });
}

}  // namespace suanli::cli
