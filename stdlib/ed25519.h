// Ed25519 keys and signatures (RFC 8032) through OpenSSL 3, for signed bundles: PEM keys in,
// 64-byte signatures out, keys named by the SHA-256 of their raw public bytes.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "stdlib/result.h"

namespace writ::stdlib {

class Ed25519Key {
 public:
  // A private key (PKCS#8 PEM, `openssl genpkey -algorithm ed25519`): it signs and verifies.
  static Result<Ed25519Key> from_private_pem(std::string_view pem);
  // A public key (SubjectPublicKeyInfo PEM, `openssl pkey -pubout`): it verifies only.
  static Result<Ed25519Key> from_public_pem(std::string_view pem);
  // A new private key from the system's random source.
  static Result<Ed25519Key> generate();

  Ed25519Key(Ed25519Key&&) noexcept;
  Ed25519Key& operator=(Ed25519Key&&) noexcept;
  ~Ed25519Key();

  bool has_private() const { return private_; }
  // The raw public key's SHA-256 (32 bytes): which key signed, without trusting anything else.
  const std::string& id() const { return id_; }
  Result<std::string> sign(std::string_view message) const;  // 64 bytes
  bool verify(std::string_view message, std::string_view signature) const;
  Result<std::string> private_pem() const;
  Result<std::string> public_pem() const;

 private:
  struct Handle;
  Ed25519Key(std::unique_ptr<Handle> handle, bool has_private);
  std::unique_ptr<Handle> handle_;
  bool private_ = false;
  std::string id_;
};

}  // namespace writ::stdlib
