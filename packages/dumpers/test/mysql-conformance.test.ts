import { createDockerRuntime } from "@lb/discovery";
import { startMariadbServer } from "@lb/testing";
import { dumperConformanceSuite, type ServerUnderTest } from "@lb/testing/conformance";
import { testEngine } from "@lb/testing/vitest";
import { mysqlDumper } from "../src/index.js";
import { mysqlSpec } from "./server-specs.js";

// Data every MySQL test seeds: several tables with awkward values (quotes, backslashes,
// emoji, NULLs, binary with zero bytes), a view, a trigger, a procedure and an event,
// all defined by the application user. MariaDB's Sequence engine makes the rows.
const MYSQL_SEED = `
  CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(200) NOT NULL, joined DATE, balance DECIMAL(12,2),
    note TEXT, flags SET('a','b','c'), created DATETIME(6)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
  INSERT INTO customers SELECT seq, CONCAT('customer ', seq, ' ''quoted'' back\\\\slash ü 🚀'),
    DATE '2020-01-01' + INTERVAL seq DAY, seq * 1.25, IF(seq % 7 = 0, NULL, REPEAT('n', seq % 40)),
    IF(seq % 2, 'a,c', 'b'), TIMESTAMP '2024-01-01 00:00:00.123456' + INTERVAL seq SECOND FROM seq_1_to_5000;
  CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer INT NOT NULL, payload JSON,
    FOREIGN KEY (customer) REFERENCES customers (id)) ENGINE=InnoDB;
  INSERT INTO orders (customer, payload)
    SELECT 1 + seq % 5000, JSON_OBJECT('n', seq, 'note', REPEAT('x', seq % 50)) FROM seq_1_to_8000;
  CREATE TABLE blobs (id INT PRIMARY KEY, data BLOB) ENGINE=InnoDB;
  INSERT INTO blobs SELECT seq, UNHEX(CONCAT(REPEAT(SHA2(seq, 256), 4), '00FF0A0D5C27')) FROM seq_1_to_300;
  CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, customer INT, at DATETIME);
  CREATE VIEW big_spenders AS SELECT id, name FROM customers WHERE balance > 6000;
  CREATE TRIGGER customers_audit AFTER UPDATE ON customers FOR EACH ROW INSERT INTO audit (customer, at) VALUES (NEW.id, NOW());
  CREATE PROCEDURE count_orders(IN c INT, OUT n INT) SELECT COUNT(*) INTO n FROM orders WHERE customer = c;
  CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00'
    DO DELETE FROM audit WHERE at < NOW() - INTERVAL 30 DAY;`;

/** Row counts and content checksums of everything the seed wrote, as one line. */
const MYSQL_FINGERPRINT = `
  SET SESSION group_concat_max_len = 1073741824;
  SELECT CONCAT_WS(' / ',
    (SELECT CONCAT(COUNT(*), ':', MD5(GROUP_CONCAT(CONCAT_WS('|', id, name, joined, balance, IFNULL(note, '<null>'),
      flags, created) ORDER BY id))) FROM customers),
    (SELECT CONCAT(COUNT(*), ':', MD5(GROUP_CONCAT(CONCAT_WS('|', id, customer, payload) ORDER BY id))) FROM orders),
    (SELECT CONCAT(COUNT(*), ':', MD5(GROUP_CONCAT(CONCAT_WS('|', id, HEX(data)) ORDER BY id))) FROM blobs),
    (SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()),
    (SELECT GROUP_CONCAT(CONCAT(TRIGGER_NAME, ':', ACTION_STATEMENT) ORDER BY TRIGGER_NAME)
      FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()),
    (SELECT GROUP_CONCAT(CONCAT(ROUTINE_NAME, ':', ROUTINE_DEFINITION) ORDER BY ROUTINE_NAME)
      FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()),
    (SELECT GROUP_CONCAT(CONCAT(EVENT_NAME, ':', EVENT_DEFINITION) ORDER BY EVENT_NAME)
      FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()),
    (SELECT CONCAT('next order id ', AUTO_INCREMENT) FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'orders'));`;

dumperConformanceSuite("mysql", async () => {
  const { docker } = testEngine();
  return {
    dumper: mysqlDumper(),
    runtime: createDockerRuntime(docker),
    async startServer(): Promise<ServerUnderTest> {
      const server = await startMariadbServer(docker);
      return {
        containerId: server.container.id,
        spec: (overrides) => mysqlSpec(server, overrides),
        seed: async () => void (await server.appSql(MYSQL_SEED)),
        fingerprint: () => server.sql(MYSQL_FINGERPRINT),
        badCredentials: () => ({
          conn: `mysql://${server.user}:wrong-password@127.0.0.1:${server.port}/${server.database}`,
        }),
        missingDatabase: () => ({ database: "no_such_database" }),
        async stopServer() {
          await server.container.exec(["mariadb-admin", "--user=root", "shutdown"], {
            env: [`MYSQL_PWD=${server.rootPassword}`],
          });
          await new Promise((resolve) => setTimeout(resolve, 1000));
        },
        remove: () => server.container.remove(),
      };
    },
  };
});
