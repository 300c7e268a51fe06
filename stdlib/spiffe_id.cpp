// SPIFFE ID parsing following spiffe/spiffe standards/SPIFFE-ID.md.
#include "stdlib/spiffe_id.h"

#include <fmt/format.h>

namespace writ::stdlib {
namespace {

bool trust_domain_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool path_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

std::string describe(char c) {
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) {
    return fmt::format("byte 0x{:02X}", static_cast<unsigned char>(c));
  }
  return fmt::format("`{}`", c);
}

}  // namespace

std::variant<SpiffeId, SpiffeError> parse_spiffe_id(std::string_view text) {
  constexpr std::string_view kScheme = "spiffe://";
  if (text.size() > kMaxSpiffeIdBytes) {
    return SpiffeError{kMaxSpiffeIdBytes, fmt::format("a SPIFFE ID is at most {} bytes", kMaxSpiffeIdBytes)};
  }
  if (text.substr(0, kScheme.size()) != kScheme) {
    std::string lowered;
    for (char c : text.substr(0, kScheme.size())) lowered.push_back(static_cast<char>(std::tolower(c)));
    if (lowered == kScheme) return SpiffeError{0, "the scheme must be written in lower case: `spiffe://`"};
    return SpiffeError{0, "a SPIFFE ID starts with `spiffe://`"};
  }
  SpiffeId id;
  std::size_t i = kScheme.size();
  std::size_t td_end = text.find('/', i);
  if (td_end == std::string_view::npos) td_end = text.size();
  std::string_view td = text.substr(i, td_end - i);
  if (td.empty()) return SpiffeError{i, "the trust domain is empty"};
  if (td.size() > kMaxTrustDomainBytes) {
    return SpiffeError{i, fmt::format("the trust domain is longer than {} bytes", kMaxTrustDomainBytes)};
  }
  for (std::size_t k = 0; k < td.size(); ++k) {
    char c = td[k];
    if (trust_domain_char(c)) continue;
    std::string why = c >= 'A' && c <= 'Z'     ? "the trust domain must be lower case"
                      : c == ':'               ? "a trust domain has no port"
                      : c == '@'               ? "a trust domain has no user info"
                      : c == '%'               ? "percent-encoding is not allowed"
                      : (c == '?' || c == '#') ? "a SPIFFE ID has no query or fragment"
                                               : fmt::format("{} is not allowed in a trust domain", describe(c));
    return SpiffeError{i + k, why};
  }
  // DNS-style labels: a leading or trailing dot, or two in a row, would let one trust domain be
  // spelled two ways (`acme.example.` and `acme.example`).
  if (td.front() == '.' || td.back() == '.') {
    return SpiffeError{td.front() == '.' ? i : i + td.size() - 1, "a trust domain does not start or end with `.`"};
  }
  if (std::size_t dots = td.find(".."); dots != std::string_view::npos)
    return SpiffeError{i + dots, "a trust domain has no empty labels (`..`)"};
  id.trust_domain = std::string(td);
  i = td_end;
  if (i == text.size()) return id;
  id.path = std::string(text.substr(i));
  while (i < text.size()) {
    // text[i] == '/'
    std::size_t seg_begin = i + 1;
    std::size_t seg_end = text.find('/', seg_begin);
    if (seg_end == std::string_view::npos) seg_end = text.size();
    std::string_view seg = text.substr(seg_begin, seg_end - seg_begin);
    if (seg.empty()) {
      return SpiffeError{i, seg_end == text.size() ? "a SPIFFE ID path has no trailing `/`"
                                                   : "a SPIFFE ID path has no empty segments"};
    }
    if (seg == "." || seg == "..")
      return SpiffeError{seg_begin, fmt::format("the path segment `{}` is not allowed", seg)};
    for (std::size_t k = 0; k < seg.size(); ++k) {
      char c = seg[k];
      if (path_char(c)) continue;
      std::string why = c == '%'                 ? "percent-encoding is not allowed"
                        : (c == '?' || c == '#') ? "a SPIFFE ID has no query or fragment"
                                                 : fmt::format("{} is not allowed in a path segment", describe(c));
      return SpiffeError{seg_begin + k, why};
    }
    id.segments.emplace_back(seg);
    i = seg_end;
  }
  return id;
}

std::variant<SpiffeId, SpiffeError> validate_spiffe_pattern(std::string_view pattern) {
  // Check the trust domain is exact, then validate with each wildcard standing for a letter.
  constexpr std::string_view kScheme = "spiffe://";
  if (pattern.substr(0, kScheme.size()) == kScheme) {
    std::size_t td_end = pattern.find('/', kScheme.size());
    std::string_view td = pattern.substr(
        kScheme.size(), td_end == std::string_view::npos ? std::string_view::npos : td_end - kScheme.size());
    std::size_t wild = td.find_first_of("*?\\");
    if (wild != std::string_view::npos) {
      return SpiffeError{kScheme.size() + wild, "the trust domain of a SPIFFE pattern must be written out exactly"};
    }
  }
  std::string probe;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      probe.push_back(pattern[++i]);
    } else if (c == '*' || c == '?') {
      probe.push_back('x');
    } else {
      probe.push_back(c);
    }
  }
  return parse_spiffe_id(probe);
}

}  // namespace writ::stdlib
