import { describe, expect, it } from 'vitest';
import { errorCode, errorMessage, errorName } from './errors.js';

describe('what a caught value says', () => {
  it('reads an Error, and whatever else was thrown, without claiming it is an Error', () => {
    const e = Object.assign(new TypeError('no such file'), { code: 'ENOENT' });
    expect([errorMessage(e), errorName(e), errorCode(e)]).toEqual(['no such file', 'TypeError', 'ENOENT']);
    expect([errorMessage('plain text'), errorName('plain text'), errorCode('plain text')]).toEqual(['plain text', undefined, undefined]);
    expect([errorMessage(null), errorCode({ code: 42 }), errorCode(undefined)]).toEqual(['null', undefined, undefined]);
  });
});
