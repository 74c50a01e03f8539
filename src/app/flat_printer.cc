#include "app/flat_printer.h"

#include "binlog/format_description.h"
#include "common/wall_clock.h"
#include "pipeline/statement.h"

namespace sluice::app {

FlatPrinter::FlatPrinter(const binlog::EventDecoder& decoder,
                         const mysql::FilePosition& pos, OutputBuffer& out)
    : decoder_(decoder), pos_(pos), out_(out), encoder_(false) {}

Status FlatPrinter::on_gtid(const binlog::EventHeader&,
                            const binlog::GtidInfo& gtid) {
  gtid_ = gtid.text == "ANONYMOUS" ? "" : std::string(gtid.text);
  return {};
}

Status FlatPrinter::on_row(const binlog::RowEvent& row) {
  const binlog::FormatDescription& fd = decoder_.format();
  encoder_.set_server(
      fd.mariadb, fd.mariadb || fd.version < binlog::ServerVersion{8, 0, 19});
  const size_t mark = out_.buffer().size();
  if (auto s = encoder_.append_row(row, envelope(), out_.buffer()); !s) {
    out_.buffer().resize(mark);  // never print half a message
    return s;
  }
  out_.buffer().push_back('\n');
  return flush_if_full();
}

Status FlatPrinter::on_query(const binlog::EventHeader& header,
                             const binlog::QueryEvent& q,
                             std::string_view sql) {
  sql_.clear();
  utf8_.append(
      codec::charset_of_collation(q.client_charset, decoder_.format().mariadb),
      as_bytes(sql), sql_);
  const pipeline::Statement st = pipeline::classify_statement(sql_, q.schema);
  if (st.transaction_control) return {};
  encoder_.append_statement(st.schema, st.table, sql_, st.type,
                            header.timestamp, envelope(), out_.buffer());
  out_.buffer().push_back('\n');
  return flush_if_full();
}

Status FlatPrinter::flush_if_full() {
  Status s = out_.maybe_flush();
  output_failed_ = !s;
  return s;
}

codec::Envelope FlatPrinter::envelope() {
  if (pos_.offset != last_offset_ || pos_.file != last_file_) {
    ++id_;
    last_offset_ = pos_.offset;
    last_file_ = pos_.file;
    ts_ms_ = wall_clock_ms();
  }
  return {id_, gtid_, ts_ms_, pos_.file};
}

}  // namespace sluice::app
