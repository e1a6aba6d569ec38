/** The console's own few rules on top of Pico. */
export const CONSOLE_CSS = `
.state { font-weight: 600; padding: 0.1rem 0.5rem; border-radius: 0.3rem; white-space: nowrap; }
.state-waiting, .state-confirming, .state-starting { background: #fff3bf; color: #5c4400; }
.state-started, .state-live { background: #d3f9d8; color: #1b4d26; }
.state-failed { background: #ffe3e3; color: #7d1a1a; }
.state-cancelled, .state-skipped, .state-stopped { background: #e9ecef; color: #343a40; }
.trigger button { white-space: nowrap; }
.actions form { display: inline-block; margin: 0 0.25rem 0.25rem 0; }
.actions button { padding: 0.3rem 0.7rem; margin: 0; font-size: 0.875rem; }
#filters { display: grid; grid-template-columns: minmax(8rem, 14rem) 1fr; gap: 0.75rem; }
.summary { margin-bottom: 0.5rem; color: var(--pico-muted-color); }
.paging { display: flex; gap: 1rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
.facts dd { margin: 0; }
#flash:not(:empty) { margin-bottom: 1rem; }
@media (max-width: 720px) {
  table.meetings thead, table.timeline thead { display: none; }
  table.meetings tr, table.timeline tr { display: block; border-bottom: 1px solid var(--pico-muted-border-color); padding: 0.5rem 0; }
  table.meetings td, table.timeline td { display: block; border: none; padding: 0.15rem 0; }
  table.meetings td::before, table.timeline td::before { content: attr(data-label) ': '; font-size: 0.8rem; color: var(--pico-muted-color); }
  #filters { grid-template-columns: 1fr; gap: 0; }
}
`;
