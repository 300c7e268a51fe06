// Run-time string built-ins.
#include "stdlib/strings.h"

#include <algorithm>

#include <limits>

#include <fmt/format.h>

namespace writ::stdlib {

Result<std::int64_t> parse_int(std::string_view text) {
  std::string_view digits = text;
  bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.remove_prefix(1);
  if (digits.empty() || digits.size() > 19) return Error{"`" + std::string(text) + "` is not a decimal integer"};
  if (digits.size() > 1 && digits[0] == '0') return Error{"`" + std::string(text) + "` has a leading zero"};
  // Accumulate negatively so INT64_MIN is representable.
  std::int64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return Error{"`" + std::string(text) + "` is not a decimal integer"};
    int d = c - '0';
    if (value < (std::numeric_limits<std::int64_t>::min() + d) / 10) {
      return Error{"`" + std::string(text) + "` is out of the 64-bit integer range"};
    }
    value = value * 10 - d;
  }
  if (!negative) {
    if (value == std::numeric_limits<std::int64_t>::min()) {
      return Error{"`" + std::string(text) + "` is out of the 64-bit integer range"};
    }
    value = -value;
  }
  return value;
}

std::optional<std::string> scope_token_problem(std::string_view token) {
  if (token.empty()) return std::string("it is empty");
  for (unsigned char c : token) {
    if (c < 0x21 || c > 0x7E || c == '"' || c == '\\')
      return fmt::format("byte 0x{:02X} is not allowed in a scope token", static_cast<unsigned>(c));
  }
  return std::nullopt;
}

Result<std::vector<std::string>> split_scope(std::string_view scope) {
  std::vector<std::string> tokens;
  if (scope.empty()) return tokens;
  std::size_t begin = 0;
  while (true) {
    std::size_t end = scope.find(' ', begin);
    std::string_view token = scope.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
    if (auto problem = scope_token_problem(token))
      return Error{fmt::format("scope token {} is not one: {}", tokens.size() + 1, *problem)};
    tokens.emplace_back(token);
    if (end == std::string_view::npos) return tokens;
    begin = end + 1;
  }
}

std::vector<std::string> split(std::string_view text, std::string_view separator) {
  std::vector<std::string> out;
  if (separator.empty()) {
    out.emplace_back(text);
    return out;
  }
  std::size_t start = 0;
  while (true) {
    std::size_t at = text.find(separator, start);
    if (at == std::string_view::npos) {
      out.emplace_back(text.substr(start));
      return out;
    }
    out.emplace_back(text.substr(start, at - start));
    start = at + separator.size();
  }
}

std::int64_t code_point_count(std::string_view text) {
  std::int64_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string format_rfc3339(std::int64_t seconds) {
  std::int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  std::int64_t rest = seconds - days * 86400;
  // civil_from_days (Howard Hinnant).
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t month = mp + (mp < 10 ? 3 : -9);
  std::int64_t year = yoe + era * 400 + (month <= 2);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, month, day, rest / 3600, rest % 3600 / 60,
                     rest % 60);
}

Result<std::int64_t> parse_rfc3339(std::string_view s) {
  Error bad{"`" + std::string(s) + "` is not an RFC 3339 timestamp"};
  auto num = [&](std::size_t at, std::size_t n, int& out) {
    if (at + n > s.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int year, month, day, hour, minute, second;
  if (!num(0, 4, year) || s.size() < 20 || s[4] != '-' || !num(5, 2, month) || s[7] != '-' || !num(8, 2, day) ||
      (s[10] != 'T' && s[10] != 't') || !num(11, 2, hour) || s[13] != ':' || !num(14, 2, minute) || s[16] != ':' ||
      !num(17, 2, second)) {
    return bad;
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] || (month == 2 && day == 29 && !leap) || hour > 23 ||
      minute > 59 || second > 60) {
    return bad;
  }
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    std::size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return bad;
  }
  int offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (!num(i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !num(i + 4, 2, om) || oh > 23 || om > 59)
      return bad;
    offset = (oh * 60 + om) * 60 * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return bad;
  }
  if (i != s.size()) return bad;
  // A leap second (:60) is read as the following second, as POSIX time has none.
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 + hour * 3600 +
         minute * 60 + second - offset;
}

}  // namespace writ::stdlib

namespace writ::stdlib {

std::optional<std::int64_t> numeric_date_floor(std::string_view s) {
  std::size_t i = 0;
  bool negative = i < s.size() && s[i] == '-';
  if (negative) ++i;
  auto digit = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  std::string digits;      // integer and fraction digits, the decimal point dropped
  std::int64_t point = 0;  // digits before the point
  if (!digit(i)) return std::nullopt;
  if (s[i] == '0' && digit(i + 1)) return std::nullopt;  // JSON has no leading zeros
  while (digit(i)) digits.push_back(s[i++]);
  point = static_cast<std::int64_t>(digits.size());
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digit(i)) return std::nullopt;
    while (digit(i)) digits.push_back(s[i++]);
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digit(i)) return std::nullopt;
    std::int64_t exponent = 0;
    while (digit(i)) exponent = std::min<std::int64_t>(exponent * 10 + (s[i++] - '0'), 1000000);  // saturating
    point += exp_negative ? -exponent : exponent;
  }
  if (i != s.size()) return std::nullopt;
  // The integer part is digits[0, point) (zeros past the end); the rest is the fraction.
  std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;                                // zero, whatever the exponent
  if (point - static_cast<std::int64_t>(first) > 16) return std::nullopt;  // at least 10^16 > 2^52
  std::int64_t whole = 0;
  for (std::int64_t k = static_cast<std::int64_t>(first); k < point; ++k)
    whole = whole * 10 + (k < static_cast<std::int64_t>(digits.size()) ? digits[static_cast<std::size_t>(k)] - '0' : 0);
  bool fraction = false;
  for (std::int64_t k = std::max<std::int64_t>(point, 0); k < static_cast<std::int64_t>(digits.size()); ++k)
    fraction = fraction || digits[static_cast<std::size_t>(k)] != '0';
  std::int64_t floor = negative ? -whole - (fraction ? 1 : 0) : whole;
  if (floor < -(std::int64_t{1} << 52) || floor > kMaxFractionalNumericDate) return std::nullopt;
  return floor;
}

}  // namespace writ::stdlib
