import { randomBytes } from "node:crypto";
import { type PostgresServer, startPostgresServer } from "@lb/testing";
import type Docker from "dockerode";
import { buildCorpus } from "./corpus.js";
import { type BuildLog, benchLabels, type Dataset } from "./dataset.js";

const SCHEMA = `
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TABLE bench_corpus (txt text NOT NULL);
-- Uncompressed out of line: substr() then reads two TOAST chunks, not the whole corpus
-- decompressed for every row (ten times slower).
ALTER TABLE bench_corpus ALTER COLUMN txt SET STORAGE EXTERNAL;
CREATE TABLE customers (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL,
  country char(2) NOT NULL,
  created_at timestamptz NOT NULL,
  balance numeric(14,2) NOT NULL,
  preferences jsonb NOT NULL
);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL,
  status text NOT NULL,
  quantity integer NOT NULL,
  total numeric(12,2) NOT NULL,
  ordered_at timestamptz NOT NULL,
  shipped_at timestamptz,
  note text
);
CREATE INDEX orders_customer_idx ON orders (customer_id);
CREATE TABLE events (
  id bigint PRIMARY KEY,
  occurred_at timestamptz NOT NULL,
  kind text NOT NULL,
  payload jsonb NOT NULL
);
CREATE TABLE attachments (
  id bigint PRIMARY KEY,
  order_id bigint NOT NULL,
  mime_type text NOT NULL,
  content bytea NOT NULL
);
`;

// A random slice of the corpus, `len` characters from a random offset.
const slice = (len: string) => `substr(c.txt, 1 + (random() * (length(c.txt) - 2100))::int, ${len})`;

/** One batch: n customers, 4n orders, 4n events, n/10 attachments of random bytes. */
function batchSql(first: number, n: number): string {
  const last = first + n - 1;
  const rows = (k: number) => `generate_series(${(first - 1) * k + 1}, ${last * k}) g`;
  const attachmentsFirst = Math.floor((first - 1) / 10) + 1;
  const attachmentsLast = Math.floor(last / 10);
  return `
SET synchronous_commit = off;
BEGIN;
WITH c AS (SELECT txt FROM bench_corpus)
INSERT INTO customers
SELECT g, initcap(${slice("6 + (random() * 20)::int")}), 'user' || g || '@' || (ARRAY['example.com','mail.test','corp.example','shop.test'])[1 + g % 4],
  (ARRAY['DE','FR','US','GB','NL','SE','JP','BR','IN','ES'])[1 + (random() * 9)::int],
  timestamptz '2015-01-01' + random() * interval '10 years', round((random() * 100000)::numeric, 2),
  jsonb_build_object('newsletter', random() < 0.3, 'language', (ARRAY['en','de','fr','ja'])[1 + g % 4],
    'tags', jsonb_build_array(${slice("4 + (random() * 8)::int")}, ${slice("4 + (random() * 8)::int")}),
    'score', (random() * 100)::int)
FROM ${rows(1)} CROSS JOIN c;
WITH c AS (SELECT txt FROM bench_corpus)
INSERT INTO orders
SELECT g, 1 + (random() * ${last - 1})::bigint, (ARRAY['new','paid','shipped','delivered','cancelled'])[1 + (random() * 4)::int],
  1 + (random() * 20)::int, round((random() * 2000)::numeric, 2),
  timestamptz '2020-01-01' + random() * interval '5 years',
  CASE WHEN random() < 0.8 THEN timestamptz '2020-01-01' + random() * interval '5 years' END,
  CASE WHEN random() < 0.7 THEN ${slice("(random() ^ 3 * 2000)::int")} END
FROM ${rows(4)} CROSS JOIN c;
WITH c AS (SELECT txt FROM bench_corpus)
INSERT INTO events
SELECT g, timestamptz '2024-01-01' + random() * interval '1 year',
  (ARRAY['login','view','search','purchase','logout','error'])[1 + (random() * 5)::int],
  jsonb_build_object('user', 1 + (random() * ${last - 1})::int,
    'ip', concat_ws('.', (random() * 255)::int, (random() * 255)::int, (random() * 255)::int, (random() * 255)::int),
    'path', '/' || ${slice("3 + (random() * 30)::int")}, 'agent', ${slice("20 + (random() * 100)::int")},
    'durationMs', round((random() * 5000)::numeric, 1),
    'items', jsonb_build_array((random() * 1000)::int, (random() * 1000)::int, ${slice("5 + (random() * 15)::int")}))
FROM ${rows(4)} CROSS JOIN c;
INSERT INTO attachments
SELECT g, 1 + (random() * ${4 * last - 1})::bigint, (ARRAY['image/png','application/pdf','application/zip'])[1 + g % 3],
  -- Random bytes, 256 B to 8 KiB, so compression has real work.
  gen_random_bytes(256 + (g * 7919) % 768) ||
    coalesce((SELECT string_agg(gen_random_bytes(1024), ''::bytea) FROM generate_series(1, (g * 31) % 8)), ''::bytea)
FROM generate_series(${attachmentsFirst}, ${attachmentsLast}) g;
COMMIT;
SELECT pg_database_size(current_database());
`;
}

/**
 * A PostgreSQL database of at least `targetBytes` on disk (pg_database_size), filled in
 * batches of mixed rows until it reaches the size: customers, orders with notes of very
 * different lengths, JSON events, and attachments of random bytes.
 */
export interface PostgresDataset extends Dataset {
  server: PostgresServer;
}

export async function buildPostgresDataset(
  docker: Docker,
  targetBytes: number,
  log: BuildLog,
): Promise<PostgresDataset> {
  const started = Date.now();
  const server: PostgresServer = await startPostgresServer(docker, {
    name: `lb-bench-pg-${randomBytes(3).toString("hex")}`,
    labels: benchLabels("postgres", { "backup.database": "appdb" }),
  });
  try {
    await server.sql(SCHEMA);
    await server.sql(`INSERT INTO bench_corpus VALUES ('${buildCorpus()}');`);
    // Calibrate on a small batch, then add batches of about 1/16 of the target (at most 128 MiB).
    let first = 1;
    let batch = 2000;
    const empty = Number(await server.sql("SELECT pg_database_size(current_database())"));
    let size = Number((await server.sql(batchSql(first, batch))).split("\n").pop());
    first += batch;
    const perCustomer = Math.max((size - empty) / batch, 1);
    batch = Math.max(1000, Math.round(Math.min(targetBytes / 16, 128 * 2 ** 20) / perCustomer / 10) * 10);
    while (size < targetBytes) {
      const remaining = Math.ceil((targetBytes - size) / perCustomer / 10) * 10;
      const n = Math.max(10, Math.min(batch, remaining));
      size = Number((await server.sql(batchSql(first, n))).split("\n").pop());
      first += n;
      log(`postgres dataset: ${(size / 2 ** 20).toFixed(0)} MiB of ${(targetBytes / 2 ** 20).toFixed(0)} MiB`);
    }
    // Hint bits and the visibility map set now, not by the first timed dump. Not in
    // parallel: parallel vacuum wants more shared memory than a container's 64 MB /dev/shm.
    await server.sql("VACUUM (ANALYZE, PARALLEL 0); CHECKPOINT;");
    size = Number(await server.sql("SELECT pg_database_size(current_database())"));
    const version = await server.sql("SHOW server_version");
    return {
      server,
      engine: "postgres",
      title: "PostgreSQL",
      serverVersion: `PostgreSQL ${version}`,
      container: server.container,
      sizeBytes: size,
      sizeMeaning: "on disk (pg_database_size)",
      buildSeconds: (Date.now() - started) / 1000,
      dumpCommand: `docker exec -e PGPASSWORD "$C" pg_dump --no-password --format=plain --username=${server.user} --dbname=${server.database}`,
      dumpEnv: { PGPASSWORD: server.password },
      remove: () => server.container.remove(),
    };
  } catch (error) {
    await server.container.remove();
    throw error;
  }
}
