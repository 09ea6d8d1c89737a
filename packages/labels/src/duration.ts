/** Seconds per unit. Go's units, plus `d` and `w` that the original agent's labels use. */
const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6, // U+00B5 micro sign, as Go accepts
  μs: 1e-6, // U+03BC Greek mu, as Go accepts
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
};

/** Go's time.Duration tops out near 292 years; nothing longer makes sense here either. */
export const MAX_DURATION_SECONDS = 9_223_372_036;

const MAX_INPUT_LENGTH = 100;
const TERM = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d|w)/y;

/**
 * Parses a Go-style duration (`1h30m`, `90s`, `7d12h`, `4w`, `1.5h`, `-2h`) into seconds.
 * A bare `0` is zero; any other number needs a unit. Returns undefined for anything else.
 */
export function parseDuration(text: string): number | undefined {
  let input = text.trim();
  if (input.length === 0 || input.length > MAX_INPUT_LENGTH) return undefined;
  let sign = 1;
  if (input[0] === "+" || input[0] === "-") {
    if (input[0] === "-") sign = -1;
    input = input.slice(1);
  }
  if (input === "0") return 0;
  if (input.length === 0) return undefined;

  let total = 0;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < input.length) {
    const match = TERM.exec(input);
    if (!match) return undefined;
    const amount = Number(match[1]);
    const unit = UNIT_SECONDS[match[2]!]!;
    total += amount * unit;
  }
  if (!Number.isFinite(total) || total > MAX_DURATION_SECONDS) return undefined;
  // Sub-nanosecond noise from float arithmetic is rounded away.
  const rounded = Math.round(total * 1e9) / 1e9;
  return sign * rounded === 0 ? 0 : sign * rounded;
}

/** Seconds as a compact duration for people: `7d`, `1h30m`, `45s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds === 0) return "0s";
  const sign = seconds < 0 ? "-" : "";
  let rest = Math.abs(seconds);
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3600],
    ["m", 60],
  ] as const) {
    const whole = Math.floor(rest / size);
    if (whole > 0) {
      parts.push(`${whole}${unit}`);
      rest -= whole * size;
    }
  }
  if (rest > 0) parts.push(`${Math.round(rest * 1000) / 1000}s`);
  return sign + parts.join("");
}
