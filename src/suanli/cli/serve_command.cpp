// `suanli serve`: the live service; `suanli serve token ...`: its access tokens.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "suanli/bridge/k8s/routes.h"
#include "suanli/bridge/slurm/bridge.h"
#include "suanli/cli/command.h"
#include "suanli/config/scenario_loader.h"
#include "suanli/model/error.h"
#include "suanli/server/access.h"
#include "suanli/server/demo_player.h"
#include "suanli/server/http_api.h"
#include "suanli/server/service.h"
#include "suanli/store/store.h"

namespace suanli::cli {
namespace {

struct ServeOptions {
  std::string scenario = "h200-window";
  std::string db;                 // default: sqlite:suanli.db (sqlite:suanli-demo.db with --demo)
  std::string listen = "127.0.0.1:8080";
  int threads = 64;
  bool demo = false;
  double speedup = 3600;
  bool accept_replay_changes = false;
  bool slurm = false;             // govern a Slurm cluster (src/suanli/bridge/slurm/bridge.h)
  std::string slurm_conf;         // SLURM_CONF for the bridge's Slurm commands
  double slurm_poll = 0.5;        // seconds between the bridge's rounds
  K8sServeOptions k8s;
};

struct TokenOptions {
  std::string db = "sqlite:suanli.db";
  std::string role;
  std::string tenant;
  std::string note;
  std::string id;
};

// The store at `url`; a database that cannot be opened is the flag's problem.
std::unique_ptr<store::Store> open_store(const std::string& url) {
  try {
    return store::open_store(url);
  } catch (const store::StoreError& e) {
    throw InputError("--db", e.what());
  }
}

std::pair<std::string, int> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    try {
      std::size_t used = 0;
      port = std::stoi(text.substr(colon + 1), &used);
      if (used != text.size() - colon - 1) port = -1;
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535) {
    throw InputError("--listen", fmt::format("found '{}', expected HOST:PORT (e.g. 127.0.0.1:8080; port 0 picks a free one)", text));
  }
  return {text.substr(0, colon), port};
}

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

// Blocks SIGINT and SIGTERM in this thread and every thread it starts from
// now on (call it before starting any), so that only signal_waiter sees them.
void block_stop_signals() {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

// A thread that waits for SIGINT or SIGTERM and calls `on_signal`.
std::thread signal_waiter(std::function<void()> on_signal) {
  return std::thread([set = stop_signals(), on_signal = std::move(on_signal)] {
    int sig = 0;
    sigwait(&set, &sig);
    on_signal();
  });
}

void run_serve(Context& ctx, const ServeOptions& o) {
  block_stop_signals();
  const auto [host, port] = parse_listen(o.listen);
  if (o.speedup <= 0 || o.speedup > 1e7) throw InputError("--speedup", fmt::format("found {}, expected 0 < speedup <= 1e7", o.speedup));
  const Catalog& catalog = ctx.catalog();
  Scenario scenario = config::load_scenario(catalog, o.scenario);
  std::string db = o.db;
  if (db.empty()) {
    db = o.demo ? "sqlite:suanli-demo.db" : "sqlite:suanli.db";
    if (o.demo) {
      // The demo plays the scenario from its start: it always begins a fresh log.
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove("suanli-demo.db" + std::string(suffix));
    }
  }
  auto store = open_store(db);
  if (o.demo && store->last_seq() > 0) {
    throw InputError("--db", fmt::format("found a log with {} events in {}, expected an empty store: the demo plays "
                                         "the scenario from its start",
                                         store->last_seq(), db));
  }
  std::unique_ptr<server::Clock> clock;
  if (o.demo) {
    clock = std::make_unique<server::ScaledClock>(server::DemoPlayer::start_of(scenario), o.speedup);
  } else {
    clock = std::make_unique<server::WallClock>();
  }
  server::ServiceOptions so;
  so.accept_replay_changes = o.accept_replay_changes;
  so.demo = o.demo;
  std::unique_ptr<server::Service> started;
  try {
    started = std::make_unique<server::Service>(catalog, scenario, std::move(store), *clock, so);
  } catch (const server::ReplayMismatch& e) {
    throw InputError("--db", e.what());
  }
  server::Service& service = *started;
  server::Access access(service.store());
  server::HttpOptions ho;
  ho.host = host;
  ho.port = port;
  ho.threads = o.threads;
  if (o.k8s.enabled) ho.max_body = std::max<std::size_t>(ho.max_body, 32u << 20);  // full NodeLists of large clusters
  server::HttpServer http(service, access, ho);
  std::unique_ptr<bridge::slurm::SlurmBridge> slurm;
  if (o.slurm) {
    bridge::slurm::SlurmBridgeOptions bo;
    bo.cli.conf = o.slurm_conf;
    bo.poll_s = o.slurm_poll;
    slurm = std::make_unique<bridge::slurm::SlurmBridge>(service, bo);
  }
  bridge::slurm::add_routes(http, slurm.get());  // with or without --slurm (404 without)
  std::unique_ptr<bridge::k8s::Extender> extender = make_extender(ctx, o.k8s, service);
  bridge::k8s::add_routes(http, access, extender.get());
  http.bind();
  const std::string url = fmt::format("http://{}:{}", host, http.port());
  const auto& replay = service.replay_report();
  std::printf("suanli serve: listening on %s\n", url.c_str());
  std::printf("  scenario %s, store %s, %lld events replayed in %.2f s\n", scenario.name.c_str(), db.c_str(),
              static_cast<long long>(replay.events), replay.seconds);
  std::printf("  dashboard: %s/   API: %s/v1/openapi.json   metrics: %s/metrics\n", url.c_str(), url.c_str(), url.c_str());
  if (extender) {
    std::printf("  kube-scheduler extender: urlPrefix %s/v1/k8s/<token> (filter, prioritize%s); %s\n", url.c_str(),
                o.k8s.bind ? ", bind" : "", o.k8s.bind ? extender->binder().describe().c_str() : "bind off");
  }

  std::unique_ptr<server::DemoPlayer> player;
  std::thread player_thread;
  if (o.demo) {
    const server::NewToken t = server::make_token(server::Role::Operator, "", "demo", clock->now());
    service.store().add_token(t.row);
    std::printf("  demo: playing %s from %s at %gx (one simulated hour per %.2f s); operator token for the dashboard:\n"
                "    %s\n",
                scenario.name.c_str(), format_time(clock->now()).c_str(), o.speedup, 3600.0 / o.speedup, t.token.c_str());
    player = std::make_unique<server::DemoPlayer>(service.scenario(), *clock, host == "0.0.0.0" ? "127.0.0.1" : host,
                                                  http.port(), t.token);
  } else {
    std::printf("  tokens: suanli serve token create --db %s --role operator   (or --role tenant --tenant NAME, --role auditor)\n",
                db.c_str());
  }
  if (slurm) {
    slurm->start();
    std::printf("  slurm: following the cluster%s%s every %gs; admission at %s/v1/slurm/admit\n",
                o.slurm_conf.empty() ? "" : " of ", o.slurm_conf.c_str(), o.slurm_poll, url.c_str());
  }
  std::fflush(stdout);
  std::thread waiter = signal_waiter([&] {
    if (player) player->stop();
    http.stop();
  });
  if (player) {
    player_thread = std::thread([&] {
      const server::DemoStats st = player->run();
      std::printf("suanli serve: demo finished: %lld jobs submitted, %lld started, %lld finished, %lld fleet events, "
                  "%lld refused requests\n",
                  static_cast<long long>(st.submitted), static_cast<long long>(st.started),
                  static_cast<long long>(st.finished), static_cast<long long>(st.events),
                  static_cast<long long>(st.errors));
      std::fflush(stdout);
    });
  }
  http.serve();
  if (player) player->stop();
  if (player_thread.joinable()) player_thread.join();
  if (slurm) slurm->stop();
  service.stop();
  std::printf("suanli serve: stopped\n");
  if (waiter.joinable()) {
    pthread_kill(waiter.native_handle(), SIGTERM);  // harmless if it already returned
    waiter.join();
  }
}

void token_create(const TokenOptions& o) {
  const auto role = server::parse_role(o.role);
  if (!role) throw InputError("--role", fmt::format("found '{}', expected tenant, operator or auditor", o.role));
  if (*role == server::Role::Tenant && o.tenant.empty()) throw InputError("--tenant", "a tenant token needs --tenant NAME");
  if (*role != server::Role::Tenant && !o.tenant.empty()) throw InputError("--tenant", "only a tenant token names a tenant");
  auto store = open_store(o.db);
  const Seconds now = server::WallClock().now();
  const server::NewToken t = server::make_token(*role, o.tenant, o.note, now);
  store->add_token(t.row);
  std::printf("%s\n", t.token.c_str());
  std::fprintf(stderr, "suanli: token %s (%s%s) created in %s; it is shown only now. Use it as: Authorization: Bearer <token>\n",
               t.row.id.c_str(), o.role.c_str(), o.tenant.empty() ? "" : (" of " + o.tenant).c_str(), o.db.c_str());
}

}  // namespace

void add_serve_command(CLI::App& app, Context& ctx) {
  auto so = std::make_shared<ServeOptions>();
  auto* serve = app.add_subcommand("serve", "Run the live service: REST API, durable event log, dashboard");
  serve->footer(
      "Examples:\n"
      "  suanli serve                                   # h200-window on 127.0.0.1:8080, log in ./suanli.db\n"
      "  suanli serve --scenario import-cut --db postgresql://suanli@127.0.0.1:5432/suanli --listen 127.0.0.1:9000\n"
      "  suanli serve --demo                            # plays h200-window at one simulated hour per second\n"
      "  suanli serve token create --role tenant --tenant bank\n");
  serve->add_option("--scenario", so->scenario, "Scenario name or YAML file (fleet, tenants, policy, job classes)")
      ->capture_default_str();
  serve->add_option("--db", so->db, "Store: sqlite:PATH (default sqlite:suanli.db) or postgresql://USER@HOST:PORT/DB");
  serve->add_option("--listen", so->listen, "HOST:PORT to listen on (port 0: any free port)")->capture_default_str();
  serve->add_option("--threads", so->threads, "HTTP worker threads (each serves one open connection at a time)")
      ->capture_default_str()
      ->check(CLI::Range(2, 4096));
  serve->add_flag("--demo", so->demo, "Also play the scenario against the API in accelerated time (a fresh log)");
  serve->add_option("--speedup", so->speedup, "Demo: simulated seconds per real second")->capture_default_str();
  serve->add_flag("--slurm", so->slurm,
                  "Govern a Slurm cluster: admission for job_submit.lua, follow jobs and nodes (README: Slurm)");
  serve->add_option("--slurm-conf", so->slurm_conf, "slurm.conf for the bridge's Slurm commands (default: Slurm's own)");
  serve->add_option("--slurm-poll", so->slurm_poll, "Seconds between the bridge's rounds")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 60.0));
  serve->add_flag("--accept-replay-changes", so->accept_replay_changes,
                  "Start even if replaying the log gives decisions that differ from the stored ones");
  add_k8s_serve_options(*serve, so->k8s);

  auto to = std::make_shared<TokenOptions>();
  auto* token = serve->add_subcommand("token", "Create, list or revoke access tokens (in the store, offline)");
  token->require_subcommand(1);
  auto* create = token->add_subcommand("create", "Create a token; it is printed once");
  create->add_option("--db", to->db, "Store URL")->capture_default_str();
  create->add_option("--role", to->role, "tenant, operator or auditor")->required();
  create->add_option("--tenant", to->tenant, "The tenant of a tenant token");
  create->add_option("--note", to->note, "What it is for");
  create->callback([to] { token_create(*to); });
  auto* list = token->add_subcommand("list", "List tokens (no secrets)");
  list->add_option("--db", to->db, "Store URL")->capture_default_str();
  list->callback([to] {
    auto store = open_store(to->db);
    for (const store::TokenRow& t : store->tokens()) {
      std::printf("%s  %-8s  %-12s  created %s%s  %s\n", t.id.c_str(), t.role.c_str(), t.tenant.c_str(),
                  format_time(t.created).c_str(), t.revoked ? (", revoked " + format_time(*t.revoked)).c_str() : "",
                  t.note.c_str());
    }
  });
  auto* revoke = token->add_subcommand("revoke", "Revoke a token by id");
  revoke->add_option("--db", to->db, "Store URL")->capture_default_str();
  revoke->add_option("id", to->id, "Token id (the 12 hex digits after sl_)")->required();
  revoke->callback([to] {
    auto store = open_store(to->db);
    if (!store->revoke_token(to->id, server::WallClock().now())) {
      throw InputError("id", fmt::format("found '{}', expected the id of a live token in {}", to->id, to->db));
    }
    std::printf("revoked %s\n", to->id.c_str());
  });

  serve->callback([&ctx, so, token] {
    if (token->parsed()) return;
    run_serve(ctx, *so);
  });
}

}  // namespace suanli::cli
