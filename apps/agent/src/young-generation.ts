import { setFlagsFromString } from "node:v8";

/**
 * Keeps V8's young generation at its starting size (about 2 MiB) instead of letting it
 * grow to 16 MiB and more. Every chunk a backup moves is a small object in the young generation
 * pointing at a buffer outside the heap; the buffer is freed only when a scavenge finds
 * the object dead. A young generation that grows scavenges rarely, and tens of MiB of
 * dead buffers wait in between. Measured on `pnpm bench`'s 1 GiB PostgreSQL database:
 * peak RSS of a backup to local disk 129 MB with growth, 88 MB without, at the same speed
 * against the shell baseline (BENCHMARKS.md). V8 reads this flag each time it
 * considers growing, so setting it at run time works, but only before anything has made
 * the young generation grow: the bin calls this before loading any other module.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString("--semi-space-growth-factor=1");
}
