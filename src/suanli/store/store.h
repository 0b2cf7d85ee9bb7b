// Store: the service's durable event log (DESIGN.md section 9), with the
// decisions each event caused, the access tokens and a little metadata.
//
// The log is the truth. Each accepted command is one event row (its JSON,
// the time it was applied, what it concerns) and each decision it caused one
// decision row; append() writes a batch of them in one transaction and
// returns only once the transaction is durable (SQLite in WAL mode with
// synchronous=FULL; PostgreSQL with synchronous_commit on), so the service
// acknowledges nothing that a crash could lose. Restarting replays scan()'s
// events in seq order.
//
// Two backends behind this one interface, chosen by URL:
//   sqlite:PATH               (the default: suanli.db in the working directory)
//   postgresql://user@host:port/db?...   (libpq connection URI)
// The schema is versioned: open_store() applies the migrations a database
// lacks, in order, each in its own transaction (schema_migrations lists them).
//
// Thread-safety: append() and the token/meta writes are made by one writer at
// a time; reads (decisions(), token(), scan()) may come from any thread and
// use their own connection. Both are serialised internally.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "suanli/model/time.h"

namespace suanli::store {

// The database failed (not the user's input): connection lost, disk full,
// constraint broken. The service stops rather than run ahead of its log.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DecisionRow {
  std::string kind;         // place, preempt, reject, defer
  std::int64_t job = 0;
  std::string tenant;
  std::string rules;        // rules that denied something in it, ",a,b," ("" if none)
  std::string accelerator;
  std::string body;         // JSON (wire::decision_json)
};

struct Record {
  std::int64_t seq = 0;     // 1, 2, ... assigned by the writer, no gaps
  Seconds at = 0;           // when it was applied (the scheduler's time)
  std::int64_t wall_ms = 0; // wall clock when it was stored
  std::string kind;         // command kind
  std::int64_t job = 0;     // job it concerns (0: none)
  std::string tenant;       // tenant it concerns ("": none)
  std::string command;      // JSON (wire::command_json)
  std::vector<DecisionRow> decisions;
};

struct AuditQuery {
  std::string tenant;        // "" = all
  std::int64_t job = 0;      // 0 = all
  std::string rule;          // "" = all; else decisions in which this rule denied something
  std::string kind;          // "" = all
  std::optional<Seconds> from, to;  // at in [from, to)
  std::int64_t before = 0;   // cursor: (seq, idx) packed as seq * 10000 + idx; 0 = newest
  int limit = 100;
};

struct AuditRow {
  std::int64_t cursor = 0;   // seq * 10000 + idx
  std::int64_t seq = 0;
  Seconds at = 0;
  std::string tenant;
  std::string body;
};

struct TokenRow {
  std::string id;            // public part of the token
  std::string tenant;        // for role tenant; "" otherwise
  std::string role;          // tenant, operator, auditor
  std::string salt;          // hex
  std::string hash;          // hex SHA-256 of salt || secret
  Seconds created = 0;
  std::optional<Seconds> revoked;
  std::string note;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual std::string url() const = 0;
  virtual int schema_version() = 0;

  // Appends `batch` (seqs must continue last_seq() without gaps) in one
  // transaction, durable on return. Throws StoreError.
  virtual void append(const std::vector<Record>& batch) = 0;
  virtual std::int64_t last_seq() = 0;
  // Calls `fn` with each event after `after`, in seq order, with its decisions.
  virtual void scan(std::int64_t after, const std::function<void(Record&&)>& fn) = 0;

  // The audit log, newest first.
  virtual std::vector<AuditRow> decisions(const AuditQuery& q) = 0;

  virtual std::optional<std::string> meta(const std::string& key) = 0;
  virtual void set_meta(const std::string& key, const std::string& value) = 0;

  virtual void add_token(const TokenRow& t) = 0;
  virtual std::optional<TokenRow> token(const std::string& id) = 0;
  virtual std::vector<TokenRow> tokens() = 0;
  // Marks a token revoked at `at`; false if there is no such live token.
  virtual bool revoke_token(const std::string& id, Seconds at) = 0;
};

// Opens (creating if needed) and migrates the store at `url`. Throws
// InputError for a URL it cannot use, StoreError when the database fails.
std::unique_ptr<Store> open_store(const std::string& url);

// The schema's migrations, in order: (version, what it does, SQL statements).
struct Migration {
  int version;
  const char* summary;
  std::vector<const char*> statements;
};
const std::vector<Migration>& migrations();

}  // namespace suanli::store
