/**
 * The console's Eta templates. `<%= %>` escapes (autoEscape); `<%~ %>` is used only to include
 * another template. Every value from Zoom or a webhook goes through `<%= %>`.
 */
export const LAYOUT = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="<%= it.csrf %>">
<meta name="htmx-config" content='{"includeIndicatorStyles":false}'>
<title><%= it.title %> · Livestream console</title>
<link rel="stylesheet" href="<%= it.base %>/assets/pico.min.css">
<link rel="stylesheet" href="<%= it.base %>/assets/console.css">
<script src="<%= it.base %>/assets/htmx.min.js" defer></script>
</head>
<body hx-headers='{"X-CSRF-Token": "<%= it.csrf %>"}'>
<header class="container">
<nav><ul><li><a href="<%= it.base %>"><strong>Livestream console</strong></a></li></ul>
<ul><li><small>signed in as <%= it.user %></small></li></ul></nav>
</header>
<main class="container">
<div id="flash" role="status" aria-live="polite"></div>
<%~ it.body %>
</main>
</body>
</html>`;

export const ACTION = `<form method="post" action="<%= it.base %>/actions/<%= it.action %>"
 hx-post="<%= it.base %>/actions/<%= it.action %>" hx-target="#flash"<% if (it.confirm) { %> hx-confirm="<%= it.confirm %>"<% } %>>
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="meetingId" value="<%= it.row.meetingId %>">
<input type="hidden" name="uuid" value="<%= it.row.uuid %>">
<input type="hidden" name="kind" value="<%= it.row.kind %>">
<button type="submit" class="<%= it.style %>" aria-label="<%= it.label %> meeting <%= it.row.meetingId %>"><%= it.label %></button>
</form>`;

export const LIST = `<section>
<form method="post" action="<%= it.base %>/actions/trigger" hx-post="<%= it.base %>/actions/trigger" hx-target="#flash" class="trigger">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<fieldset role="group">
<input name="meetingId" inputmode="numeric" pattern="[0-9]{9,12}" required placeholder="Meeting id to start now" aria-label="Meeting id to start now">
<button type="submit">Start stream</button>
</fieldset>
</form>
<form id="filters" role="search" action="<%= it.base %>" method="get"
 hx-get="<%= it.base %>/rows" hx-target="#rows" hx-trigger="change, input delay:300ms from:#q, submit">
<select name="state" aria-label="State">
<option value="">All states</option>
<% it.states.forEach(function (s) { %><option value="<%= s %>"<% if (s === it.state) { %> selected<% } %>><%= s %></option><% }) %>
</select>
<input id="q" type="search" name="q" value="<%= it.q %>" placeholder="Search topic, meeting id, host" aria-label="Search">
</form>
</section>
<div id="rows"><%~ include('@rows', it) %></div>`;

export const ROWS = `<div hx-get="<%= it.base %>/rows<%= it.self %>" hx-trigger="every 2s" hx-swap="outerHTML">
<p class="summary"><%= it.page.from %>–<%= it.page.to %> of <%= it.page.total %> meetings, newest first · updated <%= it.updated %></p>
<div class="overflow-auto">
<table class="meetings striped">
<thead><tr><th>Meeting</th><th>State</th><th>Next attempt</th><th>Last Zoom answer</th><th>Source · rule</th><th>Actions</th></tr></thead>
<tbody>
<% if (it.page.rows.length === 0) { %><tr><td colspan="6">No meetings match.</td></tr><% } %>
<% it.page.rows.forEach(function (r) { %>
<tr data-meeting="<%= r.meetingId %>" data-state="<%= r.state %>">
<td data-label="Meeting"><a href="<%= it.base %>/meetings/<%= r.jobId %>"><strong><%= r.topic %></strong></a><br><small><%= r.meetingId %><% if (r.host) { %> · host <%= r.host %><% } %> · <%= r.received %></small></td>
<td data-label="State"><span class="state state-<%= r.state %>"><%= r.state %></span><% if (r.reason) { %><br><small class="reason"><%= r.reason %></small><% } %></td>
<td data-label="Next attempt"><% if (r.nextAt) { %><time><%= r.nextAt %></time><br><small><%= r.countdown %></small><% } else { %>–<% } %></td>
<td data-label="Last Zoom answer"><% if (r.answer) { %><%= r.answer.words %><% if (r.answer.trackingId) { %><br><small>tracking id <%= r.answer.trackingId %></small><% } %><% } else { %>–<% } %></td>
<td data-label="Source · rule"><%= r.source %><% if (r.rule) { %><br><small>rule <%= r.rule %></small><% } %></td>
<td data-label="Actions" class="actions">
<% if (r.canRetry) { %><%~ include('@action', { base: it.base, csrf: it.csrf, row: r, action: 'retry', label: 'Retry', style: '' }) %><% } %>
<% if (r.canCancel) { %><%~ include('@action', { base: it.base, csrf: it.csrf, row: r, action: 'cancel', label: 'Cancel', style: 'secondary', confirm: 'Cancel the start of meeting ' + r.meetingId + '?' }) %><% } %>
<% if (r.canStop) { %><%~ include('@action', { base: it.base, csrf: it.csrf, row: r, action: 'stop', label: 'Stop stream', style: 'contrast', confirm: 'Stop the live stream of meeting ' + r.meetingId + '?' }) %><% } %>
</td>
</tr>
<% }) %>
</tbody>
</table>
</div>
<nav class="paging" aria-label="Pages">
<% if (it.page.prev) { %><a href="<%= it.base %><%= it.page.prev %>" hx-get="<%= it.base %>/rows<%= it.page.prev %>" hx-target="#rows">← Newer</a><% } %>
<% if (it.page.next) { %><a href="<%= it.base %><%= it.page.next %>" hx-get="<%= it.base %>/rows<%= it.page.next %>" hx-target="#rows">Older →</a><% } %>
</nav>
</div>`;
