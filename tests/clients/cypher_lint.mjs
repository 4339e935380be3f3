// Lints a Cypher script with Neo4j's own parser and semantic analysis
// (@neo4j-cypher/language-support, lintCypherQuery, no database schema).
//
// Usage: node cypher_lint.mjs FILE
// Prints one JSON value on standard output:
//   {"diagnostics": [{"severity": 1|2|3|4, "message": "...", "line": L, "column": C}], "errors": K}
// severity follows the LSP (1 Error, 2 Warning, 3 Information, 4 Hint); line and column are
// 1-based (column counted in UTF-16 units, as the library does); errors counts severity 1.
// Exits 0 whatever the diagnostics say (the caller decides); non-zero when it cannot lint.
import { readFileSync } from 'node:fs';
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node cypher_lint.mjs FILE\n');
  process.exit(2);
}
let text;
try {
  text = readFileSync(file, 'utf8');
} catch (e) {
  process.stderr.write(`cypher_lint: cannot read ${file}: ${e.message}\n`);
  process.exit(2);
}

// The library splits the text into statements itself (at `;`) and lints each one; positions
// it reports are already relative to the whole text.
const { diagnostics } = lintCypherQuery(text, {}, { consoleCommandsEnabled: false });
const out = diagnostics.map((d) => ({
  severity: d.severity,
  message: d.message,
  line: d.range.start.line + 1,
  column: d.range.start.character + 1,
}));
process.stdout.write(
  JSON.stringify({ diagnostics: out, errors: out.filter((d) => d.severity === 1).length }) + '\n',
);
