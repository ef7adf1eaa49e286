// gonghai GraphQL explorer: runs operations through /graphql with the token kept in this
// tab's session storage, highlights and completes from the server's own introspection, and
// lists the schema's types with their descriptions. No external assets.
"use strict";

const TEXT = {
  zh: {
    "Token": "令牌", "Connect": "连接", "Schema (SDL)": "Schema（SDL）", "Examples": "示例", "Variables (JSON)": "变量（JSON）",
    "Run": "运行", "Stop": "停止", "Result": "结果", "Schema": "类型", "Search types and fields": "搜索类型和字段",
    "Ctrl+Enter runs; Ctrl+Space completes": "Ctrl+Enter 运行；Ctrl+Space 补全",
    "Connected as": "已连接：", "Enter an API token first.": "请先输入 API 令牌。", "Token refused": "令牌无效",
    "Variables are not valid JSON.": "变量不是有效的 JSON。", "Listening…": "正在接收实时更新…", "Fields": "字段",
    "Input fields": "输入字段", "Values": "取值", "Arguments": "参数",
    "ex.pool": "我的公海客户", "ex.claim": "领取客户", "ex.release": "放入公海（含原因）", "ex.due": "即将回收的客户",
    "ex.feed": "归属变更事件流", "ex.live": "实时：我的客户变动",
  },
  en: {
    "Connected as": "Connected as", "ex.pool": "My pools' customers", "ex.claim": "Claim customers",
    "ex.release": "Release with a reason", "ex.due": "Due for reclaim", "ex.feed": "Ownership event feed",
    "ex.live": "Live: my customers",
  },
};

const EXAMPLES = [
  { key: "ex.pool", query: "query PoolCustomers($first: Int) {\n  customers(first: $first, filter: {inPool: true}) {\n    totalCount\n    nodes { id name industry region phone pool { name } }\n    pageInfo { endCursor hasNextPage }\n  }\n}", variables: { first: 10 } },
  { key: "ex.claim", query: "mutation Claim($ids: [ID!]!) {\n  claimCustomers(ids: $ids) {\n    succeeded\n    results { customerId ok error { code message owner freesAt limit current } }\n  }\n}", variables: { ids: ["cus_1"] } },
  { key: "ex.release", query: "mutation Release($id: ID!, $reason: String!) {\n  releaseCustomer(id: $id, reason: $reason) { id pool { name } }\n}", variables: { id: "cus_1", reason: "客户暂无需求" } },
  { key: "ex.due", query: "query Due {\n  customersDueForReclaim(days: 7) {\n    id name owner { name }\n    reclaimForecast { reclaimOn daysLeft rule limitDays pool { name } }\n  }\n}", variables: {} },
  { key: "ex.feed", query: "query Feed($after: String) {\n  ownershipEvents(after: $after, first: 20) {\n    events { id kind at reason customer { id name } fromOwner { name } toOwner { name } toPool { name } }\n    endCursor hasMore\n  }\n}", variables: {} },
  { key: "ex.live", query: "subscription Mine {\n  myCustomersChanged { kind message customer { id name owner { name } } event { kind reason at } }\n}", variables: {} },
];

const INTROSPECTION = "query { __schema { queryType { name } mutationType { name } subscriptionType { name } types { kind name description " +
  "fields(includeDeprecated: true) { name description args(includeDeprecated: true) { name description type { ...T } defaultValue } type { ...T } } " +
  "inputFields(includeDeprecated: true) { name description type { ...T } defaultValue } enumValues(includeDeprecated: true) { name description } } } } " +
  "fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

const $ = (id) => document.getElementById(id);
let language = localStorage.getItem("gh_explorer_lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
let schema = null;
let running = null;

function t(key) { return (TEXT[language] && TEXT[language][key]) || TEXT.en[key] || key; }

function translate() {
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
  document.querySelectorAll("[data-t-placeholder]").forEach((node) => { node.placeholder = t(node.dataset.tPlaceholder); });
  $("language").textContent = language === "zh" ? "English" : "中文";
  renderExamples();
}

function setStatus(text, error) {
  $("status").textContent = text;
  $("status").classList.toggle("error", Boolean(error));
}

function headers(accept) {
  return { "Content-Type": "application/json", "Accept": accept || "application/json", "Authorization": "Bearer " + sessionStorage.getItem("gh_token") };
}

// --- Highlighting -----------------------------------------------------------------------------

const KEYWORDS = new Set(["query", "mutation", "subscription", "fragment", "on", "true", "false", "null"]);

function tokens(text) {
  const pattern = /(#[^\n]*)|("(?:[^"\\\n]|\\.)*"?)|(\$[_A-Za-z][_0-9A-Za-z]*)|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([_A-Za-z][_0-9A-Za-z]*)|([{}()[\]:!=@,.|&]+)|(\s+)|(.)/g;
  const out = [];
  let match;
  while ((match = pattern.exec(text)) !== null) {
    const [value, comment, string, variable, number, name, punct] = match;
    let kind = "plain";
    if (comment) kind = "comment";
    else if (string) kind = "string";
    else if (variable) kind = "variable";
    else if (number) kind = "number";
    else if (name) kind = KEYWORDS.has(name) ? "keyword" : "name";
    else if (punct) kind = "punct";
    out.push({ kind, value, start: match.index });
  }
  return out;
}

function escapeHTML(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function highlight() {
  const text = $("query").value;
  const list = tokens(text);
  let html = "";
  list.forEach((token, index) => {
    let kind = token.kind;
    if (kind === "name") {
      const next = list.slice(index + 1).find((other) => other.kind !== "plain" || other.value.trim());
      if (!next || next.value[0] !== ":") kind = "field";
    }
    html += kind === "plain" ? escapeHTML(token.value) : `<span class="tok-${kind}">${escapeHTML(token.value)}</span>`;
  });
  $("highlight").innerHTML = html + "\n";
  $("highlight").scrollTop = $("query").scrollTop;
  $("highlight").scrollLeft = $("query").scrollLeft;
}

// --- Schema -----------------------------------------------------------------------------------

function named(type) {
  while (type && type.ofType) type = type.ofType;
  return type && type.name;
}

function typeString(type) {
  if (!type) return "";
  if (type.kind === "NON_NULL") return typeString(type.ofType) + "!";
  if (type.kind === "LIST") return "[" + typeString(type.ofType) + "]";
  return type.name;
}

async function connect() {
  const token = $("token").value.trim();
  if (!token) { setStatus(t("Enter an API token first."), true); return; }
  sessionStorage.setItem("gh_token", token);
  try {
    const me = await (await fetch("/graphql", { method: "POST", headers: headers(), body: JSON.stringify({ query: "{ me { name role } }" }) })).json();
    if (!me.data) throw new Error(t("Token refused") + ": " + ((me.errors || [])[0] || {}).message);
    const answer = await (await fetch("/graphql", { method: "POST", headers: headers(), body: JSON.stringify({ query: INTROSPECTION }) })).json();
    if (!answer.data) throw new Error(JSON.stringify(answer.errors));
    schema = answer.data.__schema;
    schema.byName = Object.fromEntries(schema.types.map((type) => [type.name, type]));
    setStatus(`${t("Connected as")} ${me.data.me.name} (${me.data.me.role})`);
    renderTypes();
  } catch (error) {
    schema = null;
    setStatus(error.message, true);
  }
}

function renderTypes() {
  const filter = $("search").value.trim().toLowerCase();
  const list = $("types");
  list.textContent = "";
  if (!schema) return;
  schema.types.filter((type) => !type.name.startsWith("__")).filter((type) => !filter || type.name.toLowerCase().includes(filter) ||
    (type.fields || []).some((field) => field.name.toLowerCase().includes(filter)) || (type.description || "").toLowerCase().includes(filter))
    .forEach((type) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = type.name;
      button.addEventListener("click", () => showType(type.name));
      item.appendChild(button);
      list.appendChild(item);
    });
}

function showType(name) {
  const type = schema && schema.byName[name];
  const article = $("type");
  article.textContent = "";
  if (!type) return;
  const heading = document.createElement("h3");
  heading.textContent = `${type.kind.toLowerCase()} ${type.name}`;
  heading.id = "type-name";
  article.appendChild(heading);
  if (type.description) {
    const description = document.createElement("p");
    description.className = "description";
    description.textContent = type.description;
    article.appendChild(description);
  }
  const entries = type.fields ? ["Fields", type.fields] : type.inputFields ? ["Input fields", type.inputFields] : type.enumValues ? ["Values", type.enumValues] : null;
  if (!entries) return;
  const title = document.createElement("h3");
  title.textContent = t(entries[0]);
  article.appendChild(title);
  const list = document.createElement("dl");
  entries[1].forEach((entry) => {
    const term = document.createElement("dt");
    term.append(entry.name);
    if (entry.args && entry.args.length) term.append("(" + entry.args.map((arg) => `${arg.name}: ${typeString(arg.type)}`).join(", ") + ")");
    if (entry.type) {
      term.append(": ");
      const link = document.createElement("span");
      link.className = "typeref";
      link.textContent = typeString(entry.type);
      link.addEventListener("click", () => showType(named(entry.type)));
      term.appendChild(link);
    }
    const detail = document.createElement("dd");
    detail.textContent = entry.description || "";
    list.append(term, detail);
  });
  article.appendChild(list);
}

// --- Completion -------------------------------------------------------------------------------

// The type whose fields may be written at `offset`: follows the braces from the operation's
// root type through each field's type, skipping arguments and strings.
function typeAt(text, offset) {
  if (!schema) return null;
  const list = tokens(text.slice(0, offset)).filter((token) => token.kind !== "plain" && token.kind !== "comment");
  const stack = [];
  let root = schema.queryType && schema.queryType.name;
  let depth = 0;
  list.forEach((token, index) => {
    if (token.kind === "keyword" && stack.length === 0) {
      if (token.value === "mutation") root = schema.mutationType && schema.mutationType.name;
      if (token.value === "subscription") root = schema.subscriptionType && schema.subscriptionType.name;
      if (token.value === "query") root = schema.queryType.name;
    }
    for (const char of token.kind === "punct" ? token.value : "") {
      if (char === "(") depth += 1;
      if (char === ")") depth -= 1;
      if (depth > 0) continue;
      if (char === "{") {
        const parent = stack.length ? stack[stack.length - 1] : null;
        let fieldName = null;
        for (let back = index - 1, parens = 0; back >= 0; back -= 1) {
          const previous = list[back];
          if (previous.kind === "punct" && previous.value.includes(")")) parens += 1;
          if (previous.kind === "punct" && previous.value.includes("(")) parens -= 1;
          if (parens <= 0 && (previous.kind === "name" || previous.kind === "keyword")) { fieldName = previous.value; break; }
        }
        if (!parent) { stack.push(root); continue; }
        const field = ((schema.byName[parent] || {}).fields || []).find((candidate) => candidate.name === fieldName);
        stack.push(field ? named(field.type) : null);
      }
      if (char === "}") stack.pop();
    }
  });
  return depth > 0 ? null : stack.length ? stack[stack.length - 1] : null;
}

let choices = [];
let chosen = 0;

function complete(force) {
  const area = $("query");
  const offset = area.selectionStart;
  const before = area.value.slice(0, offset);
  const word = (before.match(/[_A-Za-z][_0-9A-Za-z]*$/) || [""])[0];
  const typeName = typeAt(area.value, offset - word.length);
  const type = typeName && schema && schema.byName[typeName];
  choices = type && type.fields ? type.fields.filter((field) => field.name.startsWith(word) && field.name !== word) : [];
  if (!choices.length || (!word && !force)) { closeCompletion(); return; }
  choices = [...choices, { name: "__typename", type: { name: "String!" } }].filter((field) => field.name.startsWith(word));
  chosen = 0;
  renderCompletion(word);
}

function renderCompletion(word) {
  const list = $("completion");
  list.textContent = "";
  choices.forEach((field, index) => {
    const item = document.createElement("li");
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", String(index === chosen));
    item.dataset.name = field.name;
    const label = document.createElement("span");
    label.textContent = field.name;
    const kind = document.createElement("small");
    kind.textContent = typeString(field.type) || field.type.name;
    item.append(label, kind);
    item.addEventListener("mousedown", (event) => { event.preventDefault(); chosen = index; accept(); });
    list.appendChild(item);
  });
  const area = $("query");
  const lines = area.value.slice(0, area.selectionStart).split("\n");
  list.style.top = Math.min(lines.length * 19.5 + 12 - area.scrollTop, 290) + "px";
  list.style.left = Math.min((lines[lines.length - 1].length - word.length) * 7.8 + 10, 240) + "px";
  list.hidden = false;
}

function closeCompletion() { $("completion").hidden = true; choices = []; }

function accept() {
  const field = choices[chosen];
  if (!field) return;
  const area = $("query");
  const offset = area.selectionStart;
  const word = (area.value.slice(0, offset).match(/[_A-Za-z][_0-9A-Za-z]*$/) || [""])[0];
  area.setRangeText(field.name, offset - word.length, offset, "end");
  closeCompletion();
  highlight();
}

// --- Running ----------------------------------------------------------------------------------

async function run() {
  stop();
  let variables;
  try { variables = JSON.parse($("variables").value || "{}"); } catch (error) { $("result").textContent = t("Variables are not valid JSON."); return; }
  const query = $("query").value;
  const body = JSON.stringify({ query, variables });
  if (/^\s*(#[^\n]*\n\s*)*subscription\b/.test(query)) return subscribe(body);
  const response = await fetch("/graphql", { method: "POST", headers: headers(), body });
  const text = await response.text();
  try { $("result").textContent = JSON.stringify(JSON.parse(text), null, 2); } catch (error) { $("result").textContent = text; }
}

// Subscriptions stream as Server-Sent Events; fetch reads them so the token can travel in a header.
async function subscribe(body) {
  const controller = new AbortController();
  running = controller;
  $("stop").hidden = false;
  $("result").textContent = t("Listening…") + "\n";
  try {
    const response = await fetch("/graphql", { method: "POST", headers: headers("text/event-stream"), body, signal: controller.signal });
    if (!response.ok) { $("result").textContent = await response.text(); return; }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += value;
      let end;
      while ((end = buffered.indexOf("\n\n")) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const name = (block.match(/^event: *(.*)$/m) || [])[1];
        const data = block.split("\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5).trim()).join("\n");
        if (name === "next") $("result").textContent += JSON.stringify(JSON.parse(data), null, 2) + "\n";
        if (name === "complete") $("result").textContent += "— complete —\n";
      }
    }
  } catch (error) {
    if (error.name !== "AbortError") $("result").textContent += String(error) + "\n";
  } finally {
    if (running === controller) { running = null; $("stop").hidden = true; }
  }
}

function stop() {
  if (running) running.abort();
  running = null;
  $("stop").hidden = true;
}

function renderExamples() {
  const list = $("examples");
  list.textContent = "";
  EXAMPLES.forEach((example) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = t(example.key);
    button.dataset.example = example.key;
    button.addEventListener("click", () => {
      $("query").value = example.query;
      $("variables").value = JSON.stringify(example.variables, null, 2);
      highlight();
    });
    item.appendChild(button);
    list.appendChild(item);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  $("token").value = sessionStorage.getItem("gh_token") || "";
  $("query").value = EXAMPLES[0].query;
  $("variables").value = JSON.stringify(EXAMPLES[0].variables, null, 2);
  translate();
  highlight();
  $("connect").addEventListener("click", connect);
  $("token").addEventListener("keydown", (event) => { if (event.key === "Enter") connect(); });
  $("language").addEventListener("click", () => {
    language = language === "zh" ? "en" : "zh";
    localStorage.setItem("gh_explorer_lang", language);
    translate();
    if (schema) showType(($("type-name") || { textContent: " " }).textContent.split(" ")[1]);
  });
  $("search").addEventListener("input", renderTypes);
  // The SDL needs the token too: fetched with it and shown in the result pane.
  $("sdl").addEventListener("click", async (event) => {
    event.preventDefault();
    const response = await fetch("/schema.graphql", { headers: headers("text/plain") });
    $("result").textContent = await response.text();
  });
  $("run").addEventListener("click", run);
  $("stop").addEventListener("click", stop);
  const area = $("query");
  area.addEventListener("input", () => { highlight(); complete(false); });
  area.addEventListener("scroll", highlight);
  area.addEventListener("blur", () => setTimeout(closeCompletion, 150));
  area.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") { event.preventDefault(); run(); return; }
    if (event.ctrlKey && event.key === " ") { event.preventDefault(); complete(true); return; }
    if ($("completion").hidden) {
      if (event.key === "Tab") { event.preventDefault(); area.setRangeText("  ", area.selectionStart, area.selectionEnd, "end"); highlight(); }
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      chosen = (chosen + (event.key === "ArrowDown" ? 1 : choices.length - 1)) % choices.length;
      renderCompletion((area.value.slice(0, area.selectionStart).match(/[_A-Za-z][_0-9A-Za-z]*$/) || [""])[0]);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      accept();
    } else if (event.key === "Escape") {
      closeCompletion();
    }
  });
  if ($("token").value) connect();
});
