#!/usr/bin/env node
// Makes a committed fixture out of a reference.mjs output whose prompts the test generates itself
// (the 32k case, LongContextCase.java): each chat's messages, rendered text and tokens are replaced by
// token_count and tokens_sha256 (sha256 of the token list as JSON without spaces); everything llama.cpp
// computed (greedy tokens, top logits, settings, checks) is kept as it is.
//
//   node slim-fixture.mjs full.json fixture.json
import crypto from "node:crypto";
import fs from "node:fs";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
    console.error("usage: node slim-fixture.mjs full.json fixture.json");
    process.exit(2);
}
const reference = JSON.parse(fs.readFileSync(input, "utf8"));
for (const chat of reference.chats) {
    chat.token_count = chat.tokens.length;
    chat.tokens_sha256 = crypto.createHash("sha256").update(JSON.stringify(chat.tokens)).digest("hex");
    for (const bulky of ["messages", "rendered", "rendered_by_llama_cpp", "tokens"]) delete chat[bulky];
}
fs.writeFileSync(output, format(reference) + "\n");
console.log(`wrote ${output}: ${reference.chats.map((c) => `${c.id} ${c.token_count} tokens`).join(", ")}`);

// The layout reference.mjs writes: every list of numbers and every row of [token, logit] pairs on one line.
function format(value, indent = "") {
    const scalar = (v) => typeof v !== "object" || v === null;
    const flat = (v) => scalar(v) || (Array.isArray(v) && v.every((x) => scalar(x) || (Array.isArray(x) && x.every(scalar))));
    if (flat(value)) return JSON.stringify(value);
    const inner = indent + "  ";
    if (Array.isArray(value)) return `[\n${value.map((v) => inner + format(v, inner)).join(",\n")}\n${indent}]`;
    return `{\n${Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`).join(",\n")}\n${indent}}`;
}
