/**
 * The meetings page: the overview (polled every 5 s), the filters and start form, and the list
 * (every 2 s).
 * Each polled block replaces the content of its stable container (the newest answer wins) and
 * passes nothing down (`hx-disinherit`): the forms inside it name their own target, the flash area.
 */
export const LIST = `<div id="overview"><%~ include('@overview', it.overview) %></div>
<section class="toolbar">
<h2 class="list-title">Meetings</h2>
<form id="filters" role="search" action="<%= it.base %>" method="get"
 hx-get="<%= it.base %>/rows" hx-target="#rows" hx-swap="innerHTML" hx-sync="#rows:replace" hx-trigger="change, input delay:300ms from:#q, submit">
<select name="state" aria-label="State">
<option value="">All states</option>
<% it.states.forEach(function (s) { %><option value="<%= s %>"<% if (s === it.state) { %> selected<% } %>><%= s %></option><% }) %>
</select>
<select name="source" aria-label="Source">
<option value="">All sources</option>
<% it.sources.forEach(function (s) { %><option value="<%= s %>"<% if (s === it.source) { %> selected<% } %>><%= s %></option><% }) %>
</select>
<input id="q" type="search" name="q" value="<%= it.q %>" placeholder="Search topic, meeting id, host" aria-label="Search">
</form>
<form method="post" action="<%= it.base %>/actions/trigger" hx-post="<%= it.base %>/actions/trigger" hx-target="#flash" hx-swap="innerHTML" class="trigger">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<fieldset role="group">
<input name="meetingId" inputmode="numeric" pattern="[0-9]{9,12}" required placeholder="Meeting id" aria-label="Meeting id to start now">
<button type="submit">Start stream</button>
</fieldset>
</form>
</section>
<div id="rows"><%~ include('@rows', it) %></div>`;

export const ROWS = `<div hx-get="<%= it.base %>/rows<%= it.self %>" hx-trigger="every 2s, console-changed from:body" hx-target="#rows" hx-swap="innerHTML" hx-sync="#rows:replace" hx-disinherit="*">
<p class="summary"><%= it.page.from %>–<%= it.page.to %> of <%= it.page.total %> meetings, newest first · updated <%~ include('@time', { t: it.updated }) %><span class="stale" hidden></span></p>
<div class="overflow-auto">
<table class="meetings list">
<%~ include('@head') %>
<tbody>
<% if (it.page.rows.length === 0) { %><tr><td colspan="5">No meetings match.</td></tr><% } %>
<% it.page.rows.forEach(function (r) { %><%~ include('@row', { base: it.base, csrf: it.csrf, r: r }) %><% }) %>
</tbody>
</table>
</div>
<nav class="paging" aria-label="Pages">
<% if (it.page.prev) { %><a href="<%= it.base %><%= it.page.prev %>" hx-get="<%= it.base %>/rows<%= it.page.prev %>" hx-target="#rows" hx-swap="innerHTML">← Newer</a><% } %>
<% if (it.page.next) { %><a href="<%= it.base %><%= it.page.next %>" hx-get="<%= it.base %>/rows<%= it.page.next %>" hx-target="#rows" hx-swap="innerHTML">Older →</a><% } %>
</nav>
</div>`;

export const OVERVIEW = `<div hx-get="<%= it.base %>/overview" hx-trigger="every 5s, console-changed from:body" hx-target="#overview" hx-swap="innerHTML" hx-sync="#overview:replace" hx-disinherit="*">
<nav class="counts" aria-label="Meetings by state">
<% it.counts.forEach(function (c) { %><a class="count state-<%= c.key %><% if (c.n === 0) { %> zero<% } %>" href="<%= it.base %>?state=<%= c.key %>"><b><%= c.n %></b> <%= c.key %></a><% }) %>
<span class="by-source"><% it.sources.forEach(function (c) { %><a href="<%= it.base %>?source=<%= c.key %>"><%= c.key %> <b><%= c.n %></b></a><% }) %></span>
</nav>
<p class="window"><small>Meetings in play now or finished in the last 24 h<% if (it.capped) { %> (over <%= it.cap %> in one state: at least these)<% } %> · <%= it.kept %> jobs kept</small></p>
<% if (it.attention.length > 0) { %><section class="attention" aria-label="Needs attention">
<h2>Needs attention <small>(<%= it.attentionTotal %>)</small></h2>
<div class="overflow-auto"><table class="meetings">
<%~ include('@head') %>
<tbody>
<% it.attention.forEach(function (a) { %><%~ include('@row', { base: it.base, csrf: it.csrf, r: a.r, why: a.why }) %><% }) %>
</tbody></table></div>
<% if (it.attentionTotal > it.attention.length) { %><p><small><%= it.attentionTotal - it.attention.length %> more: <a href="<%= it.base %>?state=failed">all failed</a> · <a href="<%= it.base %>?state=waiting">all waiting</a></small></p><% } %>
</section><% } else { %><p class="calm">Nothing needs a person now.</p><% } %>
<%~ it.charts %>
</div>`;
