#include "binlog/json_diff.h"

#include <utility>

#include "binlog/json_binary.h"
#include "binlog/json_dom.h"
#include "binlog/json_path.h"
#include "binlog/json_text.h"
#include "common/byte_reader.h"

namespace sluice::binlog {
namespace {

using Op = JsonDiff::Op;
using BinaryKind = JsonBinaryValue::Kind;

constexpr uint8_t kOpCount = 3;

const char* op_name(Op op) {
  switch (op) {
    case Op::kReplace:
      return "REPLACE";
    case Op::kInsert:
      return "INSERT";
    case Op::kRemove:
      return "REMOVE";
  }
  return "UNKNOWN";
}

// json_diff_operation_name() of mysqlbinlog.
std::string_view function_name(const JsonDiff& diff) {
  switch (diff.op) {
    case Op::kReplace:
      return "JSON_REPLACE";
    case Op::kInsert:
      return !diff.path.empty() && diff.path.back() == ']' ? "JSON_ARRAY_INSERT"
                                                           : "JSON_INSERT";
    case Op::kRemove:
      return "JSON_REMOVE";
  }
  return "JSON_UNKNOWN";
}

// my_b_write_quoted() of mysqlbinlog: single quotes, C escapes for \b \f \n
// \r \t \\ \', \xNN for other bytes below 0x20, everything else as is.
void append_sql_quoted(std::string_view s, std::string& out) {
  constexpr std::string_view kHex = "0123456789abcdef";
  out.push_back('\'');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\'':
        out.append("\\'");
        break;
      default:
        if (c < 0x20) {
          out.append("\\x");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(ch);
        }
        break;
    }
  }
  out.push_back('\'');
}

// json_wrapper_to_string() of mysqlbinlog: the value's unquoted text, then
// quoting chosen by its JSON type.
[[nodiscard]] Status append_diff_value(Bytes doc, std::string& scratch,
                                       std::string& out) {
  SLUICE_ASSIGN_OR_RETURN(const JsonBinaryValue value, parse_json_binary(doc));
  scratch.clear();
  SLUICE_RETURN_IF_ERROR(append_json_binary(value, false, scratch));
  switch (value.kind) {
    case BinaryKind::kNull:
    case BinaryKind::kTrue:
    case BinaryKind::kFalse:
    case BinaryKind::kInt:
    case BinaryKind::kUint:
    case BinaryKind::kDouble:
      out.append(scratch);
      return {};
    case BinaryKind::kOpaque:
      if (value.field_type == kFieldTypeNewDecimal) {
        out.append(scratch);
      } else {
        append_sql_quoted(scratch, out);
      }
      return {};
    case BinaryKind::kString:
      append_sql_quoted(scratch, out);
      return {};
    case BinaryKind::kObject:
    case BinaryKind::kArray:
      out.append("CAST(");
      append_sql_quoted(scratch, out);
      out.append(" AS JSON)");
      return {};
  }
  return make_error(Errc::kCorrupt, "json diff value of unknown kind");
}

[[nodiscard]] Status append_diffs(const std::vector<JsonDiff>& diffs,
                                  std::string_view column_ref,
                                  std::string& out) {
  // Function names outermost first, i.e. from the last diff back.
  for (size_t i = diffs.size(); i > 0; --i) {
    if (i == 1 || function_name(diffs[i - 2]) != function_name(diffs[i - 1])) {
      out.append(function_name(diffs[i - 1]));
      out.push_back('(');
    }
  }
  out.append(column_ref);
  std::string scratch;
  for (size_t i = 0; i < diffs.size(); ++i) {
    const JsonDiff& diff = diffs[i];
    out.append(", ");
    append_sql_quoted(diff.path, out);
    if (diff.op != Op::kRemove) {
      out.append(", ");
      auto status = append_diff_value(diff.value, scratch, out);
      if (!status) {
        return tl::unexpected(with_context(std::move(status.error()),
                                           "json diff " + std::to_string(i)));
      }
    }
    if (i + 1 == diffs.size() ||
        function_name(diffs[i + 1]) != function_name(diff)) {
      out.push_back(')');
    }
  }
  return {};
}

[[nodiscard]] Status apply_one(JsonNode& root, const JsonDiff& diff) {
  SLUICE_ASSIGN_OR_RETURN(const std::vector<JsonPathLeg> path,
                          parse_json_path(diff.path));
  switch (diff.op) {
    case Op::kReplace: {
      SLUICE_ASSIGN_OR_RETURN(JsonNode value, json_dom_from_binary(diff.value));
      return json_dom_replace(root, path, std::move(value));
    }
    case Op::kInsert: {
      SLUICE_ASSIGN_OR_RETURN(JsonNode value, json_dom_from_binary(diff.value));
      return json_dom_insert(root, path, std::move(value));
    }
    case Op::kRemove:
      return json_dom_remove(root, path);
  }
  return make_error(Errc::kCorrupt, "json diff of unknown operation");
}

}  // namespace

Result<std::vector<JsonDiff>> parse_json_diffs(Bytes column_value) {
  std::vector<JsonDiff> diffs;
  ByteReader reader(column_value);
  while (!reader.empty()) {
    const size_t start = reader.position();
    SLUICE_ASSIGN_OR_RETURN(const uint8_t op, reader.u8("json diff operation"));
    if (op >= kOpCount) {
      return make_error(Errc::kCorrupt,
                        "json diff at byte " + std::to_string(start) +
                            ": unknown operation " + std::to_string(op));
    }
    JsonDiff diff{static_cast<Op>(op), {}, {}};
    SLUICE_ASSIGN_OR_RETURN(diff.path, reader.packed_chars("json diff path"));
    if (diff.path.empty()) {
      return make_error(
          Errc::kCorrupt,
          "json diff at byte " + std::to_string(start) + ": empty path");
    }
    if (diff.op != Op::kRemove) {
      SLUICE_ASSIGN_OR_RETURN(const std::string_view value,
                              reader.packed_chars("json diff value"));
      diff.value = as_bytes(value);
    }
    diffs.push_back(diff);
  }
  return diffs;
}

Status json_diffs_to_text(const std::vector<JsonDiff>& diffs,
                          std::string_view column_ref, std::string& out) {
  const size_t mark = out.size();
  auto status = append_diffs(diffs, column_ref, out);
  if (!status) out.resize(mark);
  return status;
}

Status apply_json_diffs(Bytes before_doc, const std::vector<JsonDiff>& diffs,
                        std::string& out_text) {
  SLUICE_ASSIGN_OR_RETURN(JsonNode root, json_dom_from_binary(before_doc));
  for (size_t i = 0; i < diffs.size(); ++i) {
    auto status = apply_one(root, diffs[i]);
    if (!status) {
      return tl::unexpected(with_context(
          std::move(status.error()), "json diff " + std::to_string(i) + " (" +
                                         op_name(diffs[i].op) + " '" +
                                         std::string(diffs[i].path) + "')"));
    }
  }
  return append_json_dom(root, out_text);
}

}  // namespace sluice::binlog
