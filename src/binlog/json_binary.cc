#include "binlog/json_binary.h"

#include <array>
#include <bit>
#include <charconv>

#include "binlog/json_text.h"
#include "common/byte_reader.h"

namespace sluice::binlog {
namespace {

using Kind = JsonBinaryValue::Kind;

// Type bytes of the binary format (JSONB_TYPE_* in json_binary.cc).
constexpr uint8_t kTypeSmallObject = 0x0;
constexpr uint8_t kTypeLargeObject = 0x1;
constexpr uint8_t kTypeSmallArray = 0x2;
constexpr uint8_t kTypeLargeArray = 0x3;
constexpr uint8_t kTypeLiteral = 0x4;
constexpr uint8_t kTypeInt16 = 0x5;
constexpr uint8_t kTypeUint16 = 0x6;
constexpr uint8_t kTypeInt32 = 0x7;
constexpr uint8_t kTypeUint32 = 0x8;
constexpr uint8_t kTypeInt64 = 0x9;
constexpr uint8_t kTypeUint64 = 0xa;
constexpr uint8_t kTypeDouble = 0xb;
constexpr uint8_t kTypeString = 0xc;
constexpr uint8_t kTypeOpaque = 0xf;

constexpr uint8_t kLiteralNull = 0x0;
constexpr uint8_t kLiteralTrue = 0x1;
constexpr uint8_t kLiteralFalse = 0x2;

// A variable length takes at most 5 bytes, enough for UINT32_MAX.
constexpr size_t kMaxVarLenBytes = 5;

size_t offset_size(bool large) { return large ? 4 : 2; }
size_t key_entry_size(bool large) { return offset_size(large) + 2; }
size_t value_entry_size(bool large) { return 1 + offset_size(large); }

// Offset of the first key entry (objects) or value entry (arrays): right
// after the element count and byte size.
size_t first_entry_offset(bool large) { return 2 * offset_size(large); }

size_t value_entry_offset(const JsonBinaryValue& c, size_t i) {
  size_t offset = first_entry_offset(c.large);
  if (c.kind == Kind::kObject) offset += c.count * key_entry_size(c.large);
  return offset + i * value_entry_size(c.large);
}

// Bytes before the first key or value: the counts and every entry.
size_t header_size(const JsonBinaryValue& c) {
  return value_entry_offset(c, c.count);
}

bool is_inlined(uint8_t type, bool large) {
  switch (type) {
    case kTypeLiteral:
    case kTypeInt16:
    case kTypeUint16:
      return true;
    case kTypeInt32:
    case kTypeUint32:
      return large;
    default:
      return false;
  }
}

std::string hex_byte(uint8_t b) {
  constexpr std::string_view kHex = "0123456789abcdef";
  return std::string("0x") + kHex[b >> 4] + kHex[b & 0xf];
}

[[nodiscard]] tl::unexpected<Error> corrupt(std::string message) {
  return make_error(Errc::kCorrupt, "json: " + std::move(message));
}

// Reads a length written by append_variable_length(): 7 bits per byte, low
// bits first, high bit set on every byte but the last.
[[nodiscard]] Result<size_t> read_variable_length(ByteReader& reader,
                                                  const char* what) {
  uint64_t len = 0;
  for (size_t i = 0; i < kMaxVarLenBytes; ++i) {
    SLUICE_ASSIGN_OR_RETURN(const uint8_t b, reader.u8(what));
    len |= uint64_t{b & 0x7fU} << (7 * i);
    if ((b & 0x80) == 0) {
      if (len > UINT32_MAX) {
        return corrupt(std::string(what) + " " + std::to_string(len) +
                       " exceeds 4 GiB");
      }
      return static_cast<size_t>(len);
    }
  }
  return corrupt(std::string(what) + " runs past 5 bytes");
}

// parse_scalar(): `data` runs from the value to the end of the enclosing
// container (or document), so trailing bytes belong to others.
[[nodiscard]] Result<JsonBinaryValue> parse_scalar(uint8_t type, Bytes data) {
  ByteReader reader(data);
  JsonBinaryValue v;
  switch (type) {
    case kTypeLiteral: {
      SLUICE_ASSIGN_OR_RETURN(const uint8_t lit, reader.u8("json literal"));
      switch (lit) {
        case kLiteralNull:
          v.kind = Kind::kNull;
          return v;
        case kLiteralTrue:
          v.kind = Kind::kTrue;
          return v;
        case kLiteralFalse:
          v.kind = Kind::kFalse;
          return v;
        default:
          return corrupt("unknown literal " + hex_byte(lit));
      }
    }
    case kTypeInt16:
    case kTypeInt32:
    case kTypeInt64: {
      const unsigned bytes =
          type == kTypeInt16 ? 2U : (type == kTypeInt32 ? 4U : 8U);
      SLUICE_ASSIGN_OR_RETURN(const uint64_t raw,
                              reader.uint_le(bytes, "json integer"));
      v.kind = Kind::kInt;
      v.int_value = sign_extend(raw, 8 * bytes);
      return v;
    }
    case kTypeUint16:
    case kTypeUint32:
    case kTypeUint64: {
      const unsigned bytes =
          type == kTypeUint16 ? 2U : (type == kTypeUint32 ? 4U : 8U);
      SLUICE_ASSIGN_OR_RETURN(v.uint_value,
                              reader.uint_le(bytes, "json unsigned integer"));
      v.kind = Kind::kUint;
      return v;
    }
    case kTypeDouble: {
      SLUICE_ASSIGN_OR_RETURN(const uint64_t raw, reader.u64("json double"));
      v.kind = Kind::kDouble;
      v.double_value = std::bit_cast<double>(raw);
      return v;
    }
    case kTypeString: {
      SLUICE_ASSIGN_OR_RETURN(
          const size_t len, read_variable_length(reader, "json string length"));
      SLUICE_ASSIGN_OR_RETURN(v.data, reader.bytes(len, "json string"));
      v.kind = Kind::kString;
      return v;
    }
    case kTypeOpaque: {
      SLUICE_ASSIGN_OR_RETURN(v.field_type,
                              reader.u8("json opaque field type"));
      SLUICE_ASSIGN_OR_RETURN(
          const size_t len, read_variable_length(reader, "json opaque length"));
      SLUICE_ASSIGN_OR_RETURN(v.data, reader.bytes(len, "json opaque data"));
      v.kind = Kind::kOpaque;
      return v;
    }
    default:
      return corrupt("unknown value type " + hex_byte(type));
  }
}

// parse_array_or_object(): checks the declared size against the bytes
// available and the header against the declared size.
[[nodiscard]] Result<JsonBinaryValue> parse_container(Kind kind, bool large,
                                                      Bytes data) {
  ByteReader reader(data);
  const size_t width = offset_size(large);
  const char* name = kind == Kind::kObject ? "object" : "array";
  SLUICE_ASSIGN_OR_RETURN(const uint64_t count,
                          reader.uint_le(width, "json element count"));
  SLUICE_ASSIGN_OR_RETURN(const uint64_t size,
                          reader.uint_le(width, "json container size"));
  if (size > data.size()) {
    return corrupt(std::string(name) + " claims " + std::to_string(size) +
                   " bytes, only " + std::to_string(data.size()) +
                   " available");
  }
  JsonBinaryValue v;
  v.kind = kind;
  v.large = large;
  v.count = static_cast<uint32_t>(count);
  v.data = data.first(static_cast<size_t>(size));
  if (header_size(v) > size) {
    return corrupt(std::string(name) + " of " + std::to_string(count) +
                   " elements needs a " + std::to_string(header_size(v)) +
                   "-byte header, size is " + std::to_string(size));
  }
  return v;
}

[[nodiscard]] Result<JsonBinaryValue> parse_value(uint8_t type, Bytes data) {
  switch (type) {
    case kTypeSmallObject:
      return parse_container(Kind::kObject, false, data);
    case kTypeLargeObject:
      return parse_container(Kind::kObject, true, data);
    case kTypeSmallArray:
      return parse_container(Kind::kArray, false, data);
    case kTypeLargeArray:
      return parse_container(Kind::kArray, true, data);
    default:
      return parse_scalar(type, data);
  }
}

[[nodiscard]] Status check_index(const JsonBinaryValue& c, size_t i) {
  if (c.kind != Kind::kObject && c.kind != Kind::kArray) {
    return corrupt("element " + std::to_string(i) + " of a scalar");
  }
  if (i >= c.count) {
    return corrupt("element " + std::to_string(i) + " of a container of " +
                   std::to_string(c.count));
  }
  return {};
}

void append_int(int64_t v, std::string& out) {
  std::array<char, 24> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), res.ptr);
}

void append_uint(uint64_t v, std::string& out) {
  std::array<char, 24> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), res.ptr);
}

// `limit` bounds out.size(): entries may point anywhere inside their
// container, so a few hundred crafted bytes could reference one child from
// many places and expand exponentially; real documents print in a few times
// their binary size.
Status append_value(const JsonBinaryValue& v, bool quoted, size_t depth,
                    size_t limit, std::string& out) {
  switch (v.kind) {
    case Kind::kObject:
    case Kind::kArray: {
      if (depth >= kMaxJsonDepth) {
        return corrupt("document nested deeper than " +
                       std::to_string(kMaxJsonDepth) + " levels");
      }
      if (out.size() > limit) {
        return corrupt(
            "document prints far larger than its binary form; "
            "its values overlap");
      }
      const bool object = v.kind == Kind::kObject;
      out.push_back(object ? '{' : '[');
      for (size_t i = 0; i < v.count; ++i) {
        if (i > 0) out.append(", ");
        if (object) {
          SLUICE_ASSIGN_OR_RETURN(const std::string_view key,
                                  json_binary_key(v, i));
          append_json_quoted(key, out);
          out.append(": ");
        }
        SLUICE_ASSIGN_OR_RETURN(const JsonBinaryValue element,
                                json_binary_element(v, i));
        SLUICE_RETURN_IF_ERROR(
            append_value(element, true, depth + 1, limit, out));
      }
      out.push_back(object ? '}' : ']');
      return {};
    }
    case Kind::kNull:
      out.append("null");
      return {};
    case Kind::kTrue:
      out.append("true");
      return {};
    case Kind::kFalse:
      out.append("false");
      return {};
    case Kind::kInt:
      append_int(v.int_value, out);
      return {};
    case Kind::kUint:
      append_uint(v.uint_value, out);
      return {};
    case Kind::kDouble:
      append_json_double(v.double_value, out);
      return {};
    case Kind::kString:
      if (quoted) {
        append_json_quoted(as_chars(v.data), out);
      } else {
        out.append(as_chars(v.data));
      }
      return {};
    case Kind::kOpaque:
      return append_json_opaque(v.field_type, v.data, quoted, out);
  }
  return corrupt("value of unknown kind");
}

}  // namespace

Result<JsonBinaryValue> parse_json_binary(Bytes doc) {
  ByteReader reader(doc);
  // parse_binary() reads an empty document as null: MySQL stores one when
  // NULL goes into a NOT NULL JSON column with IGNORE or non-strict mode.
  if (reader.empty()) return JsonBinaryValue{};
  SLUICE_ASSIGN_OR_RETURN(const uint8_t type, reader.u8("json type"));
  return parse_value(type, reader.rest());
}

Result<std::string_view> json_binary_key(const JsonBinaryValue& object,
                                         size_t i) {
  SLUICE_RETURN_IF_ERROR(check_index(object, i));
  if (object.kind != Kind::kObject) return corrupt("key of an array element");
  ByteReader reader(object.data);
  const size_t width = offset_size(object.large);
  SLUICE_RETURN_IF_ERROR(reader.skip(
      first_entry_offset(object.large) + i * key_entry_size(object.large),
      "json key entry"));
  SLUICE_ASSIGN_OR_RETURN(const uint64_t offset,
                          reader.uint_le(width, "json key offset"));
  SLUICE_ASSIGN_OR_RETURN(const uint16_t length, reader.u16("json key length"));
  if (offset < header_size(object) || offset > object.data.size() ||
      length > object.data.size() - offset) {
    return corrupt("key " + std::to_string(i) + " at offset " +
                   std::to_string(offset) + " length " +
                   std::to_string(length) + " lies outside the object's " +
                   std::to_string(object.data.size()) + " bytes");
  }
  return as_chars(object.data.subspan(static_cast<size_t>(offset), length));
}

Result<JsonBinaryValue> json_binary_element(const JsonBinaryValue& container,
                                            size_t i) {
  SLUICE_RETURN_IF_ERROR(check_index(container, i));
  const size_t entry = value_entry_offset(container, i);
  ByteReader reader(container.data);
  SLUICE_RETURN_IF_ERROR(reader.skip(entry, "json value entry"));
  SLUICE_ASSIGN_OR_RETURN(const uint8_t type, reader.u8("json value type"));
  const size_t width = offset_size(container.large);
  if (is_inlined(type, container.large)) {
    SLUICE_ASSIGN_OR_RETURN(const Bytes inlined,
                            reader.bytes(width, "json inlined value"));
    return parse_scalar(type, inlined);
  }
  SLUICE_ASSIGN_OR_RETURN(const uint64_t offset,
                          reader.uint_le(width, "json value offset"));
  if (offset < header_size(container) || offset > container.data.size()) {
    return corrupt("element " + std::to_string(i) + " at offset " +
                   std::to_string(offset) + " lies outside the values of a " +
                   std::to_string(container.data.size()) + "-byte container");
  }
  return parse_value(type, container.data.subspan(static_cast<size_t>(offset)));
}

Status append_json_binary(const JsonBinaryValue& value, bool quoted,
                          std::string& out) {
  const size_t mark = out.size();
  const size_t limit = mark + kMaxTextExpansion * value.data.size() + 64;
  auto status = append_value(value, quoted, 0, limit, out);
  if (!status) out.resize(mark);
  return status;
}

Status json_binary_to_text(Bytes doc, std::string& out) {
  SLUICE_ASSIGN_OR_RETURN(const JsonBinaryValue value, parse_json_binary(doc));
  return append_json_binary(value, true, out);
}

}  // namespace sluice::binlog
