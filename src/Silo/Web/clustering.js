// The clustering page: the ring (each peer's arcs), a bar per peer of samples/s against the fair share, and every
// peer this silo knows with its ring share and the load it reports.
"use strict";

const SVG = "http://www.w3.org/2000/svg";

// Above this multiple of the fair share a peer counts as overloaded (load-aware placement keeps peers under 1.10).
const OVERLOAD = 1.1;

function card(label, value) {
  return el("div", { class: "card" }, el("div", { class: "label" }, label), el("div", { class: "value" }, value));
}

function shareCell(share, fairShare) {
  if (share === null || share === undefined) return el("td", { class: "num muted" }, "–");
  const percent = share * 100;
  const title = fairShare ? "fair share " + (fairShare * 100).toFixed(1) + " %" : null;
  return el("td", { class: "num", title: title },
    el("div", { class: "share" },
      el("div", { class: "bar" }, el("span", { style: "width:" + Math.min(100, percent).toFixed(1) + "%" })),
      percent.toFixed(1) + " %"));
}

// One colour per node, the same in the ring and the bars: hues spread by the node's place in name order.
function colours(names) {
  const sorted = [...new Set(names)].sort();
  return new Map(sorted.map((name, i) => [name, "hsl(" + Math.round(i * 360 / Math.max(1, sorted.length) + 20) % 360 + " 70% 50%)"]));
}

function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

// An annulus sector from fraction start to end of the key space, clockwise from the top.
function arcPath(start, end, outer, inner) {
  const point = (fraction, radius) => {
    const angle = fraction * 2 * Math.PI - Math.PI / 2;
    return (radius * Math.cos(angle)).toFixed(2) + " " + (radius * Math.sin(angle)).toFixed(2);
  };
  const large = end - start > 0.5 ? 1 : 0;
  return "M " + point(start, outer) + " A " + outer + " " + outer + " 0 " + large + " 1 " + point(end, outer) +
    " L " + point(end, inner) + " A " + inner + " " + inner + " 0 " + large + " 0 " + point(start, inner) + " Z";
}

function renderRing(cluster, colour) {
  const ring = document.getElementById("ring");
  const arcs = cluster.ringArcs.map(arc => {
    const path = svg("path", { d: arcPath(arc.start, Math.min(arc.end, arc.start + 0.99999), 100, 62), fill: colour.get(arc.node) || "#999", "data-node": arc.node });
    const title = svg("title", {});
    title.textContent = arc.node + " · " + ((arc.end - arc.start) * 100).toFixed(1) + " % of the key space";
    path.append(title);
    return path;
  });
  const label = svg("text", { x: 0, y: 5, "text-anchor": "middle", "font-size": 14 });
  label.textContent = cluster.ringNodes + (cluster.ringNodes === 1 ? " node" : " nodes");
  ring.replaceChildren(...arcs, label);
  document.getElementById("ring-legend").replaceChildren(...[...colour].map(([name, c]) =>
    el("span", null, el("i", { style: "background:" + c }), name)));
}

function renderBars(cluster, participants, colour) {
  const fair = cluster.fairShare ? cluster.samplesPerSecond * cluster.fairShare : 0;
  const scale = Math.max(fair * 1.5, ...participants.map(p => p.samplesPerSecond || 0)) || 1;
  const rows = participants.map(peer => {
    const rate = peer.samplesPerSecond;
    const over = rate !== null && rate !== undefined && fair > 0 && rate > fair * OVERLOAD;
    const ofFair = fair > 0 && rate !== null && rate !== undefined ? " (" + (rate / fair * 100).toFixed(0) + " % of fair)" : "";
    return el("div", { class: "load-row", "data-peer": peer.name, "data-over": String(over) },
      el("span", null, peer.name),
      el("div", { class: "load-track", title: "fair share " + formatNumber(fair) + " samples/s" },
        el("span", { class: "load", style: "width:" + ((rate || 0) / scale * 100).toFixed(1) + "%;background:" + colour.get(peer.name) }),
        el("span", { class: "fair", style: "left:" + (fair / scale * 100).toFixed(1) + "%" })),
      el("span", { class: "num load-value" }, formatNumber(rate) + ofFair));
  });
  document.getElementById("load-bars").replaceChildren(...rows);
  document.getElementById("weights").textContent = cluster.weightsTables.length
    ? "Load-aware placement (balance = \"samples\"): " + cluster.weightsTables.map(t =>
        t.component + " weights table " + (t.version ? "v" + t.version + " (" + t.targets + " targets)" : "not read yet: plain ring")).join("; ")
    : "No component balances by samples: every clustered component uses the plain ring.";
}

function render(cluster) {
  const participants = cluster.peers.filter(p => p.state === "participant");
  const targets = participants.reduce((sum, p) => sum + (p.targets || 0), 0);
  const shares = participants.map(p => p.ringShare).filter(s => s !== null && s !== undefined);
  const fairShare = shares.length ? 1 / shares.length : null;
  const spread = shares.length ? (Math.max(...shares) / fairShare * 100).toFixed(0) + " % of fair" : "–";
  const loads = participants.map(p => p.samplesShare).filter(s => s !== null && s !== undefined);
  const peak = loads.length && cluster.fairShare ? (Math.max(...loads) / cluster.fairShare).toFixed(2) : "–";

  document.getElementById("summary").replaceChildren(
    card("Cluster", cluster.clusterName),
    card("This node", cluster.self),
    card("Ready for traffic", cluster.readyForTraffic ? "yes" : "no"),
    card("Participants", participants.length + " of " + cluster.peers.length),
    card("Targets", formatNumber(targets, 0)),
    card("Samples/s", formatNumber(cluster.samplesPerSecond)),
    card("Largest ring share", spread),
    card("Peak/mean samples", peak));

  const colour = colours(cluster.ringArcs.map(a => a.node).concat(participants.map(p => p.name)));
  renderRing(cluster, colour);
  renderBars(cluster, participants, colour);

  const rows = cluster.peers.map(peer => el("tr", { class: peer.isSelf ? "self" : null, "data-peer": peer.name },
    el("td", null, peer.name),
    el("td", null, peer.addr),
    el("td", null, badge(peer.state)),
    el("td", null, peer.isSelf ? "✓" : ""),
    shareCell(peer.ringShare, fairShare),
    el("td", { class: "num" }, formatNumber(peer.targets, 0)),
    el("td", { class: "num" }, formatNumber(peer.samplesPerSecond)),
    el("td", { class: "num" + (peer.downTargets ? " error" : "") }, formatNumber(peer.downTargets, 0)),
    el("td", { class: "error" }, peer.error || "")));
  document.querySelector("#peers tbody").replaceChildren(...rows);
}

refreshEvery("/api/v0/web/cluster", 5000, render);
