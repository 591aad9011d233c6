/**
 * The site's MLLP listener answers what it cannot file with ACKs of its own (AR for an
 * unreadable frame or one over maxFrameBytes): their MSH-10 is counted per site (GLL<now><n>),
 * on the site's clock, not from state shared by every listener in the process.
 */
import { describe, expect, it } from 'vitest';
import { Hl7Message } from '../../src/hl7/index.js';
import { rawExchange, testSite } from './helpers.js';

const NOW = Date.UTC(2026, 2, 27, 14, 30, 0);
const big = `MSH|^~\\&|TESTAPP|TESTFAC|GOLIVE-SITE|REFHOSP|20260327143000||ADT^A01|BIG1|P|2.5.1\rNTE|1||${'x'.repeat(2048)}\r`;

describe('site listener ACK ids', () => {
  it('two sites in one process each count their own, on their clock', async () => {
    const one = await testSite({ clock: () => NOW, maxFrameBytes: 1024 });
    const two = await testSite({ clock: () => NOW });
    const a = await rawExchange(one.site.mllp.port, ['not HL7 at all', big]);
    const b = await rawExchange(two.site.mllp.port, ['not HL7 either']);
    const ids = (acks: string[]) => acks.map((t) => Hl7Message.parse(t).get('MSH-10'));
    expect(a.map((t) => Hl7Message.parse(t).get('MSA-1'))).toEqual(['AR', 'AR']);
    expect(ids(a)).toEqual([`GLL${NOW}1`, `GLL${NOW}2`]);
    expect(ids(b)).toEqual([`GLL${NOW}1`]);
  });

  it('the ACKs of filed messages are counted per site too (GLA<now><n>)', async () => {
    const one = await testSite({ clock: () => NOW });
    const two = await testSite({ clock: () => NOW });
    const adt = (id: string) =>
      `MSH|^~\\&|TESTAPP|TESTFAC|GOLIVE-SITE|REFHOSP|20260327143000||ADT^A04|${id}|P|2.5.1\rPID|1||MRN${id}^^^REFHOSP^MR||DOE^JANE||19800101|F\r`;
    const a = await rawExchange(one.site.mllp.port, [adt('A1'), adt('A2')]);
    const b = await rawExchange(two.site.mllp.port, [adt('B1')]);
    const ids = (acks: string[]) => acks.map((t) => Hl7Message.parse(t).get('MSH-10'));
    expect(ids(a)).toEqual([`GLA${NOW}1`, `GLA${NOW}2`]);
    expect(ids(b)).toEqual([`GLA${NOW}1`]);
  });

  it('a message over the parse caps is answered AR with its parse error, not filed', async () => {
    const { site } = await testSite({ clock: () => NOW });
    const wide = big.replace('BIG1', 'WIDE1').replace(/NTE.*\r$/, `ZZZ${'|'.repeat(20_000)}\r`);
    const [ack] = await rawExchange(site.mllp.port, [wide]);
    const a = Hl7Message.parse(ack!);
    expect(a.get('MSA-1')).toBe('AR');
    expect(a.get('MSA-2')).toBe('WIDE1');
    expect(a.get('ERR-8')).toMatch(/has more than 10000 fields/);
    expect(a.get('MSH-10')).toBe(`GLL${NOW}1`);
  });
});
