// The three policies share one round loop; they differ only in how a round's
// placement is chosen, so the loop owns time, progress and accounting and each
// policy is a small placement function over the same state.
#include "suanli/trace/rounds.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "suanli/model/error.h"
#include "suanli/solver/milp.h"

namespace suanli::trace {
namespace {

std::size_t u(int i) { return static_cast<std::size_t>(i); }

// A job that has not run on a pool yet gets X x this, as in Gavel (not
// infinity, so larger allocations still come first).
constexpr double kNewJobPriority = 1e9;
constexpr double kMaxRounds = 1e7;  // refuse replays longer than this (see the constructor)
constexpr double kShareGrid = 1e-5;  // LP time fractions are rounded to this

}  // namespace

std::string_view round_policy_name(RoundPolicy p) {
  switch (p) {
    case RoundPolicy::Fifo: return "fifo";
    case RoundPolicy::FifoHetero: return "fifo-hetero";
    case RoundPolicy::MaxMin: return "max-min";
  }
  return "?";
}

std::optional<RoundPolicy> parse_round_policy(std::string_view name) {
  std::string n;
  for (char c : name) n += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (n == "fifo") return RoundPolicy::Fifo;
  if (n == "fifo-hetero" || n == "fifo-perf") return RoundPolicy::FifoHetero;
  if (n == "max-min" || n == "max-min-fairness-perf") return RoundPolicy::MaxMin;
  return std::nullopt;
}

const std::vector<RoundPolicy>& all_round_policies() {
  static const std::vector<RoundPolicy> all = {RoundPolicy::Fifo, RoundPolicy::FifoHetero, RoundPolicy::MaxMin};
  return all;
}

RoundEngine::RoundEngine(std::vector<GavelJob> jobs, const ThroughputTable& table, std::vector<WorkerPool> cluster,
                         RoundOptions options)
    : jobs_(std::move(jobs)), cluster_(std::move(cluster)), options_(std::move(options)) {
  if (cluster_.empty()) throw InputError("--cluster", "empty cluster, expected at least one TYPE=COUNT");
  for (std::size_t j = 0; j < cluster_.size(); ++j) {
    if (cluster_[j].type.empty()) throw InputError("--cluster", "a worker pool without a type name");
    if (cluster_[j].count <= 0) {
      throw InputError("--cluster", fmt::format("'{}': found {} workers, expected a count > 0", cluster_[j].type,
                                                cluster_[j].count));
    }
    for (std::size_t i = 0; i < j; ++i) {
      if (cluster_[i].type == cluster_[j].type) {
        throw InputError("--cluster", fmt::format("worker type '{}' given twice", cluster_[j].type));
      }
    }
  }
  if (!(options_.round_s > 0) || !std::isfinite(options_.round_s)) {
    throw InputError("--round", fmt::format("found {}, expected a round length in seconds > 0", options_.round_s));
  }
  const auto k = cluster_.size();
  tput_.assign(jobs_.size(), std::vector<double>(k, 0.0));
  critical_.assign(jobs_.size(), false);
  for (std::size_t m = 0; m < jobs_.size(); ++m) {
    const GavelJob& job = jobs_[m];
    critical_[m] = std::find(options_.critical_tenants.begin(), options_.critical_tenants.end(), job.tenant) !=
                   options_.critical_tenants.end();
    const std::string what = fmt::format("job {} ('{}', scale factor {}, tenant '{}'{})", m + 1, job.job_type,
                                         job.scale_factor, job.tenant, critical_[m] ? ", critical" : "");
    if (!table.knows_job_type(job.job_type)) {
      throw InputError("--throughputs", fmt::format("{}: job type '{}' is not in the throughput table", what,
                                                    job.job_type));
    }
    std::vector<std::string> why;
    bool any = false;
    for (std::size_t j = 0; j < k; ++j) {
      const WorkerPool& p = cluster_[j];
      const auto e = table.lookup(job.job_type, p.type, job.scale_factor);
      if (!e) {
        why.push_back(fmt::format("{}: no throughput measured for {} device(s)", p.type, job.scale_factor));
      } else if (e->per_s <= 0) {
        why.push_back(fmt::format("{}: measured throughput 0 (cannot run)", p.type));
      } else if (p.count < job.scale_factor) {
        why.push_back(fmt::format("{}: only {} workers", p.type, p.count));
      } else if (critical_[m] && p.origin != Origin::Domestic) {
        why.push_back(fmt::format("{}: {} and the tenant is critical (domestic only)", p.type,
                                  p.origin ? name(*p.origin) : std::string_view("origin unknown")));
      } else {
        tput_[m][j] = e->per_s;
        any = true;
      }
    }
    if (!any) throw InputError("--trace", fmt::format("{} can run on no worker pool: {}", what, fmt::join(why, "; ")));
  }
  // Every round runs some job at no less than its slowest allowed rate, so
  // this bounds the rounds of any policy; refuse inputs that would not finish.
  double bound = 0;
  for (std::size_t m = 0; m < jobs_.size(); ++m) {
    double slowest = 0;
    for (double x : tput_[m]) slowest = x > 0 && (slowest == 0 || x < slowest) ? x : slowest;
    bound += std::ceil(static_cast<double>(jobs_[m].total_steps) / (slowest * options_.round_s));
  }
  if (!(bound <= kMaxRounds)) {
    throw InputError("--trace", fmt::format("the jobs would need up to {:.3g} rounds of {:g} s, expected at most {:g} "
                                            "(a longer --round, or fewer steps)",
                                            bound, options_.round_s, kMaxRounds));
  }
  arrival_order_.resize(jobs_.size());
  std::iota(arrival_order_.begin(), arrival_order_.end(), 0);
  std::stable_sort(arrival_order_.begin(), arrival_order_.end(),
                   [&](int a, int b) { return jobs_[u(a)].arrival_us < jobs_[u(b)].arrival_us; });
}

std::vector<double> RoundEngine::equal_shares(const std::vector<int>& active) const {
  // sum_m min(s_m, tau w_m) = W: sort by s_m / w_m, the breakpoints of tau.
  const std::size_t n = active.size();
  std::vector<double> q(n, 1.0);
  double workers = 0;
  for (const WorkerPool& p : cluster_) workers += p.count;
  double demand = 0;
  for (int m : active) demand += jobs_[u(m)].scale_factor;
  if (demand <= workers) return q;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  auto ratio = [&](std::size_t i) {
    const GavelJob& j = jobs_[u(active[i])];
    return j.scale_factor / j.priority_weight;
  };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ratio(a) < ratio(b); });
  double capped = 0;  // sum of s over jobs with q = 1
  double weight = 0;  // sum of w over the others
  for (std::size_t i : order) weight += jobs_[u(active[i])].priority_weight;
  double tau = 0;
  for (std::size_t r = 0; r <= n; ++r) {
    if (r == n || weight <= 0) break;
    tau = (workers - capped) / weight;
    if (tau <= ratio(order[r])) break;
    const GavelJob& j = jobs_[u(active[order[r]])];
    capped += j.scale_factor;
    weight -= j.priority_weight;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const GavelJob& j = jobs_[u(active[i])];
    q[i] = std::min(1.0, tau * j.priority_weight / j.scale_factor);
  }
  return q;
}

RoundEngine::Allocation RoundEngine::max_min_allocation(const std::vector<int>& active) const {
  const std::size_t n = active.size();
  const std::size_t k = cluster_.size();
  Allocation out;
  out.x.assign(n, std::vector<double>(k, 0.0));
  if (n == 0) return out;
  const std::vector<double> q = equal_shares(active);

  // Normalised coefficients c[m][j] = s_m T[m][j] / (w_m T_eq[m]).
  solver::MilpModel lp;
  const int t = lp.add_var({.name = "t", .lower = 0, .upper = solver::kInfinity, .integer = false, .cost = -1});
  std::vector<std::vector<int>> var(n, std::vector<int>(k, -1));
  std::vector<std::vector<double>> coef(n, std::vector<double>(k, 0.0));
  std::vector<solver::MilpRow> capacity(k);
  for (std::size_t j = 0; j < k; ++j) {
    capacity[j] = {.name = "workers[" + cluster_[j].type + "]", .group = "capacity", .terms = {},
                   .sense = solver::Sense::LessEqual, .rhs = static_cast<double>(cluster_[j].count)};
  }
  for (std::size_t i = 0; i < n; ++i) {
    const int m = active[i];
    const GavelJob& job = jobs_[u(m)];
    double allowed_workers = 0, weighted = 0;
    for (std::size_t j = 0; j < k; ++j) {
      if (!allowed(m, static_cast<int>(j))) continue;
      allowed_workers += cluster_[j].count;
      weighted += tput_[u(m)][j] * cluster_[j].count;
    }
    const double t_equal = q[i] * weighted / allowed_workers;
    solver::MilpRow fair{.name = fmt::format("fair[{}]", m), .group = "fairness", .terms = {{t, 1.0}},
                         .sense = solver::Sense::LessEqual, .rhs = 0};
    solver::MilpRow share{.name = fmt::format("share[{}]", m), .group = "share", .terms = {},
                          .sense = solver::Sense::LessEqual, .rhs = 1};
    for (std::size_t j = 0; j < k; ++j) {
      if (!allowed(m, static_cast<int>(j))) continue;
      coef[i][j] = job.scale_factor * tput_[u(m)][j] / (job.priority_weight * t_equal);
      var[i][j] = lp.add_var({.name = fmt::format("x[{},{}]", m, cluster_[j].type), .lower = 0, .upper = 1,
                              .integer = false, .cost = 0});
      fair.terms.push_back({var[i][j], -coef[i][j]});
      share.terms.push_back({var[i][j], 1.0});
      capacity[j].terms.push_back({var[i][j], static_cast<double>(job.scale_factor)});
    }
    lp.add_row(std::move(fair));
    lp.add_row(std::move(share));
  }
  for (solver::MilpRow& r : capacity) {
    if (!r.terms.empty()) lp.add_row(std::move(r));
  }
  const solver::Solution first = solver::solve(lp);
  if (!first.has_solution()) throw std::runtime_error("max-min LP: no solution (the LP is always feasible: X = 0)");
  out.min_ratio = first.values[u(t)];

  // Second pass: among max-min optimal allocations, the most efficient one.
  lp.vars[u(t)].cost = 0;
  lp.vars[u(t)].lower = out.min_ratio * (1 - 1e-6);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      if (var[i][j] >= 0) lp.vars[u(var[i][j])].cost = -coef[i][j];
    }
  }
  const solver::Solution second = solver::solve(lp);
  const solver::Solution& best = second.has_solution() ? second : first;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      if (var[i][j] < 0) continue;
      // Snapped to a grid: the second LP leaves t 1e-6 of slack, and noise
      // below that must not decide priority ties between equal jobs.
      out.x[i][j] = std::clamp(std::round(best.values[u(var[i][j])] / kShareGrid) * kShareGrid, 0.0, 1.0);
    }
  }
  out.seconds = first.seconds + second.seconds;
  return out;
}

RoundResult RoundEngine::run(RoundPolicy policy) const {
  const std::size_t n = jobs_.size();
  const std::size_t k = cluster_.size();
  const double round = options_.round_s;
  RoundResult res;
  res.policy = policy;
  res.jobs.resize(n);
  res.device_s.assign(k, 0.0);

  std::vector<double> remaining(n);
  for (std::size_t m = 0; m < n; ++m) remaining[m] = static_cast<double>(jobs_[m].total_steps);
  std::vector<bool> done(n, false);
  std::vector<double> job_device(n, 0.0), job_imported(n, 0.0);  // busy device-seconds per job
  std::vector<int> active;        // in arrival order
  std::vector<int> fifo_pool(n, -1);  // fifo: the pool a started job keeps
  std::mt19937_64 rng(options_.seed);
  // max-min state, reset with each new allocation.
  Allocation alloc;
  std::vector<std::vector<double>> received;  // [active index][pool] seconds
  double since_reset = 0;
  bool changed = true;
  double lp_total = 0;

  std::size_t next = 0;  // into arrival_order_
  std::size_t finished = 0;
  double now = n ? jobs_[u(arrival_order_[0])].arrival_s() : 0;
  std::vector<std::pair<int, int>> placed;  // (job, pool) this round
  std::vector<int> free(k);

  while (finished < n) {
    while (next < n && jobs_[u(arrival_order_[next])].arrival_s() <= now) {
      active.push_back(arrival_order_[next++]);
      changed = true;
    }
    if (active.empty()) {
      now = jobs_[u(arrival_order_[next])].arrival_s();
      continue;
    }
    placed.clear();
    for (std::size_t j = 0; j < k; ++j) free[j] = cluster_[j].count;

    if (policy == RoundPolicy::Fifo || policy == RoundPolicy::FifoHetero) {
      if (policy == RoundPolicy::Fifo) {
        for (int m : active) {
          if (fifo_pool[u(m)] >= 0) {
            placed.emplace_back(m, fifo_pool[u(m)]);
            free[u(fifo_pool[u(m)])] -= jobs_[u(m)].scale_factor;
          }
        }
      }
      std::vector<int> fits;
      for (int m : active) {
        if (policy == RoundPolicy::Fifo && fifo_pool[u(m)] >= 0) continue;
        const int s = jobs_[u(m)].scale_factor;
        fits.clear();
        for (std::size_t j = 0; j < k; ++j) {
          if (allowed(m, static_cast<int>(j)) && free[j] >= s) fits.push_back(static_cast<int>(j));
        }
        if (fits.empty()) break;  // strict FIFO: nobody jumps the queue
        int pool = fits.front();
        if (policy == RoundPolicy::Fifo) {
          pool = fits[static_cast<std::size_t>(rng() % fits.size())];
          fifo_pool[u(m)] = pool;
        } else {
          for (int j : fits) {
            if (throughput(m, j) > throughput(m, pool)) pool = j;
          }
        }
        placed.emplace_back(m, pool);
        free[u(pool)] -= s;
      }
    } else {
      if (changed) {
        alloc = max_min_allocation(active);
        ++res.lp_solves;
        lp_total += alloc.seconds;
        res.lp_max_s = std::max(res.lp_max_s, alloc.seconds);
        received.assign(active.size(), std::vector<double>(k, 0.0));
        since_reset = 0;
      }
      struct Entry {
        std::size_t i;  // index into active
        double priority, x;
      };
      std::vector<bool> taken(active.size(), false);
      std::vector<Entry> queue;
      for (std::size_t j = 0; j < k; ++j) {
        queue.clear();
        for (std::size_t i = 0; i < active.size(); ++i) {
          const double x = alloc.x[i][j];
          if (x <= 0) continue;
          const double got = since_reset > 0 ? received[i][j] / since_reset : 0;
          queue.push_back({i, got > 0 ? x / got : x * kNewJobPriority, x});
        }
        std::sort(queue.begin(), queue.end(), [](const Entry& a, const Entry& b) {
          if (a.priority != b.priority) return a.priority > b.priority;
          if (a.x != b.x) return a.x > b.x;
          return a.i < b.i;
        });
        for (const Entry& e : queue) {
          if (free[j] == 0) break;
          const int m = active[e.i];
          if (taken[e.i] || jobs_[u(m)].scale_factor > free[j]) continue;
          taken[e.i] = true;
          free[j] -= jobs_[u(m)].scale_factor;
          placed.emplace_back(m, static_cast<int>(j));
          received[e.i][j] += round;
        }
      }
      since_reset += round;
    }
    changed = false;
    // Every active job can run somewhere (checked in the constructor), and an
    // idle cluster admits the head of every queue, so a round always runs
    // something; anything else is a bug that would loop forever.
    SUANLI_ASSERT(!placed.empty());

    for (const auto& [m, pool] : placed) {
      const GavelJob& job = jobs_[u(m)];
      const double rate = throughput(m, pool);
      const double need = remaining[u(m)] / rate;
      double busy = round;
      if (need <= round) {
        busy = need;
        remaining[u(m)] = 0;
        done[u(m)] = true;
        ++finished;
        res.jobs[u(m)].completion_s = now + need;
        changed = true;
      } else {
        remaining[u(m)] -= rate * round;
      }
      ++res.jobs[u(m)].rounds_run;
      res.device_s[u(pool)] += job.scale_factor * busy;
      job_device[u(m)] += job.scale_factor * busy;
      if (cluster_[u(pool)].origin == Origin::Imported) job_imported[u(m)] += job.scale_factor * busy;
    }
    ++res.rounds;
    now += round;
    if (changed) {
      std::vector<int> still;
      std::vector<std::vector<double>> still_received;
      for (std::size_t i = 0; i < active.size(); ++i) {
        if (done[u(active[i])]) continue;
        still.push_back(active[i]);
        if (!received.empty()) still_received.push_back(received[i]);
      }
      active.swap(still);
      received.swap(still_received);
    }
  }

  double first_arrival = n ? jobs_[u(arrival_order_[0])].arrival_s() : 0;
  double last = first_arrival, jct_sum = 0;
  for (std::size_t m = 0; m < n; ++m) {
    GavelJobResult& r = res.jobs[m];
    r.arrival_s = jobs_[m].arrival_s();
    r.jct_s = r.completion_s - r.arrival_s;
    jct_sum += r.jct_s;
    last = std::max(last, r.completion_s);
  }
  res.avg_jct_s = n ? jct_sum / static_cast<double>(n) : 0;
  res.makespan_s = last - first_arrival;
  res.lp_mean_s = res.lp_solves ? lp_total / res.lp_solves : 0;
  for (std::size_t j = 0; j < k; ++j) {
    const auto& o = cluster_[j].origin;
    (!o ? res.unknown_origin_device_s : *o == Origin::Imported ? res.imported_device_s : res.domestic_device_s) +=
        res.device_s[j];
  }
  for (std::size_t m = 0; m < n; ++m) {
    auto it = std::find_if(res.tenants.begin(), res.tenants.end(),
                           [&](const GavelTenantResult& t) { return t.tenant == jobs_[m].tenant; });
    if (it == res.tenants.end()) {
      res.tenants.push_back({.tenant = jobs_[m].tenant, .critical = critical_[m]});
      it = res.tenants.end() - 1;
    }
    ++it->jobs;
    it->avg_jct_s += res.jobs[m].jct_s;  // a sum until divided below
    it->device_s += job_device[m];
    it->imported_device_s += job_imported[m];
  }
  for (GavelTenantResult& t : res.tenants) t.avg_jct_s /= t.jobs;
  return res;
}

}  // namespace suanli::trace
