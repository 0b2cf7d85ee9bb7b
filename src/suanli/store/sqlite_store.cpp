// The SQLite backend: one file, WAL journal, synchronous=FULL (a commit is on
// disk when it returns, power loss included), one connection for the writer
// and one for readers, each behind its own mutex. Checkpoints (copying the
// WAL back into the database file, with its own fsyncs) run on a third
// connection in a background thread, PASSIVE so they never block the writer;
// left to the writer (SQLite's default auto-checkpoint) they would stall a
// commit, and every request of its batch, for tens of milliseconds.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "suanli/store/sql.h"
#include "suanli/store/store.h"

namespace suanli::store {
namespace {

class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
      const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw StoreError(fmt::format("sqlite:{}: cannot open: {}", path, why));
    }
    sqlite3_busy_timeout(db_, 10000);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* get() const { return db_; }
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string why = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      throw StoreError(fmt::format("sqlite: {}: {}", why, sql.substr(0, 80)));
    }
  }

 private:
  sqlite3* db_ = nullptr;
};

// A prepared statement with $n placeholders rewritten to ?n.
class Stmt {
 public:
  Stmt(const Db& db, std::string sql) : db_(db.get()) {
    std::replace(sql.begin(), sql.end(), '$', '?');
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st_, nullptr) != SQLITE_OK) {
      throw StoreError(fmt::format("sqlite: {}: {}", sqlite3_errmsg(db_), sql.substr(0, 80)));
    }
  }
  ~Stmt() { sqlite3_finalize(st_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int i, std::int64_t v) {
    check(sqlite3_bind_int64(st_, i, v));
    return *this;
  }
  Stmt& bind(int i, const std::string& v) {
    check(sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Stmt& bind_null(int i) {
    check(sqlite3_bind_null(st_, i));
    return *this;
  }
  // Steps once: true while a row is available.
  bool step() {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StoreError(fmt::format("sqlite: {}", sqlite3_errmsg(db_)));
  }
  void run() {
    while (step()) {
    }
    reset();
  }
  void reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(st_, col); }
  bool null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st_, col))) : std::string();
  }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) throw StoreError(fmt::format("sqlite: bind: {}", sqlite3_errmsg(db_)));
  }
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

TokenRow token_row(const Stmt& s) {
  TokenRow t{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5), std::nullopt, s.text(7)};
  if (!s.null(6)) t.revoked = s.integer(6);
  return t;
}

constexpr const char* kTokenColumns = "id, tenant, role, salt, hash, created, revoked, note";

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::string& path) : path_(path), writer_(path) {
    migrate();
    writer_.exec("PRAGMA wal_autocheckpoint=0");  // the checkpointer thread does it
    reader_ = std::make_unique<Db>(path);
    checkpointer_ = std::thread([this] { checkpoint_loop(); });
  }

  ~SqliteStore() override {
    {
      std::lock_guard lock(stop_mu_);
      stopping_ = true;
    }
    stop_cv_.notify_all();
    checkpointer_.join();
  }

  std::string url() const override { return "sqlite:" + path_; }

  int schema_version() override {
    std::lock_guard lock(write_mu_);
    return version();
  }

  void append(const std::vector<Record>& batch) override {
    std::lock_guard lock(write_mu_);
    if (batch.empty()) return;
    writer_.exec("BEGIN IMMEDIATE");
    try {
      Stmt ev(writer_, "INSERT INTO events (seq, at, wall_ms, kind, job, tenant, command) VALUES ($1,$2,$3,$4,$5,$6,$7)");
      Stmt de(writer_, "INSERT INTO decisions (seq, idx, at, kind, job, tenant, rules, accelerator, body) "
                       "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)");
      for (const Record& r : batch) {
        ev.bind(1, r.seq).bind(2, r.at).bind(3, r.wall_ms).bind(4, r.kind).bind(5, r.job).bind(6, r.tenant);
        ev.bind(7, r.command).run();
        for (std::size_t i = 0; i < r.decisions.size(); ++i) {
          const DecisionRow& d = r.decisions[i];
          de.bind(1, r.seq).bind(2, static_cast<std::int64_t>(i)).bind(3, r.at).bind(4, d.kind).bind(5, d.job);
          de.bind(6, d.tenant).bind(7, d.rules).bind(8, d.accelerator).bind(9, d.body).run();
        }
      }
      writer_.exec("COMMIT");
    } catch (...) {
      sqlite3_exec(writer_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  std::int64_t last_seq() override {
    std::lock_guard lock(read_mu_);
    Stmt s(*reader_, "SELECT COALESCE(MAX(seq), 0) FROM events");
    s.step();
    return s.integer(0);
  }

  void scan(std::int64_t after, const std::function<void(Record&&)>& fn) override {
    std::lock_guard lock(read_mu_);
    reader_->exec("BEGIN");  // one snapshot for both cursors
    try {
      Stmt ev(*reader_, "SELECT seq, at, wall_ms, kind, job, tenant, command FROM events WHERE seq > $1 ORDER BY seq");
      Stmt de(*reader_, "SELECT seq, kind, job, tenant, rules, accelerator, body FROM decisions WHERE seq > $1 "
                        "ORDER BY seq, idx");
      ev.bind(1, after);
      de.bind(1, after);
      bool more = de.step();
      while (ev.step()) {
        Record r{ev.integer(0), ev.integer(1), ev.integer(2), ev.text(3), ev.integer(4), ev.text(5), ev.text(6), {}};
        while (more && de.integer(0) < r.seq) more = de.step();  // rows of no event cannot exist; skip defensively
        while (more && de.integer(0) == r.seq) {
          r.decisions.push_back(DecisionRow{de.text(1), de.integer(2), de.text(3), de.text(4), de.text(5), de.text(6)});
          more = de.step();
        }
        fn(std::move(r));
      }
      reader_->exec("COMMIT");
    } catch (...) {
      sqlite3_exec(reader_->get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  std::vector<AuditRow> decisions(const AuditQuery& q) override {
    std::vector<std::string> params;
    const std::string query = sql::audit_query(q, params);
    std::lock_guard lock(read_mu_);
    Stmt s(*reader_, query);
    for (std::size_t i = 0; i < params.size(); ++i) s.bind(static_cast<int>(i + 1), params[i]);
    std::vector<AuditRow> out;
    while (s.step()) {
      out.push_back(AuditRow{s.integer(0) * sql::kCursorScale + s.integer(1), s.integer(0), s.integer(2), s.text(3), s.text(4)});
    }
    return out;
  }

  std::optional<std::string> meta(const std::string& key) override {
    std::lock_guard lock(read_mu_);
    Stmt s(*reader_, "SELECT value FROM meta WHERE key = $1");
    s.bind(1, key);
    if (!s.step()) return std::nullopt;
    return s.text(0);
  }

  void set_meta(const std::string& key, const std::string& value) override {
    std::lock_guard lock(write_mu_);
    Stmt s(writer_, "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2");
    s.bind(1, key).bind(2, value).run();
  }

  void add_token(const TokenRow& t) override {
    std::lock_guard lock(write_mu_);
    Stmt s(writer_, fmt::format("INSERT INTO tokens ({}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)", kTokenColumns));
    s.bind(1, t.id).bind(2, t.tenant).bind(3, t.role).bind(4, t.salt).bind(5, t.hash).bind(6, t.created);
    if (t.revoked) s.bind(7, *t.revoked); else s.bind_null(7);
    s.bind(8, t.note).run();
  }

  std::optional<TokenRow> token(const std::string& id) override {
    std::lock_guard lock(read_mu_);
    Stmt s(*reader_, fmt::format("SELECT {} FROM tokens WHERE id = $1", kTokenColumns));
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return token_row(s);
  }

  std::vector<TokenRow> tokens() override {
    std::lock_guard lock(read_mu_);
    Stmt s(*reader_, fmt::format("SELECT {} FROM tokens ORDER BY created, id", kTokenColumns));
    std::vector<TokenRow> out;
    while (s.step()) out.push_back(token_row(s));
    return out;
  }

  bool revoke_token(const std::string& id, Seconds at) override {
    std::lock_guard lock(write_mu_);
    Stmt s(writer_, "UPDATE tokens SET revoked = $1 WHERE id = $2 AND revoked IS NULL");
    s.bind(1, at).bind(2, id).run();
    return sqlite3_changes(writer_.get()) > 0;
  }

 private:
  int version() {
    writer_.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, summary TEXT NOT NULL, "
                 "applied_ms BIGINT NOT NULL)");
    Stmt s(writer_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    s.step();
    return static_cast<int>(s.integer(0));
  }

  void migrate() {
    std::lock_guard lock(write_mu_);
    const int have = version();
    for (const Migration& m : migrations()) {
      if (m.version <= have) continue;
      writer_.exec("BEGIN IMMEDIATE");
      try {
        for (const char* statement : m.statements) writer_.exec(statement);
        Stmt s(writer_, "INSERT INTO schema_migrations (version, summary, applied_ms) VALUES ($1, $2, $3)");
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
        s.bind(1, m.version).bind(2, std::string(m.summary)).bind(3, static_cast<std::int64_t>(ms)).run();
        writer_.exec("COMMIT");
      } catch (...) {
        sqlite3_exec(writer_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
      }
    }
  }

  void checkpoint_loop() {
    Db db(path_);
    std::unique_lock lock(stop_mu_);
    while (!stop_cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopping_; })) {
      // PASSIVE: copies what no reader still needs, never waits for the writer.
      sqlite3_wal_checkpoint_v2(db.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
  }

  std::string path_;
  std::mutex write_mu_;
  Db writer_;
  std::mutex read_mu_;
  std::unique_ptr<Db> reader_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread checkpointer_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite(const std::string& path) { return std::make_unique<SqliteStore>(path); }

}  // namespace suanli::store
