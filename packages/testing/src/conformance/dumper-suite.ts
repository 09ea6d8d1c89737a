import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BackupSpec, ContainerInfo, ContainerRuntime, Dumper, RunningDump } from "@lb/core";
import { EndGate, silentLogger } from "@lb/core";
import { beforeAll, describe, expect, it } from "vitest";

/** A database server in a container, as the dumper suite drives it. */
export interface ServerUnderTest {
  containerId: string;
  /** A spec that backs this server up; overrides change single fields. */
  spec(overrides?: Partial<BackupSpec>): BackupSpec;
  /** Puts known data in: several tables or keys, enough rows to span many chunks. */
  seed(): Promise<void>;
  /** Row counts and content checksums of everything `seed` wrote, as one string. */
  fingerprint(): Promise<string>;
  /** Spec overrides that make authentication fail; undefined where the engine has none. */
  badCredentials(): Partial<BackupSpec> | undefined;
  /** Spec overrides that name a database that does not exist; undefined where that cannot happen. */
  missingDatabase(): Partial<BackupSpec> | undefined;
  /** Stops the server process (the container may go with it). */
  stopServer(): Promise<void>;
  remove(): Promise<void>;
}

export interface DumperHarness {
  dumper: Dumper;
  runtime: ContainerRuntime;
  /** A fresh, empty server; the suite removes it. */
  startServer(): Promise<ServerUnderTest>;
}

interface Collected {
  bytes: Buffer;
  outcome: PromiseSettledResult<unknown>;
  /** What a destination behind an end gate would have committed: nothing unless the dump succeeded. */
  committed: boolean;
}

/** Runs a dump the way the agent does: output held back until `completed` settles. */
async function collect(dump: RunningDump): Promise<Collected> {
  const chunks: Buffer[] = [];
  let committed = false;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
    final(callback) {
      committed = true;
      callback();
    },
  });
  const flowing = pipeline(dump.stream, new EndGate(() => dump.completed), sink);
  const [flowed, outcome] = await Promise.allSettled([flowing, dump.completed]);
  if (flowed.status === "rejected") committed = false;
  return { bytes: Buffer.concat(chunks), outcome, committed };
}

async function inspect(harness: DumperHarness, server: ServerUnderTest): Promise<ContainerInfo> {
  return harness.runtime.inspect(server.containerId);
}

function context(harness: DumperHarness, container: ContainerInfo, spec: BackupSpec, signal?: AbortSignal) {
  return {
    spec,
    container,
    runtime: harness.runtime,
    signal: signal ?? new AbortController().signal,
    logger: silentLogger,
  };
}

/**
 * The behaviour every dumper must have, built-in or third-party, against a real server:
 * a dump restores to the same data, and every failure is an error with nothing committed.
 */
export function dumperConformanceSuite(name: string, makeSharedHarness: () => Promise<DumperHarness>): void {
  describe(`${name} dumper conformance`, () => {
    let shared: Promise<DumperHarness> | undefined;
    // Built once per suite, in a hook, where building images may take minutes.
    const makeHarness = () => {
      shared ??= makeSharedHarness();
      return shared;
    };
    beforeAll(async () => {
      await makeHarness();
    });

    it("round-trips: seed, dump, restore into a fresh server, same counts and checksums", async () => {
      const harness = await makeHarness();
      const source = await harness.startServer();
      const target = await harness.startServer();
      try {
        await source.seed();
        const dump = await harness.dumper.dump(context(harness, await inspect(harness, source), source.spec()));
        const { bytes, outcome, committed } = await collect(dump);
        expect(outcome.status).toBe("fulfilled");
        expect(committed).toBe(true);
        expect(bytes.length).toBeGreaterThan(0);
        await harness.dumper.restore({
          ...context(harness, await inspect(harness, target), target.spec()),
          source: Readable.from([bytes]),
          force: false,
        });
        expect(await target.fingerprint()).toBe(await source.fingerprint());
      } finally {
        await Promise.all([source.remove(), target.remove()]);
      }
    });

    /** Runs `body` against a fresh server, removed afterwards whatever happens. */
    const withServer = async (body: (harness: DumperHarness, server: ServerUnderTest) => Promise<void>) => {
      const harness = await makeHarness();
      const server = await harness.startServer();
      try {
        await body(harness, server);
      } finally {
        await server.remove();
      }
    };
    /** A failure is a dump that cannot start, or one whose verdict rejects; either way nothing is committed. */
    const failureOf = (harness: DumperHarness, container: ContainerInfo, spec: BackupSpec) =>
      harness.dumper
        .dump(context(harness, container, spec))
        .then(collect)
        .then(
          ({ outcome, committed }) => ({ rejected: outcome.status === "rejected", committed }),
          () => ({ rejected: true, committed: false }),
        );

    it("fails with bad credentials and commits nothing", async ({ skip }) => {
      await withServer(async (harness, server) => {
        const overrides = server.badCredentials();
        if (!overrides) return skip("the engine has no credentials");
        await server.seed();
        const container = await inspect(harness, server);
        expect(await failureOf(harness, container, server.spec(overrides))).toEqual({
          rejected: true,
          committed: false,
        });
      });
    });

    it("fails for a database that does not exist and commits nothing", async ({ skip }) => {
      await withServer(async (harness, server) => {
        const overrides = server.missingDatabase();
        if (!overrides) return skip("the engine cannot miss a database");
        const container = await inspect(harness, server);
        expect(await failureOf(harness, container, server.spec(overrides))).toEqual({
          rejected: true,
          committed: false,
        });
      });
    });

    it("fails when the server is stopped and commits nothing", async () => {
      await withServer(async (harness, server) => {
        await server.seed();
        const container = await inspect(harness, server);
        await server.stopServer();
        expect(await failureOf(harness, container, server.spec())).toEqual({ rejected: true, committed: false });
      });
    });

    it("fails when the dump is killed mid-stream and commits nothing", async () => {
      const harness = await makeHarness();
      const server = await harness.startServer();
      try {
        await server.seed();
        const controller = new AbortController();
        const dump = await harness.dumper.dump(
          context(harness, await inspect(harness, server), server.spec(), controller.signal),
        );
        dump.stream.once("data", () => controller.abort(new Error("killed by the suite")));
        const { outcome, committed } = await collect(dump);
        expect(outcome.status).toBe("rejected");
        expect(committed).toBe(false);
      } finally {
        await server.remove();
      }
    });
  });
}
