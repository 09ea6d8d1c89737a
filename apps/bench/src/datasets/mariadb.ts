import { randomBytes } from "node:crypto";
import { type MariadbServer, startMariadbServer } from "@lb/testing";
import type Docker from "dockerode";
import { buildCorpus } from "./corpus.js";
import { type BuildLog, benchLabels, type Dataset } from "./dataset.js";

const SCHEMA = `
CREATE TABLE bench_corpus (txt MEDIUMTEXT NOT NULL);
CREATE TABLE customers (
  id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL, email VARCHAR(128) NOT NULL, country CHAR(2) NOT NULL,
  created_at DATETIME(6) NOT NULL, balance DECIMAL(14,2) NOT NULL, preferences JSON NOT NULL
);
CREATE TABLE orders (
  id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, status VARCHAR(16) NOT NULL, quantity INT NOT NULL,
  total DECIMAL(12,2) NOT NULL, ordered_at DATETIME NOT NULL, shipped_at DATETIME NULL, note TEXT NULL,
  KEY orders_customer_idx (customer_id)
);
CREATE TABLE events (id BIGINT PRIMARY KEY, occurred_at DATETIME(6) NOT NULL, kind VARCHAR(16) NOT NULL, payload JSON NOT NULL);
CREATE TABLE attachments (id BIGINT PRIMARY KEY, order_id BIGINT NOT NULL, mime_type VARCHAR(32) NOT NULL, content MEDIUMBLOB NOT NULL);
`;

const slice = (len: string) => `SUBSTRING(@c, 1 + FLOOR(RAND() * @l), ${len})`;
const at = (from: string, seconds: number) => `TIMESTAMP('${from}') + INTERVAL FLOOR(RAND() * ${seconds}) SECOND`;

/** The same shape of rows as the PostgreSQL dataset, through MariaDB's seq_N_to_M tables. */
function batchSql(first: number, n: number): string {
  const last = first + n - 1;
  const seq = (k: number) => `seq_${(first - 1) * k + 1}_to_${last * k}`;
  const attachmentsFirst = Math.floor((first - 1) / 10) + 1;
  const attachmentsLast = Math.floor(last / 10);
  const attachments =
    attachmentsLast >= attachmentsFirst
      ? `INSERT INTO attachments SELECT seq, 1 + FLOOR(RAND() * ${4 * last - 1}), ELT(1 + seq % 3, 'image/png', 'application/pdf', 'application/zip'),
  CONCAT(RANDOM_BYTES(1024), IF(seq % 2, RANDOM_BYTES(1024), ''), RANDOM_BYTES(1 + (seq * 7919) % 1024))
FROM seq_${attachmentsFirst}_to_${attachmentsLast};`
      : "";
  return `
SET @c = (SELECT txt FROM bench_corpus);
SET @l = CHAR_LENGTH(@c) - 2100;
START TRANSACTION;
INSERT INTO customers SELECT seq, ${slice("6 + FLOOR(RAND() * 20)")},
  CONCAT('user', seq, '@', ELT(1 + seq % 4, 'example.com', 'mail.test', 'corp.example', 'shop.test')),
  ELT(1 + FLOOR(RAND() * 10), 'DE', 'FR', 'US', 'GB', 'NL', 'SE', 'JP', 'BR', 'IN', 'ES'),
  ${at("2015-01-01", 315_360_000)}, ROUND(RAND() * 100000, 2),
  JSON_OBJECT('newsletter', RAND() < 0.3, 'language', ELT(1 + seq % 4, 'en', 'de', 'fr', 'ja'),
    'tags', JSON_ARRAY(${slice("4 + FLOOR(RAND() * 8)")}, ${slice("4 + FLOOR(RAND() * 8)")}), 'score', FLOOR(RAND() * 100))
FROM ${seq(1)};
INSERT INTO orders SELECT seq, 1 + FLOOR(RAND() * ${last - 1}),
  ELT(1 + FLOOR(RAND() * 5), 'new', 'paid', 'shipped', 'delivered', 'cancelled'), 1 + FLOOR(RAND() * 20),
  ROUND(RAND() * 2000, 2), ${at("2020-01-01", 157_680_000)},
  IF(RAND() < 0.8, ${at("2020-01-01", 157_680_000)}, NULL),
  IF(RAND() < 0.7, ${slice("FLOOR(POW(RAND(), 3) * 2000)")}, NULL)
FROM ${seq(4)};
INSERT INTO events SELECT seq, ${at("2024-01-01", 31_536_000)},
  ELT(1 + FLOOR(RAND() * 6), 'login', 'view', 'search', 'purchase', 'logout', 'error'),
  JSON_OBJECT('user', 1 + FLOOR(RAND() * ${last - 1}),
    'ip', CONCAT_WS('.', FLOOR(RAND() * 256), FLOOR(RAND() * 256), FLOOR(RAND() * 256), FLOOR(RAND() * 256)),
    'path', CONCAT('/', ${slice("3 + FLOOR(RAND() * 30)")}), 'agent', ${slice("20 + FLOOR(RAND() * 100)")},
    'durationMs', ROUND(RAND() * 5000, 1),
    'items', JSON_ARRAY(FLOOR(RAND() * 1000), FLOOR(RAND() * 1000), ${slice("5 + FLOOR(RAND() * 15)")}))
FROM ${seq(4)};
${attachments}
COMMIT;
`;
}

const SIZE_SQL =
  "SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables WHERE table_schema = DATABASE()";

/** A MariaDB database of about `targetBytes` (InnoDB data and index length). */
export async function buildMariadbDataset(docker: Docker, targetBytes: number, log: BuildLog): Promise<Dataset> {
  const started = Date.now();
  const server: MariadbServer = await startMariadbServer(docker, {
    name: `lb-bench-mariadb-${randomBytes(3).toString("hex")}`,
    labels: benchLabels("mysql", { "backup.database": "appdb" }),
  });
  try {
    await server.appSql(SCHEMA);
    await server.appSql(`INSERT INTO bench_corpus VALUES ('${buildCorpus()}');`);
    let first = 1;
    let batch = 2000;
    await server.appSql(batchSql(first, batch));
    first += batch;
    const measure = async () => {
      await server.appSql("ANALYZE TABLE customers, orders, events, attachments;");
      return Number(await server.appSql(SIZE_SQL));
    };
    let size = await measure();
    const perCustomer = Math.max(size / batch, 1);
    batch = Math.max(1000, Math.round(Math.min(targetBytes / 8, 128 * 2 ** 20) / perCustomer / 10) * 10);
    while (size < targetBytes) {
      const remaining = Math.ceil((targetBytes - size) / perCustomer / 10) * 10;
      const n = Math.max(10, Math.min(batch, remaining));
      await server.appSql(batchSql(first, n));
      first += n;
      size = await measure();
      log(`mariadb dataset: ${(size / 2 ** 20).toFixed(0)} MiB of ${(targetBytes / 2 ** 20).toFixed(0)} MiB`);
    }
    const version = await server.appSql("SELECT VERSION()");
    return {
      engine: "mysql",
      title: "MariaDB",
      serverVersion: `MariaDB ${version}`,
      container: server.container,
      sizeBytes: size,
      sizeMeaning: "InnoDB data + indexes (information_schema)",
      buildSeconds: (Date.now() - started) / 1000,
      // The agent's mysql dumper's options, with the password in MYSQL_PWD as it passes it.
      dumpCommand:
        `docker exec -e MYSQL_PWD "$C" mariadb-dump --user=${server.user} --single-transaction --routines --triggers ` +
        `--events --hex-blob --no-tablespaces --default-character-set=utf8mb4 --comments -- ${server.database}`,
      dumpEnv: { MYSQL_PWD: server.password },
      remove: () => server.container.remove(),
    };
  } catch (error) {
    await server.container.remove();
    throw error;
  }
}
