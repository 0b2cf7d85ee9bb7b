#include "suanli/report/plan_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "suanli/report/table.h"

namespace suanli::report {
namespace {

std::string usd(double v) { return "USD " + fmt_number(v, 0); }
std::string pct(double v) { return fmt::format("{:.1f}%", 100 * v); }

std::string purchases_table(const plan::PlanResult& r) {
  if (r.purchases.empty()) return "  (nothing to buy)\n";
  Table t({{"accelerator"}, {"origin"}, {"nodes", true}, {"devices", true}, {"capex", true}, {"delivery"}, {"price"}});
  for (const plan::PurchaseLine& l : r.purchases) {
    t.add_row({l.accelerator, l.domestic ? "domestic" : "imported", std::to_string(l.nodes), std::to_string(l.devices),
               usd(l.capex_usd), format_date(l.delivery), l.price_estimate ? "estimate" : "published"});
  }
  return t.render();
}

nlohmann::json result_json(const plan::PlanResult& r) {
  nlohmann::json j;
  j["status"] = std::string(plan::name(r.status));
  j["mode"] = std::string(plan::name(r.mode));
  j["sovereignty"] = r.sovereignty;
  j["purchases"] = nlohmann::json::array();
  for (const plan::PurchaseLine& l : r.purchases) {
    j["purchases"].push_back({{"accelerator", l.accelerator}, {"domestic", l.domestic}, {"nodes", l.nodes},
                              {"devices", l.devices}, {"capex_usd", l.capex_usd}, {"delivery", format_date(l.delivery)},
                              {"price_estimate", l.price_estimate}, {"price_source", l.price_source}});
  }
  j["cost"] = {{"capex_usd", r.capex_usd}, {"energy_usd", r.energy_usd}, {"total_usd", r.total_usd}};
  j["served_share"] = r.served_share;
  j["domestic_share"] = {{"device_hours", r.domestic_share_devices}, {"compute", r.domestic_share_compute},
                         {"target", r.domestic_target}};
  j["import_cut"] = {{"served_share", r.resilience_all}, {"critical_served", r.resilience_critical},
                     {"target", r.resilience_target}};
  j["allocations"] = nlohmann::json::array();
  for (const plan::AllocationLine& a : r.allocations) {
    j["allocations"].push_back({{"class", a.cls}, {"tenant", a.tenant}, {"critical", a.critical},
                                {"accelerator", a.accelerator}, {"domestic", a.domestic}, {"share", a.share},
                                {"devices", a.devices}});
  }
  j["models"] = nlohmann::json::array();
  for (const plan::ModelUse& m : r.models) {
    j["models"].push_back({{"accelerator", m.accelerator}, {"domestic", m.domestic},
                           {"existing_devices", m.existing_devices}, {"bought_devices", m.bought_devices},
                           {"used_devices", m.used_devices}});
  }
  j["optimality"] = {{"gap", r.gap}, {"best_bound", r.best_bound}, {"solve_seconds", r.solve_seconds},
                     {"variables", r.variables}, {"integer_variables", r.integer_variables}, {"rows", r.rows}};
  j["binding"] = r.binding;
  j["conflict"] = r.conflict;
  j["unservable"] = r.unservable;
  j["notes"] = r.notes;
  return j;
}

}  // namespace

std::string plan_text(const plan::PlanProblem& p, const plan::PlanResult& r) {
  std::string out = fmt::format("plan {}: {} from {}, horizon {}\n", p.name,
                                r.sovereignty ? "sovereign plan" : "cost-only plan", format_date(p.purchase_date),
                                format_duration(p.horizon));
  if (!p.description.empty()) out += "  " + p.description + "\n";
  for (const std::string& n : r.notes) out += "  note: " + n + "\n";
  if (r.status == plan::PlanStatus::Infeasible) {
    out += "\nNO PLAN EXISTS.\n";
    for (const std::string& u : r.unservable) out += "  " + u + "\n";
    if (!r.conflict.empty()) {
      out += "  These constraints cannot all hold together (a minimal conflicting set; dropping any one of them "
             "makes a plan possible):\n";
      for (const std::string& c : r.conflict) out += "    - " + c + "\n";
    }
    return out;
  }
  out += fmt::format("\nstatus {} (mode {}{}), optimality gap {}, bound {}, {} variables ({} integer), {} rows, {:.2f} s\n",
                     plan::name(r.status), plan::name(r.mode),
                     r.mode == plan::PlanMode::MaxServed ? ": demand cannot all be met within the budget, so the plan "
                                                           "serves as much as the budget buys"
                                                         : ": all demand met at least cost",
                     pct(r.gap), usd(r.best_bound), r.variables, r.integer_variables, r.rows, r.solve_seconds);
  out += "\nPurchases\n" + purchases_table(r);
  const bool any_estimate = std::any_of(r.purchases.begin(), r.purchases.end(), [](const plan::PurchaseLine& l) { return l.price_estimate; });
  if (any_estimate) out += "  prices marked 'estimate' are not published by the vendor (see the price file's sources)\n";
  out += fmt::format("\nCost over the horizon: capex {}, energy {}, total {}\n", usd(r.capex_usd), usd(r.energy_usd),
                     usd(r.total_usd));
  if (r.mode == plan::PlanMode::MaxServed) out += fmt::format("Served demand: {} of all demand (compute-weighted)\n", pct(r.served_share));
  out += fmt::format("Domestic share: {} of device-hours, {} of BF16 compute; target {}\n", pct(r.domestic_share_devices),
                     pct(r.domestic_share_compute), pct(r.domestic_target));
  out += fmt::format("Import cut (every imported device lost): domestic capacity alone serves {} of all demand "
                     "(target {}), and {} of the least-covered critical class\n",
                     pct(r.resilience_all), pct(r.resilience_target), pct(r.resilience_critical));

  out += "\nAllocation (share of each class's demand, devices busy)\n";
  Table t({{"class"}, {"tenant"}, {"cii"}, {"accelerator"}, {"origin"}, {"share", true}, {"devices", true}});
  for (const plan::AllocationLine& a : r.allocations) {
    t.add_row({a.cls, a.tenant, a.critical ? "yes" : "", a.accelerator, a.domestic ? "domestic" : "imported",
               pct(a.share), fmt_number(a.devices, 1)});
  }
  out += t.render();
  out += "\nDevices by model\n";
  Table u({{"accelerator"}, {"origin"}, {"existing", true}, {"bought", true}, {"used", true}});
  for (const plan::ModelUse& m : r.models) {
    u.add_row({m.accelerator, m.domestic ? "domestic" : "imported", std::to_string(m.existing_devices),
               std::to_string(m.bought_devices), fmt_number(m.used_devices, 1)});
  }
  out += u.render();
  if (!r.binding.empty()) {
    out += "\nWhat binds\n";
    for (const std::string& b : r.binding) out += "  - " + b + "\n";
  }
  return out;
}

std::string plan_json(const plan::PlanProblem& p, const plan::PlanResult& r) {
  nlohmann::json j = result_json(r);
  j["plan"] = p.name;
  j["purchase_date"] = format_date(p.purchase_date);
  return j.dump(2) + "\n";
}

std::string compare_text(const plan::PlanProblem& p, const plan::PlanResult& s, const plan::PlanResult& c) {
  std::string out = fmt::format("plan {}: sovereign plan beside the cost-only plan (no cii/gap rules, share, scope "
                                "or resilience)\n\n", p.name);
  Table t({{""}, {"sovereign"}, {"cost-only"}});
  auto buys = [](const plan::PlanResult& r) {
    if (r.status == plan::PlanStatus::Infeasible) return std::string("no plan");
    std::string x;
    for (const plan::PurchaseLine& l : r.purchases) x += fmt::format("{}{} x {}", x.empty() ? "" : ", ", l.nodes, l.accelerator);
    return x.empty() ? std::string("nothing") : x;
  };
  t.add_row({"status", std::string(plan::name(s.status)), std::string(plan::name(c.status))});
  t.add_row({"buys", buys(s), buys(c)});
  t.add_row({"capex", usd(s.capex_usd), usd(c.capex_usd)});
  t.add_row({"energy", usd(s.energy_usd), usd(c.energy_usd)});
  t.add_row({"total", usd(s.total_usd), usd(c.total_usd)});
  t.add_row({"domestic share (device-hours)", pct(s.domestic_share_devices), pct(c.domestic_share_devices)});
  t.add_row({"domestic share (compute)", pct(s.domestic_share_compute), pct(c.domestic_share_compute)});
  t.add_row({"served after an import cut", pct(s.resilience_all), pct(c.resilience_all)});
  t.add_row({"critical served after a cut", pct(s.resilience_critical), pct(c.resilience_critical)});
  out += t.render();
  if (s.status != plan::PlanStatus::Infeasible && c.status != plan::PlanStatus::Infeasible && c.total_usd > 0) {
    out += fmt::format("\nSovereignty costs {} ({:+.1f}%) over the cost-only plan.\n", usd(s.total_usd - c.total_usd),
                       100 * (s.total_usd - c.total_usd) / c.total_usd);
  }
  return out;
}

std::string compare_json(const plan::PlanProblem& p, const plan::PlanResult& s, const plan::PlanResult& c) {
  nlohmann::json j;
  j["plan"] = p.name;
  j["sovereign"] = result_json(s);
  j["cost_only"] = result_json(c);
  return j.dump(2) + "\n";
}

std::string sweep_text(const plan::PlanProblem& p, const std::vector<double>& targets,
                       const std::vector<plan::PlanResult>& results) {
  std::string out = fmt::format("plan {}: cost of sovereignty by domestic-share target\n\n", p.name);
  double base = 0;
  for (const plan::PlanResult& r : results) {
    if (r.status != plan::PlanStatus::Infeasible && r.mode == plan::PlanMode::MinCost) {
      base = r.total_usd;
      break;
    }
  }
  double top = 0;
  for (const plan::PlanResult& r : results) top = std::max(top, r.total_usd);
  Table t({{"target", true}, {"status"}, {"total", true}, {"vs first", true}, {"domestic", true}, {"buys"}, {"curve"}});
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const plan::PlanResult& r = results[i];
    if (r.status == plan::PlanStatus::Infeasible) {
      t.add_row({pct(targets[i]), "infeasible", "-", "-", "-", r.conflict.empty() ? "" : "conflict: " + r.conflict.front(), ""});
      continue;
    }
    std::string buys;
    for (const plan::PurchaseLine& l : r.purchases) buys += fmt::format("{}{} x {}", buys.empty() ? "" : ", ", l.nodes, l.accelerator);
    const int bar = top > 0 ? static_cast<int>(30 * r.total_usd / top + 0.5) : 0;
    const std::string status = r.mode == plan::PlanMode::MaxServed ? fmt::format("{} served", pct(r.served_share))
                                                                   : std::string(plan::name(r.status));
    t.add_row({pct(targets[i]), status, usd(r.total_usd),
               base > 0 ? fmt::format("{:+.1f}%", 100 * (r.total_usd - base) / base) : "-", pct(r.domestic_share_devices),
               buys.empty() ? "nothing" : buys, std::string(static_cast<std::size_t>(bar), '#')});
  }
  return out + t.render();
}

std::string sweep_json(const plan::PlanProblem& p, const std::vector<double>& targets,
                       const std::vector<plan::PlanResult>& results) {
  nlohmann::json j;
  j["plan"] = p.name;
  j["points"] = nlohmann::json::array();
  for (std::size_t i = 0; i < targets.size(); ++i) {
    nlohmann::json pt = result_json(results[i]);
    pt["domestic_share_target"] = targets[i];
    j["points"].push_back(pt);
  }
  return j.dump(2) + "\n";
}

}  // namespace suanli::report
