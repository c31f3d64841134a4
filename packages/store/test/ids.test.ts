import { describe, expect, it } from 'vitest';
import { ID_LENGTH, isValidId, newId } from '@shoal/store';

describe('ids', () => {
  it('newId gives 25 printable [a-z0-9] characters, valid, and does not repeat', () => {
    const ids = Array.from({ length: 2000 }, newId);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z0-9]{25}$/);
      expect(isValidId(id)).toBe(true);
    }
    expect(ID_LENGTH).toBe(25);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses the whole alphabet', () => {
    const seen = new Set(Array.from({ length: 200 }, newId).join(''));
    expect(seen.size).toBe(36);
  });

  it('isValidId: 20 to 64 lowercase letters and digits', () => {
    expect(isValidId('a'.repeat(20))).toBe(true);
    expect(isValidId('a'.repeat(64))).toBe(true);
    for (const bad of ['a'.repeat(19), 'a'.repeat(65), 'A'.repeat(25), `${'a'.repeat(24)}-`, 42, undefined]) {
      expect(isValidId(bad)).toBe(false);
    }
  });
});
