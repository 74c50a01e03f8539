// The per-table parts of an encoded message (column names, types, schema
// and table), built once per table definition and reused for every row:
// a cache keyed by TableMap::generation, shared by the three encoders.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "binlog/table_map.h"

namespace sluice::codec {

// A column's name in messages: its name, or "@<n>" (1-based) without
// column-name metadata, as mariadb-binlog names it.
[[nodiscard]] inline std::string column_name(const binlog::ColumnDef& col,
                                             size_t index) {
  return col.name.empty() ? "@" + std::to_string(index + 1) : col.name;
}

template <class Template>
class TableTemplates {
 public:
  // The template for `table` as rendered for the given server flavour;
  // `build(Template&)` fills a fresh one when none is cached for this
  // definition and flavour. The reference lasts until the next call.
  template <class Build>
  const Template& get(const binlog::TableMap& table, bool mariadb,
                      bool display_widths, Build&& build) {
    // generation 0: a definition the decoder did not number (tests).
    if (table.generation == 0) {
      uncached_ = Template{};
      build(uncached_);
      return uncached_;
    }
    auto it = entries_.find(table.generation);
    if (it == entries_.end()) {
      // Bounded: a stream with endless DDL must not grow the cache forever.
      if (entries_.size() >= kMaxTemplates) entries_.clear();
      it = entries_.try_emplace(table.generation).first;
    } else if (it->second.mariadb == mariadb &&
               it->second.display_widths == display_widths) {
      return it->second.value;
    }
    Entry& e = it->second;
    e.mariadb = mariadb;
    e.display_widths = display_widths;
    e.value = Template{};
    build(e.value);
    return e.value;
  }

 private:
  static constexpr size_t kMaxTemplates = 1024;
  struct Entry {
    bool mariadb = false;
    bool display_widths = false;
    Template value;
  };
  std::unordered_map<uint64_t, Entry> entries_;
  Template uncached_;
};

}  // namespace sluice::codec
