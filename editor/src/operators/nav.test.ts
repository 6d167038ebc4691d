import { describe, expect, it } from 'vitest';
import { can, hasRole, navFor, navPageOf } from './nav';

const labels = (role: Parameters<typeof navFor>[0]) => navFor(role).map((n) => n.label);

describe('navFor', () => {
  it('shows viewers only what they may read', () => {
    expect(labels('viewer')).toEqual(['Workflows', 'Runs', 'Schedules', 'Webhooks', 'Knowledge']);
  });

  it('gives editors nothing more in the header, but lets them change knowledge', () => {
    expect(labels('editor')).toEqual(labels('viewer'));
    expect(can.editKnowledge('editor')).toBe(true);
    expect(can.operate('editor')).toBe(false);
  });

  it('adds the approvals inbox for operators', () => {
    expect(labels('operator')).toEqual(['Workflows', 'Runs', 'Approvals', 'Schedules', 'Webhooks', 'Knowledge']);
  });

  it('shows admins every page', () => {
    expect(labels('admin')).toEqual(['Workflows', 'Runs', 'Approvals', 'Schedules', 'Webhooks', 'Knowledge', 'Secrets', 'Tokens', 'Audit']);
  });
});

describe('roles', () => {
  it('orders viewer < editor < operator < admin', () => {
    expect(hasRole('operator', 'editor')).toBe(true);
    expect(hasRole('editor', 'operator')).toBe(false);
    expect(hasRole('admin', 'admin')).toBe(true);
  });
});

describe('navPageOf', () => {
  it('marks the section a detail page belongs to', () => {
    expect(navPageOf('run')).toBe('runs');
    expect(navPageOf('versions')).toBe('workflows');
    expect(navPageOf('collection')).toBe('collections');
    expect(navPageOf('audit')).toBe('audit');
    expect(navPageOf('not-found')).toBeUndefined();
  });
});
