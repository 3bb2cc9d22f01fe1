// Writes PROTOCOL.md, the /v1 sync protocol for those who bring their own server, from the
// server's OpenAPI document (server/api/openapi.json, which the server's tests hold to the
// wire types): every endpoint with its request, its answers and the members of each body.
// Usage: node protocol.mjs OPENAPI_JSON OUT_MD
import { readFileSync, writeFileSync } from 'node:fs';

const [openapiPath, out] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(openapiPath, 'utf8'));
const { schemas, responses: sharedResponses = {} } = doc.components;

const refName = (ref) => ref.split('/').at(-1);
/** A schema as a short type: a link to a named schema, an enum, an array of one. */
function typeOf(schema) {
  if (!schema) return '';
  if (schema.$ref) return `[${refName(schema.$ref)}](#${refName(schema.$ref).toLowerCase()})`;
  if (schema.enum) return schema.enum.length > 6 ? `${schema.type} (a code of the error table)` : schema.enum.map((v) => `\`${v}\``).join(' \\| ');
  if (schema.type === 'array') return `array of ${typeOf(schema.items)}`;
  return schema.type ?? 'any';
}
const cell = (text) => String(text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

const lines = [
  '# The offsign sync protocol (/v1)',
  '',
  `Written from the OpenAPI document of offsign-server ${doc.info.version} (served at \`/openapi.json\`).`,
  `${doc.info.description} A device (the \`Device\` of the npm package) talks to the server`,
  'with these requests only; a server of your own that answers them as described serves it.',
  'Records, certificates, revocation lists, receipts and signed answers are compact JWS',
  '(`alg: "Ed25519"`), their payloads described in the package README.',
  '',
  '| request | what it does | answers |',
  '|---|---|---|',
];
const endpoints = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));
for (const { path, method, op } of endpoints) {
  lines.push(`| \`${method} ${path}\` | ${cell(op.summary)} | ${Object.keys(op.responses).join(', ')} |`);
}
for (const { path, method, op } of endpoints) {
  lines.push('', `## ${method} ${path}`, '', cell(op.summary) + (op.description ? `. ${op.description}` : ''), '');
  const body = op.requestBody?.content?.['application/json']?.schema;
  if (body) lines.push(`Request body (JSON): ${typeOf(body)}.`, '');
  const otherBody = !body && op.requestBody && Object.keys(op.requestBody.content)[0];
  if (otherBody) lines.push(`Request body: \`${otherBody}\`.`, '');
  const headers = (op.parameters ?? []).filter((p) => p.in === 'header');
  if (headers.length) lines.push(`Request headers: ${headers.map((h) => `\`${h.name}\` (${cell(h.description)})`).join('; ')}.`, '');
  for (const [status, answer] of Object.entries(op.responses)) {
    const resolved = answer.$ref ? sharedResponses[refName(answer.$ref)] : answer;
    const schema = resolved?.content && Object.values(resolved.content)[0]?.schema;
    lines.push(`- **${status}**: ${cell(resolved?.description)}${schema ? ` — ${typeOf(schema)}` : ''}`);
  }
}
lines.push('', '## Bodies');
for (const [name, schema] of Object.entries(schemas)) {
  lines.push('', `### ${name}`, '');
  if (schema.description) lines.push(cell(schema.description), '');
  if (schema.properties) {
    lines.push('| member | type | required | meaning |', '|---|---|---|---|');
    for (const [member, property] of Object.entries(schema.properties)) {
      lines.push(`| \`${member}\` | ${typeOf(property)} | ${schema.required?.includes(member) ? 'yes' : ''} | ${cell(property.description)} |`);
    }
  } else {
    lines.push(`${typeOf(schema)}${schema.enum && schema.enum.length > 6 ? `: ${schema.enum.map((v) => `\`${v}\``).join(', ')}` : ''}.`);
  }
}
writeFileSync(out, `${lines.join('\n')}\n`);
