#include "binlog/json_dom.h"

#include <algorithm>
#include <utility>

#include "binlog/json_text.h"

namespace sluice::binlog {
namespace {

using Kind = JsonNode::Kind;
using BinaryKind = JsonBinaryValue::Kind;

[[nodiscard]] tl::unexpected<Error> corrupt(std::string message) {
  return make_error(Errc::kCorrupt, "json: " + std::move(message));
}

[[nodiscard]] tl::unexpected<Error> too_deep() {
  return corrupt("document nested deeper than " +
                 std::to_string(kMaxJsonDepth) + " levels");
}

// `nodes_left` bounds the work: entries may point anywhere inside their
// container, so crafted bytes could share one child between many parents.
[[nodiscard]] Result<JsonNode> build(const JsonBinaryValue& value, size_t depth,
                                     size_t& nodes_left) {
  if (nodes_left == 0) {
    return corrupt("document has more values than bytes; its values overlap");
  }
  --nodes_left;
  JsonNode node;
  if (value.kind != BinaryKind::kObject && value.kind != BinaryKind::kArray) {
    node.scalar = value;
    return node;
  }
  if (depth >= kMaxJsonDepth) return too_deep();
  if (value.kind == BinaryKind::kObject) {
    node.kind = Kind::kObject;
    node.members.reserve(value.count);
    for (size_t i = 0; i < value.count; ++i) {
      SLUICE_ASSIGN_OR_RETURN(const std::string_view key,
                              json_binary_key(value, i));
      SLUICE_ASSIGN_OR_RETURN(const JsonBinaryValue element,
                              json_binary_element(value, i));
      SLUICE_ASSIGN_OR_RETURN(JsonNode child,
                              build(element, depth + 1, nodes_left));
      node.members.push_back(JsonMember{std::string(key), std::move(child)});
    }
    return node;
  }
  node.kind = Kind::kArray;
  node.elements.reserve(value.count);
  for (size_t i = 0; i < value.count; ++i) {
    SLUICE_ASSIGN_OR_RETURN(const JsonBinaryValue element,
                            json_binary_element(value, i));
    SLUICE_ASSIGN_OR_RETURN(JsonNode child,
                            build(element, depth + 1, nodes_left));
    node.elements.push_back(std::move(child));
  }
  return node;
}

// Container levels in `node` (0 for a scalar). Bounded by kMaxJsonDepth for
// every node built or updated here, so the recursion is shallow.
size_t depth_of(const JsonNode& node) {
  size_t deepest = 0;
  for (const JsonMember& m : node.members) {
    deepest = std::max(deepest, depth_of(m.value));
  }
  for (const JsonNode& e : node.elements) {
    deepest = std::max(deepest, depth_of(e));
  }
  return node.kind == Kind::kScalar ? 0 : deepest + 1;
}

// Json_key_comparator: keys order by length first, then bytewise.
bool key_less(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

std::vector<JsonMember>::iterator find_member(JsonNode& object,
                                              std::string_view key) {
  return std::find_if(object.members.begin(), object.members.end(),
                      [key](const JsonMember& m) { return m.key == key; });
}

// seek_exact_path() over the first `legs` legs of `path`: member legs step
// into objects, cell legs into arrays, anything else finds nothing.
JsonNode* seek(JsonNode& root, const std::vector<JsonPathLeg>& path,
               size_t legs) {
  JsonNode* node = &root;
  for (size_t i = 0; i < legs; ++i) {
    const JsonPathLeg& leg = path[i];
    const bool member_leg = leg.kind == JsonPathLeg::Kind::kMember;
    if (node->kind == Kind::kObject && member_leg) {
      const auto it = find_member(*node, leg.member);
      if (it == node->members.end()) return nullptr;
      node = &it->value;
    } else if (node->kind == Kind::kArray && !member_leg) {
      const size_t size = node->elements.size();
      if (!leg.within(size)) return nullptr;
      node = &node->elements[leg.position(size)];
    } else {
      return nullptr;
    }
  }
  return node;
}

// A value placed under `legs` containers must keep the document within
// MySQL's depth limit.
[[nodiscard]] Status check_fits(size_t legs, const JsonNode& value) {
  if (legs + depth_of(value) > kMaxJsonDepth) return too_deep();
  return {};
}

[[nodiscard]] Status append_node(const JsonNode& node, std::string& out) {
  switch (node.kind) {
    case Kind::kScalar:
      return append_json_binary(node.scalar, true, out);
    case Kind::kObject: {
      out.push_back('{');
      for (size_t i = 0; i < node.members.size(); ++i) {
        if (i > 0) out.append(", ");
        append_json_quoted(node.members[i].key, out);
        out.append(": ");
        SLUICE_RETURN_IF_ERROR(append_node(node.members[i].value, out));
      }
      out.push_back('}');
      return {};
    }
    case Kind::kArray: {
      out.push_back('[');
      for (size_t i = 0; i < node.elements.size(); ++i) {
        if (i > 0) out.append(", ");
        SLUICE_RETURN_IF_ERROR(append_node(node.elements[i], out));
      }
      out.push_back(']');
      return {};
    }
  }
  return corrupt("node of unknown kind");
}

}  // namespace

Result<JsonNode> json_dom_from_binary(Bytes doc) {
  SLUICE_ASSIGN_OR_RETURN(const JsonBinaryValue value, parse_json_binary(doc));
  size_t nodes_left = doc.size() + 1;
  return build(value, 0, nodes_left);
}

Status json_dom_replace(JsonNode& root, const std::vector<JsonPathLeg>& path,
                        JsonNode value) {
  JsonNode* target = seek(root, path, path.size());
  if (target == nullptr) return corrupt("REPLACE target does not exist");
  SLUICE_RETURN_IF_ERROR(check_fits(path.size(), value));
  *target = std::move(value);
  return {};
}

Status json_dom_insert(JsonNode& root, const std::vector<JsonPathLeg>& path,
                       JsonNode value) {
  if (path.empty()) return corrupt("INSERT needs a path below '$'");
  JsonNode* parent = seek(root, path, path.size() - 1);
  if (parent == nullptr) return corrupt("INSERT parent does not exist");
  SLUICE_RETURN_IF_ERROR(check_fits(path.size(), value));
  const JsonPathLeg& last = path.back();
  const bool member_leg = last.kind == JsonPathLeg::Kind::kMember;
  if (parent->kind == Kind::kObject && member_leg) {
    if (find_member(*parent, last.member) != parent->members.end()) {
      return corrupt("INSERT member \"" + last.member + "\" already exists");
    }
    const auto at = std::find_if(
        parent->members.begin(), parent->members.end(),
        [&last](const JsonMember& m) { return key_less(last.member, m.key); });
    parent->members.insert(at, JsonMember{last.member, std::move(value)});
    return {};
  }
  if (parent->kind == Kind::kArray && !member_leg) {
    auto& elements = parent->elements;
    const auto at = elements.begin() +
                    static_cast<std::ptrdiff_t>(last.position(elements.size()));
    elements.insert(at, std::move(value));
    return {};
  }
  return corrupt("INSERT parent is not a matching object or array");
}

Status json_dom_remove(JsonNode& root, const std::vector<JsonPathLeg>& path) {
  if (path.empty()) return corrupt("REMOVE needs a path below '$'");
  JsonNode* parent = seek(root, path, path.size() - 1);
  if (parent == nullptr) return corrupt("REMOVE parent does not exist");
  const JsonPathLeg& last = path.back();
  const bool member_leg = last.kind == JsonPathLeg::Kind::kMember;
  if (parent->kind == Kind::kObject && member_leg) {
    const auto it = find_member(*parent, last.member);
    if (it == parent->members.end()) {
      return corrupt("REMOVE member \"" + last.member + "\" does not exist");
    }
    parent->members.erase(it);
    return {};
  }
  if (parent->kind == Kind::kArray && !member_leg) {
    auto& elements = parent->elements;
    if (!last.within(elements.size())) {
      return corrupt("REMOVE array index out of range");
    }
    elements.erase(elements.begin() +
                   static_cast<std::ptrdiff_t>(last.position(elements.size())));
    return {};
  }
  return corrupt("REMOVE parent is not a matching object or array");
}

Status append_json_dom(const JsonNode& node, std::string& out) {
  const size_t mark = out.size();
  auto status = append_node(node, out);
  if (!status) out.resize(mark);
  return status;
}

}  // namespace sluice::binlog
