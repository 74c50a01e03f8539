#!/usr/bin/python3
"""The seed's consumer: per-user income totals kept from sluice's Kafka topic.

Consumes the canal flat JSON messages sluice publishes for test.commission
and keeps commission_summary(user_id, biz_type, total_amount, row_count,
updated_at) equal to

    SELECT user_id, biz_type, SUM(amount), COUNT(*) FROM commission
    GROUP BY user_id, biz_type

through inserts, updates (also of rows that move to another user or type)
and deletes. Exactly once: every change carries its binlog position in the
sluice-pos header, and the last position applied per Kafka partition is
stored in commission_summary_positions in the same MySQL transaction as the
summary change, so a message delivered again (after a sluice failover or a
consumer restart) is recognised and skipped.

Write->summary latency: for each inserted row whose --latency-column holds
the time it was written (DATETIME(3), the server's local time), the time
from then to the summary's COMMIT, reported on exit and every --report
seconds.

Debian 12: apt-get install python3-confluent-kafka python3-pymysql
"""

import argparse
import decimal
import json
import os
import signal
import sys
import time
from datetime import datetime

try:
    import pymysql
    from confluent_kafka import Consumer, KafkaError
except ImportError as missing:
    sys.exit(f"summary_consumer: {missing}; install it with: apt-get install "
             "python3-confluent-kafka python3-pymysql")

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS commission_summary (
         user_id BIGINT NOT NULL,
         biz_type VARCHAR(32) NOT NULL,
         total_amount DECIMAL(20,2) NOT NULL,
         row_count BIGINT NOT NULL,
         updated_at DATETIME(3) NOT NULL,
         PRIMARY KEY (user_id, biz_type))""",
    """CREATE TABLE IF NOT EXISTS commission_summary_positions (
         topic VARCHAR(249) NOT NULL,
         kafka_partition INT NOT NULL,
         position VARCHAR(600) NOT NULL,
         PRIMARY KEY (topic, kafka_partition))""",
]


def position_key(text):
    """sluice-pos "file:offset:index" as a tuple that orders like the binlog."""
    name, offset, index = text.rsplit(":", 2)
    stem, _, number = name.rpartition(".")
    return (stem, int(number) if number.isdigit() else 0, int(offset),
            int(index))


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1,
                             int(p / 100.0 * len(sorted_values)))]


class Summary:
    """The summary table and the positions, changed one batch at a time."""

    def __init__(self, db, topic):
        self.db = db
        self.topic = topic
        with db.cursor() as c:
            for statement in SCHEMA:
                c.execute(statement)
        db.commit()
        self.positions = {}
        self.load_positions()

    def load_positions(self):
        with self.db.cursor() as c:
            c.execute("SELECT kafka_partition, position FROM "
                      "commission_summary_positions WHERE topic = %s",
                      (self.topic,))
            self.positions = {p: position_key(v) for p, v in c.fetchall()}
        self.db.commit()

    def apply(self, deltas, positions):
        """One MySQL transaction: the summary deltas and the new positions."""
        with self.db.cursor() as c:
            for (user_id, biz_type), (amount, count) in deltas.items():
                if amount == 0 and count == 0:
                    continue
                c.execute(
                    "INSERT INTO commission_summary (user_id, biz_type, "
                    "total_amount, row_count, updated_at) VALUES "
                    "(%s, %s, %s, %s, NOW(3)) ON DUPLICATE KEY UPDATE "
                    "total_amount = total_amount + VALUES(total_amount), "
                    "row_count = row_count + VALUES(row_count), "
                    "updated_at = NOW(3)",
                    (user_id, biz_type, amount, count))
                c.execute(
                    "DELETE FROM commission_summary WHERE user_id = %s AND "
                    "biz_type = %s AND row_count = 0",
                    (user_id, biz_type))
            for partition, text in positions.items():
                c.execute(
                    "INSERT INTO commission_summary_positions (topic, "
                    "kafka_partition, position) VALUES (%s, %s, %s) ON "
                    "DUPLICATE KEY UPDATE position = VALUES(position)",
                    (self.topic, partition, text))
        self.db.commit()


def add(deltas, row, sign):
    key = (int(row["user_id"]), row["biz_type"])
    amount, count = deltas.get(key, (decimal.Decimal(0), 0))
    deltas[key] = (amount + sign * decimal.Decimal(row["amount"]),
                   count + sign)


def header(message, name):
    for key, value in message.headers() or []:
        if key == name:
            return value.decode()
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--brokers", required=True,
                        help="Kafka bootstrap servers, host:port[,...]")
    parser.add_argument("--topic", default="commission")
    parser.add_argument("--group", default="commission-summary",
                        help="Kafka consumer group")
    parser.add_argument("--mysql", required=True, metavar="HOST:PORT",
                        help="where commission_summary lives")
    parser.add_argument("--user", required=True)
    parser.add_argument("--database", default="test")
    parser.add_argument("--table", default="test.commission",
                        help="the source table whose changes are summed")
    parser.add_argument("--latency-column", default="created_at",
                        help="DATETIME(3) column holding when a row was "
                             "written ('' = no latency figures)")
    parser.add_argument("--report", type=float, default=0,
                        help="print progress and latency every N seconds "
                             "(0 = only on exit)")
    parser.add_argument("--exit-when-idle", type=float, default=0,
                        metavar="SECONDS",
                        help="exit once nothing has arrived for this long "
                             "(0 = run until SIGTERM)")
    args = parser.parse_args()
    password = os.environ.get("SUMMARY_PASSWORD", "")
    host, _, port = args.mysql.rpartition(":")
    schema_name, _, table_name = args.table.partition(".")

    db = pymysql.connect(host=host, port=int(port), user=args.user,
                         password=password, database=args.database,
                         autocommit=False)
    summary = Summary(db, args.topic)

    def on_assign(consumer, partitions):
        summary.load_positions()
        print(f"summary_consumer: assigned {args.topic} partitions "
              f"{','.join(str(p.partition) for p in partitions)}",
              flush=True)

    consumer = Consumer({
        "bootstrap.servers": args.brokers,
        "group.id": args.group,
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
        "fetch.wait.max.ms": 1,
        "socket.nagle.disable": True,
    })
    consumer.subscribe([args.topic], on_assign=on_assign)

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    signal.signal(signal.SIGINT, lambda *_: stop.append(True))

    applied = skipped = 0
    latencies = []
    last_message = time.monotonic()
    last_report = time.monotonic()

    def report(final):
        values = sorted(latencies)
        line = (f"summary_consumer: {applied} changes applied, {skipped} "
                f"repeats skipped")
        if values:
            line += (f"; write->summary p50 {percentile(values, 50):.1f} ms, "
                     f"p99 {percentile(values, 99):.1f} ms over "
                     f"{len(values)} rows")
        print(line + (" (final)" if final else ""), flush=True)

    while not stop:
        # Wait for one message, then take whatever else has arrived.
        first = consumer.poll(0.1)
        messages = [] if first is None else (
            [first] + consumer.consume(num_messages=999, timeout=0))
        now = time.monotonic()
        if args.report and now - last_report >= args.report:
            report(False)
            last_report = now
        if not messages:
            if args.exit_when_idle and now - last_message > args.exit_when_idle:
                break
            continue
        last_message = now
        deltas = {}
        positions = {}
        written = []
        for m in messages:
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    continue
                sys.exit(f"summary_consumer: Kafka: {m.error()}")
            text = header(m, "sluice-pos")
            if text is None:
                sys.exit(f"summary_consumer: {m.topic()}[{m.partition()}] "
                         f"offset {m.offset()} has no sluice-pos header: is "
                         "it from sluice?")
            at = position_key(text)
            last = summary.positions.get(m.partition())
            if last is not None and at <= last:
                skipped += 1
                continue
            summary.positions[m.partition()] = at
            positions[m.partition()] = text
            flat = json.loads(m.value())
            if (flat.get("isDdl") or flat.get("database") != schema_name
                    or flat.get("table") != table_name):
                continue
            rows = flat.get("data") or []
            olds = flat.get("old") or [{}] * len(rows)
            for row, old in zip(rows, olds):
                kind = flat.get("type")
                if kind == "INSERT":
                    add(deltas, row, +1)
                    if args.latency_column and row.get(args.latency_column):
                        written.append(row[args.latency_column])
                elif kind == "DELETE":
                    add(deltas, row, -1)
                elif kind == "UPDATE":
                    add(deltas, {**row, **old}, -1)
                    add(deltas, row, +1)
                applied += 1
        if not positions:
            continue
        try:
            summary.apply(deltas, positions)
        except pymysql.MySQLError as e:
            sys.exit(f"summary_consumer: MySQL {args.mysql}: {e}; the "
                     "summary is unchanged since the last commit, restart "
                     "to resume from its stored positions")
        done = time.time()
        for text in written:
            t = datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").timestamp()
            latencies.append((done - t) * 1000.0)
        consumer.commit(asynchronous=True)
    report(True)
    consumer.close()
    db.close()


if __name__ == "__main__":
    main()
