// Ed25519 with OpenSSL's EVP interface: one-shot EVP_DigestSign/Verify (Ed25519 hashes itself).
#include "stdlib/ed25519.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "stdlib/sha256.h"

namespace writ::stdlib {

struct Ed25519Key::Handle {
  EVP_PKEY* key = nullptr;
  ~Handle() { EVP_PKEY_free(key); }
};

namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// OpenSSL's last error, for messages; the error queue is left empty.
std::string openssl_error() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

std::string raw_public(EVP_PKEY* key) {
  std::size_t n = 32;
  std::string raw(n, '\0');
  if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &n) != 1) return {};
  raw.resize(n);
  return raw;
}

}  // namespace

Ed25519Key::Ed25519Key(std::unique_ptr<Handle> handle, bool has_private)
    : handle_(std::move(handle)), private_(has_private), id_(sha256(raw_public(handle_->key))) {}
Ed25519Key::Ed25519Key(Ed25519Key&&) noexcept = default;
Ed25519Key& Ed25519Key::operator=(Ed25519Key&&) noexcept = default;
Ed25519Key::~Ed25519Key() = default;

Result<Ed25519Key> Ed25519Key::from_private_pem(std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  auto handle = std::make_unique<Handle>();
  if (bio == nullptr || pem.size() > (1u << 20) ||
      (handle->key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)) == nullptr) {
    return Error{"not a PEM private key: " + openssl_error()};
  }
  if (EVP_PKEY_get_id(handle->key) != EVP_PKEY_ED25519) return Error{"the key is not an Ed25519 key"};
  return Ed25519Key(std::move(handle), true);
}

Result<Ed25519Key> Ed25519Key::from_public_pem(std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  auto handle = std::make_unique<Handle>();
  if (bio == nullptr || pem.size() > (1u << 20) ||
      (handle->key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)) == nullptr) {
    return Error{"not a PEM public key: " + openssl_error()};
  }
  if (EVP_PKEY_get_id(handle->key) != EVP_PKEY_ED25519) return Error{"the key is not an Ed25519 key"};
  return Ed25519Key(std::move(handle), false);
}

Result<Ed25519Key> Ed25519Key::generate() {
  auto handle = std::make_unique<Handle>();
  handle->key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (handle->key == nullptr) return Error{"cannot generate a key: " + openssl_error()};
  return Ed25519Key(std::move(handle), true);
}

Result<std::string> Ed25519Key::sign(std::string_view message) const {
  if (!private_) return Error{"a public key cannot sign"};
  MdCtx ctx(EVP_MD_CTX_new());
  std::size_t n = 64;
  std::string signature(n, '\0');
  if (ctx == nullptr || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, handle_->key) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &n,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    return Error{"cannot sign: " + openssl_error()};
  }
  signature.resize(n);
  return signature;
}

bool Ed25519Key::verify(std::string_view message, std::string_view signature) const {
  if (signature.size() != 64) return false;
  MdCtx ctx(EVP_MD_CTX_new());
  bool ok = ctx != nullptr && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, handle_->key) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  ERR_clear_error();
  return ok;
}

namespace {

Result<std::string> pem_of(EVP_PKEY* key, bool private_part) {
  Bio bio(BIO_new(BIO_s_mem()));
  int ok = bio == nullptr ? 0
           : private_part ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
                          : PEM_write_bio_PUBKEY(bio.get(), key);
  if (ok != 1) return Error{"cannot write the key: " + openssl_error()};
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace

Result<std::string> Ed25519Key::private_pem() const {
  if (!private_) return Error{"a public key has no private part"};
  return pem_of(handle_->key, true);
}

Result<std::string> Ed25519Key::public_pem() const {
  return pem_of(handle_->key, false);
}

}  // namespace writ::stdlib
