import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCursor as runCursor } from '../../../../src/api/pagination';
import { cursorScope } from '../../../../src/api/routes/history-params';
import { isVigilError } from '../../../../src/errors';
import { encodeCursor as storedCursor } from '../../../../src/history';

describe('cursorScope: which history a GET /v1/events cursor pages', () => {
  const filter = { cameras: ['gate'], types: null, identities: null, from: null, to: 1 };
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const cases: [string, string, 'run' | 'stored' | 'refused'][] = [
    ['a run cursor as the route makes it', runCursor({ run: 'r-1', before: 42 }), 'run'],
    ['a stored cursor as the history makes it', storedCursor(filter, { time: 5, id: 9 }), 'stored'],
    ['another list\'s cursor (identities)', runCursor({ after: 'Lin' }), 'refused'],
    ['a run cursor with the wrong types', b64({ run: 7, before: '42' }), 'refused'],
    ['a stored cursor of another version', b64({ v: 2, f: {}, p: {} }), 'refused'],
    ['an array', b64([1, 2]), 'refused'],
    ['JSON null', b64(null), 'refused'],
    ['not base64 JSON', 'bm90LWEtY3Vyc29y', 'refused'],
    ['empty', '', 'refused'],
  ];
  for (const [what, cursor, expected] of cases) {
    it(`${what}: ${expected}`, () => {
      if (expected !== 'refused') return assert.equal(cursorScope(cursor), expected);
      assert.throws(() => cursorScope(cursor), (e: unknown) => isVigilError(e) && e.code === 'VIGIL_ERR_BAD_REQUEST' && e.details.field === 'querystring.cursor');
    });
  }
});
