// Access: bearer tokens and roles (issue 9).
//
// A token reads "sl_<id>_<secret>": <id> (12 hex digits) names its row in the
// store, <secret> (64 hex digits, 256 random bits from OpenSSL's RAND_bytes)
// proves it. The store keeps only a random salt and SHA-256(salt || secret),
// compared in constant time; the whole token is shown once, when created. A
// salted fast hash is enough here because the secret is random and long (a
// slow password hash protects low-entropy secrets, which these are not).
//
// Roles:
//   tenant    its own jobs, usage and audit entries only; submits and cancels its jobs
//   operator  the fleet, export events, tenants, tokens, every job; reports job lifecycle
//   auditor   reads everything, changes nothing
//
// Thread-safe: Access caches verified tokens under a mutex; a cached entry is
// re-read from the store after a few seconds, so a token revoked by another
// process (the CLI) stops working within that time.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "suanli/store/store.h"

namespace suanli::server {

enum class Role { Tenant, Operator, Auditor };
std::string_view name(Role r);
std::optional<Role> parse_role(std::string_view text);

struct Principal {
  Role role = Role::Tenant;
  std::string tenant;    // role tenant only
  std::string token_id;
  bool can_read_all() const { return role != Role::Tenant; }
  bool can_operate() const { return role == Role::Operator; }
  // May this principal see data of `tenant_name`?
  bool sees(std::string_view tenant_name) const { return can_read_all() || tenant == tenant_name; }
};

struct NewToken {
  std::string token;  // the whole bearer token: shown once
  store::TokenRow row;
};

// Creates a token row with a fresh id, salt and secret (does not store it).
NewToken make_token(Role role, const std::string& tenant, const std::string& note, Seconds now);

class Access {
 public:
  explicit Access(store::Store& store, std::chrono::seconds recheck = std::chrono::seconds(5))
      : store_(&store), recheck_(recheck) {}

  // The principal of an "Authorization" header value ("Bearer sl_..."), or
  // nullopt for a missing, malformed, unknown, wrong or revoked token.
  std::optional<Principal> authenticate(std::string_view authorization);
  // Forget a token at once (after a revocation through the API).
  void forget(const std::string& id);

 private:
  struct Entry {
    store::TokenRow row;
    std::chrono::steady_clock::time_point read;
  };
  store::Store* store_;
  std::chrono::seconds recheck_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace suanli::server
