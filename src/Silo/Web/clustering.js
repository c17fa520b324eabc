// The clustering page: every peer this silo knows, with its ring share and the load it reports.
"use strict";

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

function render(cluster) {
  const participants = cluster.peers.filter(p => p.state === "participant");
  const targets = participants.reduce((sum, p) => sum + (p.targets || 0), 0);
  const samples = participants.reduce((sum, p) => sum + (p.samplesPerSecond || 0), 0);
  const shares = participants.map(p => p.ringShare).filter(s => s !== null && s !== undefined);
  const fairShare = shares.length ? 1 / shares.length : null;
  const spread = shares.length ? (Math.max(...shares) / fairShare * 100).toFixed(0) + " % of fair" : "–";

  document.getElementById("summary").replaceChildren(
    card("Cluster", cluster.clusterName),
    card("This node", cluster.self),
    card("Ready for traffic", cluster.readyForTraffic ? "yes" : "no"),
    card("Participants", participants.length + " of " + cluster.peers.length),
    card("Targets", formatNumber(targets, 0)),
    card("Samples/s", formatNumber(samples)),
    card("Largest ring share", spread));

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
