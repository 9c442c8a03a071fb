/**
 * The page's stylesheet, inlined so that the file opens anywhere with no
 * network: system fonts only, no images, no imports.
 */
export const TIMELINE_STYLE = `
:root {
  --completed: #2f9e6b;
  --failed: #d93f3f;
  --error_continued: #e58a2b;
  --skipped: #9aa3b2;
  --running: #3a7bd5;
  --other: #8b62d0;
  --event: #1f2937;
  --ink: #1c2430;
  --muted: #677385;
  --line: #e4e7ec;
  --faint: #f1f3f6;
  --card: #ffffff;
  --page: #f5f6f8;
  --label-w: 220px;
  --dur-w: 84px;
  --track-pad: 28px;
  --row-h: 24px;
  color-scheme: light;
}
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--page); color: var(--ink); }
body {
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  padding: 20px 28px 40px;
}
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
h1 { font-size: 20px; margin: 0 0 2px; font-weight: 650; overflow-wrap: anywhere; }
h2 { font-size: 15px; margin: 0 0 10px; font-weight: 650; }
.meta { color: var(--muted); margin: 0 0 14px; overflow-wrap: anywhere; }
.meta code { color: var(--ink); background: var(--faint); padding: 1px 5px; border-radius: 4px; }
.summary { display: flex; flex-wrap: wrap; gap: 10px; margin: 0 0 16px; padding: 0; }
.summary div { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 104px; }
.summary dt { color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .04em; }
.summary dd { margin: 0; font-size: 17px; font-weight: 600; font-variant-numeric: tabular-nums; }
.summary .is-failed dd { color: var(--failed); }
.summary .is-running dd { color: var(--running); }
.summary .is-continued dd { color: var(--error_continued); }
.card-head h2 .span { font-size: 12px; font-weight: 400; color: var(--muted); margin-left: 8px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px 16px; margin-bottom: 18px; }
.card-head { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: 8px 24px; margin-bottom: 10px; }
.card-head h2 { margin: 0; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; list-style: none; margin: 0; padding: 0; color: var(--muted); }
.legend li { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 16px; height: 10px; border-radius: 2px; }
.swatch.mark-swatch { width: 9px; height: 9px; border-radius: 1px; transform: rotate(45deg); background: var(--event); }
.notice { background: #fff8e6; border: 1px solid #f3d98b; color: #6b4e00; border-radius: 6px; padding: 6px 10px; margin: 0 0 10px; }
.chart { position: relative; border-top: 1px solid var(--line); }
.axis { position: sticky; top: 0; z-index: 3; display: grid; grid-template-columns: var(--label-w) var(--dur-w) 1fr; height: 28px; background: var(--card); border-bottom: 1px solid var(--line); padding-right: var(--track-pad); color: var(--muted); font-size: 11px; }
.axis > div { align-self: center; }
.axis .col-label { padding-left: 6px; text-transform: uppercase; letter-spacing: .04em; }
.axis .col-dur { text-align: right; padding-right: 12px; text-transform: uppercase; letter-spacing: .04em; }
.axis .ticks { position: relative; height: 100%; }
.tick { position: absolute; top: 7px; transform: translateX(-50%); white-space: nowrap; font-variant-numeric: tabular-nums; }
.tick.first { transform: none; }
.rows { position: relative; }
.grid { position: absolute; top: 0; bottom: 0; left: calc(var(--label-w) + var(--dur-w)); right: var(--track-pad); pointer-events: none; }
.grid span { position: absolute; top: 0; bottom: 0; width: 1px; background: var(--faint); }
.row { position: relative; display: grid; grid-template-columns: var(--label-w) var(--dur-w) 1fr; height: var(--row-h); padding-right: var(--track-pad); border-bottom: 1px solid #f6f7f9; }
.row:hover { background: #f4f7fd; }
.row .label { padding-left: 6px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; line-height: var(--row-h); }
.row .label .ordinal { color: var(--muted); margin-left: 4px; font-variant-numeric: tabular-nums; }
.row .dur { text-align: right; padding-right: 12px; color: var(--muted); line-height: var(--row-h); font-variant-numeric: tabular-nums; white-space: nowrap; }
.flow-row { background: #fafbfc; border-bottom: 1px solid var(--line); }
.flow-row .label { color: var(--muted); font-style: italic; }
.track { position: relative; height: 100%; }
.bar { position: absolute; top: 5px; height: 14px; min-width: 3px; border-radius: 3px; cursor: pointer; outline: none; }
.bar:hover, .bar:focus-visible, .bar.active { box-shadow: 0 0 0 2px var(--card), 0 0 0 3.5px var(--ink); }
.status-completed { --bar: var(--completed); }
.status-failed { --bar: var(--failed); }
.status-error_continued { --bar: var(--error_continued); }
.status-skipped { --bar: var(--skipped); }
.status-running { --bar: var(--running); }
.status-other { --bar: var(--other); }
.bar, .swatch, .tt-status { background-color: var(--bar); }
.bar.incomplete, .swatch.incomplete {
  background-image: repeating-linear-gradient(135deg, rgba(255,255,255,.38) 0 4px, transparent 4px 9px);
  border-top-right-radius: 0; border-bottom-right-radius: 0;
}
.bar.incomplete::after { content: ""; position: absolute; right: -6px; top: 1px; border-left: 6px solid var(--bar); border-top: 6px solid transparent; border-bottom: 6px solid transparent; }
.mark { position: absolute; top: 50%; width: 9px; height: 9px; margin: -4.5px 0 0 -4.5px; background: var(--event); border: 1.5px solid #fff; border-radius: 1px; transform: rotate(45deg); cursor: pointer; z-index: 2; outline: none; }
.mark:hover, .mark:focus-visible, .mark.active { background: #f59e0b; border-color: var(--event); }
.empty-chart { color: var(--muted); padding: 18px 6px; }
.table-wrap { overflow-x: auto; }
.perf-table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
.perf-table th, .perf-table td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
.perf-table thead th { color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .04em; font-weight: 600; }
.perf-table tbody th { font-weight: 500; max-width: 340px; overflow: hidden; text-overflow: ellipsis; }
.perf-table .num { text-align: right; }
.perf-table .has-failures { color: var(--failed); font-weight: 600; }
.perf-table tr.bottleneck { background: #fff6eb; }
.perf-table .share { min-width: 150px; }
.share-track { display: inline-block; vertical-align: middle; width: 70px; height: 6px; margin-right: 8px; background: var(--faint); border-radius: 3px; overflow: hidden; }
.share-bar { display: block; height: 100%; background: #c2772a; }
.badge { display: inline-block; font-size: 10px; font-weight: 700; text-transform: uppercase; letter-spacing: .05em; color: #8a4b08; background: #fde7c8; border-radius: 999px; padding: 1px 7px; margin-left: 6px; vertical-align: 1px; }
.perf-summary { margin: 10px 0 0; color: var(--muted); }
.note { margin: 6px 0 0; color: var(--muted); font-size: 12px; }
.note .badge { margin-left: 0; margin-right: 4px; }
.tooltip { position: fixed; z-index: 10; max-width: 460px; min-width: 240px; background: #111827; color: #f3f4f6; border-radius: 8px; padding: 10px 12px; box-shadow: 0 8px 24px rgba(15,23,42,.28); font-size: 12px; pointer-events: none; }
.tooltip[hidden] { display: none; }
.tooltip.pinned { pointer-events: auto; outline: 2px solid #f59e0b; }
.tooltip .tt-title { font-weight: 650; font-size: 13px; margin-bottom: 6px; overflow-wrap: anywhere; }
.tooltip .tt-status { display: inline-block; font-size: 10px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; border-radius: 999px; padding: 1px 7px; margin-left: 6px; color: #fff; vertical-align: 1px; }
.tooltip dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 0; }
.tooltip dt { color: #9ca3af; }
.tooltip dd { margin: 0; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
.tooltip .tt-block { margin-top: 8px; }
.tooltip .tt-block-name { color: #9ca3af; margin-bottom: 2px; }
.tooltip pre { margin: 0; padding: 6px 8px; background: rgba(255,255,255,.07); border-radius: 5px; max-height: 180px; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 11.5px; }
.tooltip .tt-error pre { color: #fecaca; }
.tooltip .tt-hint { margin-top: 8px; color: #9ca3af; font-size: 11px; }
footer { color: var(--muted); font-size: 12px; }
`;
