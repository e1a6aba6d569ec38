/** The console's own few rules on top of Pico: compact rows, the overview, the charts. */
export const CONSOLE_CSS = `
:root { --pico-font-size: 93.75%; }
body > header nav { padding-block: 0; }
h2 { margin: 1rem 0 0.5rem; font-size: 1.15rem; }
.state { font-weight: 600; padding: 0.05rem 0.45rem; border-radius: 0.3rem; white-space: nowrap; font-size: 0.85rem; }
.state-waiting, .state-confirming, .state-starting { background: #fff3bf; color: #5c4400; }
.state-started, .state-live { background: #d3f9d8; color: #1b4d26; }
.state-failed { background: #ffe3e3; color: #7d1a1a; }
.state-cancelled, .state-skipped, .state-stopped { background: #e9ecef; color: #343a40; }
.why { font-size: 0.8rem; font-weight: 600; color: #7d1a1a; white-space: nowrap; }
.toolbar { display: grid; grid-template-columns: auto 1fr 22rem; gap: 0.75rem; align-items: center; margin-top: 1rem; }
.toolbar .list-title { margin: 0; }
.toolbar:has(.trigger select) { grid-template-columns: auto 1fr 26rem; }
.trigger fieldset { margin-bottom: 0; }
.trigger select { flex: 0 0 8.5rem; margin-bottom: 0; padding-block: 0.3rem; height: auto; }
.trigger input, .trigger button { padding-block: 0.3rem; height: auto; }
.trigger button { white-space: nowrap; }
table.meetings { margin-bottom: 0.5rem; }
table.meetings th, table.meetings td { padding: 0.3rem 0.5rem; vertical-align: top; font-size: 0.9rem; }
table.meetings td small, table.meetings td .reason { display: block; color: var(--pico-muted-color); font-size: 0.8rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 16rem; }
table.meetings td.meeting a { display: block; max-width: 20rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
table.meetings .answer { white-space: nowrap; }
.actions form { display: inline-block; margin: 0 0.25rem 0 0; }
.actions button { padding: 0.15rem 0.6rem; margin: 0; font-size: 0.8rem; }
#filters { display: grid; grid-template-columns: 9rem 9rem 1fr; gap: 0.5rem; }
#filters:has(#account-filter) { grid-template-columns: 10rem 9.5rem 10rem 1fr; }
#filters select, #filters input { margin-bottom: 0; padding-block: 0.3rem; height: auto; }
.summary { margin: 0.5rem 0 0.25rem; color: var(--pico-muted-color); font-size: 0.85rem; }
.paging { display: flex; gap: 1rem; }
.counts { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; justify-content: flex-start; }
.counts a { text-decoration: none; }
.count { padding: 0.2rem 0.6rem; border-radius: 0.4rem; font-size: 0.95rem; }
.count b { font-size: 1.2rem; margin-right: 0.15rem; }
.count.zero { opacity: 0.55; }
.by-source { margin-left: auto; font-size: 0.85rem; }
.by-source a { margin-left: 0.75rem; color: var(--pico-muted-color); }
.by-account { margin-left: 0.5rem; font-size: 0.85rem; color: var(--pico-muted-color); }
.by-account a { margin-left: 0.5rem; }
.by-account a[aria-current] { font-weight: 700; text-decoration: underline; }
.window { margin: 0.25rem 0 0.5rem; color: var(--pico-muted-color); }
.attention { border-left: 4px solid #c92a2a; padding-left: 0.75rem; margin-bottom: 0.75rem; }
.attention h2 { margin-top: 0.25rem; color: #7d1a1a; }
.calm { color: #1b4d26; margin-bottom: 0.5rem; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.chart { margin: 0; }
.chart figcaption { font-size: 0.8rem; color: var(--pico-muted-color); }
.chart svg { width: 100%; height: auto; }
.bar-started { fill: #2f9e44; } .bar-failed { fill: #e03131; } .bar-time { fill: #1c7ed6; }
.bar-hit { fill: transparent; } .bar-hit:hover { fill: rgba(0, 0, 0, 0.06); }
.axis { stroke: #adb5bd; stroke-width: 1; }
.chart text { font-size: 11px; fill: #6c757d; }
.flash { padding: 0.5rem 0.75rem; margin-bottom: 0.75rem; font-size: 0.9rem; }
.flash.ok { background: #d3f9d8; color: #1b4d26; }
.flash.error { background: #ffe3e3; color: #7d1a1a; }
.flash time { font-weight: 600; margin-right: 0.4rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
@media (max-width: 720px) {
  body > header nav { flex-wrap: wrap; }
  table.meetings thead, table.timeline thead { display: none; }
  table.meetings tr, table.timeline tr { display: block; border-bottom: 1px solid var(--pico-muted-border-color); padding: 0.4rem 0; }
  table.meetings td, table.timeline td { display: block; border: none; padding: 0.05rem 0; }
  table.meetings td.empty { display: none; }
  table.meetings td.meeting a, table.meetings td small, table.meetings td .reason { max-width: calc(100vw - 3rem); }
  table.meetings td[data-label="Next attempt"] time::before { content: 'next try '; color: var(--pico-muted-color); }
  table.meetings td[data-label="Next attempt"] small { display: inline; margin-left: 0.4rem; }
  table.meetings td[data-label="Last Zoom answer"]::before { content: 'Zoom: '; color: var(--pico-muted-color); }
  table.meetings td.actions form { margin-top: 0.2rem; }
  table.meetings td.account::before { content: 'account '; color: var(--pico-muted-color); }
  table.timeline td::before { content: attr(data-label) ': '; font-size: 0.75rem; color: var(--pico-muted-color); }
  .toolbar, .toolbar:has(.trigger select) { grid-template-columns: 1fr; gap: 0.5rem; }
  #filters, #filters:has(#account-filter) { grid-template-columns: 1fr 1fr; }
  #filters:has(#account-filter) #account-filter { grid-column: 1 / -1; }
  .by-account { margin-left: 0; }
  #filters input { grid-column: 1 / -1; }
  .charts { grid-template-columns: 1fr; gap: 0.25rem; }
  .chart text { font-size: 16px; }
  .by-source { margin-left: 0; width: 100%; }
  .by-source a { margin: 0 0.75rem 0 0; }
}
`;
