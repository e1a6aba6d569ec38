/**
 * The console's Eta templates. `<%= %>` escapes (autoEscape); `<%~ %>` is used only to include
 * another template or the chart SVG drawn from numbers. Every value from Zoom or a webhook goes
 * through `<%= %>`.
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
<script src="<%= it.base %>/assets/console.js" defer></script>
</head>
<body hx-headers='{"X-CSRF-Token": "<%= it.csrf %>"}'>
<header class="container">
<nav><ul><li><a href="<%= it.base %>"><strong>Livestream console</strong></a></li></ul>
<ul><li><small>times in <span id="tz">UTC</span> · signed in as <%= it.user %></small></li></ul></nav>
</header>
<main class="container">
<div id="flash" role="status" aria-live="polite"></div>
<div id="notice" role="alert" hidden></div>
<%~ it.body %>
</main>
</body>
</html>`;

/** A moment: the UTC time as text and on hover; the page's script shows it in the local zone. */
export const TIME = `<time datetime="<%= it.t.iso %>" title="<%= it.t.utc %>"><%= it.t.utc %></time>`;

/** One action button. Its answer always goes to the flash area, never into the polled list. */
export const ACTION = `<form method="post" action="<%= it.base %>/actions/<%= it.action %>"
 hx-post="<%= it.base %>/actions/<%= it.action %>" hx-target="#flash" hx-swap="innerHTML"<% if (it.confirm) { %> hx-confirm="<%= it.confirm %>"<% } %>>
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="meetingId" value="<%= it.row.meetingId %>">
<input type="hidden" name="uuid" value="<%= it.row.uuid %>">
<input type="hidden" name="kind" value="<%= it.row.kind %>">
<button type="submit" class="<%= it.style %>" aria-label="<%= it.label %> meeting <%= it.row.meetingId %>"><%= it.label %></button>
</form>`;

/** The buttons that fit a meeting's state. */
export const ACTIONS = `<% const r = it.r; %>
<% if (r.canRetry) { %><%~ include('@action', { base: it.base, csrf: it.csrf, row: r, action: 'retry', label: 'Retry', style: '' }) %><% } %>
<% if (r.canCancel) { %><%~ include('@action', { base: it.base, csrf: it.csrf, row: r, action: 'cancel', label: 'Cancel', style: 'secondary', confirm: 'Cancel the start of meeting ' + r.meetingId + '?' }) %><% } %>
<% if (r.canStop) { %><%~ include('@action', { base: it.base, csrf: it.csrf, row: r, action: 'stop', label: 'Stop stream', style: 'contrast', confirm: 'Stop the live stream of meeting ' + r.meetingId + '?' }) %><% } %>`;

/** One meeting instance as one compact row; the full texts are on hover and on its page. */
export const ROW = `<% const r = it.r; %><tr data-meeting="<%= r.meetingId %>" data-state="<%= r.state %>">
<td data-label="Meeting" class="meeting"><a href="<%= it.base %>/meetings/<%= r.jobId %>" title="<%= r.topic %>"><strong><%= r.topic %></strong></a><small><%= r.meetingId %> · <%= r.source %> · <%~ include('@time', { t: r.received }) %></small></td>
<td data-label="State"><span class="state state-<%= r.state %>"><%= r.state %></span><% if (it.why) { %> <span class="why"><%= it.why %></span><% } %><% if (r.shortReason) { %><small class="reason" title="<%= r.reason %>"><%= r.shortReason %></small><% } %></td>
<td data-label="Next attempt"<% if (!r.nextAt) { %> class="empty"<% } %>><% if (r.nextAt) { %><%~ include('@time', { t: r.nextAt }) %><small><%= r.countdown %></small><% } else { %>–<% } %></td>
<td data-label="Last Zoom answer"<% if (!r.answer) { %> class="empty"<% } %>><% if (r.answer) { %><span class="answer" title="<%= r.answer.words %><% if (r.answer.trackingId) { %> · tracking id <%= r.answer.trackingId %><% } %>"><%= r.answer.compact %></span><% } else { %>–<% } %></td>
<td data-label="Actions" class="actions<% if (!r.canRetry && !r.canCancel && !r.canStop) { %> empty<% } %>"><%~ include('@actions', it) %></td>
</tr>`;

export const TABLE_HEAD = `<thead><tr><th>Meeting</th><th>State</th><th>Next attempt</th><th>Last Zoom answer</th><th>Actions</th></tr></thead>`;

/** An action's answer in the flash area, stamped with the time it came. */
export const FLASH = `<article class="flash <%= it.ok ? 'ok' : 'error' %>" data-status="<%= it.status %>"><%~ include('@time', { t: it.at }) %> <span class="message"><%= it.message %></span></article>`;
