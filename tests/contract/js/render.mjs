// Expand Adaptive Card templates with the official JS engine (npm adaptivecards-templating).
// stdin: a JSON array of {"template": {...}, "data": {...}}; stdout: a JSON array of expanded cards.
// Used by tests/contract/test_card_parity.py to compare with shared/adapters/cards/renderer.py.
import templating from "adaptivecards-templating";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const jobs = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const cards = jobs.map(({ template, data }) => new templating.Template(template).expand({ $root: data }));
process.stdout.write(JSON.stringify(cards));
