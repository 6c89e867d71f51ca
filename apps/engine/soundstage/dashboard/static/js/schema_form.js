// A form generated from a job kind's params JSON schema (what GET /v1/kinds
// returns: pydantic's model_json_schema), so a new kind gets a form without a
// change here. Numbers keep their bounds, enums become selects, booleans
// checkboxes; `*upload_id` fields pick or upload a file; voice fields list the
// voices of GET /v1/voices, each with a play button for its sample.
//
// The browser's own validation is off (novalidate): the API's messages are
// shown instead, next to the field they name, so every kind speaks one voice.

import { showError } from "./alerts.js";
import { authHeaders } from "./api.js";
import { fmtBytes, h, humanize, replace } from "./dom.js";

const LONG_TEXT = /(^|_)(text|manuscript|script|lyrics|prompt|body|content|notes?)$/;
const UPLOAD_CATEGORIES = ["manuscript", "audio", "midi", "image"];

function deref(root, schema) {
  let s = schema || {};
  for (let depth = 0; depth < 20; depth += 1) {
    if (s.$ref && typeof s.$ref === "string") {
      const name = s.$ref.split("/").pop();
      const { $ref, ...rest } = s;
      // A definition's title is its class name ("Format"): the field's own
      // name reads better, so it is dropped.
      const { title, ...definition } = root.$defs?.[name] || root.definitions?.[name] || {};
      s = { ...definition, ...rest };
    } else if (Array.isArray(s.allOf) && s.allOf.length === 1) {
      const { allOf, ...rest } = s;
      s = { ...allOf[0], ...rest };
    } else break;
  }
  return s;
}

// Optional[X] in pydantic is anyOf [X, null]: the field is X that may be left empty.
function resolve(root, schema) {
  const s = deref(root, schema);
  if (Array.isArray(s.anyOf)) {
    const options = s.anyOf.map((o) => deref(root, o));
    const nonNull = options.filter((o) => o.type !== "null");
    const nullable = nonNull.length < options.length;
    if (nonNull.length === 1) {
      const { anyOf, ...outer } = s;
      return { schema: { ...nonNull[0], ...outer }, nullable };
    }
    if (nonNull.every((o) => "const" in o)) {
      return { schema: { ...s, enum: nonNull.map((o) => o.const) }, nullable };
    }
    return { schema: s, nullable };
  }
  if (Array.isArray(s.type)) {
    const types = s.type.filter((t) => t !== "null");
    return { schema: { ...s, type: types.length === 1 ? types[0] : s.type }, nullable: types.length < s.type.length };
  }
  return { schema: s, nullable: false };
}

function uploadCategory(name, schema, kind) {
  const text = `${name} ${schema.title || ""} ${schema.description || ""}`.toLowerCase();
  const named = UPLOAD_CATEGORIES.find((c) => text.includes(c));
  if (named) return named;
  if (/book|text|document/.test(text) || kind === "audiobook") return "manuscript";
  return null;
}

function boundsHint(s) {
  const lo = s.minimum ?? s.exclusiveMinimum;
  const hi = s.maximum ?? s.exclusiveMaximum;
  if (lo !== undefined && hi !== undefined) return `${lo} to ${hi}`;
  if (lo !== undefined) return `at least ${lo}`;
  if (hi !== undefined) return `at most ${hi}`;
  if (s.maxLength) return `up to ${s.maxLength} characters`;
  return "";
}

// The shared player for voice samples: one sound at a time.
const samples = {
  audio: null,
  button: null,
  async toggle(voice, button) {
    this.audio ??= new Audio();
    const audio = this.audio;
    if (this.button === button && !audio.paused) {
      audio.pause();
      this.reset();
      return;
    }
    this.reset();
    this.button = button;
    button.textContent = "Stop";
    button.setAttribute("aria-pressed", "true");
    audio.onended = () => this.reset();
    try {
      audio.src = await sampleSource(voice.sample_url);
      await audio.play();
    } catch (err) {
      this.reset();
      showError(new Error(`Could not play the sample of ${voice.label}${err?.message ? `: ${err.message}` : ""}`));
    }
  },
  reset() {
    if (this.button) {
      this.button.textContent = "Play";
      this.button.setAttribute("aria-pressed", "false");
    }
    this.button = null;
  },
};

// A signed URL plays as is; an engine path that wants the bearer token is
// fetched with it and played from a blob: URL (allowed by media-src).
async function sampleSource(url) {
  const target = new URL(url, location.href);
  if (target.protocol !== "https:" && target.protocol !== "http:") throw new Error("not a web address");
  if (target.origin !== location.origin || !target.pathname.startsWith("/v1/")) return target.href;
  const response = await fetch(target.href, { headers: authHeaders() });
  if (!response.ok) throw new Error(`the engine answered ${response.status}`);
  return URL.createObjectURL(await response.blob());
}

export function normalizeVoices(body) {
  const list = Array.isArray(body) ? body : Array.isArray(body?.items) ? body.items : Array.isArray(body?.voices) ? body.voices : [];
  return list
    .filter((v) => v && typeof v === "object")
    .map((v) => ({
      id: String(v.id ?? v.voice_id ?? v.name ?? ""),
      label: String(v.name ?? v.display_name ?? v.label ?? v.id ?? ""),
      detail: [v.language, v.locale, v.gender, v.style, v.provider].filter((x) => typeof x === "string" && x).join(" · "),
      sample_url: typeof v.sample_url === "string" ? v.sample_url : typeof v.preview_url === "string" ? v.preview_url : null,
    }))
    .filter((v) => v.id);
}

export function voiceRow(voice, input) {
  const play = voice.sample_url
    ? h(
        "button",
        {
          type: "button",
          class: "small play",
          "aria-pressed": "false",
          "aria-label": `Play a sample of ${voice.label}`,
          onclick: (e) => samples.toggle(voice, e.currentTarget),
        },
        "Play",
      )
    : null;
  return h(
    "div",
    { class: "voice" },
    h("label", { class: "voice-pick" }, input, h("span", { class: "voice-name" }, voice.label), voice.detail ? h("span", { class: "muted" }, voice.detail) : null),
    play,
  );
}

class Field {
  constructor({ name, path, schema, required, nullable, kind }) {
    this.name = name;
    this.path = path;
    this.schema = schema;
    this.required = required;
    this.nullable = nullable;
    this.id = `p-${kind}-${path.join("-")}`.replace(/[^A-Za-z0-9_-]/g, "_");
    this.error = h("p", { class: "field-error", id: `${this.id}-error`, hidden: true });
    this.hidden = false;
  }

  wrap(control, { hint = "", labelFor = this.id, group = false } = {}) {
    const title = this.schema.title || humanize(this.name);
    const description = this.schema.description || "";
    const hintText = [description, hint].filter(Boolean).join(" · ");
    const label = group
      ? h("legend", {}, title, this.required ? h("span", { class: "req" }, " required") : null)
      : h("label", { for: labelFor }, title, this.required ? h("span", { class: "req" }, " required") : null);
    this.element = h(
      group ? "fieldset" : "div",
      { class: group ? "field group" : "field", dataset: { field: this.path.join(".") } },
      label,
      control,
      hintText ? h("p", { class: "hint" }, hintText) : null,
      this.error,
    );
    return this.element;
  }

  setHidden(hidden) {
    this.hidden = hidden;
    this.element.hidden = hidden;
  }

  setError(message) {
    this.error.textContent = message || "";
    this.error.hidden = !message;
    this.element.classList.toggle("invalid", Boolean(message));
  }

  missing() {
    return this.required ? { error: "This field is required." } : { present: false };
  }
}

class EnumField extends Field {
  render() {
    const values = this.schema.enum ?? ("const" in this.schema ? [this.schema.const] : []);
    this.values = values;
    const blank = this.nullable || (!this.required && this.schema.default === undefined);
    this.select = h(
      "select",
      { id: this.id, name: this.name },
      blank ? h("option", { value: "" }, "—") : null,
      values.map((v, i) => h("option", { value: String(i), selected: v === this.schema.default }, String(v))),
    );
    return this.wrap(this.select);
  }
  read() {
    if (this.select.value === "") return this.missing();
    return { present: true, value: this.values[Number(this.select.value)] };
  }
}

class BoolField extends Field {
  render() {
    this.input = h("input", { type: "checkbox", id: this.id, name: this.name, checked: this.schema.default === true });
    const title = this.schema.title || humanize(this.name);
    this.element = h(
      "div",
      { class: "field check", dataset: { field: this.path.join(".") } },
      h("label", { for: this.id }, this.input, " ", title),
      this.schema.description ? h("p", { class: "hint" }, this.schema.description) : null,
      this.error,
    );
    return this.element;
  }
  read() {
    return { present: true, value: this.input.checked };
  }
}

class NumberField extends Field {
  render() {
    const s = this.schema;
    const integer = s.type === "integer";
    this.input = h("input", {
      type: "number",
      id: this.id,
      name: this.name,
      inputmode: integer ? "numeric" : "decimal",
      min: s.minimum ?? s.exclusiveMinimum,
      max: s.maximum ?? s.exclusiveMaximum,
      step: s.multipleOf ?? (integer ? 1 : "any"),
      value: typeof s.default === "number" ? String(s.default) : "",
    });
    return this.wrap(this.input, { hint: boundsHint(s) });
  }
  read() {
    const raw = this.input.value.trim();
    if (raw === "") return this.missing();
    const value = Number(raw);
    if (!Number.isFinite(value)) return { error: "Enter a number." };
    return { present: true, value };
  }
}

class StringField extends Field {
  render() {
    const s = this.schema;
    const long = LONG_TEXT.test(this.name) || (s.maxLength ?? 0) > 300 || s.format === "textarea";
    const common = { id: this.id, name: this.name, maxlength: s.maxLength, spellcheck: long ? "true" : "false" };
    this.input = long
      ? h("textarea", { ...common, rows: this.name === "text" ? 8 : 3, value: s.default ?? "" })
      : h("input", {
          ...common,
          type: s.format === "uri" ? "url" : s.format === "email" ? "email" : "text",
          value: typeof s.default === "string" ? s.default : "",
        });
    return this.wrap(this.input, { hint: boundsHint(s) });
  }
  read() {
    const value = this.input.value;
    if (value.trim() === "") return this.missing();
    return { present: true, value };
  }
}

class ListField extends Field {
  render() {
    const d = Array.isArray(this.schema.default) ? this.schema.default.join("\n") : "";
    this.input = h("textarea", { id: this.id, name: this.name, rows: 3, value: d });
    return this.wrap(this.input, { hint: "one per line" });
  }
  read() {
    const lines = this.input.value.split("\n").map((l) => l.trim()).filter(Boolean);
    if (!lines.length) return this.missing();
    const itemType = this.schema.items?.type;
    if (itemType === "number" || itemType === "integer") {
      const values = lines.map(Number);
      if (values.some((v) => !Number.isFinite(v))) return { error: "Enter one number per line." };
      return { present: true, value: values };
    }
    return { present: true, value: lines };
  }
}

class JsonField extends Field {
  render() {
    const d = this.schema.default !== undefined && this.schema.default !== null ? JSON.stringify(this.schema.default, null, 2) : "";
    this.input = h("textarea", { id: this.id, name: this.name, rows: 4, spellcheck: "false", value: d, class: "mono" });
    return this.wrap(this.input, { hint: "JSON" });
  }
  read() {
    const raw = this.input.value.trim();
    if (raw === "") return this.missing();
    try {
      return { present: true, value: JSON.parse(raw) };
    } catch {
      return { error: "This is not valid JSON." };
    }
  }
}

// A small select of the voice catalogue (or a text box without one), for
// the rows of the structured editors below.
function voicePicker(voices, value, label) {
  if (!voices?.length) return h("input", { type: "text", value: value ?? "", "aria-label": label });
  return h(
    "select",
    { "aria-label": label },
    h("option", { value: "" }, "— choose a voice —"),
    voices.map((v) => h("option", { value: v.id, selected: v.id === value }, v.label)),
  );
}

// {"3": "voice-id", ...}: a map of strings (chapter_voices) as rows of
// key + value with add and remove buttons, instead of JSON to type by hand.
class MapField extends Field {
  constructor(opts, voices) {
    super(opts);
    this.voices = /voice/.test(opts.name) ? voices : null;
    // chapter_voices: the keys are chapter numbers
    this.keyLabel = /chapter/.test(opts.name) ? "Chapter" : "Key";
  }
  render() {
    this.rows = h("div", { class: "rows" });
    const add = h("button", { type: "button", class: "small", onclick: () => this.addRow("", "") }, `Add ${this.keyLabel.toLowerCase()}`);
    for (const [k, v] of Object.entries(this.schema.default || {})) this.addRow(k, v);
    return this.wrap(h("div", { class: "editor" }, this.rows, add), { group: true });
  }
  addRow(key, value) {
    const n = this.rows.children.length + 1;
    const keyInput = h("input", {
      type: this.keyLabel === "Chapter" ? "number" : "text",
      min: this.keyLabel === "Chapter" ? "1" : undefined,
      value: key,
      class: "key",
      "aria-label": `${this.keyLabel} (row ${n})`,
    });
    const valueInput = this.voices !== null
      ? voicePicker(this.voices, value, `Voice (row ${n})`)
      : h("input", { type: "text", value, "aria-label": `Value (row ${n})` });
    valueInput.classList.add("value");
    const row = h(
      "div",
      { class: "row-edit" },
      keyInput,
      valueInput,
      h("button", { type: "button", class: "small quiet", "aria-label": `Remove row ${n}`, onclick: () => row.remove() }, "Remove"),
    );
    this.rows.append(row);
    keyInput.focus?.();
  }
  read() {
    const value = {};
    for (const row of this.rows.children) {
      const k = row.querySelector(".key").value.trim();
      const v = row.querySelector(".value").value.trim();
      if (!k && !v) continue;
      if (!k || !v) return { error: `Fill in both the ${this.keyLabel.toLowerCase()} and the value, or remove the row.` };
      value[k] = v;
    }
    return Object.keys(value).length ? { present: true, value } : this.missing();
  }
}

// [{chapter, chunk, text, voice}, ...]: a list of small records
// (replacements) as rows of typed inputs, one per property.
class RecordListField extends Field {
  constructor(opts, root, itemSchema, voices) {
    super(opts);
    this.root = root;
    this.item = itemSchema;
    this.voices = voices;
    const required = new Set(itemSchema.required || []);
    this.columns = Object.entries(itemSchema.properties || {}).map(([name, raw]) => {
      const { schema } = resolve(root, raw);
      return { name, schema, required: required.has(name), title: schema.title || humanize(name) };
    });
  }
  render() {
    this.rows = h("div", { class: "rows" });
    const add = h("button", { type: "button", class: "small", onclick: () => this.addRow({}) }, "Add a row");
    for (const item of this.schema.default || []) this.addRow(item);
    return this.wrap(h("div", { class: "editor" }, this.rows, add), { group: true });
  }
  addRow(item) {
    const n = this.rows.children.length + 1;
    const inputs = this.columns.map((c) => {
      const label = `${c.title} (row ${n})`;
      let input;
      if (/voice/.test(c.name)) input = voicePicker(this.voices, item[c.name], label);
      else if (c.schema.type === "integer" || c.schema.type === "number") {
        input = h("input", { type: "number", value: item[c.name] ?? "", min: c.schema.minimum, max: c.schema.maximum, "aria-label": label });
      } else if ((c.schema.maxLength ?? 0) > 300) input = h("textarea", { rows: 2, value: item[c.name] ?? "", "aria-label": label });
      else input = h("input", { type: "text", value: item[c.name] ?? "", "aria-label": label });
      input.dataset.column = c.name;
      return h("label", { class: "cell" }, h("span", { class: "muted" }, c.title), input);
    });
    const row = h(
      "div",
      { class: "row-edit record" },
      inputs,
      h("button", { type: "button", class: "small quiet", "aria-label": `Remove row ${n}`, onclick: () => row.remove() }, "Remove"),
    );
    this.rows.append(row);
  }
  read() {
    const items = [];
    for (const row of this.rows.children) {
      const item = {};
      for (const c of this.columns) {
        const raw = row.querySelector(`[data-column="${c.name}"]`).value.trim();
        if (raw === "") {
          if (c.required) return { error: `${c.title} is required in every row.` };
          continue;
        }
        if (c.schema.type === "integer" || c.schema.type === "number") {
          const n = Number(raw);
          if (!Number.isFinite(n)) return { error: `${c.title} must be a number.` };
          item[c.name] = n;
        } else item[c.name] = raw;
      }
      if (Object.keys(item).length) items.push(item);
    }
    return items.length ? { present: true, value: items } : this.missing();
  }
}

class VoiceField extends Field {
  constructor(opts, voices, multiple) {
    super(opts);
    this.voices = voices;
    this.multiple = multiple;
  }
  render() {
    const chosen = new Set([this.schema.default].flat().filter((x) => typeof x === "string"));
    this.inputs = this.voices.map((voice, i) =>
      h("input", {
        type: this.multiple ? "checkbox" : "radio",
        name: this.id,
        id: `${this.id}-${i}`,
        value: voice.id,
        checked: chosen.has(voice.id) || (!this.multiple && !chosen.size && this.required && i === 0),
      }),
    );
    const list = h("div", { class: "voices", role: "group" }, this.voices.map((v, i) => voiceRow(v, this.inputs[i])));
    return this.wrap(list, { group: true });
  }
  read() {
    const picked = this.inputs.filter((i) => i.checked).map((i) => i.value);
    if (!picked.length) return this.missing();
    return { present: true, value: this.multiple ? picked : picked[0] };
  }
}

class UploadField extends Field {
  constructor(opts, uploads, category) {
    super(opts);
    this.uploads = uploads;
    this.category = category;
  }
  render() {
    this.select = h("select", { id: this.id, name: this.name }, h("option", { value: "" }, "Loading your uploads…"));
    this.file = h("input", {
      type: "file",
      id: `${this.id}-file`,
      "aria-label": `Upload a new ${this.category || "file"}`,
      onchange: () => this.upload(),
    });
    const control = h(
      "div",
      { class: "upload-picker" },
      this.select,
      h("label", { class: "button small", for: `${this.id}-file` }, "Upload new…"),
      this.file,
    );
    this.refresh();
    return this.wrap(control, { hint: this.category ? `a ${this.category} file` : "" });
  }
  async refresh(selectId) {
    try {
      const items = await this.uploads.list(this.category);
      replace(
        this.select,
        h("option", { value: "" }, items.length ? "— choose an upload —" : "— no uploads yet: upload one —"),
        items.map((u) =>
          h("option", { value: u.id, selected: u.id === selectId }, `${u.original_name} (${u.format}, ${fmtBytes(u.bytes)})`),
        ),
      );
    } catch (err) {
      replace(this.select, h("option", { value: "" }, "— could not list uploads —"));
      showError(err, "Could not list your uploads");
    }
  }
  async upload() {
    const file = this.file.files[0];
    if (!file) return;
    this.setError("");
    try {
      const created = await this.uploads.upload(file, this.category);
      await this.refresh(created.id);
    } catch (err) {
      this.setError(err.message);
      showError(err, "Upload failed");
    } finally {
      this.file.value = "";
    }
  }
  read() {
    if (!this.select.value) return this.missing();
    return { present: true, value: this.select.value };
  }
}

class ObjectField extends Field {
  constructor(opts, root, ctx) {
    super(opts);
    this.root = root;
    this.ctx = ctx;
  }
  render() {
    this.children = makeFields(this.root, this.schema, this.ctx, this.path);
    return this.wrap(h("div", { class: "nested" }, this.children.map((c) => c.element)), { group: true });
  }
  read() {
    const { value, errors } = readFields(this.children);
    if (errors) return { error: "Check the fields above.", silent: true };
    if (!Object.keys(value).length) return this.missing();
    return { present: true, value };
  }
}

// An object whose properties are all plain values: one row of inputs each.
function isFlatRecord(root, items) {
  const s = deref(root, items);
  if (s.type !== "object" || !s.properties) return false;
  return Object.values(s.properties).every((p) => ["string", "number", "integer"].includes(resolve(root, p).schema.type));
}

function makeField(root, name, raw, required, ctx, parentPath) {
  const { schema, nullable } = resolve(root, raw);
  const opts = { name, path: [...parentPath, name], schema, required, nullable, kind: ctx.kind };
  const type = schema.type;
  let field;
  if (Array.isArray(schema.enum) || "const" in schema) field = new EnumField(opts);
  else if (type === "boolean") field = new BoolField(opts);
  else if (type === "integer" || type === "number") field = new NumberField(opts);
  else if (type === "string" && /(^|_)upload_id$/.test(name)) {
    field = new UploadField(opts, ctx.uploads, uploadCategory(name, schema, ctx.kind));
  } else if (type === "string" && /voice/.test(name) && ctx.voices?.length) {
    field = new VoiceField(opts, ctx.voices, false);
  } else if (type === "array" && /voice/.test(name) && ctx.voices?.length && deref(root, schema.items).type === "string") {
    field = new VoiceField(opts, ctx.voices, true);
  } else if (type === "string") field = new StringField(opts);
  else if (type === "array" && ["string", "number", "integer"].includes(deref(root, schema.items).type)) {
    field = new ListField({ ...opts, schema: { ...schema, items: deref(root, schema.items) } });
  } else if (type === "object" && schema.properties) field = new ObjectField(opts, root, ctx);
  else if (type === "object" && ["string", "number", "integer"].includes(deref(root, schema.additionalProperties).type)) {
    field = new MapField(opts, ctx.voices);
  } else if (type === "array" && isFlatRecord(root, schema.items)) {
    field = new RecordListField(opts, root, deref(root, schema.items), ctx.voices);
  } else field = new JsonField(opts);
  field.render();
  return field;
}

function makeFields(root, schema, ctx, parentPath = []) {
  const required = new Set(schema.required || []);
  return Object.entries(schema.properties || {}).map(([name, raw]) =>
    makeField(root, name, raw, required.has(name), ctx, parentPath),
  );
}

function readFields(fields) {
  const value = {};
  let errors = 0;
  for (const field of fields) {
    if (field.hidden) continue;
    const result = field.read();
    if (result.error) {
      errors += 1;
      if (!result.silent) field.setError(result.error);
    } else {
      field.setError("");
      if (result.present) value[field.name] = result.value;
    }
  }
  return { value, errors };
}

// "Upload a manuscript or paste text": when a schema offers both an upload
// and a text field, one toggle shows one of them and only that one is sent.
function sourceToggle(fields, kind) {
  const upload = fields.find((f) => f instanceof UploadField);
  const text = fields.find((f) => f instanceof StringField && f.name === "text");
  if (!upload || !text) return null;
  const choose = (which) => {
    upload.setHidden(which !== "upload");
    text.setHidden(which !== "text");
  };
  const option = (value, label, checked) =>
    h(
      "label",
      { class: "segment" },
      h("input", { type: "radio", name: `source-${kind}`, value, checked, onchange: () => choose(value) }),
      label,
    );
  choose("upload");
  return h(
    "fieldset",
    { class: "field segmented" },
    h("legend", {}, "Source"),
    option("upload", "Upload a file", true),
    option("text", "Paste text", false),
  );
}

export class FormError extends Error {}

export function buildParamsForm(info, ctx) {
  const root = info.params_schema || {};
  const top = resolve(root, root).schema;
  const fullCtx = { ...ctx, kind: info.kind };
  const fields = makeFields(root, top, fullCtx);
  const toggle = sourceToggle(fields, info.kind);
  const all = (list) => list.flatMap((f) => [f, ...(f.children ? all(f.children) : [])]);
  const element = h(
    "div",
    { class: "params" },
    toggle,
    fields.length ? fields.map((f) => f.element) : h("p", { class: "muted" }, "This kind takes no parameters."),
  );
  return {
    element,
    read() {
      const { value, errors } = readFields(fields);
      if (errors) throw new FormError("Some fields need attention.");
      return value;
    },
    // The API's validation details name fields by their path: show each there.
    markErrors(details) {
      for (const f of all(fields)) f.setError("");
      // details is an object; field problems are its `errors` (older engines: a list)
      const problems = Array.isArray(details) ? details : details?.errors;
      if (!Array.isArray(problems)) return;
      for (const d of problems) {
        const loc = (Array.isArray(d?.loc) ? d.loc : []).filter((p) => p !== "body" && p !== "params").map(String);
        const target = all(fields)
          .filter((f) => loc.slice(0, f.path.length).join(".") === f.path.join("."))
          .sort((a, b) => b.path.length - a.path.length)[0];
        if (target && typeof d.msg === "string") target.setError(d.msg);
      }
    },
  };
}
