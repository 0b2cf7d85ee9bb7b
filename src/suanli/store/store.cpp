#include "suanli/store/store.h"

#include <fmt/format.h>

#include "suanli/model/error.h"
#include "suanli/store/sql.h"

namespace suanli::store {

std::unique_ptr<Store> open_sqlite(const std::string& path);
std::unique_ptr<Store> open_postgres(const std::string& url);

const std::vector<Migration>& migrations() {
  // Portable SQL: BIGINT and TEXT mean the same in SQLite and PostgreSQL.
  static const std::vector<Migration> all = {
      {1,
       "event log, decisions, tokens, metadata",
       {"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE events (seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, wall_ms BIGINT NOT NULL, kind TEXT NOT NULL, "
        "job BIGINT NOT NULL, tenant TEXT NOT NULL, command TEXT NOT NULL)",
        "CREATE TABLE decisions (seq BIGINT NOT NULL, idx BIGINT NOT NULL, at BIGINT NOT NULL, kind TEXT NOT NULL, "
        "job BIGINT NOT NULL, tenant TEXT NOT NULL, rules TEXT NOT NULL, accelerator TEXT NOT NULL, body TEXT NOT NULL, "
        "PRIMARY KEY (seq, idx))",
        "CREATE TABLE tokens (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, role TEXT NOT NULL, salt TEXT NOT NULL, "
        "hash TEXT NOT NULL, created BIGINT NOT NULL, revoked BIGINT, note TEXT NOT NULL)"}},
      {2,
       "indexes for the audit log's filters (job, tenant, time)",
       {"CREATE INDEX decisions_by_job ON decisions (job, seq)",
        "CREATE INDEX decisions_by_tenant ON decisions (tenant, seq)",
        "CREATE INDEX decisions_by_at ON decisions (at)"}},
  };
  return all;
}

std::unique_ptr<Store> open_store(const std::string& url) {
  if (url.rfind("sqlite:", 0) == 0) {
    const std::string path = url.substr(7);
    if (path.empty()) throw InputError("--db", "found 'sqlite:' with no path, expected sqlite:PATH (e.g. sqlite:suanli.db)");
    return open_sqlite(path);
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return open_postgres(url);
  throw InputError("--db", fmt::format("found '{}', expected sqlite:PATH or postgresql://USER@HOST:PORT/DB", url));
}

namespace sql {

std::string audit_query(const AuditQuery& q, std::vector<std::string>& params) {
  std::vector<std::string> where;
  auto add = [&](const std::string& cond, std::string value) {
    params.push_back(std::move(value));
    where.push_back(fmt::format(fmt::runtime(cond), params.size()));
  };
  if (!q.tenant.empty()) add("tenant = ${}", q.tenant);
  if (q.job > 0) add("job = ${}", std::to_string(q.job));
  if (!q.rule.empty()) add("rules LIKE ${}", "%," + q.rule + ",%");
  if (!q.kind.empty()) add("kind = ${}", q.kind);
  if (q.from) add("at >= ${}", std::to_string(*q.from));
  if (q.to) add("at < ${}", std::to_string(*q.to));
  if (q.before > 0) {
    const std::int64_t seq = q.before / kCursorScale, idx = q.before % kCursorScale;
    params.push_back(std::to_string(seq));
    params.push_back(std::to_string(idx));
    where.push_back(fmt::format("(seq < ${0} OR (seq = ${0} AND idx < ${1}))", params.size() - 1, params.size()));
  }
  std::string s = "SELECT seq, idx, at, tenant, body FROM decisions";
  for (std::size_t i = 0; i < where.size(); ++i) s += (i == 0 ? " WHERE " : " AND ") + where[i];
  s += fmt::format(" ORDER BY seq DESC, idx DESC LIMIT {}", std::max(1, std::min(q.limit, 1000)));
  return s;
}

}  // namespace sql
}  // namespace suanli::store
