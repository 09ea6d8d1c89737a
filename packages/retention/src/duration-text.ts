const UNITS: [suffix: string, seconds: number][] = [
  ["d", 86_400],
  ["h", 3_600],
  ["m", 60],
  ["s", 1],
];

/** `604800` -> `7d`, `5400` -> `1h30m`: the way retention labels are written. */
export function formatSeconds(total: number): string {
  if (total === Number.POSITIVE_INFINITY) return "forever";
  let rest = Math.round(total);
  if (rest <= 0) return `${rest}s`;
  let text = "";
  for (const [suffix, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${suffix}`;
    rest -= count * size;
  }
  return text;
}
