'use strict';
// `multiprom check --format sarif` must be a valid SARIF 2.1.0 log: validated
// against the OASIS schema (shipped in the @microsoft/jest-sarif package) with
// ajv, plus the properties code-scanning relies on (rules with help,
// relative URIs under %SRCROOT%, partial fingerprints).
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const Ajv = require('ajv');
const fs = require('node:fs');
const os = require('node:os');
const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

// The SARIF schema is draft-04; ajv 6 needs that meta-schema added.
function newAjv(opts) {
  const ajv = new Ajv({ schemaId: 'auto', ...opts });
  ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
  return ajv;
}

const bin = process.env.MULTIPROM_BIN;
const repo = path.resolve(__dirname, '..', '..', '..');

function sarifOf(args) {
  try {
    return execFileSync(bin, ['check', '--format', 'sarif', ...args], { cwd: repo, encoding: 'utf8' });
  } catch (err) {
    if (err.status === 1) return err.stdout; // findings: exit 1 is expected
    throw err;
  }
}

test('SARIF output validates against the 2.1.0 schema', { skip: !bin && !process.env.CI && 'MULTIPROM_BIN not set' }, () => {
  assert.ok(bin, 'MULTIPROM_BIN must be set under CI');
  const log = JSON.parse(sarifOf(['testdata/demo']));
  const ajv = newAjv({ allErrors: true });
  const validate = ajv.compile(schema);
  assert.ok(validate(log), ajv.errorsText(validate.errors, { separator: '\n' }));
  // The validator can fail: a broken copy (a level SARIF does not know) is rejected.
  const broken = JSON.parse(JSON.stringify(log));
  broken.runs[0].results[0].level = 'fatal';
  assert.ok(!validate(broken), 'the schema check must reject an invalid log');

  const run = log.runs[0];
  assert.strictEqual(log.version, '2.1.0');
  const ruleIds = run.tool.driver.rules.map((r) => r.id);
  assert.ok(ruleIds.includes('MP301'));
  for (const r of run.tool.driver.rules) {
    assert.ok(r.help && r.help.text.includes(r.id), `rule ${r.id} has help text`);
    assert.ok(r.helpUri.endsWith('#' + r.id.toLowerCase()));
  }
  assert.ok(run.results.length >= 4, 'the demo has at least four findings');
  for (const res of run.results) {
    const loc = res.locations[0].physicalLocation;
    assert.strictEqual(loc.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.ok(!path.isAbsolute(loc.artifactLocation.uri), 'relative URI');
    assert.ok(res.partialFingerprints.primaryLocationLineHash);
    assert.strictEqual(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
  }
});

test('a clean project is a valid SARIF log with no results', { skip: !bin && !process.env.CI && 'MULTIPROM_BIN not set' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multiprom-sarif-'));
  fs.writeFileSync(path.join(dir, 'app.py'), 'print("hello")\n');
  const log = JSON.parse(sarifOf([dir]));
  const ajv = newAjv();
  assert.ok(ajv.validate(schema, log), ajv.errorsText());
  assert.deepStrictEqual(log.runs[0].results, []);
  fs.rmSync(dir, { recursive: true, force: true });
});
