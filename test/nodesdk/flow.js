// Drives the published Skyflow Node SDK (skyflow-node, the v1 API),
// unmodified, through the emulator's proxy: every call goes to
// https://{cluster}.vault.skyflowapis.com, manage.skyflowapis.com or
// {cluster}.gateway.skyflowapis.com, which axios sends to HTTPS_PROXY as
// absolute-URI requests. nodesdk_test.go starts the emulator, sets the
// environment from its ready line and runs this file; any failed assertion
// exits non-zero. Only ids and step names are printed, never values.
'use strict';

const assert = require('node:assert/strict');
const { Skyflow, generateBearerToken, setLogLevel, LogLevel } = require('skyflow-node');

const cfg = JSON.parse(process.env.SKYFLOW_MOCK);
setLogLevel(LogLevel.OFF);

function step(name) {
  process.stdout.write(`step: ${name}\n`);
}

async function main() {
  step('bearer token from the credentials file');
  const minted = await generateBearerToken(cfg.credentials_path);
  assert.equal(minted.tokenType, 'Bearer');
  assert.equal(minted.accessToken.split('.').length, 3, 'the access token is a JWT');

  const client = Skyflow.init({
    vaultID: cfg.vault_id,
    vaultURL: cfg.vault_url,
    getBearerToken: () => generateBearerToken(cfg.credentials_path).then((t) => t.accessToken),
  });

  const table = 'table1';
  const values = {
    card_number: '4111 1111 1111 1111',
    cardholder_name: 'John Smith',
    email: `node-${process.pid}-${Date.now()}@example.com`,
    ssn: '123-45-6789',
  };

  step('insert with tokens');
  const inserted = await client.insert({ records: [{ table, fields: values }] }, { tokens: true });
  assert.equal(inserted.records.length, 1);
  const rec = inserted.records[0];
  assert.equal(rec.table, table);
  assert.equal(rec.request_index, 0);
  const id = rec.fields.skyflow_id;
  assert.match(id, /^[0-9a-f-]{36}$/);
  for (const column of Object.keys(values)) {
    assert.equal(typeof rec.fields[column], 'string', `a token for ${column}`);
    assert.notEqual(rec.fields[column], values[column], `the token of ${column} is not its value`);
  }
  process.stdout.write(`inserted: ${id}\n`);

  step('detokenize');
  const columns = Object.keys(values);
  const detok = await client.detokenize({
    records: columns.map((c) => ({ token: rec.fields[c], redaction: Skyflow.RedactionType.PLAIN_TEXT })),
  });
  assert.equal(detok.records.length, columns.length);
  for (const c of columns) {
    const got = detok.records.find((r) => r.token === rec.fields[c]);
    assert.ok(got, `detokenized ${c}`);
    assert.equal(got.value, values[c], `the token of ${c} detokenizes to its value`);
  }
  const masked = await client.detokenize({ records: [{ token: rec.fields.ssn, redaction: Skyflow.RedactionType.MASKED }] });
  assert.equal(masked.records[0].value, 'XXX-XX-6789');

  step('get by id');
  const byId = await client.getById({ records: [{ ids: [id], table, redaction: Skyflow.RedactionType.PLAIN_TEXT }] });
  assert.equal(byId.records.length, 1);
  assert.equal(byId.records[0].table, table);
  assert.deepEqual(byId.records[0].fields, { id, ...values });
  const viaGet = await client.get({ records: [{ ids: [id], table, redaction: Skyflow.RedactionType.PLAIN_TEXT }] });
  assert.deepEqual(viaGet.records[0].fields, { id, ...values });

  step('update');
  const updated = await client.update({ records: [{ id, table, fields: { cardholder_name: 'Jane Roe' } }] }, { tokens: true });
  assert.equal(updated.records.length, 1);
  assert.equal(updated.records[0].id, id);
  const newToken = updated.records[0].fields.cardholder_name;
  assert.equal(typeof newToken, 'string');
  const again = await client.detokenize({ records: [{ token: newToken, redaction: Skyflow.RedactionType.PLAIN_TEXT }] });
  assert.equal(again.records[0].value, 'Jane Roe');
  const afterUpdate = await client.getById({ records: [{ ids: [id], table, redaction: Skyflow.RedactionType.PLAIN_TEXT }] });
  assert.equal(afterUpdate.records[0].fields.cardholder_name, 'Jane Roe');
  assert.equal(afterUpdate.records[0].fields.email, values.email);

  step('invoke connection');
  const echoed = await client.invokeConnection({
    connectionURL: cfg.connection_url,
    methodName: Skyflow.RequestMethod.POST,
    pathParams: { card_id: 'card-42' },
    queryParams: { currency: 'USD' },
    requestHeader: { 'X-Client': 'node-sdk' },
    requestBody: { amount: 10, card: { number: 'xyz' } },
  });
  assert.equal(echoed.method, 'POST');
  assert.deepEqual(echoed.path_params, { card_id: 'card-42' });
  assert.deepEqual(echoed.query, { currency: ['USD'] });
  assert.deepEqual(echoed.body, { amount: 10, card: { number: 'xyz' } });
  assert.deepEqual(echoed.headers['X-Client'], ['node-sdk']);
  assert.equal(echoed.headers['X-Skyflow-Authorization'], undefined, 'the echo never repeats the credential');

  step('delete');
  const deleted = await client.delete({ records: [{ id, table }] });
  assert.deepEqual(deleted.records, [{ skyflow_id: id, deleted: true }]);
  await assert.rejects(
    client.getById({ records: [{ ids: [id], table, redaction: Skyflow.RedactionType.PLAIN_TEXT }] }),
    (err) => {
      assert.equal(err.errors.length, 1);
      assert.equal(err.errors[0].error.code, 404);
      assert.match(err.errors[0].error.description, /requestId: [0-9a-f-]{36}/);
      return true;
    },
  );

  process.stdout.write('ok: skyflow-node flow passed\n');
}

main().catch((err) => {
  const detail = err && err.stack ? err.stack : JSON.stringify(err);
  process.stderr.write(`skyflow-node flow failed: ${detail}\n`);
  process.exit(1);
});
