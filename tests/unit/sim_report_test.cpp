#include "suanli/report/sim_report.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "suanli/model/error.h"
#include "suanli/model/time.h"
#include "suanli/report/html_report.h"

namespace suanli::report {
namespace {

namespace fs = std::filesystem;

const Seconds kStart = *parse_time("2025-12-01");

GroupStats group(const std::string& name, double dom_h, double imp_h, double target, int violations) {
  GroupStats g;
  g.name = name;
  g.submitted = 3;
  g.completed = 2;
  g.rejected = violations > 0 ? 0 : 1;
  g.unfinished = violations > 0 ? 1 : 0;
  g.jct_h = make_stats({2.0, 5.0});
  g.wait_h = make_stats({0.5, 1.0, 1.5});
  g.share.device_hours_domestic = dom_h;
  g.share.device_hours_imported = imp_h;
  g.share.compute_domestic = dom_h * 0.3;
  g.share.compute_imported = imp_h * 0.9;
  g.share.target = target;
  g.violations = violations;
  return g;
}

JobRecord job(std::int64_t id, const std::string& tenant, bool imported) {
  JobRecord j;
  j.id = id;
  j.tenant = tenant;
  j.cls = "llm-train";
  j.arrival = kStart + id * kHour;
  j.first_start = j.arrival + kHour;
  j.finish = id == 3 ? -1 : j.first_start + 4 * kHour;
  j.accelerator = imported ? "h200" : "ascend-910c";
  j.devices = 8;
  j.placements = 1;
  j.imported = imported;
  j.violation = imported && tenant == "<b>&co";
  (imported ? j.device_s_imported : j.device_s_domestic) = 8 * 4 * kHour;
  return j;
}

SimResult run(const std::string& scheduler, bool baseline) {
  SimResult r;
  r.scenario = "h200-window";
  r.scheduler = scheduler;
  r.seed = 7;
  r.start = kStart;
  r.end = kStart + 10 * kDay;
  r.events = 120;
  r.decisions = 80;
  for (int i = 0; i < 5; ++i) {
    Sample s;
    s.t = kStart + i * 2 * kDay;
    s.total_by_model = {{"ascend-910c", 64}, {"h200", i >= 3 ? 0 : 16}};
    s.used_by_model = {{"ascend-910c", 40 + i}, {"h200", i >= 3 ? 0 : (baseline ? 16 : 4)}};
    s.total_domestic = 64;
    s.total_imported = i >= 3 ? 0 : 16;
    s.used_domestic = 40 + i;
    s.used_imported = i >= 3 ? 0 : (baseline ? 16 : 4);
    s.pending = baseline ? 2 * i : i;
    s.running = 5;
    s.domestic_share = baseline ? 0.6 : 0.9;
    s.imported_cap_devices = 8;
    r.samples.push_back(s);
  }
  ShockRecord shock;
  shock.label = "H200 licence revoked";
  shock.at = kStart + 5 * kDay;
  shock.effect = "immediate-loss";
  shock.accelerators = {"h200"};
  shock.devices_lost = 16;
  shock.purchases_cancelled = 2;
  shock.displaced_jobs = baseline ? 4 : 1;
  shock.displaced_rejected = baseline ? 1 : 0;
  shock.recovered_after = baseline ? -1 : 6 * kHour;
  shock.unserved_device_hours = baseline ? 96 : 0;
  r.shocks.push_back(shock);
  r.jobs = {job(1, "<b>&co", baseline), job(2, "grid-energy", false), job(3, "<b>&co", false)};
  r.tenants = {group("<b>&co", baseline ? 40 : 90, baseline ? 60 : 10, 0.8, baseline ? 1 : 0),
               group("grid-energy", 50, 0, 1.0, 0)};
  r.classes = {group("llm-train", 100, baseline ? 60 : 10, 0, baseline ? 1 : 0)};
  r.fleet = group("fleet", 140, baseline ? 60 : 10, 0.85, baseline ? 1 : 0);
  r.utilisation_by_model = {{"ascend-910c", 0.7}, {"h200", baseline ? 0.9 : 0.25}};
  r.utilisation_domestic = 0.7;
  r.utilisation_imported = baseline ? 0.9 : 0.25;
  r.imported_cap = 0.1;
  r.imported_peak_share = baseline ? 0.2 : 0.05;
  r.imported_device_hours_share = baseline ? 0.3 : 0.067;
  r.violations = baseline ? 1 : 0;
  r.log = {"2025-12-01 00:00 arrival job=1"};
  return r;
}

std::vector<SimResult> two_runs() { return {run("suanli", false), run("fifo-firstfit", true)}; }

Scenario scenario() {
  Scenario s;
  s.name = "h200-window";
  s.description = "Imports stop on day five <again>";
  s.start = kStart;
  s.end = kStart + 10 * kDay;
  s.policy.domestic_target = 0.85;
  s.notes = {"fleet sized from public tenders"};
  return s;
}

fs::path temp_dir() {
  const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  return fs::temp_directory_path() / ("suanli_sim_report_test_" + std::to_string(stamp));
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(SimSummary, NamesSchedulersTenantsAndShocks) {
  const std::string text = simulation_summary(two_runs());
  EXPECT_NE(text.find("suanli"), std::string::npos);
  EXPECT_NE(text.find("fifo-firstfit"), std::string::npos);
  EXPECT_NE(text.find("H200 licence revoked"), std::string::npos);
  EXPECT_NE(text.find("grid-energy"), std::string::npos);
  EXPECT_NE(text.find("PASS"), std::string::npos);
  EXPECT_NE(text.find("MISS"), std::string::npos);
  EXPECT_NE(text.find("not in period"), std::string::npos);  // the baseline never recovered
}

TEST(SimSummary, EmptyInputsDoNotCrash) {
  EXPECT_FALSE(simulation_summary({}).empty());
  SimResult bare;
  bare.scheduler = "suanli";
  EXPECT_NE(simulation_summary({bare}).find("no supply shocks"), std::string::npos);
}

TEST(SimJson, ParsesWithTheExpectedFields) {
  const auto j = nlohmann::json::parse(simulation_json(two_runs()));
  EXPECT_EQ(j["scenario"], "h200-window");
  ASSERT_EQ(j["runs"].size(), 2u);
  const auto& r = j["runs"][1];
  EXPECT_EQ(r["scheduler"], "fifo-firstfit");
  EXPECT_EQ(r["violations"], 1);
  EXPECT_EQ(r["fleet"]["submitted"], 3);
  EXPECT_DOUBLE_EQ(r["fleet"]["share"]["target"].get<double>(), 0.85);
  EXPECT_EQ(r["tenants"].size(), 2u);
  EXPECT_EQ(r["tenants"][0]["share"]["meets_target"], false);
  EXPECT_EQ(r["shocks"][0]["label"], "H200 licence revoked");
  EXPECT_TRUE(r["shocks"][0]["recovered_after_s"].is_null());
  EXPECT_EQ(r["samples"].size(), 5u);
  EXPECT_EQ(r["jobs_included"], true);
  EXPECT_EQ(r["jobs"].size(), 3u);
  EXPECT_TRUE(r["jobs"][2]["finish"].is_null());
  EXPECT_DOUBLE_EQ(r["utilisation"]["by_model"]["h200"].get<double>(), 0.9);
  EXPECT_DOUBLE_EQ(r["imported"]["cap"].get<double>(), 0.1);
  EXPECT_EQ(nlohmann::json::parse(simulation_json({}))["runs"].size(), 0u);
}

TEST(SimJson, LeavesOutLargeJobLists) {
  SimResult r = run("suanli", false);
  r.jobs.assign(kJsonMaxRows + 1, job(1, "t", false));
  const auto j = nlohmann::json::parse(simulation_json({r}));
  EXPECT_EQ(j["runs"][0]["jobs_included"], false);
  EXPECT_FALSE(j["runs"][0].contains("jobs"));
  EXPECT_EQ(j["runs"][0]["job_count"], kJsonMaxRows + 1);
}

TEST(SimCsv, WritesEveryFileWithHeadersAndRows) {
  const fs::path dir = temp_dir() / "nested";
  write_simulation_csv(two_runs(), dir.string());
  auto check = [&](const std::string& file, const std::string& header_start, std::size_t rows) {
    const auto l = lines(read(dir / file));
    ASSERT_EQ(l.size(), rows + 1) << file;
    EXPECT_EQ(l[0].rfind(header_start, 0), 0u) << file << ": " << l[0];
  };
  check("summary.csv", "label,scenario,scheduler,seed", 2);
  check("tenants.csv", "scheduler,tenant,submitted", 4);
  check("classes.csv", "scheduler,class,submitted", 2);
  check("shocks.csv", "scheduler,label,at,effect", 2);
  check("samples_suanli.csv", "t,time,total_domestic", 5);
  check("samples_fifo-firstfit.csv", "t,time,total_domestic", 5);
  check("jobs_suanli.csv", "id,tenant,class,kind", 3);
  check("jobs_fifo-firstfit.csv", "id,tenant,class,kind", 3);
  EXPECT_NE(read(dir / "samples_suanli.csv").find("total_h200"), std::string::npos);
  fs::remove_all(dir.parent_path());
}

TEST(SimCsv, UnwritableDirectoryIsAnInputError) {
  const fs::path dir = temp_dir();
  fs::create_directories(dir);
  std::ofstream(dir / "file") << "x";
  EXPECT_THROW(write_simulation_csv(two_runs(), (dir / "file" / "sub").string()), InputError);
  fs::remove_all(dir);
}

TEST(SimLabels, DuplicateSchedulersGetDistinctLabels) {
  std::vector<SimResult> runs = {run("suanli", false), run("suanli", false), run("a/b", false)};
  runs[1].seed = 8;
  const auto labels = run_labels(runs);
  EXPECT_EQ(labels[0], "suanli-seed7");
  EXPECT_EQ(labels[1], "suanli-seed8");
  EXPECT_EQ(labels[2], "a_b");
}

TEST(SimHtml, SelfContainedWithChartsAndEscapedText) {
  const std::string html = simulation_html(scenario(), two_runs());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("h200-window"), std::string::npos);
  EXPECT_NE(html.find("H200 licence revoked"), std::string::npos);
  EXPECT_NE(html.find("2025-12-01"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;&amp;co"), std::string::npos);
  EXPECT_EQ(html.find("<b>&co"), std::string::npos);
  EXPECT_NE(html.find("&lt;again&gt;"), std::string::npos);
  // No references to the network apart from the SVG namespace name.
  std::string cleaned = html;
  const std::string xmlns = R"(xmlns="http://www.w3.org/2000/svg")";
  for (auto at = cleaned.find(xmlns); at != std::string::npos; at = cleaned.find(xmlns))
    cleaned.erase(at, xmlns.size());
  EXPECT_EQ(cleaned.find("http://"), std::string::npos);
  EXPECT_EQ(cleaned.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
}

TEST(SimHtml, EmptyInputsRender) {
  EXPECT_NE(simulation_html(Scenario{}, {}).find("</html>"), std::string::npos);
  SimResult bare;
  bare.scheduler = "suanli";
  const std::string html = simulation_html(Scenario{}, {bare});
  EXPECT_NE(html.find("no samples"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(SimFindings, NameTheCleanSchedulerTheViolationsAndTheWorstShock) {
  const auto findings = simulation_findings(two_runs());
  std::string all;
  for (const auto& f : findings) all += f + "\n";
  EXPECT_NE(all.find("Only suanli met every domestic-share target"), std::string::npos) << all;
  EXPECT_NE(all.find("fifo-firstfit made 1 placement the policy denies"), std::string::npos) << all;
  EXPECT_NE(all.find("H200 licence revoked"), std::string::npos) << all;
  EXPECT_NE(all.find("not all running again by the end of the period"), std::string::npos) << all;
}

TEST(LineChart, BreaksLinesAtGapsAndMarksShocks) {
  LineChart c;
  c.title = "t";
  c.from = kStart;
  c.to = kStart + 4 * kDay;
  c.percent = true;
  c.series.push_back(
      {"a",
       "#000",
       "",
       {{kStart, 0.5}, {kStart + kDay, 0.6}, {kStart + 2 * kDay, std::nan("")}, {kStart + 3 * kDay, 0.7}}});
  c.markers.push_back({kStart + 2 * kDay, "cut"});
  c.references.push_back({0.8, "target 80%"});
  const std::string svg = svg_line_chart(c);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
  EXPECT_NE(svg.find("<circle"), std::string::npos);  // the lone point after the gap
  EXPECT_NE(svg.find("cut"), std::string::npos);
  EXPECT_NE(svg.find("target 80%"), std::string::npos);
  EXPECT_NE(svg.find("2025-12-02"), std::string::npos);
  EXPECT_NE(svg.find("100%"), std::string::npos);
}

}  // namespace
}  // namespace suanli::report
