// `writ keygen`: makes an Ed25519 key pair for signing bundles (`writ compile --sign`).
#include <sys/stat.h>

#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "stdlib/ed25519.h"
#include "stdlib/files.h"

namespace writ::cli {
namespace {

struct KeygenArgs {
  std::string private_path;
  std::string public_path;
};

int run_keygen(const KeygenArgs& args) {
  auto key = stdlib::Ed25519Key::generate();
  auto private_pem = key ? key->private_pem() : Result<std::string>(Error{key.error()});
  auto public_pem = key ? key->public_pem() : Result<std::string>(Error{key.error()});
  if (!private_pem || !public_pem) {
    std::cerr << "writ keygen: " << (private_pem ? public_pem.error() : private_pem.error()) << "\n";
    return kExitUsage;
  }
  // The private key is readable by its owner only, from the moment it exists.
  mode_t previous = ::umask(077);
  auto written = stdlib::write_file_atomically(args.private_path, *private_pem);
  ::umask(previous);
  if (!written) {
    std::cerr << "writ keygen: " << args.private_path << ": cannot be written: " << written.error() << "\n";
    return kExitUsage;
  }
  if (auto pub = stdlib::write_file_atomically(args.public_path, *public_pem); !pub) {
    std::cerr << "writ keygen: " << args.public_path << ": cannot be written: " << pub.error() << "\n";
    return kExitUsage;
  }
  std::cout << "private key " << args.private_path << " (keep it secret: it signs bundles)\npublic key "
            << args.public_path << " (give it to brokers: writ eval --bundle F --trust " << args.public_path << ")\n";
  return kExitOk;
}

}  // namespace

void add_keygen_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<KeygenArgs>();
  CLI::App* cmd = app.add_subcommand("keygen", "Make an Ed25519 key pair for signing bundles (writ compile --sign)");
  cmd->add_option("private", args->private_path, "Where to write the private key (PEM, mode 0600)")->required();
  cmd->add_option("public", args->public_path, "Where to write the public key (PEM)")->required();
  cmd->footer("Exit codes: 0 written, 2 usage error or an unwritable file.");
  cmd->callback([args, &exit_code] { exit_code = run_keygen(*args); });
}

}  // namespace writ::cli
