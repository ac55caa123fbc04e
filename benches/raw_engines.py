#!/usr/bin/env python3
"""Raw engine rates, as the yardstick for soi's own overhead: how fast an independent client
(confluent-kafka, librdkafka) produces and consumes the same payloads on the broker, and how fast
ClickHouse's HTTP interface inserts the same rows, with no soi code involved.

usage: raw_engines.py LISTINGS.jsonl BROKER(host:port) CLICKHOUSE_HTTP(http://host:port)
Prints one JSON object.
"""
import json
import sys
import time
import urllib.parse
import urllib.request
import uuid

from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic


def kafka_rates(lines, broker):
    topic = f"rawbench.{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": broker})
    for f in admin.create_topics([NewTopic(topic, num_partitions=4, replication_factor=1)]).values():
        f.result()
    p = Producer({"bootstrap.servers": broker, "enable.idempotence": True, "acks": "all",
                  "linger.ms": 5, "queue.buffering.max.messages": 200000})
    t = time.perf_counter()
    for i, line in enumerate(lines):
        while True:
            try:
                p.produce(topic, key=str(i), value=line)
                break
            except BufferError:
                p.poll(0.05)
        p.poll(0)
    p.flush()
    produce = len(lines) / (time.perf_counter() - t)
    c = Consumer({"bootstrap.servers": broker, "group.id": topic, "auto.offset.reset": "earliest",
                  "enable.auto.commit": True})
    c.subscribe([topic])
    got, t = 0, None
    deadline = time.time() + 120
    while got < len(lines) and time.time() < deadline:
        m = c.poll(1.0)
        if m is None or m.error():
            continue
        if t is None:
            t = time.perf_counter()
        got += 1
    consume = got / (time.perf_counter() - t) if t else 0.0
    c.close()
    return produce, consume, got


def clickhouse_rate(lines, url):
    def q(sql, data=b""):
        req = urllib.request.Request(url + "/?query=" + urllib.parse.quote(sql), data=data)
        return urllib.request.urlopen(req, timeout=300).read()
    q("CREATE DATABASE IF NOT EXISTS soi_rawbench")
    q("DROP TABLE IF EXISTS soi_rawbench.rows")
    q("CREATE TABLE soi_rawbench.rows (marketplace String, id String, body String, version UInt64) "
      "ENGINE = ReplacingMergeTree(version) ORDER BY (marketplace, id)")
    rows = []
    for i, line in enumerate(lines):
        rows.append(json.dumps({"marketplace": "shopee_tw", "id": str(i), "body": line.decode(), "version": i}))
    t = time.perf_counter()
    # The same batch size soi's sink uses by default.
    for start in range(0, len(rows), 1000):
        q("INSERT INTO soi_rawbench.rows FORMAT JSONEachRow", "\n".join(rows[start:start + 1000]).encode())
    rate = len(rows) / (time.perf_counter() - t)
    q("DROP DATABASE soi_rawbench")
    return rate


def main():
    path, broker, ch = sys.argv[1:4]
    lines = [l.rstrip(b"\n") for l in open(path, "rb") if l.strip()]
    produce, consume, got = kafka_rates(lines, broker)
    insert = clickhouse_rate(lines, ch)
    print(json.dumps({"messages": len(lines), "consumed": got, "kafka_produce_per_s": round(produce),
                      "kafka_consume_per_s": round(consume), "clickhouse_insert_rows_per_s": round(insert)}))


if __name__ == "__main__":
    main()
