// The PostgreSQL backend (libpqxx 6.4): a writer connection and a reader
// connection, each behind its own mutex. append() streams a batch with COPY
// (pqxx::stream_to) inside one transaction; the commit returns once the WAL
// is flushed (synchronous_commit on), so an acknowledged batch survives a
// crash of the service or of the server.
#include <pqxx/pqxx>

#include <chrono>
#include <mutex>

#include <fmt/format.h>

#include "suanli/store/sql.h"
#include "suanli/store/store.h"

namespace suanli::store {
namespace {

constexpr const char* kTokenColumns = "id, tenant, role, salt, hash, created, revoked, note";

// Runs `fn`, turning libpqxx's exceptions into StoreError.
template <class Fn>
auto guarded(const char* what, Fn fn) {
  try {
    return fn();
  } catch (const pqxx::failure& e) {
    throw StoreError(fmt::format("postgresql: {}: {}", what, e.what()));
  } catch (const pqxx::usage_error& e) {
    throw StoreError(fmt::format("postgresql: {}: {}", what, e.what()));
  }
}

TokenRow token_row(const pqxx::row& r) {
  TokenRow t{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
             r[4].as<std::string>(), r[5].as<std::int64_t>(), std::nullopt, r[7].as<std::string>()};
  if (!r[6].is_null()) t.revoked = r[6].as<std::int64_t>();
  return t;
}

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(const std::string& url) : url_(url) {
    writer_ = connect();
    migrate();
    reader_ = connect();
  }

  std::string url() const override { return url_; }

  int schema_version() override {
    std::lock_guard lock(write_mu_);
    return guarded("schema version", [&] {
      pqxx::work w(*writer_);
      return w.exec1("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0].as<int>();
    });
  }

  void append(const std::vector<Record>& batch) override {
    if (batch.empty()) return;
    std::lock_guard lock(write_mu_);
    guarded("append", [&] {
      pqxx::work w(*writer_);
      {
        pqxx::stream_to ev(w, "events", std::vector<std::string>{"seq", "at", "wall_ms", "kind", "job", "tenant", "command"});
        for (const Record& r : batch) ev << std::make_tuple(r.seq, r.at, r.wall_ms, r.kind, r.job, r.tenant, r.command);
        ev.complete();
      }
      {
        pqxx::stream_to de(w, "decisions", std::vector<std::string>{"seq", "idx", "at", "kind", "job", "tenant", "rules",
                                                                     "accelerator", "body"});
        for (const Record& r : batch) {
          for (std::size_t i = 0; i < r.decisions.size(); ++i) {
            const DecisionRow& d = r.decisions[i];
            de << std::make_tuple(r.seq, static_cast<std::int64_t>(i), r.at, d.kind, d.job, d.tenant, d.rules,
                                  d.accelerator, d.body);
          }
        }
        de.complete();
      }
      w.commit();
      return 0;
    });
  }

  std::int64_t last_seq() override {
    std::lock_guard lock(read_mu_);
    return guarded("last seq", [&] {
      pqxx::read_transaction t(*reader_);
      return t.exec1("SELECT COALESCE(MAX(seq), 0) FROM events")[0].as<std::int64_t>();
    });
  }

  void scan(std::int64_t after, const std::function<void(Record&&)>& fn) override {
    std::lock_guard lock(read_mu_);
    // Pages of events (and their decisions) in one repeatable-read snapshot.
    guarded("scan", [&] {
      pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> t(*reader_);
      std::int64_t from = after;
      while (true) {
        const pqxx::result ev = t.exec_params(
            "SELECT seq, at, wall_ms, kind, job, tenant, command FROM events WHERE seq > $1 ORDER BY seq LIMIT 5000", from);
        if (ev.empty()) break;
        const std::int64_t last = ev.back()[0].as<std::int64_t>();
        const pqxx::result de = t.exec_params(
            "SELECT seq, kind, job, tenant, rules, accelerator, body FROM decisions WHERE seq > $1 AND seq <= $2 "
            "ORDER BY seq, idx",
            from, last);
        std::size_t k = 0;
        for (const pqxx::row& row : ev) {
          Record r{row[0].as<std::int64_t>(), row[1].as<std::int64_t>(), row[2].as<std::int64_t>(),
                   row[3].as<std::string>(),  row[4].as<std::int64_t>(), row[5].as<std::string>(),
                   row[6].as<std::string>(),  {}};
          for (; k < de.size() && de[k][0].as<std::int64_t>() == r.seq; ++k) {
            const pqxx::row d = de[k];
            r.decisions.push_back(DecisionRow{d[1].as<std::string>(), d[2].as<std::int64_t>(), d[3].as<std::string>(),
                                              d[4].as<std::string>(), d[5].as<std::string>(), d[6].as<std::string>()});
          }
          fn(std::move(r));
        }
        from = last;
      }
      return 0;
    });
  }

  std::vector<AuditRow> decisions(const AuditQuery& q) override {
    std::vector<std::string> params;
    const std::string query = sql::audit_query(q, params);
    std::lock_guard lock(read_mu_);
    return guarded("audit", [&] {
      pqxx::read_transaction t(*reader_);
      const pqxx::result rows = t.exec_params(query, pqxx::prepare::make_dynamic_params(params));
      std::vector<AuditRow> out;
      for (const pqxx::row& r : rows) {
        const auto seq = r[0].as<std::int64_t>();
        out.push_back(AuditRow{seq * sql::kCursorScale + r[1].as<std::int64_t>(), seq, r[2].as<std::int64_t>(),
                               r[3].as<std::string>(), r[4].as<std::string>()});
      }
      return out;
    });
  }

  std::optional<std::string> meta(const std::string& key) override {
    std::lock_guard lock(read_mu_);
    return guarded("meta", [&]() -> std::optional<std::string> {
      pqxx::read_transaction t(*reader_);
      const pqxx::result r = t.exec_params("SELECT value FROM meta WHERE key = $1", key);
      if (r.empty()) return std::nullopt;
      return r[0][0].as<std::string>();
    });
  }

  void set_meta(const std::string& key, const std::string& value) override {
    std::lock_guard lock(write_mu_);
    guarded("set meta", [&] {
      pqxx::work w(*writer_);
      w.exec_params("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2", key,
                    value);
      w.commit();
      return 0;
    });
  }

  void add_token(const TokenRow& t) override {
    std::lock_guard lock(write_mu_);
    guarded("add token", [&] {
      pqxx::work w(*writer_);
      if (t.revoked) {
        w.exec_params(fmt::format("INSERT INTO tokens ({}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)", kTokenColumns), t.id,
                      t.tenant, t.role, t.salt, t.hash, t.created, *t.revoked, t.note);
      } else {
        w.exec_params(fmt::format("INSERT INTO tokens ({}) VALUES ($1,$2,$3,$4,$5,$6,NULL,$7)", kTokenColumns), t.id,
                      t.tenant, t.role, t.salt, t.hash, t.created, t.note);
      }
      w.commit();
      return 0;
    });
  }

  std::optional<TokenRow> token(const std::string& id) override {
    std::lock_guard lock(read_mu_);
    return guarded("token", [&]() -> std::optional<TokenRow> {
      pqxx::read_transaction t(*reader_);
      const pqxx::result r = t.exec_params(fmt::format("SELECT {} FROM tokens WHERE id = $1", kTokenColumns), id);
      if (r.empty()) return std::nullopt;
      return token_row(r[0]);
    });
  }

  std::vector<TokenRow> tokens() override {
    std::lock_guard lock(read_mu_);
    return guarded("tokens", [&] {
      pqxx::read_transaction t(*reader_);
      std::vector<TokenRow> out;
      for (const pqxx::row& r : t.exec(fmt::format("SELECT {} FROM tokens ORDER BY created, id", kTokenColumns))) {
        out.push_back(token_row(r));
      }
      return out;
    });
  }

  bool revoke_token(const std::string& id, Seconds at) override {
    std::lock_guard lock(write_mu_);
    return guarded("revoke token", [&] {
      pqxx::work w(*writer_);
      const pqxx::result r = w.exec_params("UPDATE tokens SET revoked = $1 WHERE id = $2 AND revoked IS NULL", at, id);
      w.commit();
      return r.affected_rows() > 0;
    });
  }

 private:
  std::unique_ptr<pqxx::connection> connect() const {
    return guarded("connect", [&] { return std::make_unique<pqxx::connection>(url_); });
  }

  void migrate() {
    std::lock_guard lock(write_mu_);
    guarded("migrate", [&] {
      {
        pqxx::work w(*writer_);
        // One migrating process at a time: a transaction-scoped advisory lock.
        w.exec("SELECT pg_advisory_xact_lock(7236001)");
        w.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, summary TEXT NOT NULL, "
               "applied_ms BIGINT NOT NULL)");
        const int have = w.exec1("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0].as<int>();
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
        for (const Migration& m : migrations()) {
          if (m.version <= have) continue;
          for (const char* statement : m.statements) w.exec(statement);
          w.exec_params("INSERT INTO schema_migrations (version, summary, applied_ms) VALUES ($1, $2, $3)", m.version,
                        std::string(m.summary), static_cast<std::int64_t>(ms));
        }
        w.commit();
      }
      return 0;
    });
  }

  std::string url_;
  std::mutex write_mu_;
  std::unique_ptr<pqxx::connection> writer_;
  std::mutex read_mu_;
  std::unique_ptr<pqxx::connection> reader_;
};

}  // namespace

std::unique_ptr<Store> open_postgres(const std::string& url) { return std::make_unique<PostgresStore>(url); }

}  // namespace suanli::store
