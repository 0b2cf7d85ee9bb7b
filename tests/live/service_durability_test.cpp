// Durability of the live service, on SQLite and on a real PostgreSQL server:
//  - a restart rebuilds exactly the state before the stop (the log replayed);
//  - SIGKILL in the middle of concurrent submissions loses no acknowledged
//    job and duplicates none (clients retry with their idempotency keys);
//  - a log whose decisions no longer replay the same is refused at start.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "postgres.h"
#include "service_harness.h"

namespace suanli::live_test {
namespace {

enum class Backend { Sqlite, Postgres };

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::Sqlite ? "Sqlite" : "Postgres";
}

class Durability : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::Postgres) {
      pg_ = std::make_unique<PostgresServer>();  // throws (the test fails) if it cannot start
      url_ = pg_->create_database("suanli_test");
    } else {
      url_ = "sqlite:" + (dir_.path() / "log.db").string();
    }
  }

  // Every job (all pages), keyed by id.
  static std::map<std::int64_t, Json> all_jobs(Client& c) {
    std::map<std::int64_t, Json> out;
    std::string path = "/v1/jobs?limit=1000";
    while (true) {
      const Reply r = c.get(path);
      EXPECT_EQ(r.status, 200) << r.text;
      for (const Json& j : r.body["jobs"]) out[j["id"].get<std::int64_t>()] = j;
      if (r.body["next"].is_null()) return out;
      path = "/v1/jobs?limit=1000&before=" + std::to_string(r.body["next"].get<std::int64_t>());
    }
  }

  // What the state shows, at a fixed window end so that usage is comparable.
  static Json snapshot(Client& c, std::int64_t window_end) {
    Json s;
    for (const auto& [id, j] : all_jobs(c)) s["jobs"].push_back(j);
    s["nodes"] = c.get("/v1/nodes").body;
    s["exports"] = c.get("/v1/export-events").body;
    const std::string window = "?from=0&to=" + std::to_string(window_end);
    s["tenants"] = c.get("/v1/tenants" + window).body;
    Json fleet = c.get("/v1/fleet" + window).body;
    fleet.erase("at");
    s["fleet"] = fleet;
    return s;
  }

  TempDir dir_;
  std::unique_ptr<PostgresServer> pg_;
  std::string url_;
};

TEST_P(Durability, RestartRebuildsTheStateBeforeTheStop) {
  SuanliServer server(dir_.path(), url_);
  Client op(server.port(), server.token("operator"));
  const std::vector<std::string> classes = {"bank-risk-serve", "llm-cuda-research", "uni-glm-finetune",
                                            "telecom-finetune", "llm-72b-finetune", "grid-dispatch-serve"};
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 36; ++i) {
    const Reply r = op.post("/v1/jobs", {{"class", classes[static_cast<std::size_t>(i) % classes.size()]}});
    ASSERT_EQ(r.status, 201) << r.text;
    ids.push_back(r.body["job"]["id"]);
  }
  int finished = 0, cancelled = 0;
  for (std::int64_t id : ids) {
    const Json j = op.get("/v1/jobs/" + std::to_string(id)).body;
    const std::string base = "/v1/jobs/" + std::to_string(id);
    if (j["status"] == "placed" && id % 3 == 0) {
      ASSERT_EQ(op.post(base + "/started", {{"epoch", j["epoch"]}}).status, 200);
      ASSERT_EQ(op.post(base + "/finished", {{"epoch", j["epoch"]}}).status, 200);
      ++finished;
    } else if (id % 5 == 0 && (j["status"] == "pending" || j["status"] == "placed")) {
      ASSERT_EQ(op.post(base + "/cancel", {{"reason", "test"}}).status, 200);
      ++cancelled;
    }
  }
  EXPECT_GT(finished, 0);
  ASSERT_EQ(op.post("/v1/export-events", {{"accelerators", {"h800"}}, {"effect", "immediate-loss"}}).status, 201);
  ASSERT_EQ(op.post("/v1/export-events", {{"accelerators", {"h20"}}, {"effect", "no-support"}, {"grace", "30d"}}).status, 201);
  ASSERT_EQ(op.post("/v1/nodes/ascend-910b-3/drain", {{"reason", "firmware"}}).status, 200);
  ASSERT_EQ(op.put("/v1/tenants/bank", {{"sector", "finance"}, {"priority", 10}, {"quota_devices", 96}, {"domestic_target", 1.0}}).status, 200);
  const std::int64_t end = op.get("/v1/fleet").body["at"].get<std::int64_t>();
  const Json before = snapshot(op, end);
  const std::int64_t events = Client(server.port()).get("/readyz").body["events"];

  EXPECT_EQ(server.stop(), "exit 0");
  server.start();
  Client again(server.port(), server.token("operator"));
  const Json ready = again.get("/readyz").body;
  EXPECT_EQ(ready["replayed"], events) << "every stored event replayed";
  const Json after = snapshot(again, end);
  EXPECT_EQ(before["jobs"], after["jobs"]);
  EXPECT_EQ(before["nodes"], after["nodes"]);
  EXPECT_EQ(before["exports"], after["exports"]);
  EXPECT_EQ(before["tenants"], after["tenants"]);
  EXPECT_EQ(before["fleet"], after["fleet"]);
}

TEST_P(Durability, SigkillLosesNoAcknowledgedSubmissionAndDuplicatesNone) {
  SuanliServer server(dir_.path(), url_);
  const std::string token = server.token("operator");
  const std::vector<std::string> classes = {"bank-embed-batch", "uni-glm-finetune", "llm-cuda-research", "telecom-care-serve"};
  constexpr int kClients = 8;
  std::mutex mu;
  std::map<std::string, std::int64_t> acked;  // external id -> job id
  std::set<std::string> attempted;
  std::map<std::string, std::string> class_of;  // the class each key was sent with (keys are per tenant)
  std::atomic<int> acks{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t] {
      Client c(server.port(), token);
      for (int i = 0; i < 100000; ++i) {
        std::string key = "c";
        key.append(std::to_string(t)).append("-").append(std::to_string(i));
        const std::string cls = classes[static_cast<std::size_t>(i + t) % classes.size()];
        {
          std::lock_guard lock(mu);
          attempted.insert(key);
          class_of[key] = cls;
        }
        const Reply r = c.post("/v1/jobs", {{"class", cls}, {"external_id", key}});
        if (r.status == 0) return;  // the server is gone
        if (r.status != 201 && r.status != 200) {
          ADD_FAILURE() << "submission refused: " << r.text;
          return;
        }
        std::lock_guard lock(mu);
        acked[key] = r.body["job"]["id"];
        acks += 1;
      }
    });
  }
  // Kill it mid-stream: once some hundreds are acknowledged.
  for (int waited = 0; acks < 400 && waited < 3000; waited += 5) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server.kill9();
  for (std::thread& th : clients) th.join();
  ASSERT_GE(acks.load(), 100) << "too few acknowledged before the kill to test anything";

  server.start();
  Client c(server.port(), token);
  std::map<std::string, std::int64_t> stored;
  for (const auto& [id, j] : all_jobs(c)) {
    const std::string key = j["external_id"].is_null() ? "" : j["external_id"].get<std::string>();
    ASSERT_FALSE(key.empty());
    EXPECT_TRUE(stored.emplace(key, id).second) << "duplicated key " << key;
  }
  int lost = 0;
  for (const auto& [key, id] : acked) {
    auto it = stored.find(key);
    if (it == stored.end() || it->second != id) ++lost;
  }
  EXPECT_EQ(lost, 0) << "acknowledged submissions lost: " << lost << " of " << acked.size();
  EXPECT_GE(stored.size(), acked.size());
  EXPECT_LE(stored.size(), attempted.size()) << "jobs that no client sent";
  RecordProperty("acknowledged_before_kill", static_cast<int>(acked.size()));
  RecordProperty("stored_after_restart", static_cast<int>(stored.size()));

  // Clients retry what was never acknowledged: each key ends up exactly once.
  for (const std::string& key : attempted) {
    if (acked.count(key)) continue;
    const Reply r = c.post("/v1/jobs", {{"class", class_of.at(key)}, {"external_id", key}});
    ASSERT_TRUE(r.status == 201 || r.status == 200) << r.text;
  }
  std::set<std::string> keys;
  for (const auto& [id, j] : all_jobs(c)) EXPECT_TRUE(keys.insert(j["external_id"].get<std::string>()).second);
  EXPECT_EQ(keys, attempted);

  // The rebuilt state is the log's replay: a second restart shows the same.
  const std::int64_t end = c.get("/v1/fleet").body["at"].get<std::int64_t>();
  const Json before = snapshot(c, end);
  EXPECT_EQ(server.stop(), "exit 0");
  server.start();
  Client d(server.port(), token);
  EXPECT_EQ(before, snapshot(d, end));
}

INSTANTIATE_TEST_SUITE_P(Stores, Durability, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

TEST(ReplayCheck, AStoredDecisionThatNoLongerReplaysTheSameStopsTheStart) {
  TempDir dir;
  const std::string path = (dir.path() / "log.db").string();
  {
    SuanliServer server(dir.path(), "sqlite:" + path);
    Client op(server.port(), server.token("operator"));
    ASSERT_EQ(op.post("/v1/jobs", {{"class", "bank-embed-batch"}}).status, 201);
    EXPECT_EQ(server.stop(), "exit 0");
  }
  std::string out;
  ASSERT_EQ(run({"/usr/bin/sqlite3", path,
                 "UPDATE decisions SET body = replace(body, 'placed on', 'put on') WHERE kind = 'place'"},
                out),
            0)
      << out;
  ASSERT_NE(suanli({"serve", "--listen", "127.0.0.1:0", "--db", "sqlite:" + path}, out, dir.path()), 0);
  EXPECT_NE(out.find("differ from the stored ones"), std::string::npos) << out;
  SuanliServer accepted(dir.path(), "sqlite:" + path, {"--accept-replay-changes"});
  EXPECT_EQ(Client(accepted.port()).get("/readyz").status, 200);
}

// A log written before decisions kept their reason as data ("why") still
// replays, and its decisions read in Chinese as their English text, marked.
TEST(ReplayCheck, ALogWithoutStructuredReasonsReplaysAndShowsItsEnglishMarked) {
  TempDir dir;
  const std::string path = (dir.path() / "log.db").string();
  std::string token;
  {
    SuanliServer server(dir.path(), "sqlite:" + path);
    token = server.token("operator");
    Client op(server.port(), token);
    ASSERT_EQ(op.post("/v1/jobs", {{"class", "bank-embed-batch"}}).status, 201);
    EXPECT_EQ(server.stop(), "exit 0");
  }
  std::string out;
  std::string strip = "UPDATE decisions SET body = json_remove(body, '$.why'";
  for (int i = 0; i < 20; ++i) strip += ", '$.verdicts[" + std::to_string(i) + "].why'";
  strip += ")";
  ASSERT_EQ(run({"/usr/bin/sqlite3", path, strip}, out), 0) << out;
  ASSERT_EQ(run({"/usr/bin/sqlite3", path, "SELECT count(*) FROM decisions WHERE body LIKE '%\"why\"%'"}, out), 0);
  ASSERT_EQ(out, "0\n") << "the old format has no why";
  SuanliServer server(dir.path(), "sqlite:" + path);
  Client op(server.port(), token);
  const Reply zh = op.get("/v1/decisions?lang=zh");
  ASSERT_EQ(zh.status, 200) << zh.text << server.output();
  ASSERT_FALSE(zh.body["decisions"].empty());
  const Json& d = zh.body["decisions"].back();
  EXPECT_EQ(d["reason"].get<std::string>().rfind("[EN] placed on ", 0), 0u) << d;
  EXPECT_FALSE(d.contains("why"));
  const Reply en = op.get("/v1/decisions");
  EXPECT_EQ(en.body["decisions"].back()["reason"].get<std::string>().rfind("placed on ", 0), 0u) << en.text;
}

TEST(ReplayCheck, AStoreMadeForAnotherScenarioIsRefused) {
  TempDir dir;
  const std::string db = "sqlite:" + (dir.path() / "log.db").string();
  {
    SuanliServer server(dir.path(), db);
    EXPECT_EQ(server.stop(), "exit 0");
  }
  std::string out;
  EXPECT_EQ(suanli({"serve", "--listen", "127.0.0.1:0", "--db", db, "--scenario", "import-cut"}, out, dir.path()), 2);
  EXPECT_NE(out.find("holds the log of scenario 'h200-window'"), std::string::npos) << out;
}

}  // namespace
}  // namespace suanli::live_test
