import { formatBytes } from "../format-bytes.js";
import type { TargetView } from "./targets-view.js";

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

function lastResultCell(target: TargetView): string {
  const last = target.last_result;
  if (target.state !== "idle") return `<span class="running">${target.state}</span>`;
  if (!last) return `<span class="never">never run</span>`;
  if (last.success) return `<span class="ok">ok</span> <time>${escapeHtml(last.finished_at)}</time>`;
  return `<span class="failed">failed</span> <time>${escapeHtml(last.finished_at)}</time><div class="error">${escapeHtml(last.error ?? "")}</div>`;
}

/** The status page: one row per target; no script, refreshes itself. */
export function renderStatusPage(targets: TargetView[], version: string): string {
  const rows = targets
    .map(
      (t) => `<tr data-target="${escapeHtml(t.name)}">
  <td>${escapeHtml(t.name)}<div class="sub">${escapeHtml(t.container)}</div></td>
  <td>${escapeHtml(t.type)}<div class="sub">${escapeHtml(t.database)}</div></td>
  <td><code>${escapeHtml(t.cron)}</code><div class="sub">next ${escapeHtml(t.next_run ?? "—")}</div></td>
  <td class="result">${lastResultCell(t)}</td>
  <td>${t.last_success ? escapeHtml(formatBytes(t.last_success.bytes)) : "—"}</td>
  <td>${escapeHtml(t.dest)}${t.prefix ? `<div class="sub">${escapeHtml(t.prefix)}</div>` : ""}</td>
</tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="10">
<title>Label Backup</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 2rem; color: #222; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .5rem .75rem; border-bottom: 1px solid #ddd; vertical-align: top; }
  .sub { color: #777; font-size: 12px; }
  .ok { color: #17803d; font-weight: 600; }
  .failed { color: #b42318; font-weight: 600; }
  .running { color: #1d4ed8; font-weight: 600; }
  .never { color: #777; }
  .error { color: #b42318; font-size: 12px; max-width: 40rem; }
</style>
</head>
<body>
<h1>Label Backup</h1>
<p>${targets.length} target${targets.length === 1 ? "" : "s"} · agent ${escapeHtml(version)}</p>
<table>
<thead><tr><th>Target</th><th>Engine</th><th>Schedule</th><th>Last result</th><th>Size</th><th>Destination</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="6">No labelled containers.</td></tr>'}
</tbody>
</table>
</body>
</html>
`;
}
