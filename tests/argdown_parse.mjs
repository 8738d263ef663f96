// Parse Argdown text (stdin) with @argdown/core's parser and model plugins and print, as
// JSON, what the model holds: statements, arguments, relations and every lexer, parser or
// model error. Used by tests/test_argdown.py; run `npm ci` first.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { ArgdownApplication, ParserPlugin, ModelPlugin } = require("@argdown/core");

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = Buffer.concat(chunks).toString("utf8");

const app = new ArgdownApplication();
app.addPlugin(new ParserPlugin(), "parse-input");
app.addPlugin(new ModelPlugin(), "build-model");
const response = app.run({ input, process: ["parse-input", "build-model"], logLevel: "none", throwExceptions: false, logExceptions: false });

// An element's text is on the member that defines it; references add members without text.
const text = (element) => (element.members || []).map((m) => m.text).find((t) => t) ?? "";
const errors = [
  ...(response.lexerErrors || []).map((e) => `lexer: ${e.message} (line ${e.line})`),
  ...(response.parserErrors || []).map((e) => `parser: ${e.message} (line ${e.token?.startLine})`),
  ...(response.exceptions || []).map((e) => `exception: ${e.message}`),
];
console.log(JSON.stringify({
  errors,
  sections: (response.sections || []).map((s) => s.title),
  statements: Object.values(response.statements || {}).map((s) => ({ title: s.title, text: text(s), tags: s.tags || [] })),
  arguments: Object.values(response.arguments || {}).map((a) => ({ title: a.title, text: text(a) })),
  relations: (response.relations || []).map((r) => ({ from: r.from?.title, to: r.to?.title, type: r.relationType })),
}, null, 1));
