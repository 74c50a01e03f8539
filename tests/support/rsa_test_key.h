// A fresh RSA key pair standing in for a MySQL server's: the public half as
// the PEM the server would send, the private half to check what a client
// encrypted with RSA-OAEP (randomised, so ciphertexts cannot be compared
// with fixed vectors). Test code only; failures throw.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace sluice::testing {

class RsaTestKey {
 public:
  RsaTestKey() : key_(EVP_RSA_gen(2048), &EVP_PKEY_free) {
    if (!key_) throw std::runtime_error("EVP_RSA_gen failed");
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()),
                                                  &BIO_free);
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1)
      throw std::runtime_error("PEM_write_bio_PUBKEY failed");
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    pem_.assign(data, static_cast<size_t>(len));
  }

  [[nodiscard]] const std::string& public_pem() const { return pem_; }

  // RSA-OAEP decryption with the private half.
  [[nodiscard]] std::vector<std::byte> decrypt(
      const std::vector<std::byte>& cipher) const {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new(key_.get(), nullptr), &EVP_PKEY_CTX_free);
    std::vector<unsigned char> plain(512);
    size_t len = plain.size();
    if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
        EVP_PKEY_decrypt(ctx.get(), plain.data(), &len,
                         reinterpret_cast<const unsigned char*>(cipher.data()),
                         cipher.size()) != 1) {
      throw std::runtime_error("RSA-OAEP decryption failed");
    }
    std::vector<std::byte> out(len);
    for (size_t i = 0; i < len; ++i) out[i] = std::byte{plain[i]};
    return out;
  }

 private:
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_;
  std::string pem_;
};

}  // namespace sluice::testing
