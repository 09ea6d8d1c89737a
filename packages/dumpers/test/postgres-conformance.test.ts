import { createDockerRuntime } from "@lb/discovery";
import { startPostgresServer } from "@lb/testing";
import { dumperConformanceSuite, type ServerUnderTest } from "@lb/testing/conformance";
import { testEngine } from "@lb/testing/vitest";
import { postgresDumper } from "../src/index.js";
import { postgresSpec } from "./server-specs.js";

const SEED = `
  create table customers (id int primary key, name text not null, joined date, balance numeric(12,2), tags text[]);
  insert into customers select g, 'customer ' || g || ' ''quoted'' ü', date '2020-01-01' + g, g * 1.25, array['a', 'b' || g]
    from generate_series(1, 5000) g;
  create table orders (id bigserial primary key, customer int references customers(id), payload jsonb);
  insert into orders (customer, payload) select 1 + g % 5000, jsonb_build_object('n', g, 'note', repeat('x', g % 50))
    from generate_series(1, 8000) g;`;

const FINGERPRINT = `
  select (select count(*) || ':' || md5(string_agg(id || name || joined || balance || tags::text, ',' order by id)) from customers)
    || '/' || (select count(*) || ':' || md5(string_agg(id || ':' || customer || payload::text, ',' order by id)) from orders)`;

dumperConformanceSuite("postgres", async () => {
  const { docker } = testEngine();
  return {
    dumper: postgresDumper(),
    runtime: createDockerRuntime(docker),
    async startServer(): Promise<ServerUnderTest> {
      const server = await startPostgresServer(docker);
      return {
        containerId: server.container.id,
        spec: (overrides) => postgresSpec(server, overrides),
        seed: async () => void (await server.sql(SEED)),
        fingerprint: () => server.sql(FINGERPRINT),
        badCredentials: () => ({
          conn: `postgresql://${server.user}:wrong-password@127.0.0.1:${server.port}/${server.database}`,
        }),
        missingDatabase: () => ({ database: "no_such_database" }),
        async stopServer() {
          await server.container.exec(["sh", "-c", "kill -INT $(head -1 /var/lib/postgresql/data/postmaster.pid)"]);
          await new Promise((resolve) => setTimeout(resolve, 1000));
        },
        remove: () => server.container.remove(),
      };
    },
  };
});
