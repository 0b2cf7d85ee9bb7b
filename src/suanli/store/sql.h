// SQL shared by the two backends (internal to store/). Statements use $1..$n
// placeholders; the SQLite backend rewrites them to ?1..?n.
#pragma once

#include <string>
#include <vector>

#include "suanli/store/store.h"

namespace suanli::store::sql {

// SELECT cursor-ordered audit rows for `q`; `params` receives the values of
// $1..$n as text (PostgreSQL casts them by context, SQLite binds by affinity).
std::string audit_query(const AuditQuery& q, std::vector<std::string>& params);

inline constexpr std::int64_t kCursorScale = 10000;  // decisions per event in a cursor

}  // namespace suanli::store::sql
