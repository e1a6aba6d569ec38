/** One meeting instance (the polled block of its page): what it is, why it is where it is, and every answer Zoom gave. */
export const DETAIL = `<div hx-get="<%= it.base %>/meetings/<%= it.r.jobId %>/fragment" hx-trigger="every 2s, console-changed from:body" hx-target="#detail" hx-swap="innerHTML" hx-sync="#detail:replace" hx-disinherit="*">
<hgroup><h2><%= it.r.topic %></h2><p>Meeting <%= it.r.meetingId %> · <%= it.r.kind %> · instance <code><%= it.r.uuid %></code></p></hgroup>
<dl class="facts">
<dt>State</dt><dd><span class="state state-<%= it.r.state %>"><%= it.r.state %></span><% if (it.r.reason) { %> — <%= it.r.reason %><% } %></dd>
<dt>Next attempt</dt><dd><% if (it.r.nextAt) { %><%~ include('@time', { t: it.r.nextAt }) %> (<%= it.r.countdown %>)<% } else { %>–<% } %></dd>
<dt>Last Zoom answer</dt><dd><% if (it.r.answer) { %><%= it.r.answer.words %><% if (it.r.answer.trackingId) { %> · tracking id <code><%= it.r.answer.trackingId %></code><% } %><% } else { %>–<% } %></dd>
<dt>Source</dt><dd><%= it.r.source %></dd>
<dt>Rule</dt><dd><%= it.r.rule || '–' %></dd>
<dt>Received</dt><dd><%~ include('@time', { t: it.r.received }) %></dd>
<dt>Start calls</dt><dd><%= it.attempts %></dd>
<dt>Confirmation</dt><dd><%= it.confirmation %></dd>
<dt>Alerts raised</dt><dd><% if (it.alerts.length === 0) { %>none<% } %><% it.alerts.forEach(function (a) { %><%= a.type %> at <%~ include('@time', { t: a.at }) %><br><% }) %></dd>
</dl>
<div class="actions"><%~ include('@actions', it) %></div>
<h3>Attempt timeline</h3>
<% if (it.earlier.length > 0) { %><p>Earlier answers, no longer kept in full: <% it.earlier.forEach(function (e) { %><%= e.decision %> × <%= e.count %>; <% }) %></p><% } %>
<div class="overflow-auto"><table class="timeline striped">
<thead><tr><th>When</th><th>Zoom's answer</th><th>Tracking id</th><th>Decision</th></tr></thead>
<tbody>
<% if (it.history.length === 0) { %><tr><td colspan="4">No call made yet.</td></tr><% } %>
<% it.history.forEach(function (h) { %><tr><td data-label="When"><%~ include('@time', { t: h.at }) %></td><td data-label="Zoom's answer"><%= h.words %></td><td data-label="Tracking id"><%= h.trackingId || '–' %></td><td data-label="Decision"><%= h.decision %></td></tr><% }) %>
</tbody></table></div>
</div>`;
