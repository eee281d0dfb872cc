// ita-xlsx serve: drag and drop of returns, sent in batches, each batch checked as it arrives.
// No framework: the page works without this file too (the plain form posts the files).
"use strict";
(function () {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const drop = document.getElementById("drop");
  const maxFiles = Math.min(40, parseInt(form.dataset.maxFiles, 10) || 40);  // one validation run each: fewer, larger batches are faster
  const maxBytes = 40 * 1024 * 1024;  // per batch, well under the server's limit
  const tbody = document.querySelector("#results tbody");
  const statusText = {};
  document.getElementById("status-texts").content.querySelectorAll("span").forEach(
    (s) => { statusText[s.dataset.s] = s.textContent; });
  let queue = [], total = 0, done = 0, running = false;

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text == null ? "" : String(text);
    tr.appendChild(td);
    return td;
  }
  function show(r) {
    const tr = document.createElement("tr");
    tr.className = "o-" + r.outcome;
    cell(tr, r.original, "file");
    cell(tr, r.outcome_text);
    const code = cell(tr, "");
    if (r.org_url) {
      const a = document.createElement("a");
      a.href = r.org_url; a.textContent = r.org_code; code.appendChild(a);
    }
    cell(tr, r.org_name);
    const st = cell(tr, "");
    if (r.status) {
      const b = document.createElement("span");
      b.className = "badge s-" + r.status; b.textContent = statusText[r.status] || r.status_text;
      st.appendChild(b);
    }
    cell(tr, r.errors || "", "num");
    cell(tr, r.warnings || "", "num");
    cell(tr, r.detail, "muted");
    tbody.appendChild(tr);
  }
  function progress() {
    document.getElementById("progress").hidden = false;
    document.getElementById("progress-count").textContent = done + " / " + total;
    const bar = document.getElementById("progress-bar");
    bar.max = Math.max(total, 1); bar.value = done;
    document.getElementById("progress-done").hidden = running || done < total;
  }
  function batches(files) {
    const out = []; let cur = [], size = 0;
    for (const f of files) {
      if (cur.length && (cur.length >= maxFiles || size + f.size > maxBytes)) {
        out.push(cur); cur = []; size = 0;
      }
      cur.push(f); size += f.size;
    }
    if (cur.length) out.push(cur);
    return out;
  }
  async function send(batch) {
    const data = new FormData();
    data.append("csrf", csrf);
    for (const f of batch) { data.append("files", f, f.name); data.append("mtime", f.lastModified); }
    try {
      const res = await fetch("/returns/upload", {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, "X-Requested-With": "fetch" } });
      if ((res.headers.get("content-type") || "").indexOf("json") >= 0) {
        (await res.json()).results.forEach(show);
      } else {
        const doc = new DOMParser().parseFromString(await res.text(), "text/html");
        const msg = doc.querySelector(".message");
        batch.forEach((f) => show({ original: f.name, outcome: "refused", outcome_text: "!",
          detail: msg ? msg.textContent : res.status }));
      }
    } catch (e) {
      batch.forEach((f) => show({ original: f.name, outcome: "refused", outcome_text: "!",
        detail: document.getElementById("fail-text").textContent }));
    }
  }
  async function run() {
    if (running) return;
    running = true;
    while (queue.length) {
      const batch = queue.shift();
      await send(batch);
      done += batch.length;
      progress();
    }
    running = false;
    progress();
  }
  function take(files) {
    const list = Array.from(files).filter((f) => !f.name.startsWith("~$") && !f.name.startsWith("."));
    if (!list.length) return;
    total += list.length;
    queue.push(...batches(list));
    progress();
    run();
  }
  // Folders dropped: walk them (webkitGetAsEntry works in Chromium, Edge and Firefox).
  function walk(entry, out) {
    return new Promise((resolve) => {
      if (entry.isFile) { entry.file((f) => { out.push(f); resolve(); }, () => resolve()); return; }
      if (!entry.isDirectory) { resolve(); return; }
      const reader = entry.createReader(); const all = [];
      const more = () => reader.readEntries(async (ents) => {
        if (!ents.length) { for (const e of all) await walk(e, out); resolve(); return; }
        all.push(...ents); more();
      }, () => resolve());
      more();
    });
  }
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault(); drop.classList.remove("over");
    const items = e.dataTransfer.items;
    const files = Array.from(e.dataTransfer.files);  // read now: the list empties later
    const entries = items && items.length && items[0].webkitGetAsEntry
      ? Array.from(items).map((i) => i.webkitGetAsEntry()).filter(Boolean) : [];
    if (entries.length) {
      const out = [];
      for (const en of entries) await walk(en, out);
      take(out);
    } else {
      take(files);
    }
  });
  for (const id of ["files", "folder"]) {
    const input = document.getElementById(id);
    input.addEventListener("change", () => { take(input.files); input.value = ""; });
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); take(document.getElementById("files").files); });
})();
