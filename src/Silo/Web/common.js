// Helpers shared by the pages: building elements without innerHTML (values come from the cluster) and formatting.
"use strict";

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function formatNumber(value, digits) {
  if (value === null || value === undefined) return "–";
  return value.toLocaleString(undefined, { maximumFractionDigits: digits === undefined ? 1 : digits });
}

function formatAgo(iso) {
  if (!iso) return "never";
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 90) return seconds.toFixed(0) + " s ago";
  if (seconds < 5400) return (seconds / 60).toFixed(0) + " min ago";
  return (seconds / 3600).toFixed(1) + " h ago";
}

function badge(text) {
  return el("span", { class: "badge " + text }, text);
}

// Fetches url every intervalMs and hands the JSON to render; a failed refresh is shown, not thrown.
function refreshEvery(url, intervalMs, render) {
  const status = document.getElementById("status");
  async function tick() {
    try {
      const response = await fetch(url, { cache: "no-store" });
      if (!response.ok) throw new Error("HTTP " + response.status);
      render(await response.json());
      status.textContent = "Updated " + new Date().toLocaleTimeString() + " · refreshes every " + intervalMs / 1000 + " s";
      status.classList.remove("error");
    } catch (e) {
      status.textContent = "Refresh failed: " + e.message;
      status.classList.add("error");
    }
    setTimeout(tick, intervalMs);
  }
  tick();
}
