/** A small seeded PRNG (mulberry32), so every run builds the same corpus. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  "ka",
  "lo",
  "mer",
  "tin",
  "sa",
  "re",
  "vo",
  "dun",
  "pi",
  "ach",
  "el",
  "stra",
  "qu",
  "om",
  "ber",
  "ni",
];

/**
 * Text that compresses like prose (gzip about 3:1): words drawn with a skewed frequency
 * from a vocabulary of made-up words, with punctuation and numbers. Tables take random
 * slices of it, so column values vary in length and content without being random noise.
 */
export function buildCorpus(bytes = 64 * 1024, seed = 20261126): string {
  const random = seededRandom(seed);
  const vocabulary: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const length = 1 + Math.floor(random() * 4);
    let word = "";
    for (let s = 0; s < length; s++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    vocabulary.push(word);
  }
  const parts: string[] = [];
  let size = 0;
  let sentenceStart = true;
  while (size < bytes) {
    // Squaring skews the choice toward the first words, as in natural language.
    let word = vocabulary[Math.floor(random() ** 2 * vocabulary.length)]!;
    if (random() < 0.04) word = String(Math.floor(random() * 100_000));
    if (sentenceStart) word = word[0]!.toUpperCase() + word.slice(1);
    const end = random();
    sentenceStart = end < 0.08;
    const piece = `${word}${sentenceStart ? ". " : end < 0.14 ? ", " : " "}`;
    parts.push(piece);
    size += piece.length;
  }
  return parts.join("").slice(0, bytes);
}
