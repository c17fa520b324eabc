// The targets page: per scrape component (prometheus.scrape, pyroscope.scrape), the targets this silo scrapes and
// their last scrape. A profile target is one profile type of a discovered target, shown as its __name__ label.
// ?component=ID shows one component.
"use strict";

const selected = new URLSearchParams(location.search).get("component");

function labelsCell(labels) {
  return el("td", { class: "labels" }, ...Object.entries(labels).map(([name, value]) => el("span", null, name + "=" + value)));
}

// Failing targets first, then by endpoint in natural order (t/2 before t/10).
function byHealthThenUrl(a, b) {
  const rank = t => (t.health === "down" ? 0 : t.health === "unknown" ? 1 : 2);
  return rank(a) - rank(b) || a.url.localeCompare(b.url, undefined, { numeric: true });
}

function componentTable(component) {
  const rows = [...component.targets].sort(byHealthThenUrl).map(t => el("tr", null,
    el("td", null, badge(t.health)),
    el("td", null, el("a", { href: t.url }, t.url)),
    labelsCell(t.profileType ? { __name__: t.profileType, ...t.labels } : t.labels),
    el("td", null, formatAgo(t.lastScrape)),
    el("td", { class: "num" }, t.lastScrapeDurationSeconds === null ? "–" : (t.lastScrapeDurationSeconds * 1000).toFixed(1) + " ms"),
    el("td", { class: "num" }, formatNumber(t.seriesCount, 0)),
    el("td", { class: "error" }, [t.lastError, t.skippedSlot ? "a later slot was skipped (picked up too late) " + formatAgo(t.skippedSlot) : null].filter(Boolean).join("; "))));
  const table = el("table", { "data-component": component.componentId },
    el("thead", null, el("tr", null,
      el("th", null, "Health"), el("th", null, "Endpoint"), el("th", null, "Labels"), el("th", null, "Last scrape"),
      el("th", { class: "num" }, "Duration"), el("th", { class: "num" }, component.kind === "profiles" ? "Samples" : "Series"), el("th", null, "Error"))),
    el("tbody", null, ...rows));
  const up = component.targets.filter(t => t.health === "up").length;
  return el("section", null,
    el("h2", null, component.componentId + " ",
      el("span", { class: "muted" }, "job " + component.jobName + " · every " + component.scrapeIntervalSeconds + " s · " +
        up + " up of " + component.targets.length + " here, " + component.discoveredTargets + " discovered" +
        (component.clustered ? " (clustered)" : ""))),
    table);
}

function render(components) {
  const links = [el("a", { class: "card", href: "/targets" }, el("div", { class: "label" }, "Components"), el("div", { class: "value" }, "all"))]
    .concat(components.map(c => el("a", { class: "card", href: "/targets?component=" + encodeURIComponent(c.componentId) },
      el("div", { class: "label" }, c.componentId), el("div", { class: "value" }, c.targets.length + " targets"))));
  document.getElementById("components").replaceChildren(...links);
  const shown = components.filter(c => !selected || c.componentId === selected);
  const tables = shown.length ? shown.map(componentTable) : [el("p", { class: "muted" }, "No scrape component" + (selected ? " named " + selected : "") + ".")];
  document.getElementById("tables").replaceChildren(...tables);
}

refreshEvery("/api/v0/web/targets", 5000, render);
