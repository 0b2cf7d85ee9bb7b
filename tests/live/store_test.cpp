// The store on both backends (SQLite file, a private PostgreSQL server):
// appended batches read back in order with their decisions, the audit
// query's filters and cursor, tokens, metadata, and the schema migrations
// (a database at an older version is brought up to date, once).
#include <gtest/gtest.h>

#include "postgres.h"
#include "service_harness.h"
#include "suanli/model/error.h"
#include "suanli/store/store.h"

namespace suanli::store {
namespace {

using live_test::PostgresServer;
using live_test::TempDir;

enum class Backend { Sqlite, Postgres };

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::Postgres) {
      pg_ = std::make_unique<PostgresServer>();
      url_ = pg_->create_database("store_test");
    } else {
      url_ = "sqlite:" + (dir_.path() / "s.db").string();
    }
  }
  TempDir dir_;
  std::unique_ptr<PostgresServer> pg_;
  std::string url_;
};

Record record(std::int64_t seq, std::int64_t job, const std::string& tenant, int decisions, const std::string& rule = "") {
  Record r{seq, 1000 + seq, 0, "submit", job, tenant, R"({"kind":"submit"})", {}};
  for (int i = 0; i < decisions; ++i) {
    const bool denies = i == 0 && !rule.empty();  // the first decision is the one a rule denied
    r.decisions.push_back(DecisionRow{denies ? "reject" : "defer", job, tenant, denies ? "," + rule + "," : "", "",
                                      "{\"i\":" + std::to_string(i) + "}"});
  }
  return r;
}

TEST_P(StoreTest, BatchesReadBackInOrderWithTheirDecisions) {
  auto s = open_store(url_);
  EXPECT_EQ(s->schema_version(), migrations().back().version);
  EXPECT_EQ(s->last_seq(), 0);
  s->append({record(1, 1, "bank", 2), record(2, 2, "lab", 0), record(3, 3, "bank", 1, "cii-domestic-only")});
  s->append({record(4, 4, "lab", 3)});
  EXPECT_EQ(s->last_seq(), 4);
  std::vector<Record> back;
  s->scan(1, [&](Record&& r) { back.push_back(std::move(r)); });
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].seq, 2);
  EXPECT_TRUE(back[0].decisions.empty());
  EXPECT_EQ(back[1].decisions.size(), 1u);
  EXPECT_EQ(back[2].decisions.size(), 3u);
  EXPECT_EQ(back[2].decisions[2].body, "{\"i\":2}");
  EXPECT_EQ(back[1].at, 1003);
}

TEST_P(StoreTest, AFailedBatchLeavesNothingBehind) {
  auto s = open_store(url_);
  s->append({record(1, 1, "bank", 1)});
  // seq 1 again: the primary key refuses the whole batch, including seq 2.
  EXPECT_THROW(s->append({record(2, 2, "bank", 1), record(1, 9, "bank", 1)}), StoreError);
  EXPECT_EQ(s->last_seq(), 1);
  int n = 0;
  s->scan(0, [&](Record&&) { ++n; });
  EXPECT_EQ(n, 1);
}

TEST_P(StoreTest, AuditQueryFiltersAndPagesNewestFirst) {
  auto s = open_store(url_);
  std::vector<Record> batch;
  for (int i = 1; i <= 20; ++i) batch.push_back(record(i, i, i % 2 ? "bank" : "lab", 2, i % 4 == 1 ? "gap-only" : ""));
  s->append(batch);
  AuditQuery q;
  q.tenant = "bank";
  q.limit = 7;
  const auto page1 = s->decisions(q);
  ASSERT_EQ(page1.size(), 7u);
  EXPECT_EQ(page1[0].seq, 19);
  EXPECT_GT(page1[0].cursor, page1[1].cursor);
  q.before = page1.back().cursor;
  const auto page2 = s->decisions(q);
  ASSERT_EQ(page2.size(), 7u);
  EXPECT_LT(page2[0].cursor, page1.back().cursor);
  AuditQuery rule;
  rule.rule = "gap-only";
  EXPECT_EQ(s->decisions(rule).size(), 5u) << "seq 1, 5, 9, 13, 17: one denying decision each";
  AuditQuery job;
  job.job = 4;
  EXPECT_EQ(s->decisions(job).size(), 2u);
  AuditQuery window;
  window.from = 1005;
  window.to = 1008;
  EXPECT_EQ(s->decisions(window).size(), 6u);
}

TEST_P(StoreTest, TokensAndMetadata) {
  auto s = open_store(url_);
  s->add_token(TokenRow{"abc123abc123", "bank", "tenant", "00", "ff", 10, std::nullopt, "note"});
  auto t = s->token("abc123abc123");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->tenant, "bank");
  EXPECT_FALSE(t->revoked);
  EXPECT_TRUE(s->revoke_token("abc123abc123", 20));
  EXPECT_FALSE(s->revoke_token("abc123abc123", 30)) << "revoked once";
  EXPECT_EQ(*s->token("abc123abc123")->revoked, 20);
  EXPECT_FALSE(s->token("nope"));
  EXPECT_FALSE(s->meta("scenario"));
  s->set_meta("scenario", "a");
  s->set_meta("scenario", "b");
  EXPECT_EQ(*s->meta("scenario"), "b");
}

TEST_P(StoreTest, ReopeningKeepsEverythingAndMigratesNothingTwice) {
  { open_store(url_)->append({record(1, 1, "bank", 1)}); }
  auto s = open_store(url_);
  EXPECT_EQ(s->last_seq(), 1);
  EXPECT_EQ(s->schema_version(), migrations().back().version);
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& p) {
  return p.param == Backend::Sqlite ? "Sqlite" : "Postgres";
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

TEST(Migrations, ADatabaseAtVersionOneIsBroughtUpToDate) {
  TempDir dir;
  const std::string path = (dir.path() / "old.db").string();
  // A version-1 database, as the first release wrote it.
  std::string script = "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, summary TEXT NOT NULL, applied_ms BIGINT NOT NULL);";
  for (const char* statement : migrations().front().statements) script += std::string(statement) + ";";
  script += "INSERT INTO schema_migrations VALUES (1, 'v1', 0);";
  script += "INSERT INTO events VALUES (1, 5, 0, 'submit', 1, 'bank', '{}');";
  std::string out;
  ASSERT_EQ(live_test::run({"/usr/bin/sqlite3", path, script}, out), 0) << out;
  auto s = open_store("sqlite:" + path);
  EXPECT_EQ(s->schema_version(), migrations().back().version);
  EXPECT_EQ(s->last_seq(), 1) << "the old rows survive";
  ASSERT_EQ(live_test::run({"/usr/bin/sqlite3", path, "SELECT name FROM sqlite_master WHERE type='index' AND name LIKE 'decisions_by_%' ORDER BY name"},
                           out),
            0);
  EXPECT_EQ(out, "decisions_by_at\ndecisions_by_job\ndecisions_by_tenant\n");
}

TEST(StoreUrl, UnknownSchemesAreInputErrors) {
  EXPECT_THROW(open_store("mysql://x"), InputError);
  EXPECT_THROW(open_store("sqlite:"), InputError);
  EXPECT_THROW(open_store("postgresql://nobody@127.0.0.1:1/none"), StoreError);
}

}  // namespace
}  // namespace suanli::store
