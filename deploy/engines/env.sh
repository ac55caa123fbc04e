# Shared settings of the loopback test engines (sourced by start.sh, stop.sh and the tests' runner).
SOI_ENGINES_DIR="${SOI_ENGINES_DIR:-/tmp/soi-engines}"
SOI_KAFKA_PORT="${SOI_KAFKA_PORT:-19092}"
SOI_CLICKHOUSE_HTTP_PORT="${SOI_CLICKHOUSE_HTTP_PORT:-18123}"
SOI_CLICKHOUSE_TCP_PORT="${SOI_CLICKHOUSE_TCP_PORT:-19000}"
export SOI_TEST_KAFKA="kafka://127.0.0.1:${SOI_KAFKA_PORT}"
export SOI_TEST_CLICKHOUSE="clickhouse://127.0.0.1:${SOI_CLICKHOUSE_HTTP_PORT}/soi_test"
export SOI_ENGINES_DIR
