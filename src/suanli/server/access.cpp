#include "suanli/server/access.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace suanli::server {
namespace {

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  return out;
}

std::string random_hex(std::size_t bytes) {
  std::array<unsigned char, 64> buf{};
  if (bytes > buf.size() || RAND_bytes(buf.data(), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed: no randomness for a token");
  }
  return hex(buf.data(), bytes);
}

std::string sha256_hex(std::string_view salt, std::string_view secret) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, salt.data(), salt.size()) == 1 &&
                  EVP_DigestUpdate(ctx, secret.data(), secret.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, md.data(), &len) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) throw std::runtime_error("OpenSSL SHA-256 failed");
  return hex(md.data(), len);
}

bool is_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string_view name(Role r) {
  switch (r) {
    case Role::Tenant: return "tenant";
    case Role::Operator: return "operator";
    case Role::Auditor: return "auditor";
  }
  return "tenant";
}

std::optional<Role> parse_role(std::string_view text) {
  for (Role r : {Role::Tenant, Role::Operator, Role::Auditor}) {
    if (name(r) == text) return r;
  }
  return std::nullopt;
}

NewToken make_token(Role role, const std::string& tenant, const std::string& note, Seconds now) {
  NewToken t;
  t.row.id = random_hex(6);
  t.row.tenant = role == Role::Tenant ? tenant : "";
  t.row.role = std::string(name(role));
  t.row.salt = random_hex(16);
  const std::string secret = random_hex(32);
  t.row.hash = sha256_hex(t.row.salt, secret);
  t.row.created = now;
  t.row.note = note;
  t.token = "sl_" + t.row.id + "_" + secret;
  return t;
}

std::optional<Principal> Access::authenticate(std::string_view header) {
  constexpr std::string_view bearer = "Bearer ";
  if (header.substr(0, bearer.size()) != bearer) return std::nullopt;
  const std::string_view token = header.substr(bearer.size());
  // sl_ + 12 hex + _ + 64 hex
  if (token.size() != 3 + 12 + 1 + 64 || token.substr(0, 3) != "sl_" || token[15] != '_') return std::nullopt;
  const std::string id(token.substr(3, 12));
  const std::string_view secret = token.substr(16);
  if (!is_hex(id) || !is_hex(secret)) return std::nullopt;

  store::TokenRow row;
  {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    auto it = cache_.find(id);
    if (it == cache_.end() || now - it->second.read > recheck_) {
      auto fresh = store_->token(id);
      if (!fresh) {
        if (it != cache_.end()) cache_.erase(it);
        return std::nullopt;
      }
      it = cache_.insert_or_assign(id, Entry{*fresh, now}).first;
    }
    row = it->second.row;
  }
  if (row.revoked) return std::nullopt;
  const std::string hash = sha256_hex(row.salt, secret);
  if (hash.size() != row.hash.size() || CRYPTO_memcmp(hash.data(), row.hash.data(), hash.size()) != 0) {
    return std::nullopt;
  }
  const auto role = parse_role(row.role);
  if (!role) return std::nullopt;
  return Principal{*role, row.tenant, row.id};
}

void Access::forget(const std::string& id) {
  std::lock_guard lock(mu_);
  cache_.erase(id);
}

}  // namespace suanli::server
