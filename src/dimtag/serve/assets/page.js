// The reviewer's page: pick or drop materials, send them to /v1/report, show the flags and the report, download the .xlsx.
// Nothing is stored: the files stay in this page's memory and are sent again for the Excel download.
"use strict";

const DOCUMENT = /\.(docx|txt|zip)$/i;
let chosen = [];   // [{file, path}]

const $ = (id) => document.getElementById(id);

function shortName(path) { return path.split("/").pop(); }

function setChosen(items) {
  const kept = items.filter((it) => DOCUMENT.test(it.path) && !shortName(it.path).startsWith("."));
  chosen = kept;
  const ignored = items.length - kept.length;
  $("chosen").textContent = kept.length
    ? `已选择 ${kept.length} 份材料` + (ignored ? `（忽略 ${ignored} 个其他文件）` : "") + "：" + kept.slice(0, 6).map((it) => shortName(it.path)).join("、") + (kept.length > 6 ? " 等" : "")
    : (ignored ? `所选 ${ignored} 个文件都不是 .docx、.txt 或 .zip` : "尚未选择材料");
  $("start").disabled = kept.length === 0;
}

function readEntry(entry, prefix) {
  // A dropped folder: walk it (readEntries returns at most 100 entries a call).
  return new Promise((resolve) => {
    if (entry.isFile) {
      entry.file((file) => resolve([{ file, path: prefix + file.name }]), () => resolve([]));
      return;
    }
    const reader = entry.createReader();
    const all = [];
    const next = () => reader.readEntries(async (entries) => {
      if (!entries.length) {
        const nested = await Promise.all(all.map((e) => readEntry(e, prefix + entry.name + "/")));
        resolve(nested.flat());
        return;
      }
      all.push(...entries);
      next();
    }, () => resolve([]));
    next();
  });
}

function escapeHtml(text) {
  const div = document.createElement("div");
  div.textContent = text == null ? "" : String(text);
  return div.innerHTML;
}

function headers() {
  const token = $("token").value.trim();
  return token ? { Authorization: "Bearer " + token } : {};
}

function formData(format) {
  const data = new FormData();
  for (const it of chosen) data.append("files", it.file, it.path);
  const expect = [...document.querySelectorAll("#expect-boxes input:checked")].map((box) => box.value);
  data.append("expect", expect.join(","));
  data.append("format", format);
  if (format === "json") data.append("include_html", "true");
  return data;
}

function send(format, onUpload) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/v1/report");
    for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
    xhr.responseType = format === "xlsx" ? "blob" : "text";
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onUpload) onUpload(e.loaded / e.total); };
    xhr.upload.onload = () => onUpload && onUpload(1);
    xhr.onerror = () => reject(new Error("无法连接服务，请确认 dimtag serve 仍在运行"));
    xhr.onload = async () => {
      if (xhr.status === 200) { resolve(xhr.response); return; }
      let detail = `服务返回 ${xhr.status}`;
      try {
        const text = format === "xlsx" ? await xhr.response.text() : xhr.response;
        const problem = JSON.parse(text);
        detail = problem.detail || detail;
      } catch (e) { /* not a problem document */ }
      reject(new Error(detail));
    };
    xhr.send(formData(format));
  });
}

function showProgress(fraction, text) {
  $("progress").hidden = false;
  if (fraction === null) $("bar").removeAttribute("value"); else $("bar").value = Math.round(fraction * 100);
  $("progress-text").textContent = text;
}

function render(body) {
  const t = body.tables;
  const flagged = new Set(t.flags.filter((f) => ["missing", "vague", "copied"].includes(f.kind)).map((f) => f.file));
  $("summary").innerHTML = `共 <b>${t.documents.length}</b> 份材料，<b>${t.flags.length}</b> 条标记；` +
    `<b>${flagged.size}</b> 份材料缺少维度、问题笼统或有雷同段落；<b>${t.copying.length}</b> 处雷同段落。`;
  $("skipped").hidden = !body.skipped.length;
  $("skipped").textContent = body.skipped.length ? "未能读取：" + body.skipped.join("；") : "";
  const order = ["missing", "copied", "vague", "about_others", "thin", "no_measure", "measure_without_problem"];
  const rows = [...t.flags].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.file.localeCompare(b.file));
  $("flags").querySelector("tbody").innerHTML = rows.length ? rows.map((f) =>
    `<tr data-kind="${escapeHtml(f.kind)}"><td title="${escapeHtml(f.file)}">${escapeHtml(shortName(f.file))}</td>` +
    `<td><span class="kind ${escapeHtml(f.kind)}">${escapeHtml(f.kind_zh)}</span></td>` +
    `<td>${escapeHtml(f.dimension_zh || "")}</td><td>${escapeHtml(f.detail)}</td></tr>`).join("")
    : '<tr><td colspan="4">没有标记。</td></tr>';
  const frame = $("report");
  frame.onload = () => {
    try { frame.style.height = (frame.contentDocument.documentElement.scrollHeight + 20) + "px"; } catch (e) { /* keep the default */ }
  };
  frame.srcdoc = body.html;
  $("result").hidden = false;
}

async function start() {
  $("error").hidden = true;
  $("start").disabled = true;
  $("result").hidden = true;
  try {
    const text = await send("json", (f) => showProgress(f, f < 1 ? `正在上传 ${Math.round(f * 100)}%` : "正在分析，请稍候…"));
    showProgress(null, "正在生成报告…");
    render(JSON.parse(text));
    $("progress").hidden = true;
  } catch (e) {
    $("progress").hidden = true;
    $("error").textContent = "出错了：" + e.message;
    $("error").hidden = false;
  } finally {
    $("start").disabled = chosen.length === 0;
  }
}

async function download() {
  const button = $("download");
  button.disabled = true;
  button.textContent = "正在生成 Excel…";
  try {
    const blob = await send("xlsx");
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "审阅报告.xlsx";
    document.body.appendChild(link);
    link.click();
    setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  } catch (e) {
    $("error").textContent = "下载失败：" + e.message;
    $("error").hidden = false;
  } finally {
    button.disabled = false;
    button.textContent = "下载 Excel 报告";
  }
}

function init() {
  $("pick-files").addEventListener("change", (e) => setChosen([...e.target.files].map((file) => ({ file, path: file.name }))));
  $("pick-folder").addEventListener("change", (e) =>
    setChosen([...e.target.files].map((file) => ({ file, path: file.webkitRelativePath || file.name }))));
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const entries = [...e.dataTransfer.items].map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry()).filter(Boolean);
    const found = entries.length ? (await Promise.all(entries.map((entry) => readEntry(entry, "")))).flat()
      : [...e.dataTransfer.files].map((file) => ({ file, path: file.name }));
    setChosen(found);
  });
  $("start").addEventListener("click", start);
  $("download").addEventListener("click", download);
  fetch("/health").then((r) => r.json()).then((h) => { $("token-row").hidden = !h.auth; }).catch(() => {});
}

document.addEventListener("DOMContentLoaded", init);
