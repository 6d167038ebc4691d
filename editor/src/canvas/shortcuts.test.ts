import { describe, expect, it } from 'vitest';
import { commandFor } from './shortcuts';

const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) =>
  commandFor({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe('keyboard shortcuts', () => {
  it('maps Ctrl and Cmd combinations to editor commands', () => {
    expect(press('z', { ctrlKey: true })).toBe('undo');
    expect(press('Z', { ctrlKey: true, shiftKey: true })).toBe('redo');
    expect(press('y', { ctrlKey: true })).toBe('redo');
    expect(press('c', { metaKey: true })).toBe('copy');
    expect(press('v', { ctrlKey: true })).toBe('paste');
    expect(press('s', { ctrlKey: true })).toBe('save');
    expect(press('?', { shiftKey: true })).toBe('help');
  });

  it('leaves other keys alone', () => {
    expect(press('z')).toBeNull();
    expect(press('c')).toBeNull();
    expect(press('z', { ctrlKey: true, altKey: true })).toBeNull();
    expect(press('a', { ctrlKey: true })).toBeNull();
  });
});
