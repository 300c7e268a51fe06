// Run-time values of the interpreter: strings, ints, bools, timestamps, durations, lists,
// records (with absent fields) and time windows. Immutable and cheap to copy.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "stdlib/time_zone.h"

namespace writ {

enum class ValueKind { String, Int, Bool, Timestamp, Duration, List, Record, Window };

class Value;

// A record: fields that are present; an absent optional claim has no entry.
struct RecordValue {
  std::map<std::string, Value, std::less<>> fields;
};

// `window(days, hours, zone)`: weekdays as a bitmask (bit 0 = Monday), minutes of the day.
struct WindowValue {
  unsigned days = 0;
  std::int64_t start_minute = 0;
  std::int64_t end_minute = 0;
  stdlib::TimeZone zone = stdlib::TimeZone::utc();
  bool contains(std::int64_t utc_seconds) const;
};

class Value {
 public:
  static Value string(std::string s) { return Value(ValueKind::String, std::move(s)); }
  static Value integer(std::int64_t v) { return Value(ValueKind::Int, v); }
  static Value boolean(bool v) { return Value(ValueKind::Bool, v); }
  static Value timestamp(std::int64_t v) { return Value(ValueKind::Timestamp, v); }
  static Value duration(std::int64_t v) { return Value(ValueKind::Duration, v); }
  static Value list(std::vector<Value> items) {
    return Value(ValueKind::List, std::make_shared<const std::vector<Value>>(std::move(items)));
  }
  static Value record(RecordValue r) { return Value(ValueKind::Record, std::make_shared<const RecordValue>(std::move(r))); }
  static Value window(WindowValue w) { return Value(ValueKind::Window, std::make_shared<const WindowValue>(std::move(w))); }

  ValueKind kind() const { return kind_; }
  const std::string& as_string() const { return std::get<std::string>(data_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(data_); }  // Int, Timestamp, Duration
  bool as_bool() const { return std::get<bool>(data_); }
  const std::vector<Value>& as_list() const { return *std::get<std::shared_ptr<const std::vector<Value>>>(data_); }
  const RecordValue& as_record() const { return *std::get<std::shared_ptr<const RecordValue>>(data_); }
  const WindowValue& as_window() const { return *std::get<std::shared_ptr<const WindowValue>>(data_); }

  // A short rendering for explanations and errors: strings quoted, lists bracketed.
  std::string to_display() const;

 private:
  using Data = std::variant<std::string, std::int64_t, bool, std::shared_ptr<const std::vector<Value>>,
                            std::shared_ptr<const RecordValue>, std::shared_ptr<const WindowValue>>;
  template <typename T>
  Value(ValueKind kind, T data) : kind_(kind), data_(std::move(data)) {}
  ValueKind kind_;
  Data data_;
};

// Structural equality: strings by bytes, lists item by item, records field by field.
bool values_equal(const Value& a, const Value& b);

}  // namespace writ
