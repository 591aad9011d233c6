/**
 * What test/lint/corpus.test.ts checks on the shared corpora (every file linted from disk without
 * a crash, each finding located in its file with an action), checked on files the project writes
 * itself: BOM, LF and CRLF terminators, custom delimiters, escapes, repetitions, Z-segments,
 * non-ASCII text, a correction without its final, and a thousand-message simulator file.
 * The rules themselves are tested one by one in the other files of this folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintInputs } from '../../src/lint/index.js';
import { generatedMessages, oneMessagePerLine, syntheticFiles } from '../helpers/synthetic-hl7.js';

const NOW = Date.parse('2026-11-27T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'golive-lint-synthetic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lint of synthetic files', () => {
  it('each edge-case file lints to exactly the defect planted in it, whatever its encoding', async () => {
    for (const f of syntheticFiles()) {
      const file = join(dir, f.name);
      writeFileSync(file, f.text);
      const r = await lintInputs([file], { nowMs: NOW });
      expect([f.name, r.summary.messages]).toEqual([f.name, 1]);
      // Only the corrected result is planted: an OBX-11 C with no final before it.
      const planted =
        f.case.name === 'corrected-result' ? { 'update.correction-without-final': 1 } : {};
      expect([f.name, r.summary.byRule]).toEqual([f.name, planted]);
      for (const x of r.findings) {
        expect(x.location?.file).toBe(file);
        expect(x.action.length).toBeGreaterThan(0);
      }
    }
  });

  it('a one-message-per-line simulator file lints without a crash, every finding located', async () => {
    const file = join(dir, 'simulator.hl7');
    writeFileSync(file, oneMessagePerLine(generatedMessages(1000, 5)));
    const r = await lintInputs([file], { nowMs: NOW });
    expect(r.summary.messages).toBe(1000);
    // Simulator timestamps carry no zone and no site zone is set: one finding per message.
    expect(r.summary.byRule['time.missing-zone']).toBe(1000);
    expect(r.summary.byRule['structure.garbage']).toBeUndefined();
    for (const x of r.findings) {
      expect(x.location?.file).toBe(file);
      expect(x.action.length).toBeGreaterThan(0);
    }
  });
});
