// Writes the `offsign` entry's declarations: the primitives' (the core build's .d.ts, which
// the entry re-exports) and, from the Device's build, what only it declares (the `Device`
// class, the types it takes and gives, `phrases`). The Device's wasm leaves the primitives'
// exports out, so neither build's .d.ts alone describes the entry.
// Usage: node entry-types.mjs CORE.d.ts DEVICE.d.ts > offsign.d.ts
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const [corePath, devicePath] = process.argv.slice(2);
const parse = (path) => ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
const core = parse(corePath);
const device = parse(devicePath);
/** What a top-level statement declares: its name, or its text when it has none. */
const nameOf = (statement) => statement.name?.text ?? statement.getText();
const declared = new Set(core.statements.map(nameOf));
const onlyDevice = device.statements.filter((s) => !declared.has(nameOf(s)));
// Before the core's init declarations (InitInput and what follows), as wasm-bindgen orders them.
const init = core.statements.findIndex((s) => nameOf(s) === 'InitInput');
const text = core.getFullText();
const at = init < 0 ? text.length : core.statements[init].getFullStart();
process.stdout.write(text.slice(0, at) + onlyDevice.map((s) => s.getFullText()).join('') + text.slice(at));
