// canal protobuf values decoded with classes generated from our
// transcription of canal's proto files (proto/): every field canal sets is
// present with the right value, and re-serializing the parsed message gives
// the same bytes (fields in number order, zero values written).
#include "codec/canal_protobuf.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "canal_protocol.pb.h"
#include "entry_protocol.pb.h"
#include "support/row_builders.h"

namespace sluice::codec {
namespace {

namespace pb = com::alibaba::otter::canal::protocol;
using binlog::Value;
using namespace sluice::test_rows;
using namespace std::string_literals;

// The Entry inside a Kafka value, after checking the envelope.
pb::Entry unwrap(const std::string& value) {
  pb::packet::Packet packet;
  REQUIRE(packet.ParseFromString(value));
  CHECK(packet.SerializeAsString() == value);
  CHECK_FALSE(packet.has_magic_number());
  CHECK(packet.has_version());
  CHECK(packet.version() == 1);
  CHECK(packet.type() == pb::packet::MESSAGES);
  CHECK_FALSE(packet.has_compression());
  pb::packet::Messages messages;
  REQUIRE(messages.ParseFromString(packet.body()));
  CHECK(messages.batch_id() == 0);
  REQUIRE(messages.messages_size() == 1);
  pb::Entry entry;
  REQUIRE(entry.ParseFromString(messages.messages(0)));
  CHECK(entry.SerializeAsString() == messages.messages(0));
  return entry;
}

pb::RowChange row_change_of(const pb::Entry& entry) {
  CHECK(entry.entrytype() == pb::ROWDATA);
  pb::RowChange change;
  REQUIRE(change.ParseFromString(entry.storevalue()));
  CHECK(change.SerializeAsString() == entry.storevalue());
  return change;
}

void check_column(const pb::Column& c, int index, const std::string& name,
                  int sql_type, const std::string& mysql_type, bool key,
                  bool updated, const std::string* value) {
  INFO("column " << name);
  CHECK(c.has_index());
  CHECK(c.index() == index);
  CHECK(c.name() == name);
  CHECK(c.sqltype() == sql_type);
  CHECK(c.mysqltype() == mysql_type);
  CHECK(c.has_iskey());
  CHECK(c.iskey() == key);
  CHECK(c.has_updated());
  CHECK(c.updated() == updated);
  CHECK(c.has_isnull());
  CHECK(c.isnull() == (value == nullptr));
  CHECK(c.has_value() == (value != nullptr));
  if (value) CHECK(c.value() == *value);
  CHECK_FALSE(c.has_length());
  CHECK(c.props_size() == 0);
}

const std::string kRemark = "first \"income\"\n";
const std::string kBiz = "invite";

TEST_CASE("an insert carries canal's header, row change and columns",
          "[canal-pb]") {
  auto table = commission();
  table.table_id = 108;
  const auto header = event_header();
  std::vector<Value> after = {
      signed_value(1), signed_value(42), text(kBiz), decimal(kTwoFifty),
      signed_value(0), text(kRemark),    datetime()};
  const auto row =
      row_change(header, table, binlog::RowsKind::kInsert, {}, after);
  CanalProtobufEncoder enc(true);
  std::string out;
  Envelope env;
  env.file = "mysql-bin.000003";
  env.gtid = "0-1-5";
  REQUIRE(enc.append_row(row, env, out));

  const pb::Entry entry = unwrap(out);
  const pb::Header& h = entry.header();
  CHECK(h.version() == 1);
  CHECK(h.logfilename() == "mysql-bin.000003");
  CHECK(h.logfileoffset() == 1000);
  CHECK(h.serverid() == 7);
  CHECK(h.serverencode() == "UTF-8");
  CHECK(h.executetime() == 1700000000000);
  CHECK(h.sourcetype() == pb::MYSQL);
  CHECK(h.schemaname() == "test");
  CHECK(h.tablename() == "commission");
  CHECK(h.eventlength() == 120);
  CHECK(h.eventtype() == pb::INSERT);
  CHECK(h.gtid() == "0-1-5");
  // MariaDB GTIDs carry no logical clock: no curtGtidSn / curtGtidLct.
  REQUIRE(h.props_size() == 2);
  CHECK(h.props(0).key() == "curtGtid");
  CHECK(h.props(0).value() == "0-1-5");
  CHECK(h.props(1).key() == "rowsCount");
  CHECK(h.props(1).value() == "1");

  const pb::RowChange change = row_change_of(entry);
  CHECK(change.tableid() == 108);
  CHECK(change.eventtype() == pb::INSERT);
  CHECK(change.has_isddl());
  CHECK_FALSE(change.isddl());
  CHECK_FALSE(change.has_sql());
  REQUIRE(change.rowdatas_size() == 1);
  const pb::RowData& data = change.rowdatas(0);
  CHECK(data.beforecolumns_size() == 0);
  REQUIRE(data.aftercolumns_size() == 7);
  const std::string v[] = {
      "1", "42", "invite", "2.50", "0", kRemark, "2024-03-05 07:08:09.120"};
  // An insert marks every column updated (canal finds no before image).
  check_column(data.aftercolumns(0), 0, "id", -5, "bigint(20)", true, true,
               &v[0]);
  check_column(data.aftercolumns(1), 1, "user_id", -5, "bigint(20)", false,
               true, &v[1]);
  check_column(data.aftercolumns(2), 2, "biz_type", 12, "varchar(32)", false,
               true, &v[2]);
  check_column(data.aftercolumns(3), 3, "amount", 3, "decimal(18,2)", false,
               true, &v[3]);
  check_column(data.aftercolumns(4), 4, "status", -6, "tinyint(4)", false, true,
               &v[4]);
  check_column(data.aftercolumns(5), 5, "remark", 12, "varchar(64)", false,
               true, &v[5]);
  check_column(data.aftercolumns(6), 6, "created_at", 93, "datetime(3)", false,
               true, &v[6]);
}

TEST_CASE("a MySQL GTID's logical clock becomes curtGtidSn and curtGtidLct",
          "[canal-pb]") {
  const auto table = commission();
  const auto header = event_header();
  const std::string biz = "invite";
  std::vector<Value> after = {
      signed_value(1), signed_value(42), text(biz), decimal(kTwoFifty),
      signed_value(0), null_value(),     datetime()};
  CanalProtobufEncoder enc(false);
  Envelope env;
  env.gtid = "3e11fa47-71ca-11e1-9e33-c80aa9429562:23";
  env.gtid_sequence_number = 12;
  env.gtid_last_committed = 9;
  std::string out;
  REQUIRE(enc.append_row(
      row_change(header, table, binlog::RowsKind::kInsert, {}, after), env,
      out));
  const pb::Entry entry = unwrap(out);
  const pb::Header& h = entry.header();
  REQUIRE(h.props_size() == 4);
  CHECK(h.props(0).key() == "curtGtid");
  CHECK(h.props(0).value() == env.gtid);
  CHECK(h.props(1).key() == "curtGtidSn");
  CHECK(h.props(1).value() == "12");
  CHECK(h.props(2).key() == "curtGtidLct");
  CHECK(h.props(2).value() == "9");
  CHECK(h.props(3).key() == "rowsCount");
  CHECK(h.props(3).value() == "1");
  CHECK(h.gtid() == env.gtid);

  // A statement has no rowsCount.
  out.clear();
  enc.append_statement(header, "test", "commission", "test",
                       "TRUNCATE TABLE commission", StatementType::kTruncate,
                       env, out);
  const pb::Entry statement = unwrap(out);
  const pb::Header& s = statement.header();
  REQUIRE(s.props_size() == 3);
  CHECK(s.props(2).key() == "curtGtidLct");
}

TEST_CASE("an update flags exactly the changed columns of its after image",
          "[canal-pb]") {
  const auto table = commission();
  const auto header = event_header();
  // A remark long enough that its Column needs a two-byte length: the
  // before-value offsets must survive the widening.
  const std::string long_remark(300, 'r');
  std::vector<Value> before = {
      signed_value(1), signed_value(42),  text(kBiz),  decimal(kTwoFifty),
      signed_value(0), text(long_remark), null_value()};
  std::vector<Value> after = {
      signed_value(1), signed_value(42),  text(kBiz),  decimal(kThree),
      signed_value(0), text(long_remark), null_value()};
  const auto row =
      row_change(header, table, binlog::RowsKind::kUpdate, before, after);
  CanalProtobufEncoder enc(true);
  std::string out;
  REQUIRE(enc.append_row(row, Envelope{}, out));

  const pb::Entry entry = unwrap(out);
  CHECK_FALSE(entry.header().has_gtid());
  REQUIRE(entry.header().props_size() == 1);
  CHECK(entry.header().props(0).key() == "rowsCount");
  const pb::RowChange change = row_change_of(entry);
  CHECK(change.eventtype() == pb::UPDATE);
  REQUIRE(change.rowdatas_size() == 1);
  const pb::RowData& data = change.rowdatas(0);
  REQUIRE(data.beforecolumns_size() == 7);
  REQUIRE(data.aftercolumns_size() == 7);
  for (int i = 0; i < 7; ++i) {
    INFO("column " << i);
    CHECK_FALSE(data.beforecolumns(i).updated());
    CHECK(data.aftercolumns(i).updated() == (i == 3));
  }
  CHECK(data.beforecolumns(3).value() == "2.50");
  CHECK(data.aftercolumns(3).value() == "3.00");
  CHECK(data.aftercolumns(5).value() == long_remark);
  CHECK(data.aftercolumns(6).isnull());
  CHECK_FALSE(data.aftercolumns(6).has_value());
}

TEST_CASE("a MINIMAL update marks columns missing before as updated",
          "[canal-pb]") {
  const auto table = commission();
  const auto header = event_header();
  Value absent;  // kAbsent: not in the image
  std::vector<Value> before = {signed_value(1), absent, absent, absent,
                               absent,          absent, absent};
  std::vector<Value> after = {absent, absent,       absent, absent,
                              absent, null_value(), absent};
  const auto row =
      row_change(header, table, binlog::RowsKind::kUpdate, before, after);
  CanalProtobufEncoder enc(false);
  std::string out;
  REQUIRE(enc.append_row(row, Envelope{}, out));
  const pb::RowChange change = row_change_of(unwrap(out));
  const pb::RowData& data = change.rowdatas(0);
  REQUIRE(data.beforecolumns_size() == 1);
  CHECK(data.beforecolumns(0).name() == "id");
  REQUIRE(data.aftercolumns_size() == 1);
  CHECK(data.aftercolumns(0).name() == "remark");
  CHECK(data.aftercolumns(0).index() == 5);
  CHECK(data.aftercolumns(0).isnull());
  CHECK(data.aftercolumns(0).updated());
}

TEST_CASE("a delete carries the before image, filtered columns are left out",
          "[canal-pb]") {
  auto table = commission();
  table.columns[5].filtered_out = true;
  const auto header = event_header();
  std::vector<Value> before = {
      signed_value(9), signed_value(42), text(kBiz), decimal(kTwoFifty),
      signed_value(1), text(kRemark),    datetime()};
  const auto row =
      row_change(header, table, binlog::RowsKind::kDelete, before, {});
  CanalProtobufEncoder enc(true);
  std::string out;
  REQUIRE(enc.append_row(row, Envelope{}, out));
  const pb::Entry entry = unwrap(out);
  CHECK(entry.header().eventtype() == pb::DELETE);
  const pb::RowChange change = row_change_of(entry);
  const pb::RowData& data = change.rowdatas(0);
  CHECK(data.aftercolumns_size() == 0);
  REQUIRE(data.beforecolumns_size() == 6);
  CHECK(data.beforecolumns(5).name() == "created_at");
  for (const auto& c : data.beforecolumns()) CHECK_FALSE(c.updated());
}

TEST_CASE("a DDL statement is a ROWDATA entry with isDdl and its SQL",
          "[canal-pb]") {
  const auto header = event_header();
  CanalProtobufEncoder enc(true);
  std::string out;
  Envelope env;
  env.file = "mysql-bin.000003";
  enc.append_statement(header, "test", "commission", "test",
                       "alter table commission add c int",
                       StatementType::kAlter, env, out);
  const pb::Entry entry = unwrap(out);
  CHECK(entry.header().schemaname() == "test");
  CHECK(entry.header().tablename() == "commission");
  CHECK(entry.header().eventtype() == pb::ALTER);
  const pb::RowChange change = row_change_of(entry);
  CHECK_FALSE(change.has_tableid());
  CHECK(change.eventtype() == pb::ALTER);
  CHECK(change.isddl());
  CHECK(change.sql() == "alter table commission add c int");
  CHECK(change.ddlschemaname() == "test");
  CHECK(change.rowdatas_size() == 0);
}

TEST_CASE("a statement naming no table leaves the header names unset",
          "[canal-pb]") {
  const auto header = event_header();
  CanalProtobufEncoder enc(true);
  std::string out;
  enc.append_statement(header, "", "", "", "GRANT SELECT ON *.* TO u",
                       StatementType::kQuery, Envelope{}, out);
  const pb::Entry entry = unwrap(out);
  CHECK_FALSE(entry.header().has_schemaname());
  CHECK_FALSE(entry.header().has_tablename());
  const pb::RowChange change = row_change_of(entry);
  CHECK(change.eventtype() == pb::QUERY);
  CHECK_FALSE(change.has_ddlschemaname());
}

TEST_CASE("the bytes of a small insert are exactly canal's", "[canal-pb]") {
  binlog::TableMap table;
  table.schema = "d";
  table.table = "t";
  table.table_id = 1;
  auto id = column("id", binlog::ColumnType::kLong);
  id.primary_key = true;
  table.columns = {id};
  binlog::EventHeader header;
  header.timestamp = 1;
  header.server_id = 1;
  header.event_size = 10;
  header.log_pos = 14;
  std::vector<Value> after = {signed_value(5)};
  const auto row =
      row_change(header, table, binlog::RowsKind::kInsert, {}, after);
  CanalProtobufEncoder enc(true);
  std::string out;
  Envelope env;
  env.file = "b.1";
  REQUIRE(enc.append_row(row, env, out));
  // Written out by hand from canal's field numbers (LogEventConvert sets
  // these fields, proto2 writes them in number order).
  const std::string column =
      "\x08\x00"    // index 0
      "\x10\x04"    // sqlType INTEGER
      "\x1a\x02id"  // name
      "\x20\x01"    // isKey
      "\x28\x01"    // updated
      "\x30\x00"    // isNull false
      "\x42\x01"    // value "5"
      "5"
      "\x52\x07int(11)"s;  // mysqlType
  const std::string header_bytes =
      "\x08\x01"  // version
      "\x12\x03"
      "b.1"            // logfileName
      "\x18\x04"       // logfileOffset 14 - 10
      "\x20\x01"       // serverId
      "\x2a\x05UTF-8"  // serverenCode
      "\x30\xe8\x07"   // executeTime 1000
      "\x38\x02"       // sourceType MYSQL
      "\x42\x01"
      "d"  // schemaName
      "\x4a\x01"
      "t"         // tableName
      "\x50\x0a"  // eventLength
      "\x58\x01"  // eventType INSERT
      "\x62\x0e"  // props: {rowsCount, 1}
      "\x0a\x09rowsCount"
      "\x12\x01"
      "1"s;
  const std::string row_data =
      "\x12" + std::string(1, static_cast<char>(column.size())) + column;
  const std::string change =
      "\x08\x01\x10\x01\x50\x00"s + "\x62" +
      std::string(1, static_cast<char>(row_data.size())) + row_data;
  const std::string entry =
      "\x0a" + std::string(1, static_cast<char>(header_bytes.size())) +
      header_bytes + "\x10\x02" + "\x1a" +
      std::string(1, static_cast<char>(change.size())) + change;
  const std::string messages =
      "\x12" + std::string(1, static_cast<char>(entry.size())) + entry;
  const std::string expected =
      "\x10\x01\x18\x07\x2a"s +
      std::string(1, static_cast<char>(messages.size())) + messages;
  CHECK(out == expected);
}

}  // namespace
}  // namespace sluice::codec
