// Embedding Writ in C++: load a policy directory, decide one request, print the decision.
//   decide POLICY_DIR REQUEST.json   (exit 0: allow, 1: deny, 2: usage or load error)
#include <fstream>
#include <iostream>
#include <sstream>

#include <writ/engine.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: decide POLICY_DIR REQUEST.json\n";
    return 2;
  }
  writ::LoadResult loaded = writ::Engine::load(writ::PolicySource::paths({argv[1]}));
  for (const writ::Diagnostic& d : loaded.diagnostics) std::cerr << writ::to_string(d) << "\n";
  if (!loaded) return 2;

  std::ifstream file(argv[2]);
  std::stringstream request;
  request << file.rdbuf();
  writ::Decision decision = loaded.engine->decide(request.str());

  std::cout << writ::to_json(decision) << "\n";
  std::cerr << (decision.allow ? "allow" : "deny") << " (" << decision.reason_code() << ") by "
            << writ::tier_name(decision.tier) << "\n";
  return decision.allow ? 0 : 1;
}
