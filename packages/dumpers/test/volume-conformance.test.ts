import { createDockerRuntime } from "@lb/discovery";
import { dumperConformanceSuite, type ServerUnderTest } from "@lb/testing/conformance";
import { testEngine } from "@lb/testing/vitest";
import { volumeDumper } from "../src/index.js";
import { shell, startFilesContainer } from "./files-container.js";
import { volumeSpec } from "./server-specs.js";

// Files of every kind tar must carry: random and zero-filled data, names past 100 bytes,
// spaces and non-ASCII, modes and owners, a symlink, a hard link, an empty file and
// folder, a FIFO. A few MB, so the archive spans many chunks.
const SEED = `set -e
cd /data
long=$(printf 'd%.0s' $(seq 1 80))/$(printf 'e%.0s' $(seq 1 80))
mkdir -p app/config "app/with space" app/empty-dir "app/$long"
echo deep > "app/$long/a file whose path is long.txt"
head -c 3000000 /dev/urandom > app/random.bin
head -c 2097152 /dev/zero > app/zeros.img
printf 'hello\\n' > "app/with space/ünïcode 🚀.txt"
printf 'key=value\\n' > app/config/settings.conf
chmod 600 app/config/settings.conf
chown 1234:5678 app/config/settings.conf
chmod 1777 app/empty-dir
ln -s config/settings.conf app/link-to-settings
ln app/random.bin app/hardlink.bin
: > app/empty-file
mkfifo app/fifo
# An old, whole-second time everywhere, so the fingerprint shows whether tar brought mtimes back.
find /data -exec touch -h -d @981173106 {} +`;

/** Every path under /data with its kind, mode, owner, size, mtime, link count and content hash. */
const FINGERPRINT = `cd /data && find . | LC_ALL=C sort | while IFS= read -r p; do
  if [ -L "$p" ]; then echo "$p link $(readlink "$p") $(stat -c '%u:%g' "$p")"
  elif [ -d "$p" ]; then echo "$p dir $(stat -c '%a %u:%g %Y' "$p")"
  elif [ -f "$p" ]; then echo "$p file $(stat -c '%a %u:%g %s %Y %h' "$p") $(sha256sum < "$p" | cut -c1-64)"
  else echo "$p $(stat -c '%F %a %u:%g' "$p")"
  fi
done`;

dumperConformanceSuite("volume", async () => {
  const { docker } = testEngine();
  return {
    dumper: volumeDumper(),
    runtime: createDockerRuntime(docker),
    async startServer(): Promise<ServerUnderTest> {
      const container = await startFilesContainer(docker);
      return {
        containerId: container.id,
        spec: (overrides) => volumeSpec(container, "/data", overrides),
        seed: async () => void (await shell(container, SEED)),
        fingerprint: () => shell(container, FINGERPRINT),
        // The engine's archive call needs no credentials.
        badCredentials: () => undefined,
        missingDatabase: () => ({ path: "/no/such/path", database: "/no/such/path" }),
        // The archive API reads stopped containers too (on purpose: a stopped container is
        // a consistent one), so "the server is gone" is the container being removed.
        stopServer: () => container.remove(),
        remove: () => container.remove(),
      };
    },
  };
});
