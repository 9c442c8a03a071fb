import { describe, expect, it } from 'vitest';

import { KeyRedactor, REDACTED } from '../../src/spans/redaction.js';

const DEFAULT_SECRETS = [
  'password',
  'PASSWORD',
  'Password',
  'passwd',
  'user_password',
  'db.password',
  'passphrase',
  'secret',
  'client_secret',
  'secretKey',
  'token',
  'accessToken',
  'refresh_token',
  'id_token',
  'apiKey',
  'api_key',
  'api-key',
  'api.key',
  'X-Api-Key',
  'APIKEY',
  'authorization',
  'Authorization',
  'Proxy-Authorization',
  'authorisation',
  'cookie',
  'Set-Cookie',
  'credential',
  'credentials',
  'aws_credentials',
  'private_key',
  'privateKey',
  'private-key',
  'sessionId',
  'session_id',
  'session-id',
  'SESSION.ID',
];

const NOT_SECRETS = [
  'path',
  'rows',
  'user',
  'username',
  'name',
  'id',
  'key',
  'keys',
  'keyboard',
  'monkey',
  'author',
  'auth_method',
  'session',
  'count',
  'data',
  'url',
  'email',
  'status',
  'private',
  'api',
  'pass',
  'result',
  '',
];

describe('KeyRedactor', () => {
  it('has "[REDACTED]" as its placeholder', () => {
    expect(REDACTED).toBe('[REDACTED]');
  });

  it.each(DEFAULT_SECRETS)('redacts %j by default', (key) => {
    expect(new KeyRedactor().isSecret(key)).toBe(true);
  });

  it.each(NOT_SECRETS)('does not redact %j', (key) => {
    expect(new KeyRedactor().isSecret(key)).toBe(false);
  });

  it('compares user-supplied names without regard to case', () => {
    const redactor = new KeyRedactor(['SSN', 'Card_Number']);
    expect(redactor.isSecret('ssn')).toBe(true);
    expect(redactor.isSecret('Ssn')).toBe(true);
    expect(redactor.isSecret('SSN')).toBe(true);
    expect(redactor.isSecret('card_number')).toBe(true);
    expect(redactor.isSecret('CARD_NUMBER')).toBe(true);
  });

  it('matches user-supplied names whole, not as substrings', () => {
    const redactor = new KeyRedactor(['ssn']);
    expect(redactor.isSecret('ssn_last4')).toBe(false);
    expect(redactor.isSecret('my_ssn')).toBe(false);
    expect(redactor.isSecret('lessns')).toBe(false);
  });

  it('matches user-supplied patterns anywhere, with their own flags', () => {
    const redactor = new KeyRedactor([/acct/, /^X-Internal-/i]);
    expect(redactor.isSecret('acct')).toBe(true);
    expect(redactor.isSecret('bank_acct_no')).toBe(true);
    // The pattern has no `i` flag, so case matters.
    expect(redactor.isSecret('ACCT')).toBe(false);
    expect(redactor.isSecret('x-internal-trace')).toBe(true);
    expect(redactor.isSecret('trace-x-internal-')).toBe(false);
  });

  it('keeps the default list when extra names or patterns are given', () => {
    const redactor = new KeyRedactor(['ssn', /^acct/]);
    expect(redactor.isSecret('password')).toBe(true);
    expect(redactor.isSecret('Authorization')).toBe(true);
    expect(redactor.isSecret('path')).toBe(false);
  });

  it('answers a global-flag RegExp the same for every key, however often used', () => {
    const pattern = /card/g;
    const redactor = new KeyRedactor([pattern]);
    for (let i = 0; i < 20; i++) {
      expect(redactor.isSecret(`card_${i}`)).toBe(true);
      expect(redactor.isSecret(`my_card_${i}`)).toBe(true);
      expect(redactor.isSecret(`row_${i}`)).toBe(false);
    }
  });

  it('is not misled by a lastIndex left on a shared global RegExp', () => {
    const pattern = /card/g;
    const redactor = new KeyRedactor([pattern]);
    pattern.lastIndex = 100;
    expect(redactor.isSecret('card')).toBe(true);
    pattern.test('xx card');
    expect(redactor.isSecret('card_2')).toBe(true);
  });

  it('answers a sticky RegExp from the start of every key', () => {
    const redactor = new KeyRedactor([/pin/y]);
    expect(redactor.isSecret('pin_code')).toBe(true);
    expect(redactor.isSecret('pin')).toBe(true);
    expect(redactor.isSecret('spin')).toBe(false);
    expect(redactor.isSecret('pin2')).toBe(true);
  });

  it('gives the same answer when asked again for a cached key', () => {
    const redactor = new KeyRedactor(['ssn']);
    for (let i = 0; i < 3; i++) {
      expect(redactor.isSecret('ssn')).toBe(true);
      expect(redactor.isSecret('path')).toBe(false);
    }
  });

  it('keeps answering correctly past the cache size', () => {
    const redactor = new KeyRedactor(['ssn']);
    for (let i = 0; i < 5000; i++) {
      expect(redactor.isSecret(`field_${i}`)).toBe(false);
    }
    expect(redactor.isSecret('token_9999')).toBe(true);
    expect(redactor.isSecret('SSN')).toBe(true);
    expect(redactor.isSecret('rows')).toBe(false);
  });

  it('redacts only the default list when no extra names are given', () => {
    const redactor = new KeyRedactor([]);
    expect(redactor.isSecret('ssn')).toBe(false);
    expect(redactor.isSecret('token')).toBe(true);
  });
});

describe('KeyRedactor: the words of a key may be set apart by any run of separators', () => {
  // Configuration keys join words by more than one character: .NET's
  // `Api__Key`, `private. key`, padding with spaces or tabs.
  it.each([
    'api__key',
    'API--KEY',
    'Api  Key',
    'api\tkey',
    'private. key',
    'PRIVATE__KEY',
    'session  id',
    'Session_-_Id',
  ])('redacts %j', (key) => {
    expect(new KeyRedactor().isSecret(key)).toBe(true);
  });
});
